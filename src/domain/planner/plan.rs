//! A planner request as typed ([`PlanRequest`]) and as checked ([`Plan`]):
//! [`Plan::parse`] refuses bad input once, naming the field, so the
//! simulation never re-validates.

use serde::Deserialize;
use utoipa::ToSchema;

use super::{
    DEFAULT_CONCURRENCY, DEFAULT_LOGNORMAL_CV, DEFAULT_RUNS, MAX_AGENTS, MAX_ARRIVALS_PER_DAY,
    MAX_ARRIVALS_PER_REQUEST, MAX_HOURS, MAX_RUNS, MAX_SERVICE_MINUTES,
};
use crate::domain::{Code, Invalid};

/// The body of `POST /api/v1/planner/simulate`. Counts are JSON numbers
/// that must be whole; everything but the arrivals, the agents and the
/// service time has a default.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[schema(as = PlannerRequest)]
pub struct PlanRequest {
    /// Expected walk-ins per opening hour (Poisson), one number per hour,
    /// at most 24 hours. Their count is the length of the day.
    #[serde(default)]
    pub arrivals_per_hour: Option<Vec<f64>>,
    /// A recorded day instead: each walk-in's arrival, in minutes after
    /// opening (replaces the Poisson arrivals).
    #[serde(default)]
    pub recorded_arrivals: Option<Vec<f64>>,
    /// The day's length when `arrivals_per_hour` is not given.
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    pub opening_hours: Option<f64>,
    /// Booked participants: each one's appointment, in minutes after
    /// opening. They come on time and go ahead of walk-ins.
    #[serde(default)]
    pub bookings: Option<Vec<f64>>,
    #[schema(value_type = i64, minimum = 1, maximum = 100)]
    pub agents: Option<f64>,
    /// Sessions one agent holds at once (booths per agent), default 1.
    #[serde(default)]
    #[schema(value_type = Option<i64>, minimum = 1, maximum = 6)]
    pub seats_per_agent: Option<f64>,
    /// Mean service time of one participant served alone, in minutes.
    #[serde(default)]
    pub service_minutes: Option<f64>,
    /// `exponential` (default), `lognormal` or `empirical`.
    #[serde(default)]
    pub service_distribution: Option<String>,
    /// Lognormal spread: standard deviation over mean (default 0.5).
    #[serde(default)]
    pub service_cv: Option<f64>,
    /// Measured service times in minutes, for `empirical`.
    #[serde(default)]
    pub service_samples: Option<Vec<f64>>,
    /// Throughput of an agent holding k sessions, relative to one, for
    /// k = 1, 2, …; default 1, 1.7, 2.5, 2.9, 3.5.
    #[serde(default)]
    pub concurrency: Option<Vec<f64>>,
    /// `steady` (default): the branch opens with the queue its first
    /// hour's demand keeps up in the long run (people wait at the doors);
    /// `empty`: nobody is waiting at opening. A recorded day opens empty.
    #[serde(default)]
    pub opening_queue: Option<String>,
    /// Walk-in tickets issued in the day; later walk-ins are turned away.
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    pub walk_in_cap: Option<f64>,
    /// Simulated days (default 20, at most 200).
    #[serde(default)]
    #[schema(value_type = Option<i64>, minimum = 1, maximum = 200)]
    pub runs: Option<f64>,
    /// The same seed gives the same answer (default 1).
    #[serde(default)]
    pub seed: Option<u64>,
    /// With a target mean wait, the answer adds the smallest number of
    /// agents (at these seats) whose mean wait meets it.
    #[serde(default)]
    pub target_wait_minutes: Option<f64>,
}

/// How walk-ins arrive.
#[derive(Debug, Clone, PartialEq)]
pub enum Arrivals {
    /// A Poisson process, its rate constant within each opening hour.
    PerHour(Vec<f64>),
    /// The minutes after opening of a recorded day's arrivals, sorted.
    Recorded(Vec<f64>),
}

crate::text_enum! {
    /// Who is waiting when the doors open.
    pub enum Opening {
        /// The queue the first hour's demand keeps up in the long run.
        Steady = "steady",
        /// Nobody.
        Empty = "empty",
    }

    /// How a request asks service times to be drawn (each a [`Service`]).
    pub enum Distribution {
        Exponential = "exponential",
        Lognormal = "lognormal",
        /// The recorded day's service times.
        Empirical = "empirical",
    }
}

/// Service time of one participant served alone.
#[derive(Debug, Clone, PartialEq)]
pub enum Service {
    Exponential {
        mean: f64,
    },
    /// Lognormal with this mean and spread (`cv`: sd / mean).
    Lognormal {
        mean: f64,
        cv: f64,
    },
    /// Drawn with replacement from measured times.
    Empirical(Vec<f64>),
}

impl Service {
    pub fn mean(&self) -> f64 {
        match self {
            Service::Exponential { mean } | Service::Lognormal { mean, .. } => *mean,
            Service::Empirical(s) => s.iter().sum::<f64>() / s.len() as f64,
        }
    }
}

/// A checked plan: one branch day to simulate `runs` times.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub arrivals: Arrivals,
    /// Minutes from opening to closing: who has not started by then is
    /// sent home.
    pub closing: f64,
    /// Appointments, minutes after opening, sorted.
    pub bookings: Vec<f64>,
    pub agents: u32,
    pub seats: u32,
    pub service: Service,
    /// `concurrency[k - 1]`: throughput of an agent holding k sessions.
    pub concurrency: Vec<f64>,
    pub walk_in_cap: Option<u32>,
    pub opening: Opening,
    pub runs: u32,
    pub seed: u64,
    pub target_wait: Option<f64>,
}

/// What is wrong with a field; its sentence's catalog key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    Missing,
    Minutes,
    TooManyArrivals,
    Agents,
    Concurrency,
    Seats,
    WalkInCap,
    Runs,
    TargetWait,
    Hours,
    Rate,
    ServiceMinutes,
    ServiceCv,
    ServiceSamples,
    Distribution,
    OpeningQueue,
}

impl Problem {
    pub fn detail_key(self) -> &'static str {
        match self {
            Problem::Missing => "plan_missing",
            Problem::Minutes => "plan_minutes",
            Problem::TooManyArrivals => "plan_too_many_arrivals",
            Problem::Agents => "plan_agents",
            Problem::Concurrency => "plan_concurrency",
            Problem::Seats => "plan_seats",
            Problem::WalkInCap => "plan_walk_in_cap",
            Problem::Runs => "plan_runs",
            Problem::TargetWait => "plan_target_wait",
            Problem::Hours => "plan_hours",
            Problem::Rate => "plan_rate",
            Problem::ServiceMinutes => "plan_service_minutes",
            Problem::ServiceCv => "plan_service_cv",
            Problem::ServiceSamples => "plan_service_samples",
            Problem::Distribution => "plan_distribution",
            Problem::OpeningQueue => "plan_opening_queue",
        }
    }
}

fn refuse(field: &'static str, problem: Problem) -> Invalid {
    Invalid::new(Code::InvalidPlan, field, problem.detail_key())
}

/// A whole number in `min..=max`.
fn whole(v: f64, min: u32, max: u32) -> Option<u32> {
    let ok = v.is_finite() && v.fract() == 0.0 && v >= f64::from(min) && v <= f64::from(max);
    ok.then_some(v as u32)
}

fn count(
    v: Option<f64>,
    default: Option<u32>,
    (min, max): (u32, u32),
    field: &'static str,
    problem: Problem,
) -> Result<u32, Invalid> {
    match (v, default) {
        (Some(v), _) => whole(v, min, max).ok_or(refuse(field, problem)),
        (None, Some(d)) => Ok(d),
        (None, None) => Err(refuse(field, Problem::Missing)),
    }
}

/// Minutes within the day, sorted.
fn minutes(v: &[f64], closing: f64, field: &'static str) -> Result<Vec<f64>, Invalid> {
    if v.iter()
        .any(|m| !m.is_finite() || *m < 0.0 || *m >= closing)
    {
        return Err(refuse(field, Problem::Minutes));
    }
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    Ok(v)
}

fn positive(v: f64, max: f64) -> bool {
    v.is_finite() && v > 0.0 && v <= max
}

impl Plan {
    /// Checks every field; the first refusal names its field.
    pub fn parse(r: &PlanRequest) -> Result<Plan, Invalid> {
        let (arrivals, hours) = arrivals(r)?;
        let closing = f64::from(hours) * 60.0;
        let bookings = minutes(r.bookings.as_deref().unwrap_or(&[]), closing, "bookings")?;
        let expected = match &arrivals {
            Arrivals::PerHour(h) => h.iter().sum::<f64>(),
            Arrivals::Recorded(m) => m.len() as f64,
        } + bookings.len() as f64;
        if expected > MAX_ARRIVALS_PER_DAY as f64 {
            return Err(refuse(arrivals_field(r), Problem::TooManyArrivals));
        }
        let agents = count(r.agents, None, (1, MAX_AGENTS), "agents", Problem::Agents)?;
        let concurrency = match &r.concurrency {
            None => DEFAULT_CONCURRENCY.to_vec(),
            Some(c) if !c.is_empty() && c.len() <= 6 && c.iter().all(|m| positive(*m, 100.0)) => {
                c.clone()
            }
            Some(_) => return Err(refuse("concurrency", Problem::Concurrency)),
        };
        let max_seats = concurrency.len() as u32;
        let seats = count(
            r.seats_per_agent,
            Some(1),
            (1, max_seats),
            "seats_per_agent",
            Problem::Seats,
        )?;
        let service = service(r)?;
        let walk_in_cap = match r.walk_in_cap {
            None => None,
            Some(v) => Some(whole(v, 0, 100_000).ok_or(refuse("walk_in_cap", Problem::WalkInCap))?),
        };
        let opening = match r.opening_queue.as_deref() {
            None => Opening::Steady,
            Some(typed) => Opening::parse(typed.trim())
                .map_err(|_| refuse("opening_queue", Problem::OpeningQueue))?,
        };
        let runs = count(
            r.runs,
            Some(DEFAULT_RUNS),
            (1, MAX_RUNS),
            "runs",
            Problem::Runs,
        )?;
        if expected * f64::from(runs) > MAX_ARRIVALS_PER_REQUEST as f64 {
            return Err(refuse("runs", Problem::TooManyArrivals));
        }
        let target_wait = match r.target_wait_minutes {
            None => None,
            Some(t) if t.is_finite() && (0.0..=MAX_SERVICE_MINUTES).contains(&t) => Some(t),
            Some(_) => return Err(refuse("target_wait_minutes", Problem::TargetWait)),
        };
        Ok(Plan {
            arrivals,
            closing,
            bookings,
            agents,
            seats,
            service,
            concurrency,
            walk_in_cap,
            opening,
            runs,
            seed: r.seed.unwrap_or(1),
            target_wait,
        })
    }

    /// The same plan with another number of agents.
    pub fn with_agents(&self, agents: u32) -> Plan {
        Plan {
            agents,
            ..self.clone()
        }
    }
}

/// The field a refusal about the arrivals names: the one the caller used.
fn arrivals_field(r: &PlanRequest) -> &'static str {
    if r.recorded_arrivals.is_some() {
        "recorded_arrivals"
    } else {
        "arrivals_per_hour"
    }
}

/// The arrivals and the day's length in hours.
fn arrivals(r: &PlanRequest) -> Result<(Arrivals, u32), Invalid> {
    let hours = match &r.arrivals_per_hour {
        Some(h) if h.is_empty() || h.len() > MAX_HOURS as usize => {
            return Err(refuse("arrivals_per_hour", Problem::Hours))
        }
        Some(h) => {
            if h.iter().any(|v| !v.is_finite() || *v < 0.0) {
                return Err(refuse("arrivals_per_hour", Problem::Rate));
            }
            h.len() as u32
        }
        None if r.recorded_arrivals.is_some() => count(
            r.opening_hours,
            None,
            (1, MAX_HOURS),
            "opening_hours",
            Problem::Hours,
        )?,
        None => return Err(refuse("arrivals_per_hour", Problem::Missing)),
    };
    let closing = f64::from(hours) * 60.0;
    let arrivals = match (&r.recorded_arrivals, &r.arrivals_per_hour) {
        (Some(m), _) => {
            if m.len() > MAX_ARRIVALS_PER_DAY as usize {
                return Err(refuse("recorded_arrivals", Problem::TooManyArrivals));
            }
            Arrivals::Recorded(minutes(m, closing, "recorded_arrivals")?)
        }
        (None, Some(h)) => Arrivals::PerHour(h.clone()),
        (None, None) => return Err(refuse("arrivals_per_hour", Problem::Missing)),
    };
    Ok((arrivals, hours))
}

fn service(r: &PlanRequest) -> Result<Service, Invalid> {
    let mean = || match r.service_minutes {
        Some(m) if positive(m, MAX_SERVICE_MINUTES) => Ok(m),
        Some(_) => Err(refuse("service_minutes", Problem::ServiceMinutes)),
        None => Err(refuse("service_minutes", Problem::Missing)),
    };
    let distribution = match r.service_distribution.as_deref() {
        None => Distribution::Exponential,
        Some(typed) => Distribution::parse(typed.trim())
            .map_err(|_| refuse("service_distribution", Problem::Distribution))?,
    };
    match distribution {
        Distribution::Exponential => Ok(Service::Exponential { mean: mean()? }),
        Distribution::Lognormal => {
            let cv = r.service_cv.unwrap_or(DEFAULT_LOGNORMAL_CV);
            if !positive(cv, 10.0) {
                return Err(refuse("service_cv", Problem::ServiceCv));
            }
            Ok(Service::Lognormal { mean: mean()?, cv })
        }
        Distribution::Empirical => match &r.service_samples {
            Some(s)
                if !s.is_empty()
                    && s.len() <= MAX_ARRIVALS_PER_DAY as usize
                    && s.iter().all(|m| positive(*m, MAX_SERVICE_MINUTES)) =>
            {
                Ok(Service::Empirical(s.clone()))
            }
            Some(_) => Err(refuse("service_samples", Problem::ServiceSamples)),
            None => Err(refuse("service_samples", Problem::Missing)),
        },
    }
}
