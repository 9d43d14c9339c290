//! No seat trading (issue "fair access"): a seat given up while nobody
//! waits for it cools off — held, not `available` — for
//! `ANTRE_COOLING_OFF_MINUTES` before it returns to everyone, and whoever
//! gave it up may not book that session again meanwhile, so a seat cannot
//! be passed from hand to hand by a cancel and a quick re-booking. Each
//! participant may change bookings only so often
//! (`ANTRE_BOOKING_CHANGES_PER_HOUR`, counted in the audit chain, so every
//! instance sees the same count): `429 rate_limited` with `Retry-After`.
//! Limits are per participant, never per address: carriers put thousands
//! of people behind one address.

use chrono::{DateTime, Duration, NaiveDateTime, Utc};

use super::waitlist::{offer_freed, Offering};
use super::{AppError, AppResult};
use crate::db::cooling::{self, NewCooling};
use crate::db::{audit, branches, Db, DbConnection};
use crate::domain::fair::{changes_allowed, CHANGE_WINDOW_MINUTES};
use crate::domain::Code;

/// How long a freed seat is kept from the public and how often a
/// participant may change bookings.
#[derive(Clone, Copy, Debug)]
pub struct FairRules {
    /// A seat offered to the first in line is held this long.
    pub hold_minutes: i64,
    /// A given-up seat nobody waits for cools off this long (0: never).
    pub cooling_minutes: i64,
    /// Booking changes per participant per hour (0: unlimited).
    pub changes_per_hour: i64,
    /// A message gateway is configured: offers go on WhatsApp/SMS too, to
    /// those who chose it.
    pub messages: bool,
}

impl FairRules {
    /// No cooling, no limit: for callers that place bookings directly
    /// (the benchmark's raw transaction, seeding).
    pub const DIRECT: FairRules = FairRules {
        hold_minutes: 120,
        cooling_minutes: 0,
        changes_per_hour: 0,
        messages: false,
    };

    pub fn of(s: &crate::config::Settings) -> Self {
        Self {
            hold_minutes: s.offer_hold_minutes,
            cooling_minutes: s.cooling_off_minutes,
            changes_per_hour: s.booking_changes_per_hour,
            messages: s.message_webhook_url.is_some(),
        }
    }
}

/// [`check_rate`] when `recent` changes were counted since the window
/// opened: fewer than the limit pass without reading them.
pub fn check_rate_counted(
    c: &mut DbConnection,
    participant_id: i64,
    o: &Offering<'_>,
    recent: i64,
) -> AppResult<()> {
    if recent < o.rules.changes_per_hour {
        return Ok(());
    }
    check_rate(c, participant_id, o)
}

/// Refuses a booking change (place, reschedule, cancel) when the
/// participant made their hour's share already: `429` with the seconds
/// until the oldest change leaves the window.
pub fn check_rate(c: &mut DbConnection, participant_id: i64, o: &Offering<'_>) -> AppResult<()> {
    let limit = o.rules.changes_per_hour;
    if limit <= 0 {
        return Ok(());
    }
    let now = o.now.naive_utc();
    let since = now - Duration::minutes(CHANGE_WINDOW_MINUTES);
    let recent = audit::booking_changes_since(c, participant_id, since)?;
    changes_allowed(&recent, limit, now).map_err(|secs| {
        AppError::rate_limited(secs)
            .detail("booking_changes_limited")
            .param("minutes", secs.div_ceil(60).to_string())
    })
}

/// Refuses booking `slot_id` to whoever gave up a seat of it that is
/// still cooling off.
pub fn check_not_barred(
    c: &mut DbConnection,
    participant_id: i64,
    slot_id: i64,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let until = cooling::barred_until(c, participant_id, slot_id, now.naive_utc())?;
    refuse_barred(until, now)
}

/// [`check_not_barred`] on the cooling delay already read.
pub fn refuse_barred(until: Option<NaiveDateTime>, now: DateTime<Utc>) -> AppResult<()> {
    match until {
        None => Ok(()),
        Some(until) => {
            let minutes = ((until - now.naive_utc()).num_seconds() + 59) / 60;
            Err(AppError::conflict(Code::CoolingOff)
                .field("slot_id")
                .param("minutes", minutes.max(1).to_string()))
        }
    }
}

/// `participant_id` gave up a seat of `slot_id` (already released): it
/// goes to the first in the day's line, or else cools off; either way
/// they may not take that session again for the cooling delay.
pub fn seat_given_up(
    c: &mut DbConnection,
    slot_id: i64,
    participant_id: i64,
    o: &Offering<'_>,
) -> AppResult<()> {
    let offered = offer_freed(c, slot_id, o)?;
    if o.rules.cooling_minutes <= 0 {
        return Ok(());
    }
    let holds_seat = !offered && branches::hold_seat(c, slot_id)?;
    let ts = o.now.naive_utc();
    cooling::insert(
        c,
        &NewCooling {
            slot_id,
            participant_id,
            holds_seat,
            release_at: ts + Duration::minutes(o.rules.cooling_minutes),
            created_at: ts,
        },
    )?;
    Ok(())
}

/// Seats whose cooling-off is over go to the first in line, or back to
/// everyone. Each in its own transaction; an instance that finds a row
/// gone (another released it) skips it. Returns how many were released.
pub fn release_cooled(db: &Db, o: &Offering<'_>) -> AppResult<usize> {
    let due = db.read(|c| cooling::due(c, o.now.naive_utc(), 500))?;
    let mut n = 0;
    for row in due {
        n += db.write(|c| -> AppResult<usize> {
            if !cooling::take(c, row.id)? {
                return Ok(0);
            }
            if row.holds_seat {
                branches::unhold_seat(c, row.slot_id)?;
                offer_freed(c, row.slot_id, o)?;
            }
            Ok(1)
        })?;
    }
    Ok(n)
}
