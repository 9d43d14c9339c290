//! The auditor's anomaly list: the facts behind each rule of
//! `domain::audit::anomaly`, gathered from `audit_log`, `floor_sessions`
//! and `tickets`; the seat-broker rules' facts (booking entries) are
//! gathered in [`calo`]. Read-only.

use crate::db::FirstRow;
use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use super::stats::{local, zones, Range};
use crate::db::schema::{audit_log, floor_sessions, tickets};
use crate::db::{DbConnection, DbError};
use crate::domain::audit::anomaly::{self as rules, Kind};

mod calo;

/// One flagged fact; `claims` are the claims it concerns (one, or the
/// claims of a flagged agent-hour), each with a timeline in the console.
#[derive(Debug, Clone, Serialize)]
pub struct Flag {
    pub kind: Kind,
    /// The log entry the flag stands on (for high_rate: the hour's last;
    /// for the seat-broker rules: the latest booking entry flagged).
    pub seq: i64,
    pub at: NaiveDateTime,
    /// None when the flagged entries span several branches.
    pub branch: Option<String>,
    /// The staff member flagged; None for the seat-broker rules, which
    /// flag participants.
    pub actor_id: Option<i64>,
    pub claims: Vec<i64>,
    /// The participants it concerns (ascending), when known.
    pub participants: Vec<i64>,
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
    let mut out = crate::db::bookings::branches_of_claim(conn, claim)?;
    let floor: Vec<String> = floor_sessions::table
        .inner_join(tickets::table)
        .filter(tickets::claim_id.eq(claim))
        .select(floor_sessions::branch_code)
        .distinct()
        .load(conn)?;
    out.extend(floor);
    out.extend(crate::db::collective::branch_of_claim(conn, claim)?);
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
            .first_row(conn)
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
        .first_row(conn)
        .optional()?)
}

/// The anomaly flags of the range, ordered by time (module docs and
/// `domain::audit::anomaly` for the rules). `kind` keeps only one kind.
pub fn anomalies(
    conn: &mut DbConnection,
    range: &Range,
    kind: Option<Kind>,
) -> Result<Vec<Flag>, DbError> {
    let want = |k: Kind| kind.is_none_or(|w| w == k);
    let zones = zones(conn)?;
    let holidays = crate::db::branches::holiday_dates(conn)?;
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
                // Staff ids and participant ids are separate sequences:
                // only the verifier's own entries as staff count.
                let mut q = audit_log::table
                    .filter(audit_log::actor_id.eq(agent))
                    .filter(audit_log::actor_role.eq_any(["cs", "supervisor", "admin"]))
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
                let mut participants: Vec<i64> =
                    in_hour.iter().filter_map(|v| v.participant_id).collect();
                participants.sort_unstable();
                participants.dedup();
                f.participants = participants;
                flags.push(f);
            }
        }
    }

    if want(Kind::UnassignedView) {
        for (seq, at, actor_id, role, actor_branch, claim, participant, _s, branch) in
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
                    participants: participant.into_iter().collect(),
                    facts: vec![("role", role)],
                });
            }
        }
    }
    flags.extend(calo::flags(conn, range, &zones, kind)?);
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
        participants: v.participant_id.into_iter().collect(),
        facts,
    }
}
