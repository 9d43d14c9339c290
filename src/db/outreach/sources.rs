//! Where worklist items come from: the bookings, documents, floor tickets
//! and waiting-line offers of one branch that may give a reason to call.
//! Plain reads; `app::outreach` decides which of them make an item.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::bookings::Booking;
use crate::db::branches::Slot;
use crate::db::schema::{bookings, claims, documents, slots, tickets, waitlist};
use crate::db::waitlist::Entry;
use crate::db::{DbConnection, DbError};
use crate::domain::booking::BookingStatus;
use crate::domain::claim::ClaimStatus;
use crate::domain::dossier::DocStatus;
use crate::domain::floor::TicketStatus;
use crate::domain::waitlist::WaitStatus;

/// Booked sessions of the branch that have not started by `now`, up to
/// the branch-local day `until`, whose claim is open.
pub fn upcoming(
    conn: &mut DbConnection,
    branch: &str,
    now: NaiveDateTime,
    until: NaiveDate,
) -> Result<Vec<(Booking, Slot)>, DbError> {
    Ok(bookings::table
        .inner_join(slots::table)
        .inner_join(claims::table)
        .filter(slots::branch_code.eq(branch))
        .filter(slots::starts_at.gt(now))
        .filter(slots::local_date.le(until))
        .filter(bookings::status.eq(BookingStatus::Booked.as_str()))
        .filter(claims::status.eq(ClaimStatus::Open.as_str()))
        .order(slots::starts_at.asc())
        .select((Booking::as_select(), Slot::as_select()))
        .load(conn)?)
}

/// Sessions of the branch from the branch-local day `since` that ended by
/// `now` without their participant: the booking still `booked` (never
/// checked in), or checked in and finished as a no-show on the floor;
/// the claim still open.
pub fn no_shows(
    conn: &mut DbConnection,
    branch: &str,
    since: NaiveDate,
    now: NaiveDateTime,
) -> Result<Vec<(Booking, Slot)>, DbError> {
    let floor_no_shows = tickets::table
        .filter(tickets::branch_code.eq(branch))
        .filter(tickets::local_date.ge(since))
        .filter(tickets::status.eq(TicketStatus::NoShow.as_str()))
        .filter(tickets::booking_id.is_not_null())
        .select(tickets::booking_id.assume_not_null());
    let floor: Vec<i64> = floor_no_shows.load(conn)?;
    Ok(bookings::table
        .inner_join(slots::table)
        .inner_join(claims::table)
        .filter(slots::branch_code.eq(branch))
        .filter(slots::local_date.ge(since))
        .filter(claims::status.eq(ClaimStatus::Open.as_str()))
        .filter(
            bookings::status
                .eq(BookingStatus::Booked.as_str())
                .and(slots::ends_at.le(now))
                .or(bookings::status.eq(BookingStatus::NoShow.as_str()))
                .or(bookings::id.eq_any(floor)),
        )
        .order(slots::starts_at.asc())
        .select((Booking::as_select(), Slot::as_select()))
        .load(conn)?)
}

/// Bookings still `booked` whose session ended before `before`.
pub fn unattended(conn: &mut DbConnection, before: NaiveDateTime) -> Result<Vec<Booking>, DbError> {
    Ok(bookings::table
        .inner_join(slots::table)
        .filter(bookings::status.eq(BookingStatus::Booked.as_str()))
        .filter(slots::ends_at.lt(before))
        .order(bookings::id.asc())
        .limit(500)
        .select(Booking::as_select())
        .load(conn)?)
}

/// Booked → no-show; false when the booking is no longer booked.
pub fn mark_no_show(conn: &mut DbConnection, id: i64, at: NaiveDateTime) -> Result<bool, DbError> {
    let n = diesel::update(
        bookings::table
            .filter(bookings::id.eq(id))
            .filter(bookings::status.eq(BookingStatus::Booked.as_str())),
    )
    .set((
        bookings::status.eq(BookingStatus::NoShow.as_str()),
        bookings::updated_at.eq(at),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Whether the participant holds a booking of a session not yet begun
/// (they booked again after a no-show).
pub fn has_future_booking(
    conn: &mut DbConnection,
    participant: i64,
    now: NaiveDateTime,
) -> Result<bool, DbError> {
    let n: i64 = bookings::table
        .inner_join(slots::table)
        .filter(bookings::participant_id.eq(participant))
        .filter(bookings::status.eq(BookingStatus::Booked.as_str()))
        .filter(slots::starts_at.gt(now))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// Open claims with a current rejected document whose latest booking is
/// at the branch: the claim ids.
pub fn rejected_claims(conn: &mut DbConnection, branch: &str) -> Result<Vec<i64>, DbError> {
    let with_rejection: Vec<i64> = documents::table
        .inner_join(claims::table)
        .filter(documents::is_current.eq(true))
        .filter(documents::status.eq(DocStatus::Rejected.as_str()))
        .filter(claims::status.eq(ClaimStatus::Open.as_str()))
        .select(claims::id)
        .distinct()
        .load(conn)?;
    if with_rejection.is_empty() {
        return Ok(Vec::new());
    }
    // The latest booking of each of those claims, and its branch.
    let booked: Vec<(i64, i64, String)> = bookings::table
        .inner_join(slots::table)
        .filter(bookings::claim_id.eq_any(&with_rejection))
        .select((bookings::claim_id, bookings::id, slots::branch_code))
        .order(bookings::id.asc())
        .load(conn)?;
    let mut latest = std::collections::BTreeMap::new();
    for (claim, _, at) in booked {
        latest.insert(claim, at);
    }
    Ok(latest
        .into_iter()
        .filter(|(_, at)| at == branch)
        .map(|(claim, _)| claim)
        .collect())
}

/// Offers of the branch's waiting lines still held at `now`.
pub fn live_offers(
    conn: &mut DbConnection,
    branch: &str,
    now: NaiveDateTime,
) -> Result<Vec<Entry>, DbError> {
    Ok(waitlist::table
        .filter(waitlist::branch_code.eq(branch))
        .filter(waitlist::status.eq(WaitStatus::Offered.as_str()))
        .filter(waitlist::expires_at.gt(now))
        .order(waitlist::expires_at.asc())
        .select(Entry::as_select())
        .load(conn)?)
}
