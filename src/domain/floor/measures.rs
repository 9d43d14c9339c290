//! The day's measures and seats per agent.

use super::*;

/// One seat taken: a session of an agent with a participant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ServedSession {
    pub agent_id: i64,
    /// When the participant last entered the waiting queue.
    pub arrived_at: NaiveDateTime,
    /// When they got the seat.
    pub started_at: NaiveDateTime,
    pub finished_at: Option<NaiveDateTime>,
    pub outcome: Option<Outcome>,
}

impl ServedSession {
    /// Finished with a decision (verified or rejected).
    pub fn is_served(&self) -> bool {
        self.finished_at.is_some() && self.outcome.is_some_and(Outcome::is_served)
    }
}

/// A branch's day in numbers (formulas in the module docs).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct DayMeasures {
    pub arrivals: u32,
    pub served: u32,
    pub no_shows: u32,
    pub avg_wait_minutes: Option<f64>,
    pub avg_service_minutes: Option<f64>,
    /// Time-weighted average of concurrent active sessions per on-duty agent.
    pub avg_active_seats: Option<f64>,
    pub per_agent_hour: Option<f64>,
}

pub(super) fn minutes_between(from: NaiveDateTime, to: NaiveDateTime) -> f64 {
    let ms = to.signed_duration_since(from).num_milliseconds();
    (ms as f64 / 60_000.0).max(0.0)
}

pub(super) fn mean(values: impl Iterator<Item = f64>) -> Option<f64> {
    let (sum, n) = values.fold((0.0, 0u32), |(s, n), v| (s + v, n + 1));
    (n > 0).then(|| sum / f64::from(n))
}

pub(super) fn count(sessions: &[ServedSession], pred: impl Fn(&ServedSession) -> bool) -> u32 {
    u32::try_from(sessions.iter().filter(|s| pred(s)).count()).unwrap_or(u32::MAX)
}

/// The day's measures from its sessions (see the module docs).
pub fn day_measures(
    arrivals: u32,
    sessions: &[ServedSession],
    agent_on_duty_minutes: f64,
) -> DayMeasures {
    let served = count(sessions, ServedSession::is_served);
    let no_shows = count(sessions, |s| s.outcome == Some(Outcome::NoShow));
    let avg_wait_minutes = mean(
        sessions
            .iter()
            .map(|s| minutes_between(s.arrived_at, s.started_at)),
    );
    let avg_service_minutes = mean(
        sessions
            .iter()
            .filter(|s| s.is_served())
            .filter_map(|s| s.finished_at.map(|f| minutes_between(s.started_at, f))),
    );
    let busy_minutes: f64 = sessions
        .iter()
        .filter_map(|s| s.finished_at.map(|f| minutes_between(s.started_at, f)))
        .sum();
    let on_duty = (agent_on_duty_minutes.is_finite() && agent_on_duty_minutes > 0.0)
        .then_some(agent_on_duty_minutes);
    DayMeasures {
        arrivals,
        served,
        no_shows,
        avg_wait_minutes,
        avg_service_minutes,
        avg_active_seats: on_duty.map(|m| busy_minutes / m),
        per_agent_hour: on_duty.map(|m| f64::from(served) / (m / 60.0)),
    }
}

// --- Seats per agent -----------------------------------------------------------

/// Seats per agent a branch starts with: 5 one-to-many, 1 one-to-one.
pub const fn default_seats(one_to_many: bool) -> u32 {
    if one_to_many {
        SEATS_ONE_TO_MANY
    } else {
        SEATS_ONE_TO_ONE
    }
}

/// Whether a supervisor may set `n` seats per agent (1..=6).
pub const fn valid_seats(n: u32) -> bool {
    n >= MIN_SEATS && n <= MAX_SEATS
}

/// A seat change for an agent with `active` sessions: refused with
/// `invalid_seats` outside 1..=6 and with `seats_below_active` below the
/// sessions now running (finish or transfer some first).
pub const fn check_seats(new_seats: u32, active: u32) -> Result<(), &'static str> {
    if !valid_seats(new_seats) {
        Err(detail::INVALID_SEATS)
    } else if new_seats < active {
        Err(detail::SEATS_BELOW_ACTIVE)
    } else {
        Ok(())
    }
}
