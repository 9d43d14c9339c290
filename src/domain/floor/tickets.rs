//! Tickets: numbers, priority, the check-in window and the walk-in cap.

use super::*;

// --- Tickets ---------------------------------------------------------------

/// How a participant came to the branch. Serializes as its code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TicketKind {
    /// No booking (or not within its check-in window): prefix `A`.
    WalkIn,
    /// A booking checked in at the kiosk, or an online participant: `B`.
    Booked,
}

impl TicketKind {
    pub const ALL: [TicketKind; 2] = [TicketKind::WalkIn, TicketKind::Booked];

    /// Stable code (API, database).
    pub const fn code(self) -> &'static str {
        match self {
            TicketKind::WalkIn => "walk_in",
            TicketKind::Booked => "booked",
        }
    }

    /// Inverse of [`TicketKind::code`].
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    /// The letter in front of the ticket number.
    pub const fn prefix(self) -> char {
        match self {
            TicketKind::WalkIn => 'A',
            TicketKind::Booked => 'B',
        }
    }

    pub const fn label_id(self) -> &'static str {
        match self {
            TicketKind::WalkIn => "Datang langsung",
            TicketKind::Booked => "Sudah terjadwal",
        }
    }

    pub const fn label_en(self) -> &'static str {
        match self {
            TicketKind::WalkIn => "Walk-in",
            TicketKind::Booked => "Booked",
        }
    }
}

serialize_as_code!(TicketKind);

/// The ticket shown and called out: prefix and the day's sequence for this
/// kind (from 1), three digits, four or more from 1000: `A017`, `B004`.
pub fn ticket_number(kind: TicketKind, seq: u32) -> String {
    format!("{}{seq:03}", kind.prefix())
}

/// Reads a ticket number as typed (`a017`, ` B004 `); `None` unless it is
/// in the form [`ticket_number`] writes (so `A17` and `A0017` are refused).
pub fn parse_ticket_number(input: &str) -> Option<(TicketKind, u32)> {
    let s = input.trim();
    let mut chars = s.chars();
    let prefix = chars.next()?.to_ascii_uppercase();
    let kind = TicketKind::ALL.into_iter().find(|k| k.prefix() == prefix)?;
    let digits = chars.as_str();
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let seq: u32 = digits.parse().ok()?;
    (ticket_number(kind, seq).get(1..) == Some(digits)).then_some((kind, seq))
}

/// Priority flagged by the greeter. Serializes as its code.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Priority {
    #[default]
    None,
    Elderly,
    Disability,
    Pregnancy,
}

impl Priority {
    pub const ALL: [Priority; 4] = [
        Priority::None,
        Priority::Elderly,
        Priority::Disability,
        Priority::Pregnancy,
    ];

    /// Stable code (API, database).
    pub const fn code(self) -> &'static str {
        match self {
            Priority::None => "none",
            Priority::Elderly => "elderly",
            Priority::Disability => "disability",
            Priority::Pregnancy => "pregnancy",
        }
    }

    /// Inverse of [`Priority::code`].
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.code() == code)
    }

    /// Whether the ticket goes ahead of the ordinary queue.
    pub const fn is_priority(self) -> bool {
        !matches!(self, Priority::None)
    }

    pub const fn label_id(self) -> &'static str {
        match self {
            Priority::None => "Tanpa prioritas",
            Priority::Elderly => "Lansia",
            Priority::Disability => "Penyandang disabilitas",
            Priority::Pregnancy => "Ibu hamil",
        }
    }

    pub const fn label_en(self) -> &'static str {
        match self {
            Priority::None => "No priority",
            Priority::Elderly => "Elderly",
            Priority::Disability => "Disability",
            Priority::Pregnancy => "Pregnancy",
        }
    }
}

serialize_as_code!(Priority);

/// Whether a booking may check in now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CheckIn {
    Open,
    TooEarly { opens_at: NaiveDateTime },
    Over,
}

impl CheckIn {
    /// Message catalog key when check-in is not open.
    pub const fn detail(self) -> Option<&'static str> {
        match self {
            CheckIn::Open => None,
            CheckIn::TooEarly { .. } => Some(detail::CHECK_IN_TOO_EARLY),
            CheckIn::Over => Some(detail::CHECK_IN_OVER),
        }
    }
}

/// When the check-in of a session starting at `session_start` opens.
pub fn check_in_opens_at(session_start: NaiveDateTime) -> NaiveDateTime {
    session_start
        .checked_sub_signed(TimeDelta::minutes(CHECK_IN_OPENS_MINUTES))
        .unwrap_or(NaiveDateTime::MIN)
}

/// Open from 30 minutes before the start until the end (exclusive).
pub fn check_in_window(
    session_start: NaiveDateTime,
    session_end: NaiveDateTime,
    now: NaiveDateTime,
) -> CheckIn {
    let opens_at = check_in_opens_at(session_start);
    if now >= session_end {
        CheckIn::Over
    } else if now < opens_at {
        CheckIn::TooEarly { opens_at }
    } else {
        CheckIn::Open
    }
}

/// Whether one more walk-in ticket may be issued today: always without a
/// cap, otherwise while fewer than `cap` were issued (`Some(0)`: none).
pub fn walk_in_allowed(issued_today: u32, cap: Option<u32>) -> bool {
    cap.is_none_or(|cap| issued_today < cap)
}
