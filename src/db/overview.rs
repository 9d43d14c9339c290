//! The head office overview's figures (issue 17): every branch in a few
//! grouped queries, whatever the number of branches. Each branch counts
//! its own local "today" (WIB, WITA and WIT differ by up to two hours).

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeDelta, Utc};
use diesel::prelude::*;

use super::branches;
use super::schema::{agents, floor_sessions, slots, tickets};
use super::{DbConnection, DbError};
use crate::domain::floor::{AgentStatus, Outcome, TicketStatus};
use crate::domain::overview::{self as rules, BranchFigures};

fn count(n: i64) -> u32 {
    u32::try_from(n.max(0)).unwrap_or(u32::MAX)
}

/// Every branch's live figures at `now`, flagged against `threshold`
/// minutes, in the branches' order.
pub fn figures(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    threshold: u32,
) -> Result<Vec<BranchFigures>, DbError> {
    let ts = now.naive_utc();
    let list = branches::list(conn)?;
    let today: HashMap<String, NaiveDate> = list
        .iter()
        .map(|b| (b.code.clone(), now.with_timezone(&b.tz()).date_naive()))
        .collect();
    let first_day = today.values().min().copied().unwrap_or(ts.date());
    let is_today = |code: &str, day: NaiveDate| today.get(code) == Some(&day);

    let open: HashMap<String, i64> = floor_sessions::table
        .filter(floor_sessions::finished_at.is_null())
        .group_by(floor_sessions::branch_code)
        .select((floor_sessions::branch_code, diesel::dsl::count_star()))
        .load::<(String, i64)>(conn)?
        .into_iter()
        .collect();
    let on_duty: HashMap<String, i64> = agents::table
        .filter(agents::status.eq(AgentStatus::OnDuty.as_str()))
        .group_by(agents::branch_code)
        .select((agents::branch_code, diesel::dsl::count_star()))
        .load::<(String, i64)>(conn)?
        .into_iter()
        .collect();
    // (count, earliest arrival) of today's waiting tickets.
    let mut waiting: HashMap<String, (u32, NaiveDateTime)> = HashMap::new();
    let rows: Vec<(String, NaiveDate, i64, Option<NaiveDateTime>)> = tickets::table
        .filter(tickets::status.eq(TicketStatus::Waiting.as_str()))
        .filter(tickets::local_date.ge(first_day))
        .group_by((tickets::branch_code, tickets::local_date))
        .select((
            tickets::branch_code,
            tickets::local_date,
            diesel::dsl::count_star(),
            diesel::dsl::min(tickets::arrived_at),
        ))
        .load(conn)?;
    for (code, day, n, first) in rows {
        if let (true, Some(first)) = (is_today(&code, day), first) {
            waiting.insert(code, (count(n), first));
        }
    }
    let mut served: HashMap<String, u32> = HashMap::new();
    let rows: Vec<(String, NaiveDate, i64)> = floor_sessions::table
        .inner_join(tickets::table)
        .filter(floor_sessions::outcome.eq_any(Outcome::SERVED.map(Outcome::as_str)))
        .filter(tickets::local_date.ge(first_day))
        .group_by((tickets::branch_code, tickets::local_date))
        .select((
            tickets::branch_code,
            tickets::local_date,
            diesel::dsl::count_star(),
        ))
        .load(conn)?;
    for (code, day, n) in rows {
        if is_today(&code, day) {
            served.insert(code, count(n));
        }
    }
    let mut quota: HashMap<String, i64> = HashMap::new();
    let rows: Vec<(String, i32, i32, i32)> = slots::table
        .filter(slots::starts_at.gt(ts))
        .filter(slots::starts_at.le(ts + TimeDelta::days(rules::QUOTA_DAYS)))
        .filter(slots::closure_id.is_null())
        .select((
            slots::branch_code,
            slots::capacity,
            slots::booked,
            slots::held,
        ))
        .load(conn)?;
    for (code, capacity, booked, held) in rows {
        *quota.entry(code).or_default() += i64::from((capacity - booked - held).max(0));
    }

    Ok(list
        .into_iter()
        .map(|b| {
            let get = |m: &HashMap<String, i64>| count(m.get(&b.code).copied().unwrap_or(0));
            let (waiting, longest) = match waiting.get(&b.code) {
                Some((n, first)) => (*n, Some(count((ts - *first).num_minutes()))),
                None => (0, None),
            };
            let on_duty = get(&on_duty);
            BranchFigures {
                open_sessions: get(&open),
                waiting,
                on_duty_agents: on_duty,
                served_today: served.get(&b.code).copied().unwrap_or(0),
                quota_next_7_days: get(&quota),
                longest_wait_minutes: longest,
                alert: rules::alert(waiting, on_duty, longest, threshold),
                code: b.code,
                name: b.name,
                timezone: b.timezone,
            }
        })
        .collect())
}
