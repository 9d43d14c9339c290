//! The smallest number of agents (at a plan's seats per agent) whose
//! simulated mean wait meets a target.

use serde::Serialize;
use utoipa::ToSchema;

use super::plan::Plan;
use super::{simulate, MAX_AGENTS};

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
    let wait = |agents: u32| simulate(&plan.with_agents(agents)).mean_wait_minutes;
    let answer = |agents: Option<u32>, mean: Option<f64>| Staffing {
        target_wait_minutes: target,
        agents,
        mean_wait_minutes: mean,
    };
    let (mut low, mut high) = (0u32, 1u32);
    let mut best = loop {
        let w = wait(high);
        if w <= target {
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
        let w = wait(mid);
        if w <= target {
            (high, best) = (mid, w);
        } else {
            low = mid;
        }
    }
    answer(Some(high), Some(best))
}
