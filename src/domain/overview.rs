//! The head office overview (issue 17): every branch's floor on one page,
//! with an alert where a branch's wait passes a threshold.
//!
//! # Figures (per branch, its own local "today")
//! - `open_sessions`: floor sessions started and not finished (people
//!   being served now);
//! - `waiting`: today's tickets waiting for a seat;
//! - `on_duty_agents`: CS agents on duty (not paused, not off);
//! - `served_today`: today's sessions finished `verified` or `rejected`;
//! - `quota_next_7_days`: booking seats still free in sessions starting
//!   within the next 7 × 24 hours (closed sessions count none);
//! - `longest_wait_minutes`: how long the longest-waiting ticket of today
//!   has waited so far (none when nobody waits).
//!
//! # Alerts ([`alert`])
//! - `wait_over_threshold`: the longest wait has reached the threshold;
//! - `nobody_on_duty`: people wait and no agent is on duty.
//!
//! The threshold is [`DEFAULT_THRESHOLD_MINUTES`] (60) unless the page or
//! the API names another, [`MIN_THRESHOLD_MINUTES`]..=[`MAX_THRESHOLD_MINUTES`]
//! ([`threshold`]).

use serde::Serialize;
use utoipa::ToSchema;

/// The wait at which a branch is flagged unless another is asked for.
pub const DEFAULT_THRESHOLD_MINUTES: u32 = 60;
pub const MIN_THRESHOLD_MINUTES: u32 = 1;
pub const MAX_THRESHOLD_MINUTES: u32 = 600;
/// How far ahead the booking quota is counted.
pub const QUOTA_DAYS: i64 = 7;

/// Why a branch is flagged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Alert {
    WaitOverThreshold,
    NobodyOnDuty,
}

impl Alert {
    pub const ALL: [Alert; 2] = [Alert::WaitOverThreshold, Alert::NobodyOnDuty];

    pub const fn code(self) -> &'static str {
        match self {
            Alert::WaitOverThreshold => "wait_over_threshold",
            Alert::NobodyOnDuty => "nobody_on_duty",
        }
    }
}

serialize_as_code!(Alert);

/// One branch's live figures.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct BranchFigures {
    pub code: String,
    pub name: String,
    pub timezone: String,
    pub open_sessions: u32,
    pub waiting: u32,
    pub on_duty_agents: u32,
    pub served_today: u32,
    pub quota_next_7_days: u32,
    pub longest_wait_minutes: Option<u32>,
    /// `wait_over_threshold`, `nobody_on_duty` or null.
    #[schema(value_type = Option<String>)]
    pub alert: Option<Alert>,
}

/// The flag of a branch with these figures, if any (a long wait first).
pub fn alert(
    waiting: u32,
    on_duty: u32,
    longest_wait: Option<u32>,
    threshold: u32,
) -> Option<Alert> {
    if longest_wait.is_some_and(|w| w >= threshold) {
        Some(Alert::WaitOverThreshold)
    } else if waiting > 0 && on_duty == 0 {
        Some(Alert::NobodyOnDuty)
    } else {
        None
    }
}

/// The threshold asked for: the default when none, else within bounds.
pub fn threshold(asked: Option<i64>) -> Option<u32> {
    match asked {
        None => Some(DEFAULT_THRESHOLD_MINUTES),
        Some(m) => u32::try_from(m)
            .ok()
            .filter(|m| (MIN_THRESHOLD_MINUTES..=MAX_THRESHOLD_MINUTES).contains(m)),
    }
}

/// The overview's totals over every branch.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ToSchema)]
pub struct Totals {
    pub open_sessions: u32,
    pub waiting: u32,
    pub on_duty_agents: u32,
    pub served_today: u32,
    pub quota_next_7_days: u32,
    pub alerts: u32,
}

pub fn totals(rows: &[BranchFigures]) -> Totals {
    rows.iter().fold(Totals::default(), |t, b| Totals {
        open_sessions: t.open_sessions.saturating_add(b.open_sessions),
        waiting: t.waiting.saturating_add(b.waiting),
        on_duty_agents: t.on_duty_agents.saturating_add(b.on_duty_agents),
        served_today: t.served_today.saturating_add(b.served_today),
        quota_next_7_days: t.quota_next_7_days.saturating_add(b.quota_next_7_days),
        alerts: t.alerts + u32::from(b.alert.is_some()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alerts() {
        assert_eq!(alert(0, 0, None, 60), None, "an empty, closed branch");
        assert_eq!(alert(3, 0, Some(5), 60), Some(Alert::NobodyOnDuty));
        assert_eq!(alert(3, 1, Some(59), 60), None);
        assert_eq!(alert(3, 1, Some(60), 60), Some(Alert::WaitOverThreshold));
        assert_eq!(alert(3, 0, Some(90), 60), Some(Alert::WaitOverThreshold));
    }

    #[test]
    fn thresholds() {
        assert_eq!(threshold(None), Some(DEFAULT_THRESHOLD_MINUTES));
        assert_eq!(threshold(Some(30)), Some(30));
        assert_eq!(threshold(Some(0)), None);
        assert_eq!(threshold(Some(-5)), None);
        assert_eq!(threshold(Some(601)), None);
    }

    #[test]
    fn totals_add_up() {
        let row = |waiting, alert| BranchFigures {
            code: "X".into(),
            name: "X".into(),
            timezone: "Asia/Jakarta".into(),
            open_sessions: 2,
            waiting,
            on_duty_agents: 1,
            served_today: 4,
            quota_next_7_days: 100,
            longest_wait_minutes: None,
            alert,
        };
        let t = totals(&[row(3, None), row(5, Some(Alert::NobodyOnDuty))]);
        assert_eq!(
            (
                t.open_sessions,
                t.waiting,
                t.served_today,
                t.quota_next_7_days,
                t.alerts
            ),
            (4, 8, 8, 200, 1)
        );
    }
}
