//! The waiting queue and its order.

use super::*;

// --- The waiting queue -----------------------------------------------------

/// A participant waiting for a seat.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Waiting {
    pub id: i64,
    pub kind: TicketKind,
    pub priority: Priority,
    /// When they entered the queue (ticket, check-in, session page opened).
    pub arrived_at: NaiveDateTime,
    /// The booked session's start (bookings only; ignored for walk-ins).
    pub session_start: Option<NaiveDateTime>,
    /// An online participant with a booking who opened their session page:
    /// needs an agent seat but no booth.
    pub online: bool,
}

/// The three bands of the queue, in the order they are served.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum QueueClass {
    /// A checked-in booking whose session has started.
    StartedBooking,
    /// A priority ticket (not a started booking).
    Priority,
    /// Everyone else.
    Other,
}

impl QueueClass {
    pub const fn code(self) -> &'static str {
        match self {
            QueueClass::StartedBooking => "started_booking",
            QueueClass::Priority => "priority",
            QueueClass::Other => "other",
        }
    }
}

serialize_as_code!(QueueClass);

/// The band `w` is served in at `now`.
pub fn queue_class(w: &Waiting, now: NaiveDateTime) -> QueueClass {
    match (w.kind, w.session_start) {
        (TicketKind::Booked, Some(start)) if start <= now => QueueClass::StartedBooking,
        _ if w.priority.is_priority() => QueueClass::Priority,
        _ => QueueClass::Other,
    }
}

pub(super) type QueueKey = (QueueClass, Option<NaiveDateTime>, NaiveDateTime, i64);

pub(super) fn queue_key(w: &Waiting, now: NaiveDateTime) -> QueueKey {
    let class = queue_class(w, now);
    let start = match class {
        QueueClass::StartedBooking => w.session_start,
        QueueClass::Priority | QueueClass::Other => None,
    };
    (class, start, w.arrived_at, w.id)
}

pub(super) fn ordered(waiting: &[Waiting], now: NaiveDateTime) -> Vec<&Waiting> {
    let mut v: Vec<&Waiting> = waiting.iter().collect();
    v.sort_by_cached_key(|w| queue_key(w, now));
    v
}

/// Ids of `waiting` in the order they are served (see the module docs).
pub fn queue_order(waiting: &[Waiting], now: NaiveDateTime) -> Vec<i64> {
    ordered(waiting, now).into_iter().map(|w| w.id).collect()
}

/// 1-based place of `id` in the queue, for the ticket and the board.
pub fn queue_position(waiting: &[Waiting], id: i64, now: NaiveDateTime) -> Option<u32> {
    let index = queue_order(waiting, now).iter().position(|&x| x == id)?;
    u32::try_from(index + 1).ok()
}
