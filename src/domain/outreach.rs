//! Reaching people before their day (issue 19, the 3C way): why a
//! participant is on a branch's outreach worklist, how an attempt to reach
//! them is recorded, and the small rules around it — how far ahead the
//! list looks, how long an agent's claim on an item lasts, what a staff
//! list shows of a participant before an agent takes the item.

use chrono::{Duration, NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::Tz;

use super::calendar::add_working_days;

crate::text_enum! {
    /// Why a participant is on the list.
    pub enum Reason {
        /// Booked in the next working days, the checklist not complete.
        MissingDocuments = "missing_documents",
        /// Did not come to a session of the last days; the claim is open.
        NoShow = "no_show",
        /// A document was rejected and nothing replaced it.
        DocumentRejected = "document_rejected",
        /// A seat held from the waiting line runs out soon, unanswered.
        OfferExpiring = "offer_expiring",
    }

    /// How an agent tried to reach the participant.
    pub enum Channel {
        Phone = "phone",
        Whatsapp = "whatsapp",
        Sms = "sms",
        Email = "email",
    }

    /// What came of an attempt.
    pub enum AttemptOutcome {
        Reached = "reached",
        NoAnswer = "no_answer",
        WrongNumber = "wrong_number",
        WillUpload = "will_upload",
        WillCome = "will_come",
        Cancels = "cancels",
    }
}

impl AttemptOutcome {
    /// The participant was spoken to (whatever they said).
    pub fn reached(self) -> bool {
        !matches!(self, AttemptOutcome::NoAnswer | AttemptOutcome::WrongNumber)
    }
}

/// Bookings this many working days ahead (after today) are on the list
/// when their documents are incomplete: the day before and the one before.
pub const UPCOMING_WORKING_DAYS: u32 = 2;
/// No-shows of this many days back stay on the list.
pub const NO_SHOW_DAYS: i64 = 5;
/// An offer that runs out within this many minutes is worth a call.
pub const OFFER_CALL_MINUTES: i64 = 60;
/// An agent's claim on an item lapses after this long without an attempt,
/// so a forgotten claim never hides a participant for the day.
pub const CLAIM_MINUTES: i64 = 30;
/// A booking whose session ended this many minutes ago without its
/// participant is a no-show: it ends, so they may book again.
pub const NO_SHOW_GRACE_MINUTES: i64 = 30;
/// The longest note an attempt may carry.
pub const NOTE_MAX_CHARS: usize = 500;

/// The last branch-local day whose bookings are on the list, from `today`.
pub fn upcoming_until(today: NaiveDate, holidays: &[NaiveDate]) -> NaiveDate {
    add_working_days(today, UPCOMING_WORKING_DAYS, holidays)
}

/// The first branch-local day whose no-shows are still on the list.
pub fn no_shows_since(today: NaiveDate) -> NaiveDate {
    today - Duration::days(NO_SHOW_DAYS)
}

/// Whether an offer running until `expires` is worth a call at `now`.
pub fn offer_expiring(expires: NaiveDateTime, now: NaiveDateTime) -> bool {
    expires > now && expires - now <= Duration::minutes(OFFER_CALL_MINUTES)
}

/// A claim taken at `claimed_at` still holds at `now`.
pub fn claim_holds(claimed_at: NaiveDateTime, now: NaiveDateTime) -> bool {
    now < claimed_at + Duration::minutes(CLAIM_MINUTES)
}

/// Claims taken before this instant have lapsed at `now`.
pub fn claims_lapsed_before(now: NaiveDateTime) -> NaiveDateTime {
    now - Duration::minutes(CLAIM_MINUTES)
}

/// The UTC bounds `[start, end)` of a branch-local day.
pub fn day_bounds(tz: Tz, day: NaiveDate) -> (NaiveDateTime, NaiveDateTime) {
    let start = |d: NaiveDate| {
        tz.from_local_datetime(&d.and_time(chrono::NaiveTime::MIN))
            .earliest()
            .map_or_else(|| d.and_time(chrono::NaiveTime::MIN), |t| t.naive_utc())
    };
    (start(day), start(day + Duration::days(1)))
}

/// A name as a list shows it before an agent takes the item: the first
/// word, then initials (`Budi S.`).
pub fn mask_name(name: &str) -> String {
    let mut words = name.split_whitespace();
    let Some(first) = words.next() else {
        return String::new();
    };
    let initials: Vec<String> = words
        .filter_map(|w| w.chars().next())
        .map(|c| format!("{c}."))
        .collect();
    if initials.is_empty() {
        first.to_string()
    } else {
        format!("{first} {}", initials.join(" "))
    }
}

/// A phone number as a list shows it: country code, operator prefix and
/// the last four digits (`+62812****7890`), as the auditor's list does.
pub fn mask_phone(phone: &str) -> String {
    super::audit::anomaly::calo::mask_phone(phone)
}

/// A checklist item's labels (Bahasa Indonesia, English), for pages.
pub fn item_label(item: &str) -> Option<(&'static str, &'static str)> {
    super::dossier::REQUIREMENTS
        .iter()
        .find(|r| r.item == item)
        .map(|r| (r.label_id, r.label_en))
}

/// The stored form of a list of checklist items.
pub fn join_items(items: &[&str]) -> String {
    items.join(",")
}

/// The checklist items of a stored list.
pub fn split_items(stored: &str) -> Vec<String> {
    stored
        .split(',')
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).expect("date")
    }

    fn at(d: u32, h: u32, m: u32) -> NaiveDateTime {
        day(d).and_hms_opt(h, m, 0).expect("time")
    }

    #[test]
    fn the_list_looks_two_working_days_ahead() {
        // Monday 23 → Wednesday 25.
        assert_eq!(upcoming_until(day(23), &[]), day(25));
        // Thursday 26 → Monday 30, over the weekend.
        assert_eq!(upcoming_until(day(26), &[]), day(30));
        // A holiday on Tuesday 24 pushes it to Thursday 26.
        assert_eq!(upcoming_until(day(23), &[day(24)]), day(26));
        assert_eq!(no_shows_since(day(23)), day(18));
    }

    #[test]
    fn offers_are_called_in_their_last_hour() {
        assert!(offer_expiring(at(24, 9, 0), at(24, 8, 0)));
        assert!(offer_expiring(at(24, 9, 0), at(24, 8, 59)));
        assert!(!offer_expiring(at(24, 9, 0), at(24, 7, 59)));
        assert!(!offer_expiring(at(24, 9, 0), at(24, 9, 0)));
    }

    #[test]
    fn claims_lapse_after_half_an_hour() {
        assert!(claim_holds(at(24, 8, 0), at(24, 8, 29)));
        assert!(!claim_holds(at(24, 8, 0), at(24, 8, 30)));
        assert_eq!(claims_lapsed_before(at(24, 8, 30)), at(24, 8, 0));
    }

    #[test]
    fn a_branch_day_in_utc() {
        let (s, e) = day_bounds(chrono_tz::Asia::Makassar, day(24));
        assert_eq!((s, e), (at(23, 16, 0), at(24, 16, 0)));
    }

    #[test]
    fn names_and_phones_are_masked() {
        assert_eq!(mask_name("Budi Santoso"), "Budi S.");
        assert_eq!(mask_name("  Siti  Nur  Haliza "), "Siti N. H.");
        assert_eq!(mask_name("Sukarno"), "Sukarno");
        assert_eq!(mask_name(""), "");
        assert_eq!(mask_phone("+6281234567890"), "+62812****7890");
    }

    #[test]
    fn reached_outcomes() {
        let reached: Vec<_> = AttemptOutcome::ALL
            .iter()
            .filter(|o| o.reached())
            .map(|o| o.as_str())
            .collect();
        assert_eq!(reached, ["reached", "will_upload", "will_come", "cancels"]);
    }

    #[test]
    fn items_have_labels() {
        assert_eq!(item_label("phk_proof").map(|l| l.1.is_empty()), Some(false));
        assert!(item_label("nope").is_none());
    }

    #[test]
    fn item_lists_round_trip() {
        assert_eq!(
            split_items(&join_items(&["kk", "selfie"])),
            ["kk", "selfie"]
        );
        assert!(split_items("").is_empty());
    }
}
