//! Figures and flags the auditor reads next to the log: per agent and
//! branch-local day (sessions, handling time, verification and rejection
//! rates, concurrency) and the anomaly list. This module gathers the facts
//! from `audit_log`, `floor_sessions` and `tickets`; the rules are in
//! `domain::anomaly`. Read-only.
//!
//! Dates are branch-local: a range of days is read from the log with a
//! day's margin on both sides in UTC (Indonesia spans UTC+7 to UTC+9) and
//! then cut by each entry's local date in its branch's time zone.

use std::collections::{BTreeMap, HashMap};
use std::str::FromStr;

use chrono::{NaiveDate, NaiveDateTime, TimeDelta};
use chrono_tz::Tz;
use diesel::prelude::*;
use serde::Serialize;

use super::schema::{audit_log, branches, floor_sessions, participants, tickets};
use super::{DbConnection, DbError};
use crate::domain::anomaly::{self as rules, AgentDay, Kind, SessionFact};

/// Branch and branch-local dates (inclusive) to look at.
#[derive(Debug, Clone)]
pub struct Range {
    pub branch: Option<String>,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Range {
    /// The UTC window that holds every local day of the range.
    fn utc_window(&self) -> (NaiveDateTime, NaiveDateTime) {
        let from = self.from.and_hms_opt(0, 0, 0).unwrap_or_default() - TimeDelta::days(1);
        let to = self.to.and_hms_opt(0, 0, 0).unwrap_or_default() + TimeDelta::days(2);
        (from, to)
    }

    fn holds(&self, branch: &str, day: NaiveDate) -> bool {
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
        .first(conn)
        .optional()?)
}

/// Every branch's time zone (Asia/Jakarta when a stored name is unknown).
fn zones(conn: &mut DbConnection) -> Result<HashMap<String, Tz>, DbError> {
    let rows: Vec<(String, String)> = branches::table
        .select((branches::code, branches::timezone))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(code, tz)| (code, Tz::from_str(&tz).unwrap_or(chrono_tz::Asia::Jakarta)))
        .collect())
}

fn local(zones: &HashMap<String, Tz>, branch: &str, utc: NaiveDateTime) -> NaiveDateTime {
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

/// One flagged fact; `claims` are the claims it concerns (one, or the
/// claims of a flagged agent-hour), each with a timeline in the console.
#[derive(Debug, Clone, Serialize)]
pub struct Flag {
    pub kind: Kind,
    /// The log entry the flag stands on (for high_rate: the hour's last).
    pub seq: i64,
    pub at: NaiveDateTime,
    pub branch: Option<String>,
    pub actor_id: Option<i64>,
    pub claims: Vec<i64>,
    /// Values for the explanation's placeholders.
    pub facts: Vec<(&'static str, String)>,
}

struct Verification {
    seq: i64,
    at: NaiveDateTime,
    local: NaiveDateTime,
    actor_id: Option<i64>,
    branch: String,
    claim_id: i64,
    participant_id: Option<i64>,
    session_id: Option<i64>,
}

type EntryRow = (
    i64,
    NaiveDateTime,
    Option<i64>,
    String,
    Option<String>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<String>,
);

fn entries_of(
    conn: &mut DbConnection,
    action: &str,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Result<Vec<EntryRow>, DbError> {
    Ok(audit_log::table
        .filter(audit_log::action.eq(action))
        .filter(audit_log::at.ge(from))
        .filter(audit_log::at.lt(to))
        .order(audit_log::seq.asc())
        .select((
            audit_log::seq,
            audit_log::at,
            audit_log::actor_id,
            audit_log::actor_role,
            audit_log::actor_branch,
            audit_log::claim_id,
            audit_log::participant_id,
            audit_log::session_id,
            audit_log::branch_code,
        ))
        .load(conn)?)
}

/// Branches serving a claim: booked there, its floor sessions' branches,
/// or its company's branch for a collective claim.
fn claim_branches(conn: &mut DbConnection, claim: i64) -> Result<Vec<String>, DbError> {
    let mut out = super::bookings::branches_of_claim(conn, claim)?;
    let floor: Vec<String> = floor_sessions::table
        .inner_join(tickets::table)
        .filter(tickets::claim_id.eq(claim))
        .select(floor_sessions::branch_code)
        .distinct()
        .load(conn)?;
    out.extend(floor);
    out.extend(super::collective::branch_of_claim(conn, claim)?);
    out.sort();
    out.dedup();
    Ok(out)
}

fn session_agents(conn: &mut DbConnection, claim: i64) -> Result<Vec<i64>, DbError> {
    Ok(floor_sessions::table
        .inner_join(tickets::table)
        .filter(tickets::claim_id.eq(claim))
        .select(floor_sessions::agent_id)
        .distinct()
        .load(conn)?)
}

/// When the session serving a verification started: the session in the
/// entry, else the verifier's latest session of that claim started before.
fn session_start(
    conn: &mut DbConnection,
    v: &Verification,
) -> Result<Option<NaiveDateTime>, DbError> {
    if let Some(s) = v.session_id {
        return Ok(floor_sessions::table
            .find(s)
            .select(floor_sessions::started_at)
            .first(conn)
            .optional()?);
    }
    let Some(agent) = v.actor_id else {
        return Ok(None);
    };
    Ok(floor_sessions::table
        .inner_join(tickets::table)
        .filter(tickets::claim_id.eq(v.claim_id))
        .filter(floor_sessions::agent_id.eq(agent))
        .filter(floor_sessions::started_at.le(v.at))
        .order(floor_sessions::started_at.desc())
        .select(floor_sessions::started_at)
        .first(conn)
        .optional()?)
}

/// The anomaly flags of the range, ordered by time (module docs and
/// `domain::anomaly` for the rules). `kind` keeps only one kind.
pub fn anomalies(
    conn: &mut DbConnection,
    range: &Range,
    kind: Option<Kind>,
) -> Result<Vec<Flag>, DbError> {
    let want = |k: Kind| kind.is_none_or(|w| w == k);
    let zones = zones(conn)?;
    let holidays = super::branches::holiday_dates(conn)?;
    let (from, to) = range.utc_window();
    let mut flags = Vec::new();

    let mut verifications = Vec::new();
    for (seq, at, actor_id, _role, actor_branch, claim, participant, session, branch) in
        entries_of(conn, "claim_verified", from, to)?
    {
        let Some(claim_id) = claim else { continue };
        let branch = match branch.or(actor_branch) {
            Some(b) => b,
            None => match claim_branches(conn, claim_id)?.into_iter().next() {
                Some(b) => b,
                None => continue,
            },
        };
        let local = local(&zones, &branch, at);
        if !range.holds(&branch, local.date()) {
            continue;
        }
        verifications.push(Verification {
            seq,
            at,
            local,
            actor_id,
            branch,
            claim_id,
            participant_id: participant,
            session_id: session,
        });
    }

    for v in &verifications {
        if want(Kind::QuickVerification) {
            if let Some(secs) = session_start(conn, v)?.and_then(|s| rules::quick(s, v.at)) {
                flags.push(flag(
                    Kind::QuickVerification,
                    v,
                    vec![("seconds", secs.to_string())],
                ));
            }
        }
        if want(Kind::OutsideHours) && rules::outside_hours(v.local, &holidays) {
            flags.push(flag(
                Kind::OutsideHours,
                v,
                vec![("local_time", v.local.format("%Y-%m-%d %H:%M").to_string())],
            ));
        }
        if want(Kind::SelfEdited) {
            if let Some(agent) = v.actor_id {
                let mut q = audit_log::table
                    .filter(audit_log::actor_id.eq(agent))
                    .filter(audit_log::seq.lt(v.seq))
                    .select(audit_log::action)
                    .into_boxed();
                q = match v.participant_id {
                    Some(p) => q.filter(
                        audit_log::claim_id
                            .eq(v.claim_id)
                            .or(audit_log::participant_id.eq(p)),
                    ),
                    None => q.filter(audit_log::claim_id.eq(v.claim_id)),
                };
                let mut edits: Vec<String> = q
                    .load::<String>(conn)?
                    .into_iter()
                    .filter(|a| !rules::is_review_step(a))
                    .collect();
                edits.sort();
                edits.dedup();
                if !edits.is_empty() {
                    flags.push(flag(
                        Kind::SelfEdited,
                        v,
                        vec![("actions", edits.join(", "))],
                    ));
                }
            }
        }
    }

    if want(Kind::HighRate) {
        let mut by_branch: BTreeMap<(&str, NaiveDate), Vec<&Verification>> = BTreeMap::new();
        for v in &verifications {
            by_branch
                .entry((&v.branch, v.local.date()))
                .or_default()
                .push(v);
        }
        for vs in by_branch.values() {
            let hours: Vec<(i64, NaiveDateTime)> = vs
                .iter()
                .filter_map(|v| v.actor_id.map(|a| (a, v.local)))
                .collect();
            for (h, med) in rules::high_rate(&rules::agent_hours(&hours)) {
                use chrono::Timelike;
                let in_hour: Vec<&&Verification> = vs
                    .iter()
                    .filter(|v| v.actor_id == Some(h.agent_id) && v.local.hour() == h.hour)
                    .collect();
                let Some(last) = in_hour.last() else { continue };
                let mut f = flag(
                    Kind::HighRate,
                    last,
                    vec![
                        ("count", h.count.to_string()),
                        ("hour", format!("{:02}:00", h.hour)),
                        ("median", med.to_string()),
                    ],
                );
                f.claims = in_hour.iter().map(|v| v.claim_id).collect();
                flags.push(f);
            }
        }
    }

    if want(Kind::UnassignedView) {
        for (seq, at, actor_id, role, actor_branch, claim, _p, _s, branch) in
            entries_of(conn, "document_viewed", from, to)?
        {
            let (Some(viewer), Some(claim_id)) = (actor_id, claim) else {
                continue;
            };
            // A view of a claim served nowhere yet (an admin's) has no
            // branch: it shows when no branch is asked for.
            let place = branch.clone().or(actor_branch.clone());
            let day = local(&zones, place.as_deref().unwrap_or_default(), at).date();
            let shown = match &place {
                Some(b) => range.holds(b, day),
                None => range.branch.is_none() && range.holds("", day),
            };
            if !shown {
                continue;
            }
            let agents = session_agents(conn, claim_id)?;
            let branches = claim_branches(conn, claim_id)?;
            if !rules::assigned(viewer, &role, actor_branch.as_deref(), &agents, &branches) {
                flags.push(Flag {
                    kind: Kind::UnassignedView,
                    seq,
                    at,
                    branch: place,
                    actor_id: Some(viewer),
                    claims: vec![claim_id],
                    facts: vec![("role", role)],
                });
            }
        }
    }
    flags.sort_by_key(|f| (f.at, f.seq));
    Ok(flags)
}

fn flag(kind: Kind, v: &Verification, facts: Vec<(&'static str, String)>) -> Flag {
    Flag {
        kind,
        seq: v.seq,
        at: v.at,
        branch: Some(v.branch.clone()),
        actor_id: v.actor_id,
        claims: vec![v.claim_id],
        facts,
    }
}
