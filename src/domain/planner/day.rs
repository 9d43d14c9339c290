//! One simulated branch day: an event loop over arrivals and session
//! ends. Agents share their speed among the sessions they hold (an agent
//! with k sessions runs each at `concurrency[k - 1] / k`), so a session's
//! end moves whenever its agent takes or finishes another one: each agent
//! has one pending "next end" in the heap, stamped with a version, and an
//! entry whose version is stale is skipped.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::plan::{Arrivals, Opening, Plan, Service};
use super::WAITING_STEP_MINUTES;

/// What one day came to.
#[derive(Debug, Default)]
pub(super) struct Day {
    pub arrivals: u32,
    pub served: u32,
    /// Walk-ins refused a ticket: the cap was reached.
    pub turned_away: u32,
    /// Waiting at closing, never started.
    pub unserved: u32,
    /// Agent-minutes with at least one session, within opening hours.
    pub busy: f64,
    /// Session-minutes (seats in use), within opening hours.
    pub held: f64,
    /// When the last session ended (after closing: overtime).
    pub last_end: f64,
    /// Person-minutes spent waiting, per step of the day.
    pub waiting: Vec<f64>,
}

struct Agent {
    /// Remaining work of each session held, in minutes of solo service.
    sessions: Vec<f64>,
    /// When `sessions` was last brought up to date.
    last: f64,
    version: u32,
    idle_since: f64,
}

impl Agent {
    fn rate(&self, concurrency: &[f64]) -> f64 {
        let k = self.sessions.len();
        concurrency[k - 1] / k as f64
    }

    /// Brings the sessions' remaining work up to `t`, counting the time
    /// served within opening hours (`open`: opening and closing).
    fn advance(&mut self, t: f64, concurrency: &[f64], open: (f64, f64), day: &mut Day) {
        let k = self.sessions.len();
        if k > 0 {
            let done = (t - self.last) * self.rate(concurrency);
            for s in &mut self.sessions {
                *s -= done;
            }
            let (from, to) = (self.last.max(open.0), t.min(open.1));
            let served = (to - from).max(0.0);
            day.busy += served;
            day.held += served * k as f64;
        }
        self.last = t;
    }

    /// When its first session ends, if it holds one.
    fn next_end(&self, concurrency: &[f64]) -> Option<f64> {
        let least = self.sessions.iter().copied().reduce(f64::min)?;
        Some(self.last + least.max(0.0) / self.rate(concurrency))
    }
}

/// A pending session end: (time as ordered bits, agent, version). Times
/// are never negative, and non-negative floats order like their bits.
type End = Reverse<(u64, u32, u32)>;

struct Floor<'a> {
    plan: &'a Plan,
    agents: Vec<Agent>,
    ends: BinaryHeap<End>,
    /// Booked participants go first, then walk-ins, each by arrival.
    booked: VecDeque<f64>,
    walk_ins: VecDeque<f64>,
    /// Since when the queue has had its present length.
    queue_since: f64,
    /// Opening and closing on the simulation's clock, which starts with
    /// the warm-up: whoever arrived before opening came in the warm-up and
    /// is not one of the day's arrivals.
    open: (f64, f64),
    day: Day,
}

impl Floor<'_> {
    fn schedule(&mut self, a: usize) {
        let agent = &mut self.agents[a];
        agent.version = agent.version.wrapping_add(1);
        if let Some(t) = agent.next_end(&self.plan.concurrency) {
            self.ends
                .push(Reverse((t.to_bits(), a as u32, agent.version)));
        }
    }

    /// Counts the people waiting from `queue_since` to `t` into the steps
    /// of the day they fall in (opening hours only).
    fn count_waiting(&mut self, t: f64) {
        let n = (self.booked.len() + self.walk_ins.len()) as f64;
        let (opening, end) = (self.open.0, t.min(self.open.1));
        let mut from = self.queue_since.max(opening).min(end);
        // Step by index: recomputing it from `from` could stay put when
        // `opening` is not a whole number of minutes (rounding).
        let mut step = ((from - opening) / WAITING_STEP_MINUTES) as usize;
        while n > 0.0 && from < end {
            let until = (opening + (step + 1) as f64 * WAITING_STEP_MINUTES).min(end);
            if let Some(w) = self.day.waiting.get_mut(step) {
                *w += n * (until - from).max(0.0);
            }
            from = until;
            step += 1;
        }
        self.queue_since = t;
    }

    /// The agent with a free seat and the fewest sessions (ties: idle the
    /// longest, then the first), as the floor's routing picks.
    fn free_agent(&self) -> Option<usize> {
        let seats = self.plan.seats as usize;
        self.agents
            .iter()
            .enumerate()
            .filter(|(_, a)| a.sessions.len() < seats)
            .min_by(|(_, x), (_, y)| {
                (x.sessions.len().cmp(&y.sessions.len()))
                    .then(x.idle_since.total_cmp(&y.idle_since))
            })
            .map(|(i, _)| i)
    }

    /// Seats whoever waits while a seat is free.
    fn dispatch(&mut self, t: f64, rng: &mut ChaCha8Rng, waits: &mut Vec<f64>) {
        while !(self.booked.is_empty() && self.walk_ins.is_empty()) {
            let Some(a) = self.free_agent() else { break };
            self.count_waiting(t);
            let arrived = match self.booked.pop_front() {
                Some(b) => b,
                None => self.walk_ins.pop_front().unwrap_or(t),
            };
            if arrived >= self.open.0 {
                waits.push(t - arrived);
                self.day.served += 1;
            }
            let plan = self.plan;
            let work = draw(&plan.service, rng);
            self.agents[a].advance(t, &plan.concurrency, self.open, &mut self.day);
            self.agents[a].sessions.push(work);
            self.schedule(a);
        }
    }

    /// The doors close: whoever still waits goes home.
    fn close(&mut self) {
        self.count_waiting(self.open.1);
        let opening = self.open.0;
        let todays = self.booked.iter().chain(&self.walk_ins);
        self.day.unserved += todays.filter(|a| **a >= opening).count() as u32;
        self.booked.clear();
        self.walk_ins.clear();
    }

    /// The earliest pending session end that is still current.
    fn next_end(&mut self) -> Option<(f64, usize)> {
        while let Some(Reverse((bits, a, version))) = self.ends.peek().copied() {
            if self.agents[a as usize].version == version {
                return Some((f64::from_bits(bits), a as usize));
            }
            self.ends.pop();
        }
        None
    }
}

/// Simulates one day, adding each served participant's wait to `waits`.
pub(super) fn simulate(plan: &Plan, rng: &mut ChaCha8Rng, waits: &mut Vec<f64>) -> Day {
    let opening = warm_up(plan);
    let open = (opening, opening + plan.closing);
    let walk_ins = walk_in_arrivals(plan, opening, rng);
    let todays_walk_ins = walk_ins.iter().filter(|t| **t >= opening).count();
    let steps = (plan.closing / WAITING_STEP_MINUTES).ceil() as usize;
    let mut floor = Floor {
        plan,
        agents: (0..plan.agents)
            .map(|_| Agent {
                sessions: Vec::with_capacity(plan.seats as usize),
                last: 0.0,
                version: 0,
                idle_since: 0.0,
            })
            .collect(),
        ends: BinaryHeap::with_capacity(plan.agents as usize * 2),
        booked: VecDeque::new(),
        walk_ins: VecDeque::new(),
        queue_since: 0.0,
        open,
        day: Day {
            arrivals: (todays_walk_ins + plan.bookings.len()) as u32,
            waiting: vec![0.0; steps],
            ..Day::default()
        },
    };
    let (mut w, mut b, mut tickets, mut closed) = (0, 0, 0u32, false);
    loop {
        let walk_in = walk_ins.get(w).copied().unwrap_or(f64::INFINITY);
        let booking = plan.bookings.get(b).map_or(f64::INFINITY, |m| m + opening);
        let arrival = walk_in.min(booking);
        let end = floor.next_end();
        let t = arrival.min(end.map_or(f64::INFINITY, |(t, _)| t));
        if t == f64::INFINITY {
            break;
        }
        if !closed && t >= open.1 {
            floor.close();
            closed = true;
        }
        match end {
            Some((t_end, a)) if t_end < arrival => {
                floor.ends.pop();
                let agent = &mut floor.agents[a];
                agent.advance(t_end, &plan.concurrency, open, &mut floor.day);
                if let Some(i) = (0..agent.sessions.len())
                    .min_by(|&i, &j| agent.sessions[i].total_cmp(&agent.sessions[j]))
                {
                    agent.sessions.swap_remove(i);
                }
                if agent.sessions.is_empty() {
                    agent.idle_since = t_end;
                }
                floor.day.last_end = floor.day.last_end.max(t_end - opening);
                floor.schedule(a);
            }
            _ => {
                floor.count_waiting(arrival);
                if booking <= walk_in {
                    b += 1;
                    floor.booked.push_back(booking);
                } else {
                    w += 1;
                    let todays = walk_in >= opening;
                    if todays && plan.walk_in_cap.is_some_and(|cap| tickets >= cap) {
                        floor.day.turned_away += 1;
                        continue;
                    }
                    tickets += u32::from(todays);
                    floor.walk_ins.push_back(walk_in);
                }
            }
        }
        if !closed {
            floor.dispatch(t, rng, waits);
        }
    }
    if !closed {
        floor.close();
    }
    floor.day
}

/// A uniform draw in [0, 1).
fn unit(rng: &mut ChaCha8Rng) -> f64 {
    rng.random::<f64>()
}

/// How long before opening people come at the first hour's rate, so that
/// the day opens with the queue that demand keeps up in the long run
/// ([`Opening::Steady`]): twice the relaxation time of the queue taken as
/// one server of the floor's whole capacity, 2 to 24 hours, and no more
/// arrivals than the day's own. None for a recorded day, an empty opening,
/// a quiet first hour, or one the floor cannot keep up with (no steady
/// state: the queue would only grow with the warm-up's length).
pub(super) fn warm_up(plan: &Plan) -> f64 {
    let Arrivals::PerHour(hours) = &plan.arrivals else {
        return 0.0;
    };
    let per_minute = hours.first().copied().unwrap_or(0.0) / 60.0;
    let seats = plan.seats as usize;
    let capacity = f64::from(plan.agents) * plan.concurrency[seats - 1] / plan.service.mean();
    let load = per_minute / capacity;
    if plan.opening == Opening::Empty || per_minute <= 0.0 || load >= 1.0 {
        return 0.0;
    }
    let relaxation = 1.0 / (capacity * (1.0 - load.sqrt()).powi(2));
    let day: f64 = hours.iter().sum();
    (2.0 * relaxation)
        .clamp(120.0, 1440.0)
        .min(day / per_minute)
}

/// Poisson arrivals at `per_minute` from `start` until `end`.
fn poisson(per_minute: f64, (start, end): (f64, f64), rng: &mut ChaCha8Rng, out: &mut Vec<f64>) {
    if per_minute <= 0.0 {
        return;
    }
    let mut t = start;
    loop {
        t += -(1.0 - unit(rng)).ln() / per_minute;
        if t >= end {
            break;
        }
        out.push(t);
    }
}

/// The walk-ins' arrivals on the simulation's clock (opening at
/// `opening`), sorted: the warm-up's, then a Poisson process per hour, or
/// the recorded ones.
fn walk_in_arrivals(plan: &Plan, opening: f64, rng: &mut ChaCha8Rng) -> Vec<f64> {
    match &plan.arrivals {
        Arrivals::Recorded(m) => m.iter().map(|t| t + opening).collect(),
        Arrivals::PerHour(hours) => {
            let expected: f64 = hours.iter().sum();
            let mut out = Vec::with_capacity(2 * expected as usize + 16);
            let first = hours.first().copied().unwrap_or(0.0) / 60.0;
            poisson(first, (0.0, opening), rng, &mut out);
            for (h, per_hour) in hours.iter().enumerate() {
                // Memoryless: the next gap may start afresh at the hour.
                let start = opening + h as f64 * 60.0;
                poisson(per_hour / 60.0, (start, start + 60.0), rng, &mut out);
            }
            out
        }
    }
}

/// One participant's service time, served alone.
pub(super) fn draw(service: &Service, rng: &mut ChaCha8Rng) -> f64 {
    match service {
        Service::Exponential { mean } => -mean * (1.0 - unit(rng)).ln(),
        Service::Lognormal { mean, cv } => {
            let sigma2 = (1.0 + cv * cv).ln();
            let mu = mean.ln() - sigma2 / 2.0;
            // Box–Muller: one standard normal from two uniforms.
            let (u1, u2) = (1.0 - unit(rng), unit(rng));
            let z = (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos();
            (mu + sigma2.sqrt() * z).exp()
        }
        Service::Empirical(samples) => {
            let i = (unit(rng) * samples.len() as f64) as usize;
            samples[i.min(samples.len() - 1)]
        }
    }
}
