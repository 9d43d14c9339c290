//! What placing a booking checks, read in one statement: the session and
//! its branch, the participant, the day's holiday, whether the claim is
//! theirs and open, whether they already hold a seat or a place in a
//! waiting line, the session's cooling delay and how many booking changes
//! they made lately. Each was a statement of its own — on PostgreSQL a
//! round trip of its own, inside the transaction — and the booking rules
//! (`app::booking`) still decide on them in the same order.

use chrono::NaiveDateTime;
use diesel::dsl::{count_star, exists, max};
use diesel::prelude::*;

use super::branches::{Branch, Slot};
use super::first::{BookingActive, BookingChange, FirstRow, Fixed, WaitlistActive};
use super::participants::Participant;
use super::schema::{
    audit_inbox, audit_log, bookings, branches, claims, holidays, participants, seat_cooling,
    slots, waitlist,
};
use super::{DbConnection, DbError};

/// What [`read`] found for one booking request.
pub struct PlacingFacts {
    pub slot: Slot,
    pub branch: Branch,
    pub participant: Participant,
    /// The name of the national holiday on the session's day, if any.
    pub holiday: Option<String>,
    /// The claim's status, when the claim exists and is the participant's.
    pub claim_status: Option<String>,
    /// The participant already holds an active booking.
    pub holds_booking: bool,
    /// The participant holds a place in a waiting line (waiting or offered).
    pub waiting: bool,
    /// Until when the participant may not take this session again.
    pub barred_until: Option<NaiveDateTime>,
    /// Their booking changes logged after `since` (chained or still in the
    /// inbox); the rate limit looks closer only when this reaches it.
    pub recent_changes: i64,
}

/// The request's facts; `None` when the session or the participant does
/// not exist.
pub fn read(
    conn: &mut DbConnection,
    participant_id: i64,
    claim_id: i64,
    slot_id: i64,
    now: NaiveDateTime,
    since: NaiveDateTime,
) -> Result<Option<PlacingFacts>, DbError> {
    let since = crate::domain::audit::chain::stored_instant(since);
    let claim_status = claims::table
        .filter(claims::id.eq(claim_id))
        .filter(claims::participant_id.eq(participant_id))
        .select(claims::status)
        .single_value();
    let holds_booking = exists(
        bookings::table
            .filter(bookings::participant_id.eq(participant_id))
            .filter(Fixed::<BookingActive>::condition()),
    );
    let waiting = exists(
        waitlist::table
            .filter(waitlist::participant_id.eq(participant_id))
            .filter(Fixed::<WaitlistActive>::condition()),
    );
    let barred_until = seat_cooling::table
        .filter(seat_cooling::participant_id.eq(participant_id))
        .filter(seat_cooling::slot_id.eq(slot_id))
        .filter(seat_cooling::release_at.gt(now))
        .select(max(seat_cooling::release_at))
        .single_value();
    let chained = audit_log::table
        .filter(audit_log::participant_id.eq(participant_id))
        .filter(audit_log::actor_role.eq("participant"))
        .filter(Fixed::<BookingChange>::condition())
        .filter(audit_log::at.gt(since))
        .select(count_star())
        .single_value();
    let queued = audit_inbox::table
        .filter(audit_inbox::participant_id.eq(participant_id))
        .filter(audit_inbox::actor_role.eq("participant"))
        .filter(Fixed::<BookingChange>::condition())
        .filter(audit_inbox::at.gt(since))
        .select(count_star())
        .single_value();
    type Row = (
        Slot,
        Branch,
        Participant,
        Option<String>,
        Option<String>,
        bool,
        bool,
        Option<NaiveDateTime>,
        Option<i64>,
        Option<i64>,
    );
    let row: Option<Row> = crate::per_backend!(conn, c => slots::table
        .inner_join(branches::table)
        .inner_join(participants::table.on(participants::id.eq(participant_id)))
        .left_join(holidays::table.on(holidays::day.eq(slots::local_date)))
        .filter(slots::id.eq(slot_id))
        .select((
            Slot::as_select(),
            Branch::as_select(),
            Participant::as_select(),
            holidays::name_id.nullable(),
            claim_status,
            holds_booking,
            waiting,
            barred_until,
            chained,
            queued,
        ))
        .first_row(c)
        .optional())?;
    Ok(row.map(
        |(slot, branch, participant, holiday, claim_status, holds, waiting, barred, a, b)| {
            PlacingFacts {
                slot,
                branch,
                participant,
                holiday,
                claim_status,
                holds_booking: holds,
                waiting,
                barred_until: barred,
                recent_changes: a.unwrap_or(0) + b.unwrap_or(0),
            }
        },
    ))
}
