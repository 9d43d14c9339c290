//! What the auditor's anomaly list flags, and the per-agent day figures.
//! Pure rules over facts the database layer (`db::audit::anomalies`) gathers
//! from the verification log and the floor sessions; each rule is a
//! function a unit test can reach. The rules (also in README "The
//! verification log"):
//!
//! - **quick_verification**: a claim verified less than
//!   [`QUICK_SECONDS`] seconds after the floor session serving it started
//!   (the session named in the entry, otherwise the verifier's latest
//!   session for that claim that started before the verification).
//! - **outside_hours**: a verification at a branch-local time outside the
//!   branch's service hours: before 08:00 or after 15:00 plus
//!   [`CLOSING_GRACE_MINUTES`] (a last session may overrun), or on a
//!   weekend or holiday. The branch's own time zone decides.
//! - **high_rate**: an agent whose verifications in one branch-local clock
//!   hour number at least [`HIGH_RATE_MIN`] and more than
//!   [`HIGH_RATE_FACTOR`] × the median of all agent-hours with a
//!   verification at that branch that day.
//! - **unassigned_view**: a staff member viewed a claim's document although
//!   not assigned to the claim. Assigned: the agent of any floor session of
//!   that claim, or the supervisor of a branch serving it (booked there, or
//!   the collective claim's company branch). Auditors are not checked:
//!   reading is their duty, and their reads are logged.
//! - **self_edited**: the verifier also wrote something else about the
//!   claim or its participant: any entry by the same staff member on the
//!   same claim or participant whose action is not a review or
//!   verification step ([`is_review_step`]: viewing, reviewing, deciding,
//!   confirming identity, issuing the ticket, the session's steps, and
//!   registering a walk-in and opening their claim at the console). Such
//!   writes are setting a waiting ticket's priority (elderly, disability,
//!   pregnancy) and adding a walk-in's documents at the console
//!   (`document_added_by_agent`): an agent who then verifies that claim
//!   both supplied and accepted its evidence, which the auditor should see.
//!
//! Four more read the booking entries for seat brokers (calo) and live in
//! [`calo`] (their thresholds are its constants): **shared_contact** (one
//! client address behind the bookings of many participants in a day, or
//! one phone number shared by several booking participants), **churn**
//! (one participant cancelling again and again), **seat_passed** (a
//! cancelled seat booked by another participant minutes later) and
//! **many_branches** (bookings from one address at several branches in a
//! day). They are hints, not proof: carrier NAT puts many strangers
//! behind one address.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use serde::Serialize;

use crate::domain::calendar;

pub mod calo;

/// A verification this soon after its session started is flagged.
pub const QUICK_SECONDS: i64 = 60;
/// Service hours end at 15:00 local; verifications this long after still
/// belong to the last session.
pub const CLOSING_GRACE_MINUTES: u32 = 30;
/// An agent-hour needs at least this many verifications to be flagged.
pub const HIGH_RATE_MIN: u32 = 5;
/// … and more than this many times the branch's median agent-hour.
pub const HIGH_RATE_FACTOR: u32 = 3;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    QuickVerification,
    OutsideHours,
    HighRate,
    UnassignedView,
    SelfEdited,
    SharedContact,
    Churn,
    SeatPassed,
    ManyBranches,
}

impl Kind {
    pub const ALL: [Kind; 9] = [
        Kind::QuickVerification,
        Kind::OutsideHours,
        Kind::HighRate,
        Kind::UnassignedView,
        Kind::SelfEdited,
        Kind::SharedContact,
        Kind::Churn,
        Kind::SeatPassed,
        Kind::ManyBranches,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Kind::QuickVerification => "quick_verification",
            Kind::OutsideHours => "outside_hours",
            Kind::HighRate => "high_rate",
            Kind::UnassignedView => "unassigned_view",
            Kind::SelfEdited => "self_edited",
            Kind::SharedContact => "shared_contact",
            Kind::Churn => "churn",
            Kind::SeatPassed => "seat_passed",
            Kind::ManyBranches => "many_branches",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.code() == s)
    }

    /// Catalog key of the sentence that explains a flag of this kind
    /// (placeholders filled from the flag's facts).
    pub fn explanation_key(self) -> &'static str {
        match self {
            Kind::QuickVerification => "anomaly_quick_verification",
            Kind::OutsideHours => "anomaly_outside_hours",
            Kind::HighRate => "anomaly_high_rate",
            Kind::UnassignedView => "anomaly_unassigned_view",
            Kind::SelfEdited => "anomaly_self_edited",
            Kind::SharedContact => "anomaly_shared_contact",
            Kind::Churn => "anomaly_churn",
            Kind::SeatPassed => "anomaly_seat_passed",
            Kind::ManyBranches => "anomaly_many_branches",
        }
    }
}

/// Seconds from the session's start to the verification, when that is
/// less than [`QUICK_SECONDS`] (and not negative).
pub fn quick(session_started: NaiveDateTime, verified_at: NaiveDateTime) -> Option<i64> {
    let secs = (verified_at - session_started).num_seconds();
    (0..QUICK_SECONDS).contains(&secs).then_some(secs)
}

/// Whether a branch-local instant lies outside the service hours (see the
/// module docs). `holidays` are the non-working dates.
pub fn outside_hours(local: NaiveDateTime, holidays: &[NaiveDate]) -> bool {
    if !calendar::is_working_day(local.date(), holidays) {
        return true;
    }
    let t = local.time();
    let open = NaiveTime::from_hms_opt(8, 0, 0).unwrap_or_default();
    let close = NaiveTime::from_hms_opt(15, CLOSING_GRACE_MINUTES, 0).unwrap_or_default();
    t < open || t > close
}

/// Verifications of one agent in one branch-local clock hour.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentHour {
    pub agent_id: i64,
    pub day: NaiveDate,
    pub hour: u32,
    pub count: u32,
}

/// The median of counts (the lower middle value for an even number, so
/// a pair of agents cannot pull it up).
pub fn median(counts: &mut [u32]) -> Option<u32> {
    if counts.is_empty() {
        return None;
    }
    counts.sort_unstable();
    Some(counts[(counts.len() - 1) / 2])
}

/// The agent-hours of one branch and day that are flagged, each with the
/// branch median it was compared with.
pub fn high_rate(hours: &[AgentHour]) -> Vec<(AgentHour, u32)> {
    let mut counts: Vec<u32> = hours.iter().map(|h| h.count).collect();
    let Some(med) = median(&mut counts) else {
        return Vec::new();
    };
    hours
        .iter()
        .filter(|h| h.count >= HIGH_RATE_MIN && h.count > HIGH_RATE_FACTOR * med)
        .map(|h| (h.clone(), med))
        .collect()
}

/// Groups branch-local verification instants of one branch by agent, day
/// and hour.
pub fn agent_hours(verifications: &[(i64, NaiveDateTime)]) -> Vec<AgentHour> {
    let mut map: std::collections::BTreeMap<(NaiveDate, i64, u32), u32> = Default::default();
    for (agent, local) in verifications {
        *map.entry((local.date(), *agent, local.hour())).or_default() += 1;
    }
    map.into_iter()
        .map(|((day, agent_id, hour), count)| AgentHour {
            agent_id,
            day,
            hour,
            count,
        })
        .collect()
}

/// Steps of reviewing and deciding a claim (and the system's own
/// entries); any other entry by the verifier about the claim or its
/// participant counts as editing it.
pub fn is_review_step(action: &str) -> bool {
    matches!(
        action,
        "claim_verified"
            | "claim_rejected"
            | "document_accepted"
            | "document_rejected"
            | "document_viewed"
            | "identity_confirmed"
            | "participant_registered"
            | "claim_opened"
            | "ticket_issued"
            | "session_assigned"
            | "signed_in"
            | "sign_in_failed"
            | "agent_status"
    ) || action.starts_with("session_")
}

/// Whether a staff member counts as assigned to a claim (module docs).
pub fn assigned(
    viewer_id: i64,
    viewer_role: &str,
    viewer_branch: Option<&str>,
    session_agents: &[i64],
    claim_branches: &[String],
) -> bool {
    match viewer_role {
        "auditor" => true,
        "supervisor" => viewer_branch.is_some_and(|b| claim_branches.iter().any(|c| c == b)),
        _ => session_agents.contains(&viewer_id),
    }
}

/// One agent's figures for one branch-local day.
#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct AgentDay {
    pub agent_id: i64,
    pub branch: String,
    /// Branch-local date, YYYY-MM-DD.
    #[schema(value_type = String)]
    pub day: NaiveDate,
    /// Floor sessions started that day.
    pub sessions: u32,
    /// Finished sessions (any outcome).
    pub finished: u32,
    pub verified: u32,
    pub rejected: u32,
    /// Mean minutes from start to finish of finished sessions.
    pub avg_handling_minutes: Option<f64>,
    /// verified / finished.
    pub verification_rate: Option<f64>,
    /// rejected / finished.
    pub rejection_rate: Option<f64>,
    /// Session-minutes per on-duty minute: how many sessions ran side by
    /// side on average while on duty.
    pub avg_concurrency: Option<f64>,
}

/// One floor session as the figures need it.
#[derive(Debug, Clone)]
pub struct SessionFact {
    pub started_at: NaiveDateTime,
    pub finished_at: Option<NaiveDateTime>,
    pub outcome: Option<String>,
}

/// The figures of one agent-day. `on_duty_minutes` comes from the log's
/// `agent_status` entries (on duty or paused until off); when the log has
/// none for that day, the time with at least one session open is used,
/// so the concurrency is then "sessions side by side while serving".
pub fn agent_day(
    agent_id: i64,
    branch: &str,
    day: NaiveDate,
    sessions: &[SessionFact],
    on_duty_minutes: Option<f64>,
) -> AgentDay {
    let minutes = |s: &SessionFact| {
        s.finished_at
            .map(|f| ((f - s.started_at).num_milliseconds().max(0) as f64) / 60_000.0)
    };
    let finished: Vec<&SessionFact> = sessions
        .iter()
        .filter(|s| s.finished_at.is_some())
        .collect();
    let n_finished = finished.len() as u32;
    let verified = finished
        .iter()
        .filter(|s| s.outcome.as_deref() == Some("verified"))
        .count() as u32;
    let rejected = finished
        .iter()
        .filter(|s| s.outcome.as_deref() == Some("rejected"))
        .count() as u32;
    let busy: f64 = finished.iter().filter_map(|s| minutes(s)).sum();
    let rate = |n: u32| (n_finished > 0).then(|| f64::from(n) / f64::from(n_finished));
    let duty = on_duty_minutes
        .filter(|m| m.is_finite() && *m > 0.0)
        .or_else(|| Some(union_minutes(&finished)).filter(|m| *m > 0.0));
    AgentDay {
        agent_id,
        branch: branch.to_string(),
        day,
        sessions: sessions.len() as u32,
        finished: n_finished,
        verified,
        rejected,
        avg_handling_minutes: (n_finished > 0).then(|| busy / f64::from(n_finished)),
        verification_rate: rate(verified),
        rejection_rate: rate(rejected),
        avg_concurrency: duty.map(|d| busy / d),
    }
}

/// Minutes covered by at least one of the finished sessions.
fn union_minutes(sessions: &[&SessionFact]) -> f64 {
    let mut spans: Vec<(NaiveDateTime, NaiveDateTime)> = sessions
        .iter()
        .filter_map(|s| s.finished_at.map(|f| (s.started_at, f.max(s.started_at))))
        .collect();
    spans.sort();
    let mut total = 0i64;
    let mut cur: Option<(NaiveDateTime, NaiveDateTime)> = None;
    for (s, e) in spans {
        cur = match cur {
            Some((cs, ce)) if s <= ce => Some((cs, ce.max(e))),
            Some((cs, ce)) => {
                total += (ce - cs).num_milliseconds();
                Some((s, e))
            }
            None => Some((s, e)),
        };
    }
    if let Some((cs, ce)) = cur {
        total += (ce - cs).num_milliseconds();
    }
    total as f64 / 60_000.0
}

/// Minutes on duty from an agent's status changes of one day, in order:
/// from `on_duty` (or `paused`: open sessions go on) until `off`; a span
/// still open ends at `day_end`.
pub fn on_duty_minutes(changes: &[(NaiveDateTime, String)], day_end: NaiveDateTime) -> f64 {
    let mut total = 0i64;
    let mut since: Option<NaiveDateTime> = None;
    for (at, status) in changes {
        match (status.as_str(), since) {
            ("off", Some(s)) => {
                total += (*at - s).num_milliseconds().max(0);
                since = None;
            }
            ("off", None) => {}
            (_, None) => since = Some(*at),
            (_, Some(_)) => {}
        }
    }
    if let Some(s) = since {
        total += (day_end - s).num_milliseconds().max(0);
    }
    total as f64 / 60_000.0
}

#[cfg(test)]
#[path = "tests/anomaly.rs"]
mod tests;
