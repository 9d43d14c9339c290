//! The capacity planner (issue 17): "with 3 agents at 5 seats each and
//! 200 walk-ins, how long will people wait?" A discrete-event simulation
//! of one branch day, pure and deterministic for a seed.
//!
//! # The model
//! - Walk-ins arrive as a Poisson process whose rate is constant within
//!   each opening hour ([`Arrivals::PerHour`]), or at a recorded day's
//!   times ([`Arrivals::Recorded`]). Booked participants come at their
//!   appointment and go ahead of walk-ins (as the floor's queue orders
//!   started bookings first).
//! - Opening ([`Opening`]): people wait at the doors before a branch opens,
//!   so by default the day opens with the queue its first hour's demand
//!   keeps up in the long run — found by letting that demand arrive, and
//!   the agents serve, for a warm-up before opening (twice the queue's
//!   relaxation time, 2–24 hours, at most the day's own arrivals). Only
//!   the day's arrivals count in the answer. `empty` opens with nobody; so
//!   does a recorded day, and a first hour the floor cannot keep up with
//!   (no steady state exists then).
//! - A walk-in cap: walk-ins after the cap get no ticket (turned away).
//!   Closing: whoever has not started by closing goes home unserved;
//!   sessions under way at closing are finished (overtime).
//! - Each agent holds up to S sessions (seats). The waiting person first
//!   in line goes to the agent with a free seat and the fewest sessions.
//! - Service: each participant needs a service time drawn from the
//!   distribution (exponential, lognormal with a given mean, or the
//!   branch's measured times) when served alone. An agent holding k
//!   sessions at once gets through `concurrency[k - 1]` times the work of
//!   one, shared equally: each session runs at `concurrency[k - 1] / k`
//!   speed. The default [`DEFAULT_CONCURRENCY`] (1, 1.7, 2.5, 2.9, 3.5×
//!   for k = 1..5) follows contact-centre practice for agents juggling
//!   chats, until a branch's recorded sessions calibrate it.
//! - A wait is from arrival until the session starts; the mean and p90
//!   pool the served participants of every run.
//!
//! With one seat per agent and exponential service this is an M/M/c queue,
//! and with the default opening its mean wait agrees with Erlang C
//! ([`erlang`]) from the first hour. Opening empty, a short day with long
//! services waits less than that: 8 hours at 10 minutes, M/M/3 at
//! ρ = 0.8, comes to about 0.77 of Erlang C.

pub mod calibrate;
mod day;
pub mod erlang;
pub mod form;
mod plan;
mod recorded;
mod staffing;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;
use utoipa::ToSchema;

pub use plan::{Arrivals, Distribution, Opening, Plan, PlanRequest, Service};
pub use recorded::{recorded_day, RecordedArrival, RecordedDay};
pub use staffing::{smallest_staffing, Staffing};

/// Throughput of an agent holding k = 1..5 sessions, relative to one.
pub const DEFAULT_CONCURRENCY: [f64; 5] = [1.0, 1.7, 2.5, 2.9, 3.5];
/// Lognormal service: standard deviation over mean, unless given.
pub const DEFAULT_LOGNORMAL_CV: f64 = 0.5;
pub const DEFAULT_RUNS: u32 = 20;
pub const MAX_RUNS: u32 = 200;
pub const MAX_AGENTS: u32 = 100;
pub const MAX_HOURS: u32 = 24;
pub const MAX_SERVICE_MINUTES: f64 = 600.0;
/// Expected arrivals in one day (walk-ins and bookings).
pub const MAX_ARRIVALS_PER_DAY: u32 = 20_000;
/// Expected arrivals over all runs of one request: bounds its work.
pub const MAX_ARRIVALS_PER_REQUEST: u32 = 1_000_000;
/// The step of the waiting series.
pub const WAITING_STEP_MINUTES: f64 = 15.0;

/// People waiting during one step of the day (mean over the step and the
/// runs), for a chart.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct WaitingPoint {
    /// Minutes after opening at which the step starts.
    pub minute: f64,
    pub waiting: f64,
}

/// What the simulated days came to. Counts are means per day.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Forecast {
    pub mean_wait_minutes: f64,
    pub p90_wait_minutes: f64,
    pub served: f64,
    /// Turned away at the walk-in cap plus unserved at closing.
    pub abandoned: f64,
    /// Share of the agents' opening hours with at least one session.
    pub agent_utilization: f64,
    /// Share of the seats' opening hours in use.
    pub seat_utilization: f64,
    pub arrivals: f64,
    pub turned_away: f64,
    pub unserved_at_closing: f64,
    /// How long after closing the last session ended (0 if before).
    pub overtime_minutes: f64,
    pub agents: u32,
    pub seats_per_agent: u32,
    pub runs: u32,
    pub seed: u64,
    /// Mean people waiting per 15 minutes of the day.
    pub waiting: Vec<WaitingPoint>,
    /// The steady-state M/M/c mean wait, when the plan is that queue (one
    /// seat, exponential service, one arrival rate all day, no bookings or
    /// cap) and it is stable.
    pub erlang_c_mean_wait_minutes: Option<f64>,
    /// With a target wait: the smallest staffing meeting it.
    pub staffing: Option<Staffing>,
}

/// Simulates the plan's day `runs` times, and the staffing search when
/// the plan has a target wait.
pub fn forecast(plan: &Plan) -> Forecast {
    let mut f = simulate(plan);
    f.staffing = plan.target_wait.map(|t| smallest_staffing(plan, t));
    f
}

/// Simulates the plan's day `runs` times. Run r draws from the ChaCha8
/// stream r of the plan's seed: the same plan and seed, the same answer.
pub fn simulate(plan: &Plan) -> Forecast {
    let mut waits = Vec::new();
    let steps = (plan.closing / WAITING_STEP_MINUTES).ceil() as usize;
    let mut waiting = vec![0.0; steps];
    let (mut arrivals, mut served, mut turned_away, mut unserved) = (0u64, 0u64, 0u64, 0u64);
    let (mut busy, mut held, mut overtime) = (0.0, 0.0, 0.0);
    for run in 0..plan.runs {
        let mut rng = ChaCha8Rng::seed_from_u64(plan.seed);
        rng.set_stream(u64::from(run));
        let day = day::simulate(plan, &mut rng, &mut waits);
        arrivals += u64::from(day.arrivals);
        served += u64::from(day.served);
        turned_away += u64::from(day.turned_away);
        unserved += u64::from(day.unserved);
        busy += day.busy;
        held += day.held;
        overtime += (day.last_end - plan.closing).max(0.0);
        for (sum, w) in waiting.iter_mut().zip(&day.waiting) {
            *sum += w;
        }
    }
    let runs = f64::from(plan.runs);
    let per_day = |n: u64| n as f64 / runs;
    let agent_minutes = runs * f64::from(plan.agents) * plan.closing;
    let mean_wait = if waits.is_empty() {
        0.0
    } else {
        waits.iter().sum::<f64>() / waits.len() as f64
    };
    Forecast {
        mean_wait_minutes: mean_wait,
        p90_wait_minutes: percentile(&mut waits, 0.9),
        served: per_day(served),
        abandoned: per_day(turned_away + unserved),
        agent_utilization: busy / agent_minutes,
        seat_utilization: held / (agent_minutes * f64::from(plan.seats)),
        arrivals: per_day(arrivals),
        turned_away: per_day(turned_away),
        unserved_at_closing: per_day(unserved),
        overtime_minutes: overtime / runs,
        agents: plan.agents,
        seats_per_agent: plan.seats,
        runs: plan.runs,
        seed: plan.seed,
        waiting: waiting
            .iter()
            .enumerate()
            .map(|(i, sum)| {
                let minute = i as f64 * WAITING_STEP_MINUTES;
                let length = (plan.closing - minute).min(WAITING_STEP_MINUTES);
                WaitingPoint {
                    minute,
                    waiting: sum / (runs * length),
                }
            })
            .collect(),
        erlang_c_mean_wait_minutes: erlang_c_of(plan),
        staffing: None,
    }
}

/// The Erlang C mean wait when the plan is an M/M/c queue.
fn erlang_c_of(plan: &Plan) -> Option<f64> {
    let Arrivals::PerHour(hours) = &plan.arrivals else {
        return None;
    };
    let Service::Exponential { mean } = plan.service else {
        return None;
    };
    let first = *hours.first()?;
    let steady = hours.iter().all(|h| *h == first);
    if plan.seats != 1 || !steady || !plan.bookings.is_empty() || plan.walk_in_cap.is_some() {
        return None;
    }
    erlang::mean_wait(plan.agents, first / 60.0, mean / plan.concurrency[0])
}

/// The `q` quantile (nearest rank) of `values`, 0 when there are none.
fn percentile(values: &mut [f64], q: f64) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    let rank = ((q * values.len() as f64).ceil() as usize).clamp(1, values.len());
    let (_, v, _) = values.select_nth_unstable_by(rank - 1, f64::total_cmp);
    *v
}

#[cfg(test)]
mod tests;
