//! The video signaling relay table and the authorization of a session's
//! channel: who may join which side of which open floor session.

use crate::db::FirstRow;
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::floor::FloorSession;
use super::schema::{floor_sessions, signal_messages, tickets};
use super::{DbConnection, DbError};
use crate::domain::video::Side;

/// One relayed message as read back by a polling instance.
#[derive(Debug, Clone, Queryable)]
pub struct Relayed {
    pub id: i64,
    pub session_id: i64,
    pub to_side: String,
    pub origin: String,
    pub payload: String,
}

pub fn post(
    conn: &mut DbConnection,
    session: i64,
    to: Side,
    origin: &str,
    payload: &str,
    at: NaiveDateTime,
) -> Result<(), DbError> {
    diesel::insert_into(signal_messages::table)
        .values((
            signal_messages::session_id.eq(session),
            signal_messages::to_side.eq(to.code()),
            signal_messages::origin.eq(origin),
            signal_messages::payload.eq(payload),
            signal_messages::at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// The newest id (0 when empty).
pub fn newest(conn: &mut DbConnection) -> Result<i64, DbError> {
    let max: Option<i64> = signal_messages::table
        .select(diesel::dsl::max(signal_messages::id))
        .first_row(conn)?;
    Ok(max.unwrap_or(0))
}

/// Messages after `id` that another instance posted, oldest first.
pub fn after(conn: &mut DbConnection, id: i64, not_from: &str) -> Result<Vec<Relayed>, DbError> {
    Ok(signal_messages::table
        .filter(signal_messages::id.gt(id))
        .filter(signal_messages::origin.ne(not_from))
        .order(signal_messages::id.asc())
        .limit(2000)
        .select((
            signal_messages::id,
            signal_messages::session_id,
            signal_messages::to_side,
            signal_messages::origin,
            signal_messages::payload,
        ))
        .load(conn)?)
}

/// Deletes messages older than `before`; they have been delivered or
/// their negotiation is long abandoned.
pub fn prune(conn: &mut DbConnection, before: NaiveDateTime) -> Result<usize, DbError> {
    Ok(
        diesel::delete(signal_messages::table.filter(signal_messages::at.lt(before)))
            .execute(conn)?,
    )
}

/// Who asks to join a session's channel.
#[derive(Debug, Clone)]
pub enum Caller {
    /// A CS agent (staff id).
    Agent(i64),
    /// A booth computer of `branch`, for booth `booth_id`.
    Booth { branch: String, booth_id: i64 },
    /// A participant (for their online session).
    Participant(i64),
}

/// The open session a caller may join, and on which side; `None` when the
/// session is not open or not theirs (the caller learns nothing more).
pub fn authorize(
    conn: &mut DbConnection,
    session_id: i64,
    callers: &[Caller],
) -> Result<Option<(FloorSession, Side)>, DbError> {
    let Some((s, participant, online)) = floor_sessions::table
        .inner_join(tickets::table)
        .filter(floor_sessions::id.eq(session_id))
        .filter(floor_sessions::finished_at.is_null())
        .select((
            FloorSession::as_select(),
            tickets::participant_id,
            tickets::online,
        ))
        .first_row::<(FloorSession, Option<i64>, bool), _>(conn)
        .optional()?
    else {
        return Ok(None);
    };
    for c in callers {
        let side = match c {
            Caller::Agent(id) if *id == s.agent_id => Some(Side::Agent),
            Caller::Booth { branch, booth_id }
                if *branch == s.branch_code && s.booth_id == Some(*booth_id) =>
            {
                Some(Side::Peer)
            }
            Caller::Participant(pid)
                if online && s.booth_id.is_none() && participant == Some(*pid) =>
            {
                Some(Side::Peer)
            }
            _ => None,
        };
        if let Some(side) = side {
            return Ok(Some((s, side)));
        }
    }
    Ok(None)
}

/// The open session of a ticket (an online participant's page knows its
/// ticket, not the session).
pub fn open_session_of_ticket(
    conn: &mut DbConnection,
    ticket_id: i64,
) -> Result<Option<i64>, DbError> {
    Ok(floor_sessions::table
        .filter(floor_sessions::ticket_id.eq(ticket_id))
        .filter(floor_sessions::finished_at.is_null())
        .select(floor_sessions::id)
        .first_row(conn)
        .optional()?)
}

/// Which of `ids` are still open.
pub fn still_open(conn: &mut DbConnection, ids: &[i64]) -> Result<Vec<i64>, DbError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(floor_sessions::table
        .filter(floor_sessions::id.eq_any(ids))
        .filter(floor_sessions::finished_at.is_null())
        .select(floor_sessions::id)
        .load(conn)?)
}

/// The open session in a booth, with its ticket number.
pub fn session_in_booth(
    conn: &mut DbConnection,
    booth_id: i64,
) -> Result<Option<(i64, String)>, DbError> {
    Ok(floor_sessions::table
        .inner_join(tickets::table)
        .filter(floor_sessions::booth_id.eq(Some(booth_id)))
        .filter(floor_sessions::finished_at.is_null())
        .select((floor_sessions::id, tickets::number))
        .first_row(conn)
        .optional()?)
}

/// An open session with its ticket's claim and participant.
pub type SessionOfClaim = (FloorSession, Option<i64>, Option<i64>);

/// The agent's open session with its ticket's claim and participant.
pub fn agent_open_session(
    conn: &mut DbConnection,
    staff_id: i64,
    session_id: i64,
) -> Result<Option<SessionOfClaim>, DbError> {
    Ok(floor_sessions::table
        .inner_join(tickets::table)
        .filter(floor_sessions::id.eq(session_id))
        .filter(floor_sessions::agent_id.eq(staff_id))
        .filter(floor_sessions::finished_at.is_null())
        .select((
            FloorSession::as_select(),
            tickets::claim_id,
            tickets::participant_id,
        ))
        .first_row(conn)
        .optional()?)
}
