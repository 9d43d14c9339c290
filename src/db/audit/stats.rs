//! Figures and flags the auditor reads next to the log: per agent and
//! branch-local day (sessions, handling time, verification and rejection
//! rates, concurrency); the anomaly list is in `anomalies`. This module gathers the facts
//! from `audit_log`, `floor_sessions` and `tickets`; the rules are in
//! `domain::audit::anomaly`. Read-only.
//!
//! Dates are branch-local: a range of days is read from the log with a
//! day's margin on both sides in UTC (Indonesia spans UTC+7 to UTC+9) and
//! then cut by each entry's local date in its branch's time zone.

use crate::db::FirstRow;
use std::collections::{BTreeMap, HashMap};
use std::str::FromStr;

use chrono::{NaiveDate, NaiveDateTime, TimeDelta};
use chrono_tz::Tz;
use diesel::prelude::*;

use crate::db::schema::{audit_log, branches, floor_sessions, participants, tickets};
use crate::db::{DbConnection, DbError};
use crate::domain::audit::anomaly::{self as rules, AgentDay, SessionFact};

/// Branch and branch-local dates (inclusive) to look at.
#[derive(Debug, Clone)]
pub struct Range {
    pub branch: Option<String>,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Range {
    /// The UTC window that holds every local day of the range.
    pub(super) fn utc_window(&self) -> (NaiveDateTime, NaiveDateTime) {
        let from = self.from.and_hms_opt(0, 0, 0).unwrap_or_default() - TimeDelta::days(1);
        let to = self.to.and_hms_opt(0, 0, 0).unwrap_or_default() + TimeDelta::days(2);
        (from, to)
    }

    pub(super) fn holds(&self, branch: &str, day: NaiveDate) -> bool {
        self.branch
            .as_deref()
            .is_none_or(|b| b == branch || branch.is_empty())
            && day >= self.from
            && day <= self.to
    }
}

/// The participant with this NIK, if any (the auditor's NIK filter).
pub fn participant_by_nik(conn: &mut DbConnection, nik: &str) -> Result<Option<i64>, DbError> {
    Ok(participants::table
        .filter(participants::nik.eq(nik))
        .select(participants::id)
        .first_row(conn)
        .optional()?)
}

/// Every branch's time zone (Asia/Jakarta when a stored name is unknown).
pub(super) fn zones(conn: &mut DbConnection) -> Result<HashMap<String, Tz>, DbError> {
    let rows: Vec<(String, String)> = branches::table
        .select((branches::code, branches::timezone))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(code, tz)| (code, Tz::from_str(&tz).unwrap_or(chrono_tz::Asia::Jakarta)))
        .collect())
}

pub(super) fn local(
    zones: &HashMap<String, Tz>,
    branch: &str,
    utc: NaiveDateTime,
) -> NaiveDateTime {
    let tz = zones
        .get(branch)
        .copied()
        .unwrap_or(chrono_tz::Asia::Jakarta);
    crate::domain::schedule::to_local(tz, utc).naive_local()
}

/// Per agent and branch-local day, for the range (module docs).
pub fn agent_days(conn: &mut DbConnection, range: &Range) -> Result<Vec<AgentDay>, DbError> {
    let mut q = floor_sessions::table
        .inner_join(tickets::table)
        .filter(tickets::local_date.ge(range.from))
        .filter(tickets::local_date.le(range.to))
        .select((
            floor_sessions::agent_id,
            floor_sessions::branch_code,
            tickets::local_date,
            floor_sessions::started_at,
            floor_sessions::finished_at,
            floor_sessions::outcome,
        ))
        .into_boxed();
    if let Some(b) = &range.branch {
        q = q.filter(floor_sessions::branch_code.eq(b.clone()));
    }
    type Row = (
        i64,
        String,
        NaiveDate,
        NaiveDateTime,
        Option<NaiveDateTime>,
        Option<String>,
    );
    let rows: Vec<Row> = q.load(conn)?;
    let mut groups: BTreeMap<(String, NaiveDate, i64), Vec<SessionFact>> = BTreeMap::new();
    for (agent, branch, day, started_at, finished_at, outcome) in rows {
        groups
            .entry((branch, day, agent))
            .or_default()
            .push(SessionFact {
                started_at,
                finished_at,
                outcome,
            });
    }
    if groups.is_empty() {
        return Ok(Vec::new());
    }
    // On-duty time from the log's agent_status entries.
    let zones = zones(conn)?;
    let (from, to) = range.utc_window();
    let agents: Vec<i64> = groups.keys().map(|(_, _, a)| *a).collect();
    let changes: Vec<(i64, Option<String>, NaiveDateTime, String)> = audit_log::table
        .filter(audit_log::action.eq("agent_status"))
        .filter(audit_log::at.ge(from))
        .filter(audit_log::at.lt(to))
        .filter(audit_log::actor_id.eq_any(&agents))
        .order(audit_log::seq.asc())
        .select((
            audit_log::actor_id.assume_not_null(),
            audit_log::branch_code,
            audit_log::at,
            audit_log::details,
        ))
        .load(conn)?;
    let mut status: HashMap<(String, NaiveDate, i64), Vec<(NaiveDateTime, String)>> =
        HashMap::new();
    for (agent, branch, at, details) in changes {
        let Some(branch) = branch else { continue };
        let s = serde_json::from_str::<serde_json::Value>(&details)
            .ok()
            .and_then(|v| v["status"].as_str().map(str::to_string))
            .unwrap_or_default();
        let day = local(&zones, &branch, at).date();
        status
            .entry((branch, day, agent))
            .or_default()
            .push((at, s));
    }
    Ok(groups
        .into_iter()
        .map(|((branch, day, agent), sessions)| {
            let duty = status.get(&(branch.clone(), day, agent)).map(|changes| {
                let last_finish = sessions.iter().filter_map(|s| s.finished_at).max();
                let last_change = changes.last().map(|(at, _)| *at);
                let end = last_finish.max(last_change).unwrap_or_default();
                rules::on_duty_minutes(changes, end)
            });
            rules::agent_day(agent, &branch, day, &sessions, duty)
        })
        .collect())
}
