//! The smallest number of agents (at a plan's seats per agent) whose
//! simulated mean wait meets a target. The mean wait is of those served,
//! so a floor that sends most people home at closing could look quick:
//! staffing that leaves more than [`MAX_UNSERVED_SHARE`] of the day's
//! arrivals unserved at closing meets no target.

use serde::Serialize;
use utoipa::ToSchema;

use super::plan::Plan;
use super::{simulate, MAX_AGENTS};

/// The share of arrivals that may still be waiting at closing.
pub const MAX_UNSERVED_SHARE: f64 = 0.01;

/// The answer to "how many agents for this wait?".
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Staffing {
    pub target_wait_minutes: f64,
    /// The smallest number of agents meeting the target; null when even
    /// the most the planner simulates (100) does not.
    pub agents: Option<u32>,
    /// The mean wait with that many agents.
    pub mean_wait_minutes: Option<f64>,
}

/// Searches the number of agents: doubling until the target is met, then
/// halving the gap. Every try uses the plan's seed, so the days compared
/// see the same arrivals and service times and more agents never look
/// worse by chance alone.
pub fn smallest_staffing(plan: &Plan, target: f64) -> Staffing {
    // The mean wait, or None when too many go home unserved.
    let wait = |agents: u32| {
        let f = simulate(&plan.with_agents(agents));
        let served_in_time = f.unserved_at_closing <= MAX_UNSERVED_SHARE * f.arrivals;
        Some(f.mean_wait_minutes).filter(|_| served_in_time)
    };
    let answer = |agents: Option<u32>, mean: Option<f64>| Staffing {
        target_wait_minutes: target,
        agents,
        mean_wait_minutes: mean,
    };
    let (mut low, mut high) = (0u32, 1u32);
    let mut best = loop {
        if let Some(w) = wait(high).filter(|w| *w <= target) {
            break w;
        }
        if high == MAX_AGENTS {
            return answer(None, None);
        }
        low = high;
        high = (high * 2).min(MAX_AGENTS);
    };
    // `low` misses the target (or is 0), `high` meets it.
    while high - low > 1 {
        let mid = low + (high - low) / 2;
        match wait(mid).filter(|w| *w <= target) {
            Some(w) => (high, best) = (mid, w),
            None => low = mid,
        }
    }
    answer(Some(high), Some(best))
}
