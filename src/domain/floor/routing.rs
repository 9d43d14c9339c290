//! Routing waiting participants to agents' seats and booths, the invariants, and the wait estimate.

use super::*;

// --- Routing ---------------------------------------------------------------

/// A CS agent of the branch.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Agent {
    pub id: i64,
    /// Sessions the agent may run at once (1..=6).
    pub seats: u32,
    pub status: AgentStatus,
    /// Sessions running now.
    pub active: u32,
    /// When their last session ended or they went on duty.
    pub idle_since: NaiveDateTime,
}

impl Agent {
    /// Seats the agent can fill now: none unless on duty.
    pub fn free_seats(&self) -> u32 {
        match self.status {
            AgentStatus::OnDuty => self.seats.saturating_sub(self.active),
            AgentStatus::Paused | AgentStatus::Off => 0,
        }
    }
}

/// A booth (bilik) with a computer, camera and headset.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Booth {
    pub id: i64,
    /// "Bilik {number}" on the board.
    pub number: u32,
    pub occupied: bool,
}

/// One placement made by [`assign`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Assignment {
    pub waiting_id: i64,
    pub agent_id: i64,
    /// `None` for online participants.
    pub booth_id: Option<i64>,
}

pub(super) fn pick_index(agents: &[Agent]) -> Option<usize> {
    agents
        .iter()
        .enumerate()
        .filter(|(_, a)| a.free_seats() > 0)
        .min_by_key(|(_, a)| (a.active, a.idle_since, a.id))
        .map(|(i, _)| i)
}

/// The agent the next person goes to: on duty with a free seat, fewest
/// active sessions, then longest idle, then lowest id.
pub fn pick_agent(agents: &[Agent]) -> Option<i64> {
    pick_index(agents).map(|i| agents[i].id)
}

/// Places waiting participants on free seats and booths (see the module
/// docs). `waiting` holds only people without a seat; `booths` the booths
/// in service. The result is in placement order.
pub fn assign(
    waiting: &[Waiting],
    agents: &[Agent],
    booths: &[Booth],
    now: NaiveDateTime,
) -> Vec<Assignment> {
    let mut agents = agents.to_vec();
    let mut free_booths: Vec<&Booth> = booths.iter().filter(|b| !b.occupied).collect();
    free_booths.sort_by_key(|b| (b.number, b.id));
    free_booths.reverse(); // lowest number last, for pop()
    let mut out = Vec::new();
    for w in ordered(waiting, now) {
        if !w.online && free_booths.is_empty() {
            continue;
        }
        // No seat left for anyone: nobody further can be placed either.
        let Some(i) = pick_index(&agents) else { break };
        let booth_id = if w.online {
            None
        } else {
            free_booths.pop().map(|b| b.id)
        };
        agents[i].active += 1;
        out.push(Assignment {
            waiting_id: w.id,
            agent_id: agents[i].id,
            booth_id,
        });
    }
    out
}

pub(super) fn first_duplicate(pairs: &[(i64, i64)]) -> Option<(i64, i64, i64)> {
    let mut seen: BTreeMap<i64, i64> = BTreeMap::new();
    for &(key, value) in pairs {
        if let Some(&first) = seen.get(&key) {
            return Some((key, first, value));
        }
        seen.insert(key, value);
    }
    None
}

/// The floor's invariants over stored state: `agents` every agent holding a
/// seat, `booths_occupied_by` (booth, participant) pairs, `seats` (agent,
/// participant) pairs, one per active session. An agent's load is the larger
/// of its `active` count and its rows in `seats`.
pub fn check_invariants(
    agents: &[Agent],
    booths_occupied_by: &[(i64, i64)],
    seats: &[(i64, i64)],
) -> Result<(), String> {
    let mut per_agent: BTreeMap<i64, u32> = BTreeMap::new();
    for &(agent, _) in seats {
        *per_agent.entry(agent).or_default() += 1;
    }
    for a in agents {
        let held = per_agent.get(&a.id).copied().unwrap_or(0);
        let load = held.max(a.active);
        if load > a.seats {
            return Err(format!(
                "agent {} has {load} active sessions but {} seats",
                a.id, a.seats
            ));
        }
    }
    if let Some(&agent) = per_agent
        .keys()
        .find(|id| !agents.iter().any(|a| a.id == **id))
    {
        return Err(format!(
            "a seat belongs to agent {agent}, who is not listed"
        ));
    }
    if let Some((booth, p1, p2)) = first_duplicate(booths_occupied_by) {
        return Err(format!("booth {booth} holds participants {p1} and {p2}"));
    }
    let by_participant: Vec<(i64, i64)> = booths_occupied_by.iter().map(|&(b, p)| (p, b)).collect();
    if let Some((p, b1, b2)) = first_duplicate(&by_participant) {
        return Err(format!("participant {p} is in booths {b1} and {b2}"));
    }
    let by_participant: Vec<(i64, i64)> = seats.iter().map(|&(a, p)| (p, a)).collect();
    if let Some((p, a1, a2)) = first_duplicate(&by_participant) {
        return Err(format!(
            "participant {p} holds two seats (agents {a1} and {a2})"
        ));
    }
    Ok(())
}

/// "Nobody waiting is skipped while a seat they fit is free": fails when
/// some agent has a free seat and someone in `waiting` fits it (online, or
/// a booth in `booths` is free).
pub fn check_nobody_skipped(
    waiting: &[Waiting],
    agents: &[Agent],
    booths: &[Booth],
) -> Result<(), String> {
    let Some(agent) = agents.iter().find(|a| a.free_seats() > 0) else {
        return Ok(());
    };
    let free_booth = booths.iter().find(|b| !b.occupied);
    match waiting.iter().find(|w| w.online || free_booth.is_some()) {
        None => Ok(()),
        Some(w) if w.online => Err(format!(
            "online participant {} waits while agent {} has a free seat",
            w.id, agent.id
        )),
        Some(w) => Err(format!(
            "participant {} waits while agent {} has a free seat and booth {} is free",
            w.id,
            agent.id,
            free_booth.map_or(0, |b| b.id)
        )),
    }
}

// --- Wait estimate -----------------------------------------------------------

/// Seats of the agents on duty now (paused and off agents excluded).
pub fn on_duty_seats(agents: &[Agent]) -> u32 {
    agents
        .iter()
        .filter(|a| a.status == AgentStatus::OnDuty)
        .fold(0u32, |sum, a| sum.saturating_add(a.seats))
}

/// The average to estimate with: the day's average service time rounded up
/// to whole minutes, [`DEFAULT_AVG_SERVICE_MINUTES`] while unknown.
pub fn service_minutes_or_default(avg_service_minutes: Option<f64>) -> u32 {
    match avg_service_minutes {
        // `as` saturates; a positive average is at least one minute.
        Some(m) if m.is_finite() && m > 0.0 => (m.ceil() as u32).max(1),
        _ => DEFAULT_AVG_SERVICE_MINUTES,
    }
}

/// Minutes until a seat, for the person at 1-based `position`:
/// `ceil((position - 1) × avg / on_duty_seats)`; `None` when nobody is on
/// duty. An `avg_service_minutes` of 0 means unknown (the default).
pub fn estimated_wait_minutes(
    position: u32,
    on_duty_seats: u32,
    avg_service_minutes: u32,
) -> Option<u32> {
    if on_duty_seats == 0 {
        return None;
    }
    let avg = if avg_service_minutes == 0 {
        DEFAULT_AVG_SERVICE_MINUTES
    } else {
        avg_service_minutes
    };
    let ahead = u64::from(position.saturating_sub(1));
    let minutes = (ahead * u64::from(avg)).div_ceil(u64::from(on_duty_seats));
    Some(u32::try_from(minutes).unwrap_or(u32::MAX))
}
