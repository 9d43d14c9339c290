//! A branch day as recorded: its tickets and its sessions, read for the
//! supervisor's charts and for the planner's replay of a day.

use chrono::{NaiveDate, NaiveDateTime, TimeDelta};
use diesel::prelude::*;

use super::{FloorSession, Ticket};
use crate::db::schema::{floor_sessions, tickets};
use crate::db::{DbConnection, DbError};
use crate::domain::floor::{ServedSession, TicketKind, TicketStatus, WaitSpan};
use crate::domain::planner::RecordedArrival;

/// The tickets of one branch-local day and the sessions that seated them.
pub struct DayRecord {
    pub tickets: Vec<Ticket>,
    pub sessions: Vec<(FloorSession, Ticket)>,
}

pub fn day_record(
    conn: &mut DbConnection,
    branch: &str,
    day: NaiveDate,
) -> Result<DayRecord, DbError> {
    let tickets: Vec<Ticket> = tickets::table
        .filter(tickets::branch_code.eq(branch))
        .filter(tickets::local_date.eq(day))
        .order(tickets::arrived_at.asc())
        .select(Ticket::as_select())
        .load(conn)?;
    let sessions: Vec<(FloorSession, Ticket)> = floor_sessions::table
        .inner_join(tickets::table)
        .filter(floor_sessions::branch_code.eq(branch))
        .filter(tickets::local_date.eq(day))
        .order(floor_sessions::started_at.asc())
        .select((FloorSession::as_select(), Ticket::as_select()))
        .load(conn)?;
    Ok(DayRecord { tickets, sessions })
}

impl DayRecord {
    /// Each session as the day's measures take it (its wait counted from
    /// the ticket's arrival).
    pub fn served_sessions(&self) -> Vec<ServedSession> {
        self.sessions
            .iter()
            .map(|(s, t)| ServedSession {
                agent_id: s.agent_id,
                arrived_at: t.arrived_at.min(s.started_at),
                started_at: s.started_at,
                finished_at: s.finished_at,
                outcome: s.outcome,
            })
            .collect()
    }

    /// Each ticket's time in line: until its first session, still open
    /// while it waits, until it was last changed when it left unserved.
    pub fn wait_spans(&self) -> Vec<WaitSpan> {
        self.tickets
            .iter()
            .map(|t| {
                let first = self
                    .sessions
                    .iter()
                    .filter(|(_, st)| st.id == t.id)
                    .map(|(s, _)| s.started_at)
                    .min();
                let until = match (first, t.status) {
                    (Some(start), _) => Some(start),
                    (None, TicketStatus::Waiting) => None,
                    (None, _) => Some(t.updated_at),
                };
                WaitSpan {
                    arrived_at: t.arrived_at,
                    until,
                }
            })
            .collect()
    }

    /// The tickets as the planner replays them.
    pub fn arrivals(&self) -> Vec<RecordedArrival> {
        self.tickets
            .iter()
            .map(|t| RecordedArrival {
                booked: t.kind == TicketKind::Booked.code(),
                at: t.arrived_at,
            })
            .collect()
    }
}

/// When a branch's chart day starts (UTC): an hour before its first
/// session of `day` (see `domain::floor::day_series`).
pub fn series_start(tz: chrono_tz::Tz, day: NaiveDate) -> NaiveDateTime {
    let first = crate::domain::schedule::day_sessions_utc(tz, day)
        .first()
        .map(|(s, _)| *s)
        .unwrap_or_else(|| day.and_hms_opt(8, 0, 0).unwrap_or_default());
    first - TimeDelta::hours(1)
}

/// How many of a branch's latest finished sessions calibrate the planner's
/// concurrency model.
pub const CALIBRATION_SESSIONS: i64 = 5000;

/// The branch's latest finished sessions up to `now` (at most
/// [`CALIBRATION_SESSIONS`]), in minutes since `now`, for
/// `domain::planner::calibrate`.
pub fn calibration_sessions(
    conn: &mut DbConnection,
    branch: &str,
    now: NaiveDateTime,
) -> Result<Vec<crate::domain::planner::calibrate::RecordedSession>, DbError> {
    use crate::domain::floor::Outcome;
    let rows: Vec<(i64, NaiveDateTime, Option<NaiveDateTime>, Option<String>)> =
        floor_sessions::table
            .filter(floor_sessions::branch_code.eq(branch))
            .filter(floor_sessions::finished_at.le(now))
            .order(floor_sessions::finished_at.desc())
            .limit(CALIBRATION_SESSIONS)
            .select((
                floor_sessions::agent_id,
                floor_sessions::started_at,
                floor_sessions::finished_at,
                floor_sessions::outcome,
            ))
            .load(conn)?;
    let minutes = |t: NaiveDateTime| (t - now).num_seconds() as f64 / 60.0;
    Ok(rows
        .into_iter()
        .filter_map(|(agent, start, end, outcome)| {
            let served = outcome
                .as_deref()
                .is_some_and(|o| Outcome::SERVED.iter().any(|s| s.as_str() == o));
            Some(crate::domain::planner::calibrate::RecordedSession {
                agent,
                start: minutes(start),
                end: minutes(end?),
                served,
            })
        })
        .collect())
}
