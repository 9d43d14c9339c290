//! Seat brokers (calo, issue 15 "fair access"): patterns in the log's
//! booking entries (`booking_placed`, `booking_rescheduled`,
//! `booking_cancelled`) that suggest one hand behind the seats of many
//! participants. Pure rules over [`BookingEvent`]s the database layer
//! (`db::audit::anomalies::calo`) reads from the log; the rules (also in
//! README "The verification log"):
//!
//! - **shared_contact**: one client address behind the booking changes of
//!   at least [`SHARED_ADDRESS_MIN`] different participants in one
//!   branch-local day ([`shared_address`]), or one phone number shared by
//!   at least [`SHARED_PHONE_MIN`] participants who changed a booking in
//!   the range ([`shared_phone`]). Only booking changes count, not
//!   sign-ins: an office or a kiosk where people merely sign in is not a
//!   broker. A hint, not proof: mobile carriers put many customers behind
//!   one address (carrier-grade NAT), and families share a phone; hence the
//!   address threshold is well above a household's and the phone's above a
//!   couple's.
//! - **churn**: one participant cancelled at least [`CHURN_MIN`] bookings
//!   in the range ([`churn`]): booking and cancelling again and again is
//!   how a broker holds seats until they are sold.
//! - **seat_passed**: a seat given up by one participant (cancelled, or
//!   left by rescheduling) and taken in the same session by another
//!   participant at most [`SEAT_PASS_MINUTES`] minutes later
//!   ([`seat_passed`]): the seat was handed over. A seat the waiting line
//!   offered is not counted (the line chose who got it). On a crowded
//!   session this also happens by chance.
//! - **many_branches**: seats taken (booked or rescheduled into) from one
//!   client address at at least [`MANY_BRANCHES_MIN`] different branches
//!   in one branch-local day ([`many_branches`]). Carrier NAT can produce
//!   it too.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{NaiveDate, NaiveDateTime};

/// Different participants behind one address in one day to be flagged.
pub const SHARED_ADDRESS_MIN: usize = 10;
/// Different booking participants with one phone number to be flagged.
pub const SHARED_PHONE_MIN: usize = 3;
/// Cancellations by one participant in the range to be flagged.
pub const CHURN_MIN: usize = 3;
/// A seat taken by another participant this soon after it was given up
/// is flagged.
pub const SEAT_PASS_MINUTES: i64 = 15;
/// Branches booked from one address in one day to be flagged.
pub const MANY_BRANCHES_MIN: usize = 3;

/// What a booking entry did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Placed,
    Rescheduled,
    Cancelled,
}

impl Change {
    /// The change an audit action records, if it is a booking change.
    pub fn of_action(action: &str) -> Option<Change> {
        match action {
            "booking_placed" => Some(Change::Placed),
            "booking_rescheduled" => Some(Change::Rescheduled),
            "booking_cancelled" => Some(Change::Cancelled),
            _ => None,
        }
    }
}

/// One booking entry of the log, as the rules need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookingEvent {
    pub seq: i64,
    /// UTC.
    pub at: NaiveDateTime,
    /// Branch-local date of `at`.
    pub day: NaiveDate,
    pub participant_id: i64,
    pub claim_id: Option<i64>,
    pub branch: String,
    pub change: Change,
    /// The session of the booking after the change (for a cancellation:
    /// the session cancelled).
    pub slot: Option<i64>,
    /// Rescheduled: the session left.
    pub from_slot: Option<i64>,
    /// The client address of the request.
    pub address: Option<String>,
    /// The participant's phone number (E.164).
    pub phone: Option<String>,
    /// Placed by accepting a seat the waiting line offered.
    pub via_waitlist: bool,
}

impl BookingEvent {
    /// The session whose seat this change gave up.
    pub fn freed(&self) -> Option<i64> {
        match self.change {
            Change::Cancelled => self.slot,
            Change::Rescheduled => self.from_slot,
            Change::Placed => None,
        }
    }

    /// The session whose seat this change took.
    pub fn taken(&self) -> Option<i64> {
        match self.change {
            Change::Placed | Change::Rescheduled => self.slot,
            Change::Cancelled => None,
        }
    }
}

/// Booking changes flagged together (log order), and what they share.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit<'a> {
    /// The address, phone number or participant they share.
    pub key: String,
    /// The branch-local day, for the per-day rules.
    pub day: Option<NaiveDate>,
    pub events: Vec<&'a BookingEvent>,
}

impl Hit<'_> {
    /// The different participants, ascending.
    pub fn participants(&self) -> Vec<i64> {
        distinct(self.events.iter().map(|e| e.participant_id))
    }

    /// The different claims, ascending.
    pub fn claims(&self) -> Vec<i64> {
        distinct(self.events.iter().filter_map(|e| e.claim_id))
    }

    /// The different branches, ascending.
    pub fn branches(&self) -> Vec<String> {
        distinct(self.events.iter().map(|e| e.branch.clone()))
    }

    /// The latest change (the one the flag stands on).
    pub fn last(&self) -> Option<&BookingEvent> {
        self.events.iter().max_by_key(|e| e.seq).copied()
    }
}

fn distinct<T: Ord>(items: impl Iterator<Item = T>) -> Vec<T> {
    items.collect::<BTreeSet<T>>().into_iter().collect()
}

/// Groups `events` by `key` (None: left out), in key order, each group
/// in log order.
fn group<K: Ord>(
    events: &[BookingEvent],
    key: impl Fn(&BookingEvent) -> Option<K>,
) -> BTreeMap<K, Vec<&BookingEvent>> {
    let mut map: BTreeMap<K, Vec<&BookingEvent>> = BTreeMap::new();
    for e in events {
        if let Some(k) = key(e) {
            map.entry(k).or_default().push(e);
        }
    }
    for v in map.values_mut() {
        v.sort_by_key(|e| e.seq);
    }
    map
}

/// Addresses behind the booking changes of at least
/// [`SHARED_ADDRESS_MIN`] participants in one day.
pub fn shared_address(events: &[BookingEvent]) -> Vec<Hit<'_>> {
    group(events, |e| e.address.clone().map(|a| (e.day, a)))
        .into_iter()
        .map(|((day, key), events)| Hit {
            key,
            day: Some(day),
            events,
        })
        .filter(|h| h.participants().len() >= SHARED_ADDRESS_MIN)
        .collect()
}

/// Phone numbers of at least [`SHARED_PHONE_MIN`] participants with a
/// booking change among `events`.
pub fn shared_phone(events: &[BookingEvent]) -> Vec<Hit<'_>> {
    group(events, |e| e.phone.clone())
        .into_iter()
        .map(|(key, events)| Hit {
            key,
            day: None,
            events,
        })
        .filter(|h| h.participants().len() >= SHARED_PHONE_MIN)
        .collect()
}

/// Participants with at least [`CHURN_MIN`] cancellations among `events`
/// (the hit holds the cancellations).
pub fn churn(events: &[BookingEvent]) -> Vec<Hit<'_>> {
    group(events, |e| {
        (e.change == Change::Cancelled).then_some(e.participant_id)
    })
    .into_iter()
    .filter(|(_, cancels)| cancels.len() >= CHURN_MIN)
    .map(|(p, events)| Hit {
        key: p.to_string(),
        day: None,
        events,
    })
    .collect()
}

/// A seat given up by one participant and taken by another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pass<'a> {
    pub freed: &'a BookingEvent,
    pub taken: &'a BookingEvent,
    /// Whole minutes between the two.
    pub minutes: i64,
}

/// Seats taken in a session by a participant at most
/// [`SEAT_PASS_MINUTES`] after another participant gave one up there, not
/// through the waiting line. Each seat given up is matched once, with the
/// first such taker; a taker is matched with the latest seat given up
/// before it.
pub fn seat_passed(events: &[BookingEvent]) -> Vec<Pass<'_>> {
    let mut ordered: Vec<&BookingEvent> = events.iter().collect();
    ordered.sort_by_key(|e| e.seq);
    let window = SEAT_PASS_MINUTES * 60;
    // Per session: seats given up and not yet matched, in log order.
    let mut open: BTreeMap<i64, Vec<&BookingEvent>> = BTreeMap::new();
    let mut out = Vec::new();
    for e in ordered {
        if let Some(slot) = e.taken().filter(|_| !e.via_waitlist) {
            let freed = open.entry(slot).or_default();
            let found = freed.iter().rposition(|f| {
                let secs = (e.at - f.at).num_seconds();
                f.participant_id != e.participant_id && (0..=window).contains(&secs)
            });
            if let Some(i) = found {
                let f = freed.remove(i);
                out.push(Pass {
                    freed: f,
                    taken: e,
                    minutes: (e.at - f.at).num_minutes(),
                });
            }
        }
        if let Some(slot) = e.freed() {
            open.entry(slot).or_default().push(e);
        }
    }
    out
}

/// Addresses from which seats were taken at at least
/// [`MANY_BRANCHES_MIN`] branches in one day (the hit holds those
/// bookings).
pub fn many_branches(events: &[BookingEvent]) -> Vec<Hit<'_>> {
    group(events, |e| {
        e.taken().and(e.address.clone()).map(|a| (e.day, a))
    })
    .into_iter()
    .map(|((day, key), events)| Hit {
        key,
        day: Some(day),
        events,
    })
    .filter(|h| h.branches().len() >= MANY_BRANCHES_MIN)
    .collect()
}

/// A phone number as the auditor's list shows it: country code, operator
/// prefix and the last four digits (`+62812****7890`); the participants
/// are linked beside it.
pub fn mask_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.chars().collect();
    if chars.len() <= 9 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..6].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 10))
}

#[cfg(test)]
#[path = "../tests/calo.rs"]
mod tests;
