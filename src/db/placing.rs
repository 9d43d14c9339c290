//! What placing a booking checks, read in one statement: the caller's
//! sign-in session (so that the request needs no read before it), the
//! session booked and its branch, the participant, the day's holiday, whether the claim is
//! theirs and open, whether they already hold a seat or a place in a
//! waiting line, the session's cooling delay and how many booking changes
//! they made lately. Each was a statement of its own — on PostgreSQL a
//! round trip of its own, inside the transaction — and the booking rules
//! (`app::booking`) still decide on them in the same order. On
//! PostgreSQL the same statement draws the booking's id from its sequence,
//! so that [`book`] can write the row, its mail, its audit entry and the
//! seat in one statement (a request refused after that leaves a gap in the
//! ids, as a rolled-back insert always did).

use chrono::NaiveDateTime;
use diesel::dsl::{count_star, exists, max};
use diesel::expression::{is_aggregate, AppearsOnTable, SelectableExpression, ValidGrouping};
use diesel::prelude::*;
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::sql_types::{BigInt, Nullable, Text};

use super::audit::Pending;
use super::bookings::{Booking, NewBooking};
use super::branches::{Branch, Slot};
use super::first::{BookingActive, BookingChange, FirstRow, Fixed, TakeSeat, WaitlistActive};
use super::outbox::NewMail;
use super::participants::Participant;
use super::schema::{
    audit_inbox, audit_log, auth_sessions, bookings, branches, claims, holidays, outbox,
    participants, seat_cooling, slots, waitlist,
};
use super::stamp::Stamp;
use super::{DbConnection, DbError};
use crate::domain::role::ActorRole;

/// A booking request: who, for which claim, which session, signed in
/// with which sign-in session (`None`: the system placing it).
pub struct Asked<'a> {
    pub participant_id: i64,
    pub claim_id: i64,
    pub slot_id: i64,
    pub session: Option<&'a str>,
}

/// What [`read`] found for one booking request, in the order it selects.
#[derive(Queryable)]
pub struct PlacingFacts {
    /// The sign-in session asked about is active and the participant's
    /// (always true for the system).
    pub signed_in: bool,
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
    /// Their booking changes logged after `since`, chained and still in
    /// the inbox ([`PlacingFacts::recent_changes`]).
    changes_chained: Option<i64>,
    changes_queued: Option<i64>,
    /// The id the booking is to take (PostgreSQL; `None` on SQLite, where
    /// the insert picks it).
    pub booking_id: Option<i64>,
}

/// The request's facts; `None` when the session or the participant does
/// not exist.
pub fn read(
    conn: &mut DbConnection,
    asked: &Asked<'_>,
    now: NaiveDateTime,
    since: NaiveDateTime,
) -> Result<Option<PlacingFacts>, DbError> {
    let since = crate::domain::audit::canonical::stored_instant(since);
    let (participant_id, claim_id, slot_id) = (asked.participant_id, asked.claim_id, asked.slot_id);
    let signed_in = asked
        .session
        .into_sql::<Nullable<Text>>()
        .is_null()
        .or(exists(
            auth_sessions::table
                .filter(auth_sessions::id.nullable().eq(asked.session))
                .filter(auth_sessions::participant_id.eq(participant_id))
                .filter(auth_sessions::revoked_at.is_null())
                .filter(auth_sessions::expires_at.gt(Stamp(now))),
        ));
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
        .filter(seat_cooling::release_at.gt(Stamp(now)))
        .select(max(seat_cooling::release_at))
        .single_value();
    let chained = audit_log::table
        .filter(audit_log::participant_id.eq(participant_id))
        .filter(audit_log::actor_role.eq(ActorRole::PARTICIPANT.as_str()))
        .filter(Fixed::<BookingChange>::condition())
        .filter(audit_log::at.gt(Stamp(since)))
        .select(count_star())
        .single_value();
    let queued = audit_inbox::table
        .filter(audit_inbox::participant_id.eq(participant_id))
        .filter(audit_inbox::actor_role.eq(ActorRole::PARTICIPANT.as_str()))
        .filter(Fixed::<BookingChange>::condition())
        .filter(audit_inbox::at.gt(Stamp(since)))
        .select(count_star())
        .single_value();
    Ok(crate::per_backend!(conn, c => slots::table
        .inner_join(branches::table)
        .inner_join(participants::table.on(participants::id.eq(participant_id)))
        .left_join(holidays::table.on(holidays::day.eq(slots::local_date)))
        .filter(slots::id.eq(slot_id))
        .select((
            signed_in,
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
            NextBookingId,
        ))
        .first_row(c)
        .optional())?)
}

impl PlacingFacts {
    /// Their booking changes logged after `since` (chained or still in the
    /// inbox); the rate limit looks closer only when this reaches it.
    pub fn recent_changes(&self) -> i64 {
        self.changes_chained.unwrap_or(0) + self.changes_queued.unwrap_or(0)
    }
}

/// Writes the booking `new` with its confirmation `mail` and the audit
/// entry `entry` makes of it, and takes its seat in `slot`: the booking
/// and the session's new counts, `None` when no seat was free (the caller
/// rolls back). With an `id` drawn by [`read`] (PostgreSQL) all four are
/// one statement, the seat's row locked from it to the commit; otherwise
/// one after the other, the seat last.
pub fn book(
    conn: &mut DbConnection,
    new: &NewBooking<'_>,
    id: Option<i64>,
    mail: &NewMail,
    entry: impl FnOnce(&Booking) -> Pending,
    slot: &Slot,
) -> Result<Option<(Booking, Slot)>, DbError> {
    match (conn, id) {
        (DbConnection::Pg(c), Some(id)) => {
            let booking = Booking::stored(id, new)?;
            let beside = (
                diesel::insert_into(bookings::table).values((bookings::id.eq(id), new)),
                diesel::insert_into(outbox::table).values(mail),
            );
            let seat = TakeSeat { slot_id: slot.id };
            let counts = entry(&booking).take_seat_beside(c, beside, seat)?;
            Ok(counts.map(|counts| (booking, super::branches::with_counts(slot, counts))))
        }
        (conn, _) => {
            let booking = super::bookings::insert(conn, new)?;
            super::outbox::enqueue(conn, mail)?;
            entry(&booking).append(conn)?;
            Ok(super::branches::take_seat(conn, slot)?.map(|slot| (booking, slot)))
        }
    }
}

/// The booking id [`read`] draws: `nextval` of the bookings' sequence on
/// PostgreSQL, `NULL` on SQLite. Written out with a static query id so
/// the statement stays prepared (diesel's `sql()` never is).
#[derive(Debug, Clone, Copy, QueryId)]
struct NextBookingId;

impl Expression for NextBookingId {
    type SqlType = Nullable<BigInt>;
}

impl<QS> AppearsOnTable<QS> for NextBookingId {}

impl<QS> SelectableExpression<QS> for NextBookingId {}

impl ValidGrouping<()> for NextBookingId {
    type IsAggregate = is_aggregate::Never;
}

impl QueryFragment<diesel::pg::Pg> for NextBookingId {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, diesel::pg::Pg>) -> QueryResult<()> {
        out.push_sql("nextval('bookings_id_seq')");
        Ok(())
    }
}

impl QueryFragment<diesel::sqlite::Sqlite> for NextBookingId {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, diesel::sqlite::Sqlite>) -> QueryResult<()> {
        out.push_sql("NULL");
        Ok(())
    }
}

const _: () = assert!(<NextBookingId as QueryId>::HAS_STATIC_QUERY_ID);
