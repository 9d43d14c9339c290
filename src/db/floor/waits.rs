//! Honest waits (issue 17): the live inputs of the wait range, the range
//! each ticket was shown, and how often the real wait fell inside it.

use std::collections::BTreeMap;

use super::*;
use crate::db::schema::wait_predictions;
use crate::domain::floor::{Accuracy, Measured, ServiceStats, WaitRange, RECENT_SESSIONS};

/// Where a ticket stands: place in line, the point estimate (API field
/// `estimated_wait_minutes`) and the range the screens show.
#[derive(Debug, Clone, Copy, Default)]
pub struct WaitNow {
    pub position: Option<u32>,
    pub minutes: Option<u32>,
    pub range: Option<WaitRange>,
}

/// Seats of each agent on duty now.
pub fn on_duty_seats(conn: &mut DbConnection, branch: &str) -> Result<Vec<u32>, DbError> {
    Ok(agents_of(conn, branch)?
        .iter()
        .filter(|a| a.status == AgentStatus::OnDuty)
        .map(|a| u32::try_from(a.seats).unwrap_or(0))
        .collect())
}

/// Length (mean, spread) of the branch's last served sessions, finished
/// by `now`, on any day.
pub fn recent_service(
    conn: &mut DbConnection,
    branch: &str,
    now: NaiveDateTime,
) -> Result<ServiceStats, DbError> {
    let rows: Vec<(NaiveDateTime, Option<NaiveDateTime>)> = floor_sessions::table
        .filter(floor_sessions::branch_code.eq(branch))
        .filter(floor_sessions::finished_at.le(now))
        .filter(floor_sessions::outcome.eq_any(Outcome::SERVED.map(Outcome::as_str)))
        .order(floor_sessions::finished_at.desc())
        .limit(i64::try_from(RECENT_SESSIONS).unwrap_or(50))
        .select((floor_sessions::started_at, floor_sessions::finished_at))
        .load(conn)?;
    let minutes: Vec<f64> = rows
        .iter()
        .filter_map(|(s, f)| f.map(|f| (f - *s).num_seconds() as f64 / 60.0))
        .collect();
    Ok(ServiceStats::from_durations(&minutes))
}

/// The range for someone with `ahead` people before them at `branch`.
pub fn range_for(
    conn: &mut DbConnection,
    branch: &str,
    ahead: u32,
    now: NaiveDateTime,
) -> Result<Option<WaitRange>, DbError> {
    let seats = on_duty_seats(conn, branch)?;
    if seats.iter().all(|s| *s == 0) {
        return Ok(None);
    }
    let stats = recent_service(conn, branch, now)?;
    Ok(rules::wait_range(ahead, &seats, stats))
}

/// Records the range a new ticket was shown (once per ticket).
pub fn record_prediction(
    conn: &mut DbConnection,
    ticket: &Ticket,
    range: WaitRange,
    now: NaiveDateTime,
) -> Result<(), DbError> {
    let low = i32::try_from(range.low_minutes).unwrap_or(i32::MAX);
    let high = i32::try_from(range.high_minutes).unwrap_or(i32::MAX);
    diesel::insert_into(wait_predictions::table)
        .values((
            wait_predictions::ticket_id.eq(ticket.id),
            wait_predictions::branch_code.eq(&ticket.branch_code),
            wait_predictions::local_date.eq(ticket.local_date),
            wait_predictions::low_minutes.eq(low),
            wait_predictions::high_minutes.eq(high.max(low)),
            wait_predictions::predicted_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// How the ranges of a branch's tickets of `day` did: each recorded range
/// against the wait until the ticket's first session started.
pub fn accuracy_of_day(
    conn: &mut DbConnection,
    branch: &str,
    day: NaiveDate,
) -> Result<Accuracy, DbError> {
    let rows: Vec<(i32, i32, NaiveDateTime, Option<NaiveDateTime>)> = wait_predictions::table
        .inner_join(
            floor_sessions::table.on(floor_sessions::ticket_id.eq(wait_predictions::ticket_id)),
        )
        .filter(wait_predictions::branch_code.eq(branch))
        .filter(wait_predictions::local_date.eq(day))
        .group_by((
            wait_predictions::ticket_id,
            wait_predictions::low_minutes,
            wait_predictions::high_minutes,
            wait_predictions::predicted_at,
        ))
        .select((
            wait_predictions::low_minutes,
            wait_predictions::high_minutes,
            wait_predictions::predicted_at,
            diesel::dsl::min(floor_sessions::started_at),
        ))
        .load(conn)?;
    let samples: Vec<Measured> = rows
        .iter()
        .filter_map(|(low, high, at, started)| {
            let started = (*started)?;
            Some(Measured {
                range: WaitRange {
                    low_minutes: u32::try_from(*low).unwrap_or(0),
                    high_minutes: u32::try_from(*high).unwrap_or(0),
                },
                actual_minutes: (started - *at).num_seconds().max(0) as f64 / 60.0,
            })
        })
        .collect();
    Ok(rules::accuracy(&samples))
}

/// The ticket called last at a branch on `day`: the one whose first
/// session started last (a transfer is not a new call).
pub fn last_called(
    conn: &mut DbConnection,
    branch: &str,
    day: NaiveDate,
) -> Result<Option<String>, DbError> {
    let rows: Vec<(i64, String, NaiveDateTime)> = floor_sessions::table
        .inner_join(tickets::table)
        .filter(floor_sessions::branch_code.eq(branch))
        .filter(tickets::local_date.eq(day))
        .select((tickets::id, tickets::number, floor_sessions::started_at))
        .load(conn)?;
    let mut first: BTreeMap<i64, (NaiveDateTime, &str)> = BTreeMap::new();
    for (id, number, at) in &rows {
        let e = first.entry(*id).or_insert((*at, number));
        if *at < e.0 {
            *e = (*at, number);
        }
    }
    Ok(first
        .into_iter()
        .max_by_key(|(id, (at, _))| (*at, *id))
        .map(|(_, (_, n))| n.to_string()))
}
