//! States stored as text (the database keeps snake_case words, so both
//! backends and the audit log read the same values) and used in code as
//! enums: parsed once where a row is read, compared as values everywhere
//! else. [`text_enum!`] declares one.

/// A state word that is not one of the enum's values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownState(pub String);

impl std::fmt::Display for UnknownState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "unknown state {:?}", self.0)
    }
}

impl std::error::Error for UnknownState {}

/// What every [`text_enum!`] enum offers, for code that works over any of
/// them (the database's row parsing, the tests below).
pub trait TextEnum: Copy + Eq + std::fmt::Debug + 'static {
    /// Every value, in declaration order.
    const ALL: &'static [Self];
    /// The stored word.
    fn as_str(self) -> &'static str;
    /// The value of a stored word.
    fn parse(s: &str) -> Result<Self, UnknownState>;
}

/// Declares enums stored as snake_case text:
/// `text_enum! { pub enum BookingStatus { Booked = "booked", … } … }` gives
/// each
/// `as_str()`, `parse()`, `ALL`, [`TextEnum`], `Display`, `FromStr`,
/// `TryFrom<String>` (a row field read as text:
/// `#[diesel(deserialize_as = String)]`) and `Serialize` (as its word).
#[macro_export]
macro_rules! text_enum {
    ($($(#[$m:meta])* pub enum $name:ident { $($(#[$vm:meta])* $variant:ident = $text:literal),+ $(,)? })+) => {$(
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($(#[$vm])* $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn parse(s: &str) -> Result<Self, $crate::domain::status::UnknownState> {
                match s {
                    $($text => Ok($name::$variant),)+
                    other => Err($crate::domain::status::UnknownState(other.to_string())),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::domain::status::UnknownState;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }

        impl TryFrom<String> for $name {
            type Error = $crate::domain::status::UnknownState;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                Self::parse(&s)
            }
        }

        impl $crate::domain::status::TextEnum for $name {
            const ALL: &'static [$name] = $name::ALL;
            fn as_str(self) -> &'static str {
                $name::as_str(self)
            }
            fn parse(s: &str) -> Result<Self, $crate::domain::status::UnknownState> {
                $name::parse(s)
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
    )+};
}

// The stored states (and the two stored codes read from a NIK and the
// holiday table), one table: each area re-exports its own and adds its
// rules in its own module (`domain::floor` for tickets, agents and session
// outcomes, `domain::dossier` for documents, `domain::collective` for
// batches, `domain::nik`, `domain::calendar`). The words are what the migrations' CHECK lists allow (the
// test below holds them to it).
crate::text_enum! {
    /// A booking's state (`bookings.status`): booked, then checked in at the
    /// kiosk, then done or a no-show; or cancelled while still booked.
    pub enum BookingStatus {
        Booked = "booked",
        Cancelled = "cancelled",
        CheckedIn = "checked_in",
        Done = "done",
        NoShow = "no_show",
    }

    /// A claim's state (`claims.status`): `open` until staff decide it,
    /// `verified` or `rejected` then, `paid` when the benefit is paid out.
    pub enum ClaimStatus {
        Open = "open",
        Verified = "verified",
        Rejected = "rejected",
        Paid = "paid",
    }

    /// Where a floor ticket stands (`tickets.status`): waiting in the queue,
    /// being served in a seat, or gone for the day.
    pub enum TicketStatus {
        Waiting = "waiting",
        Serving = "serving",
        Done = "done",
        NoShow = "no_show",
        /// Left the branch before being served.
        Left = "left",
    }

    /// A CS agent's duty on the console (`agents.status`).
    pub enum AgentStatus {
        OnDuty = "on_duty",
        /// On a break: keeps the active sessions, takes no new ones.
        Paused = "paused",
        Off = "off",
    }

    /// A shared computer at a branch (`devices.kind`): the kiosk that
    /// prints tickets, or the computer of one video booth.
    pub enum DeviceKind {
        Kiosk = "kiosk",
        Booth = "booth",
    }

    /// How a floor (or video) session ended (`floor_sessions.outcome`; an
    /// open session has none).
    pub enum Outcome {
        Verified = "verified",
        Rejected = "rejected",
        NoShow = "no_show",
        /// Sent back to the queue.
        Returned = "returned",
        /// Handed to another agent.
        Transferred = "transferred",
    }

    /// A stored claim document (`documents.status`): awaiting review,
    /// reviewed, or removed by its owner (history only, never part of the
    /// dossier).
    pub enum DocStatus {
        /// Awaiting review.
        Uploaded = "uploaded",
        Accepted = "accepted",
        Rejected = "rejected",
        Deleted = "deleted",
    }

    /// One line of a claim's document checklist (computed, not stored).
    pub enum ItemStatus {
        Missing = "missing",
        Uploaded = "uploaded",
        Accepted = "accepted",
        Rejected = "rejected",
    }

    /// A stored collective batch (`collective_batches.status`): checked and
    /// kept, or submitted (one claim per valid row).
    pub enum BatchStatus {
        Validated = "validated",
        Submitted = "submitted",
    }

    /// Sex as encoded in the NIK (day of birth + 40 for women), stored as
    /// `male` / `female` (`participants.sex`).
    pub enum Sex {
        Male = "male",
        Female = "female",
    }

    /// Kind of a day off (`holidays.kind`).
    pub enum HolidayKind {
        /// Hari libur nasional.
        National = "national",
        /// Cuti bersama: collective leave set next to a holiday.
        CollectiveLeave = "cuti_bersama",
    }

    /// Where one worker of a batch stands, as the HR page and CSV show it
    /// (computed from the worker's claim, not stored).
    pub enum WorkerState {
        NotSubmitted = "not_submitted",
        Submitted = "submitted",
        DocumentsComplete = "documents_complete",
        Verified = "verified",
        Rejected = "rejected",
        Paid = "paid",
    }
}

/// Test helpers for the enums declared with [`text_enum!`].
#[cfg(test)]
pub mod testing {
    use super::TextEnum;

    /// The words `CHECK (column IN ('a', …))` allows for `table.column` in
    /// the migrations of `backend` (`sqlite` or `postgres`), from the
    /// `CREATE TABLE` that declares the column or the `ALTER TABLE … ADD
    /// COLUMN` that adds it; empty when it has no such check.
    pub fn check_words(backend: &str, table: &str, column: &str) -> Vec<String> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("migrations")
            .join(backend);
        let mut dirs: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.map(|e| e.path()).unwrap_or_default())
            .collect();
        dirs.sort();
        let head = format!("CREATE TABLE {table} (");
        let added = format!("ALTER TABLE {table} ADD COLUMN {column} ");
        for up in dirs.iter().map(|d| d.join("up.sql")) {
            let sql = std::fs::read_to_string(&up).unwrap_or_default();
            let declared = sql.find(&head).and_then(|start| {
                let body = &sql[start..];
                let body = &body[..body.find(");").unwrap_or(body.len())];
                body.lines()
                    .map(str::trim)
                    .find(|l| l.starts_with(&format!("{column} ")))
            });
            let line = declared.or_else(|| sql.lines().find(|l| l.starts_with(&added)));
            let Some(line) = line else {
                continue;
            };
            let Some(list) = line.split(" IN (").nth(1) else {
                return Vec::new();
            };
            return list
                .split(')')
                .next()
                .unwrap_or("")
                .split(',')
                .map(|w| w.trim().trim_matches('\'').to_string())
                .collect();
        }
        panic!("no column {table}.{column} in {}", dir.display())
    }

    /// Every value round-trips through its word, an unknown word is
    /// refused, and (when `stored` names a `table.column`) the words are
    /// exactly what both backends' CHECK constraint allows.
    pub fn assert_words<T: TextEnum>(stored: Option<(&str, &str)>) {
        for v in T::ALL {
            assert_eq!(T::parse(v.as_str()), Ok(*v));
        }
        assert!(T::parse("").is_err());
        assert!(T::parse(&T::ALL[0].as_str().to_uppercase()).is_err());
        let Some((table, column)) = stored else {
            return;
        };
        let mut ours: Vec<&str> = T::ALL.iter().map(|v| v.as_str()).collect();
        ours.sort_unstable();
        for backend in ["sqlite", "postgres"] {
            let mut allowed = check_words(backend, table, column);
            allowed.sort_unstable();
            assert_eq!(ours, allowed, "{backend}: {table}.{column}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::testing::assert_words;
    use super::*;

    crate::text_enum!(
        /// A test state.
        pub enum Light {
            Red = "red",
            GreenArrow = "green_arrow",
        }
    );

    #[test]
    fn stored_words_are_the_migrations_check_lists() {
        assert_words::<BookingStatus>(Some(("bookings", "status")));
        // claims.status has no CHECK list in the migrations.
        assert_words::<ClaimStatus>(None);
        assert_words::<TicketStatus>(Some(("tickets", "status")));
        assert_words::<AgentStatus>(Some(("agents", "status")));
        assert_words::<DeviceKind>(Some(("devices", "kind")));
        assert_words::<Outcome>(Some(("floor_sessions", "outcome")));
        assert_words::<DocStatus>(Some(("documents", "status")));
        assert_words::<ItemStatus>(None);
        assert_words::<BatchStatus>(Some(("collective_batches", "status")));
        assert_words::<WorkerState>(None);
        assert_words::<Sex>(Some(("participants", "sex")));
        // holidays.kind has no CHECK list in the migrations.
        assert_words::<HolidayKind>(None);
        use crate::domain::consent::{ConsentSource, MessageChannel};
        assert_words::<MessageChannel>(Some(("message_consents", "channel")));
        assert_words::<ConsentSource>(Some(("message_consents", "source")));
    }

    #[test]
    fn reads_a_check_list_from_the_migrations() {
        assert_eq!(
            super::testing::check_words("sqlite", "agents", "status"),
            ["on_duty", "paused", "off"]
        );
        assert!(super::testing::check_words("postgres", "claims", "status").is_empty());
        // A column added to a table later (migration 28).
        for backend in ["sqlite", "postgres"] {
            assert_eq!(
                super::testing::check_words(backend, "message_consents", "lang"),
                ["id", "en"]
            );
        }
        assert_words::<Light>(None);
    }

    #[test]
    fn round_trips_and_refuses_unknown_words() {
        for l in Light::ALL {
            assert_eq!(Light::parse(l.as_str()), Ok(*l));
        }
        assert_eq!(Light::GreenArrow.to_string(), "green_arrow");
        assert!(Light::parse("Red").is_err());
        assert!("blue".parse::<Light>().is_err());
    }
}
