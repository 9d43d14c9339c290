//! The branch floor (DOMAIN.md channel 2, "at the branch, one to many"):
//! queue tickets, the check-in window, the order of the waiting queue,
//! routing waiting participants to CS agents' seats and booths, the wait
//! estimate and the day's measures.
//!
//! Pure rules: no I/O. The database applies what [`assign`] returns inside
//! its own transaction (with a row lock or a conditional update per seat and
//! booth) and tests on both backends re-check [`check_invariants`] and
//! [`check_nobody_skipped`] against the stored rows.
//!
//! # Tickets
//!
//! Numbered per branch, day and kind: [`ticket_number`] gives the kind's
//! prefix (`A` walk-in, `B` booked) and the sequence with at least three
//! digits (`A017`, `B004`, `A1000`). One ticket per NIK per branch per day
//! is the database's rule (a unique index), not this module's.
//!
//! # Check-in window ([`check_in_window`])
//!
//! A booking checks in from [`CHECK_IN_OPENS_MINUTES`] (30) minutes before
//! its session starts until the session ends: `opens_at <= now < end` is
//! [`CheckIn::Open`]; before that [`CheckIn::TooEarly`] with `opens_at`; at
//! or after the end [`CheckIn::Over`]. The kiosk issues a walk-in ticket
//! when it is not open (issue 4), after telling the reason.
//!
//! # Queue order ([`queue_order`])
//!
//! 1. checked-in bookings whose session has started (`kind == Booked`,
//!    `session_start <= now`), by session start, then arrival;
//! 2. priority tickets (elderly, disability, pregnancy), by arrival;
//! 3. everyone else (walk-ins, bookings whose session has not started yet,
//!    bookings without a session time), by arrival.
//!
//! Remaining ties go to the lower id, so the order is total and the same on
//! every app instance. Online participants are ordered by the same rules;
//! they differ only in needing no booth.
//!
//! # Routing ([`assign`])
//!
//! Walk the queue in order once. For each person: a branch participant
//! needs a free booth (lowest number first, then lowest id); an online one
//! needs none. Both need an agent who is on duty (not paused, not off) with
//! a free seat (`active < seats`); among those the one with the fewest
//! active sessions wins, ties to the longest idle (earliest `idle_since`),
//! then the lowest id. A person who cannot be placed is passed over and
//! the walk goes on (an online participant can take a seat while the branch
//! ticket ahead waits for a booth). Each placement updates the agent's load
//! and the booths for the next pick. Since placing only uses up seats and
//! booths, whoever was passed over still cannot be placed at the end: after
//! [`assign`] nobody waiting could be placed ([`check_nobody_skipped`]).
//!
//! # Invariants ([`check_invariants`])
//!
//! An agent never has more active sessions than seats; a booth holds at
//! most one participant; a participant is in at most one booth and at most
//! one seat. Seats per agent change only when the new number is valid and
//! not below the sessions now active ([`check_seats`]), so lowering seats
//! cannot break the first invariant.
//!
//! # Wait estimate ([`estimated_wait_minutes`])
//!
//! `ceil((position - 1) × average service minutes / on-duty seats)`, `None`
//! when no agent is on duty. The average is the day's average service time
//! ([`service_minutes_or_default`]), [`DEFAULT_AVG_SERVICE_MINUTES`] (15)
//! while unknown.
//!
//! # Measures ([`day_measures`])
//!
//! Over one branch and day (or one agent's sessions with that agent's
//! on-duty minutes), with `sessions` one row per seat taken:
//!
//! - `arrivals`: given by the caller (tickets issued plus bookings checked in);
//! - `served`: sessions finished with outcome `verified` or `rejected`;
//! - `no_shows`: sessions with outcome `no_show`;
//! - `avg_wait_minutes`: mean of `started_at − arrived_at` over all sessions
//!   (`arrived_at` is when the person last entered the waiting queue);
//! - `avg_service_minutes`: mean of `finished_at − started_at` over the
//!   served sessions;
//! - `avg_active_seats`: `Σ (finished_at − started_at)` over all finished
//!   sessions ÷ agent on-duty minutes, the time-weighted average number of
//!   sessions an on-duty agent ran at once (the "one to many" factor);
//! - `per_agent_hour`: `served ÷ (agent on-duty minutes ÷ 60)`.
//!
//! Averages without a sample, and both ratios when the on-duty minutes are
//! not positive, are `None`. Negative spans (clock skew) count as zero.
//! `agent_on_duty_minutes` is summed over agents from going on duty to
//! signing off, pauses included (an agent may finish sessions on a break),
//! so every session lies inside it and `avg_active_seats <= seats`.
//!
//! # Codes
//!
//! - [`TicketKind::code`]: `walk_in`, `booked`.
//! - [`Priority::code`]: `none`, `elderly`, `disability`, `pregnancy`.
//! - [`AgentStatus::code`]: `on_duty`, `paused`, `off`.
//! - [`Outcome::code`]: `verified`, `rejected`, `no_show`, `returned`,
//!   `transferred`.
//! - [`QueueClass::code`]: `started_booking`, `priority`, `other`.
//!
//! # Detail keys (message catalog, see [`detail`])
//!
//! - `walk_ins_full`: the branch's walk-in tickets for today are used up.
//! - `check_in_too_early`: the booking's check-in opens at `{time}`.
//! - `check_in_over`: the booking's session has ended.
//! - `invalid_seats`: seats per agent outside 1–6.
//! - `seats_below_active`: fewer seats than the agent's active sessions.
//! - `agent_full`: a transfer to an agent without a free seat.
//! - `no_agent_on_duty`: no wait estimate because nobody is on duty.

use std::collections::BTreeMap;

use chrono::{NaiveDateTime, TimeDelta};
use serde::Serialize;

/// Minutes before a session's start when its check-in opens.
pub const CHECK_IN_OPENS_MINUTES: i64 = 30;
/// Fewest seats an agent may have.
pub const MIN_SEATS: u32 = 1;
/// Most seats an agent may have (4–6 seen in practice).
pub const MAX_SEATS: u32 = 6;
/// Seats per agent at a one-to-many branch unless a supervisor sets others.
pub const SEATS_ONE_TO_MANY: u32 = 5;
/// Seats per agent at a one-to-one (pioneer or small) branch.
pub const SEATS_ONE_TO_ONE: u32 = 1;
/// Average service minutes assumed while the day has no served session.
pub const DEFAULT_AVG_SERVICE_MINUTES: u32 = 15;

/// Message catalog keys of the floor's refusals and notices.
pub mod detail {
    /// "Kuota tiket walk-in hari ini sudah habis." (the cap is reached)
    pub const WALK_INS_FULL: &str = "walk_ins_full";
    /// Check-in opens at `{time}` (branch-local).
    pub const CHECK_IN_TOO_EARLY: &str = "check_in_too_early";
    /// The booked session is over.
    pub const CHECK_IN_OVER: &str = "check_in_over";
    /// Seats per agent outside `MIN_SEATS..=MAX_SEATS`.
    pub const INVALID_SEATS: &str = "invalid_seats";
    /// Fewer seats than the agent's active sessions (`{active}`).
    pub const SEATS_BELOW_ACTIVE: &str = "seats_below_active";
    /// A transfer to an agent who is not on duty or has no free seat.
    pub const AGENT_FULL: &str = "agent_full";
    /// No agent on duty, so no wait estimate.
    pub const NO_AGENT_ON_DUTY: &str = "no_agent_on_duty";
}

macro_rules! serialize_as_code {
    ($t:ty) => {
        impl Serialize for $t {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.code())
            }
        }
    };
}

// --- Tickets ---------------------------------------------------------------

/// How a participant came to the branch. Serializes as its code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TicketKind {
    /// No booking (or not within its check-in window): prefix `A`.
    WalkIn,
    /// A booking checked in at the kiosk, or an online participant: `B`.
    Booked,
}

impl TicketKind {
    pub const ALL: [TicketKind; 2] = [TicketKind::WalkIn, TicketKind::Booked];

    /// Stable code (API, database).
    pub const fn code(self) -> &'static str {
        match self {
            TicketKind::WalkIn => "walk_in",
            TicketKind::Booked => "booked",
        }
    }

    /// Inverse of [`TicketKind::code`].
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    /// The letter in front of the ticket number.
    pub const fn prefix(self) -> char {
        match self {
            TicketKind::WalkIn => 'A',
            TicketKind::Booked => 'B',
        }
    }

    pub const fn label_id(self) -> &'static str {
        match self {
            TicketKind::WalkIn => "Datang langsung",
            TicketKind::Booked => "Sudah terjadwal",
        }
    }

    pub const fn label_en(self) -> &'static str {
        match self {
            TicketKind::WalkIn => "Walk-in",
            TicketKind::Booked => "Booked",
        }
    }
}

serialize_as_code!(TicketKind);

/// The ticket shown and called out: prefix and the day's sequence for this
/// kind (from 1), three digits, four or more from 1000: `A017`, `B004`.
pub fn ticket_number(kind: TicketKind, seq: u32) -> String {
    format!("{}{seq:03}", kind.prefix())
}

/// Reads a ticket number as typed (`a017`, ` B004 `); `None` unless it is
/// in the form [`ticket_number`] writes (so `A17` and `A0017` are refused).
pub fn parse_ticket_number(input: &str) -> Option<(TicketKind, u32)> {
    let s = input.trim();
    let mut chars = s.chars();
    let prefix = chars.next()?.to_ascii_uppercase();
    let kind = TicketKind::ALL.into_iter().find(|k| k.prefix() == prefix)?;
    let digits = chars.as_str();
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let seq: u32 = digits.parse().ok()?;
    (ticket_number(kind, seq).get(1..) == Some(digits)).then_some((kind, seq))
}

/// Priority flagged by the greeter. Serializes as its code.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Priority {
    #[default]
    None,
    Elderly,
    Disability,
    Pregnancy,
}

impl Priority {
    pub const ALL: [Priority; 4] = [
        Priority::None,
        Priority::Elderly,
        Priority::Disability,
        Priority::Pregnancy,
    ];

    /// Stable code (API, database).
    pub const fn code(self) -> &'static str {
        match self {
            Priority::None => "none",
            Priority::Elderly => "elderly",
            Priority::Disability => "disability",
            Priority::Pregnancy => "pregnancy",
        }
    }

    /// Inverse of [`Priority::code`].
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.code() == code)
    }

    /// Whether the ticket goes ahead of the ordinary queue.
    pub const fn is_priority(self) -> bool {
        !matches!(self, Priority::None)
    }

    pub const fn label_id(self) -> &'static str {
        match self {
            Priority::None => "Tanpa prioritas",
            Priority::Elderly => "Lansia",
            Priority::Disability => "Penyandang disabilitas",
            Priority::Pregnancy => "Ibu hamil",
        }
    }

    pub const fn label_en(self) -> &'static str {
        match self {
            Priority::None => "No priority",
            Priority::Elderly => "Elderly",
            Priority::Disability => "Disability",
            Priority::Pregnancy => "Pregnancy",
        }
    }
}

serialize_as_code!(Priority);

/// Whether a booking may check in now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CheckIn {
    Open,
    TooEarly { opens_at: NaiveDateTime },
    Over,
}

impl CheckIn {
    /// Message catalog key when check-in is not open.
    pub const fn detail(self) -> Option<&'static str> {
        match self {
            CheckIn::Open => None,
            CheckIn::TooEarly { .. } => Some(detail::CHECK_IN_TOO_EARLY),
            CheckIn::Over => Some(detail::CHECK_IN_OVER),
        }
    }
}

/// When the check-in of a session starting at `session_start` opens.
pub fn check_in_opens_at(session_start: NaiveDateTime) -> NaiveDateTime {
    session_start
        .checked_sub_signed(TimeDelta::minutes(CHECK_IN_OPENS_MINUTES))
        .unwrap_or(NaiveDateTime::MIN)
}

/// Open from 30 minutes before the start until the end (exclusive).
pub fn check_in_window(
    session_start: NaiveDateTime,
    session_end: NaiveDateTime,
    now: NaiveDateTime,
) -> CheckIn {
    let opens_at = check_in_opens_at(session_start);
    if now >= session_end {
        CheckIn::Over
    } else if now < opens_at {
        CheckIn::TooEarly { opens_at }
    } else {
        CheckIn::Open
    }
}

/// Whether one more walk-in ticket may be issued today: always without a
/// cap, otherwise while fewer than `cap` were issued (`Some(0)`: none).
pub fn walk_in_allowed(issued_today: u32, cap: Option<u32>) -> bool {
    cap.is_none_or(|cap| issued_today < cap)
}

// --- The waiting queue -----------------------------------------------------

/// A participant waiting for a seat.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Waiting {
    pub id: i64,
    pub kind: TicketKind,
    pub priority: Priority,
    /// When they entered the queue (ticket, check-in, session page opened).
    pub arrived_at: NaiveDateTime,
    /// The booked session's start (bookings only; ignored for walk-ins).
    pub session_start: Option<NaiveDateTime>,
    /// An online participant with a booking who opened their session page:
    /// needs an agent seat but no booth.
    pub online: bool,
}

/// The three bands of the queue, in the order they are served.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum QueueClass {
    /// A checked-in booking whose session has started.
    StartedBooking,
    /// A priority ticket (not a started booking).
    Priority,
    /// Everyone else.
    Other,
}

impl QueueClass {
    pub const fn code(self) -> &'static str {
        match self {
            QueueClass::StartedBooking => "started_booking",
            QueueClass::Priority => "priority",
            QueueClass::Other => "other",
        }
    }
}

serialize_as_code!(QueueClass);

/// The band `w` is served in at `now`.
pub fn queue_class(w: &Waiting, now: NaiveDateTime) -> QueueClass {
    match (w.kind, w.session_start) {
        (TicketKind::Booked, Some(start)) if start <= now => QueueClass::StartedBooking,
        _ if w.priority.is_priority() => QueueClass::Priority,
        _ => QueueClass::Other,
    }
}

type QueueKey = (QueueClass, Option<NaiveDateTime>, NaiveDateTime, i64);

fn queue_key(w: &Waiting, now: NaiveDateTime) -> QueueKey {
    let class = queue_class(w, now);
    let start = match class {
        QueueClass::StartedBooking => w.session_start,
        QueueClass::Priority | QueueClass::Other => None,
    };
    (class, start, w.arrived_at, w.id)
}

fn ordered(waiting: &[Waiting], now: NaiveDateTime) -> Vec<&Waiting> {
    let mut v: Vec<&Waiting> = waiting.iter().collect();
    v.sort_by_cached_key(|w| queue_key(w, now));
    v
}

/// Ids of `waiting` in the order they are served (see the module docs).
pub fn queue_order(waiting: &[Waiting], now: NaiveDateTime) -> Vec<i64> {
    ordered(waiting, now).into_iter().map(|w| w.id).collect()
}

/// 1-based place of `id` in the queue, for the ticket and the board.
pub fn queue_position(waiting: &[Waiting], id: i64, now: NaiveDateTime) -> Option<u32> {
    let index = queue_order(waiting, now).iter().position(|&x| x == id)?;
    u32::try_from(index + 1).ok()
}

// --- Routing ---------------------------------------------------------------

/// A CS agent's state on the console. Serializes as its code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AgentStatus {
    OnDuty,
    /// On a break: keeps the active sessions, takes no new ones.
    Paused,
    Off,
}

impl AgentStatus {
    pub const ALL: [AgentStatus; 3] = [AgentStatus::OnDuty, AgentStatus::Paused, AgentStatus::Off];

    /// Stable code (API, database).
    pub const fn code(self) -> &'static str {
        match self {
            AgentStatus::OnDuty => "on_duty",
            AgentStatus::Paused => "paused",
            AgentStatus::Off => "off",
        }
    }

    /// Inverse of [`AgentStatus::code`].
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    pub const fn label_id(self) -> &'static str {
        match self {
            AgentStatus::OnDuty => "Bertugas",
            AgentStatus::Paused => "Istirahat",
            AgentStatus::Off => "Tidak bertugas",
        }
    }

    pub const fn label_en(self) -> &'static str {
        match self {
            AgentStatus::OnDuty => "On duty",
            AgentStatus::Paused => "On a break",
            AgentStatus::Off => "Off duty",
        }
    }
}

serialize_as_code!(AgentStatus);

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

fn pick_index(agents: &[Agent]) -> Option<usize> {
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

fn first_duplicate(pairs: &[(i64, i64)]) -> Option<(i64, i64, i64)> {
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

// --- Measures ----------------------------------------------------------------

/// How a session ended. Serializes as its code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Outcome {
    Verified,
    Rejected,
    NoShow,
    /// Sent back to the queue.
    Returned,
    /// Handed to another agent.
    Transferred,
}

impl Outcome {
    pub const ALL: [Outcome; 5] = [
        Outcome::Verified,
        Outcome::Rejected,
        Outcome::NoShow,
        Outcome::Returned,
        Outcome::Transferred,
    ];

    /// Stable code (API, database).
    pub const fn code(self) -> &'static str {
        match self {
            Outcome::Verified => "verified",
            Outcome::Rejected => "rejected",
            Outcome::NoShow => "no_show",
            Outcome::Returned => "returned",
            Outcome::Transferred => "transferred",
        }
    }

    /// Inverse of [`Outcome::code`].
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.code() == code)
    }

    /// A decision on the claim was made: the participant was served.
    pub const fn is_served(self) -> bool {
        matches!(self, Outcome::Verified | Outcome::Rejected)
    }

    pub const fn label_id(self) -> &'static str {
        match self {
            Outcome::Verified => "Terverifikasi",
            Outcome::Rejected => "Ditolak",
            Outcome::NoShow => "Tidak hadir",
            Outcome::Returned => "Dikembalikan ke antrean",
            Outcome::Transferred => "Dialihkan ke petugas lain",
        }
    }

    pub const fn label_en(self) -> &'static str {
        match self {
            Outcome::Verified => "Verified",
            Outcome::Rejected => "Rejected",
            Outcome::NoShow => "No show",
            Outcome::Returned => "Sent back to the queue",
            Outcome::Transferred => "Transferred to another agent",
        }
    }
}

serialize_as_code!(Outcome);

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

fn minutes_between(from: NaiveDateTime, to: NaiveDateTime) -> f64 {
    let ms = to.signed_duration_since(from).num_milliseconds();
    (ms as f64 / 60_000.0).max(0.0)
}

fn mean(values: impl Iterator<Item = f64>) -> Option<f64> {
    let (sum, n) = values.fold((0.0, 0u32), |(s, n), v| (s + v, n + 1));
    (n > 0).then(|| sum / f64::from(n))
}

fn count(sessions: &[ServedSession], pred: impl Fn(&ServedSession) -> bool) -> u32 {
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use proptest::prelude::*;

    fn t(h: u32, m: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 11, 23)
            .and_then(|d| d.and_hms_opt(h, m, 0))
            .expect("time")
    }

    fn walk_in(id: i64, arrived: NaiveDateTime) -> Waiting {
        Waiting {
            id,
            kind: TicketKind::WalkIn,
            priority: Priority::None,
            arrived_at: arrived,
            session_start: None,
            online: false,
        }
    }

    fn booked(id: i64, arrived: NaiveDateTime, start: NaiveDateTime) -> Waiting {
        Waiting {
            kind: TicketKind::Booked,
            session_start: Some(start),
            ..walk_in(id, arrived)
        }
    }

    fn online(id: i64, arrived: NaiveDateTime, start: NaiveDateTime) -> Waiting {
        Waiting {
            online: true,
            ..booked(id, arrived, start)
        }
    }

    fn agent(id: i64, seats: u32, active: u32, idle_since: NaiveDateTime) -> Agent {
        Agent {
            id,
            seats,
            status: AgentStatus::OnDuty,
            active,
            idle_since,
        }
    }

    fn booths(n: u32) -> Vec<Booth> {
        (1..=n)
            .map(|k| Booth {
                id: 100 + i64::from(k),
                number: k,
                occupied: false,
            })
            .collect()
    }

    // --- tickets and check-in ---

    #[test]
    fn ticket_numbers() {
        assert_eq!(ticket_number(TicketKind::WalkIn, 17), "A017");
        assert_eq!(ticket_number(TicketKind::Booked, 4), "B004");
        assert_eq!(ticket_number(TicketKind::WalkIn, 999), "A999");
        assert_eq!(ticket_number(TicketKind::WalkIn, 1000), "A1000");
        assert_eq!(ticket_number(TicketKind::Booked, 1), "B001");
        assert_eq!(
            parse_ticket_number(" a017 "),
            Some((TicketKind::WalkIn, 17))
        );
        assert_eq!(
            parse_ticket_number("B1000"),
            Some((TicketKind::Booked, 1000))
        );
        for bad in ["", "A", "A17", "A0017", "C017", "A01x", "A-17", "017"] {
            assert_eq!(parse_ticket_number(bad), None, "{bad}");
        }
    }

    #[test]
    fn codes_round_trip() {
        for k in TicketKind::ALL {
            assert_eq!(TicketKind::parse(k.code()), Some(k));
        }
        for p in Priority::ALL {
            assert_eq!(Priority::parse(p.code()), Some(p));
        }
        for s in AgentStatus::ALL {
            assert_eq!(AgentStatus::parse(s.code()), Some(s));
        }
        for o in Outcome::ALL {
            assert_eq!(Outcome::parse(o.code()), Some(o));
        }
        assert_eq!(TicketKind::WalkIn.code(), "walk_in");
        assert_eq!(Outcome::NoShow.code(), "no_show");
        assert_eq!(AgentStatus::OnDuty.code(), "on_duty");
        assert_eq!(Priority::parse("Elderly"), None);
        assert!(!Priority::None.is_priority());
        assert!(Priority::Pregnancy.is_priority());
        assert!(Outcome::Rejected.is_served());
        assert!(!Outcome::Returned.is_served());
    }

    #[test]
    fn check_in_window_edges() {
        let (start, end) = (t(9, 0), t(10, 0));
        assert_eq!(
            check_in_window(start, end, t(8, 29)),
            CheckIn::TooEarly { opens_at: t(8, 30) }
        );
        assert_eq!(check_in_window(start, end, t(8, 30)), CheckIn::Open);
        assert_eq!(check_in_window(start, end, t(9, 45)), CheckIn::Open);
        assert_eq!(check_in_window(start, end, t(10, 0)), CheckIn::Over);
        assert_eq!(check_in_window(start, end, t(15, 0)), CheckIn::Over);
        assert_eq!(CheckIn::Open.detail(), None);
        assert_eq!(CheckIn::Over.detail(), Some("check_in_over"));
        assert_eq!(
            CheckIn::TooEarly { opens_at: t(8, 30) }.detail(),
            Some("check_in_too_early")
        );
    }

    #[test]
    fn walk_in_cap() {
        assert!(walk_in_allowed(500, None));
        assert!(walk_in_allowed(39, Some(40)));
        assert!(!walk_in_allowed(40, Some(40)));
        assert!(!walk_in_allowed(41, Some(40)));
        assert!(!walk_in_allowed(0, Some(0)));
    }

    // --- queue order ---

    #[test]
    fn started_bookings_then_priority_then_arrival_order() {
        let mut elderly = walk_in(3, t(8, 10));
        elderly.priority = Priority::Elderly;
        let mut pregnant_booking_not_started = booked(7, t(8, 20), t(10, 0));
        pregnant_booking_not_started.priority = Priority::Pregnancy;
        let waiting = vec![
            walk_in(1, t(8, 0)),
            booked(2, t(8, 50), t(9, 0)),
            elderly,
            booked(4, t(8, 40), t(9, 0)),
            booked(5, t(8, 5), t(8, 30)),
            booked(6, t(8, 1), t(9, 30)), // not started yet at 09:10
            pregnant_booking_not_started,
            online(8, t(9, 5), t(9, 0)),
        ];
        let now = t(9, 10);
        // 5 (session 08:30), then session 09:00 by arrival: 4, 2, 8;
        // priority by arrival: 3, 7; then 1, 6 by arrival.
        assert_eq!(queue_order(&waiting, now), vec![5, 4, 2, 8, 3, 7, 1, 6]);
        assert_eq!(queue_position(&waiting, 3, now), Some(5));
        assert_eq!(queue_position(&waiting, 99, now), None);
        assert_eq!(queue_class(&waiting[5], now), QueueClass::Other);
        // Before 09:00 only booking 5 has started.
        assert_eq!(
            queue_order(&waiting, t(8, 55)),
            vec![5, 3, 7, 1, 6, 4, 2, 8]
        );
    }

    #[test]
    fn walk_in_with_a_session_time_is_not_a_booking() {
        let mut w = walk_in(1, t(8, 0));
        w.session_start = Some(t(7, 0));
        assert_eq!(queue_class(&w, t(9, 0)), QueueClass::Other);
    }

    // --- routing ---

    #[test]
    fn fewest_active_then_longest_idle_then_lowest_id() {
        let agents = vec![
            agent(1, 5, 2, t(8, 0)),
            agent(2, 5, 1, t(8, 30)),
            agent(3, 5, 1, t(8, 10)),
            agent(4, 5, 1, t(8, 10)),
        ];
        assert_eq!(pick_agent(&agents), Some(3));
        let waiting: Vec<Waiting> = (1..=4).map(|i| walk_in(i, t(9, i as u32))).collect();
        let got = assign(&waiting, &agents, &booths(10), t(9, 30));
        let to: Vec<i64> = got.iter().map(|a| a.agent_id).collect();
        // 3 (1 active, idle 08:10), 4 (ties 3 on idle, higher id), 2, then
        // everyone at 2 active: 1 is the longest idle.
        assert_eq!(to, vec![3, 4, 2, 1]);
        let booth_ids: Vec<Option<i64>> = got.iter().map(|a| a.booth_id).collect();
        assert_eq!(booth_ids, vec![Some(101), Some(102), Some(103), Some(104)]);
    }

    #[test]
    fn paused_off_and_full_agents_take_nobody() {
        let mut paused = agent(1, 5, 0, t(8, 0));
        paused.status = AgentStatus::Paused;
        let mut off = agent(2, 5, 0, t(8, 0));
        off.status = AgentStatus::Off;
        let full = agent(3, 2, 2, t(8, 0));
        let shrunk = agent(4, 1, 3, t(8, 0)); // seats lowered below load
        let agents = vec![paused, off, full, shrunk];
        assert_eq!(pick_agent(&agents), None);
        assert!(assign(&[walk_in(1, t(9, 0))], &agents, &booths(3), t(9, 0)).is_empty());
        assert_eq!(on_duty_seats(&agents), 3);
    }

    #[test]
    fn booths_lowest_number_first_and_occupied_ones_skipped() {
        let bs = vec![
            Booth {
                id: 1,
                number: 3,
                occupied: false,
            },
            Booth {
                id: 2,
                number: 1,
                occupied: true,
            },
            Booth {
                id: 3,
                number: 2,
                occupied: false,
            },
        ];
        let waiting = vec![
            walk_in(1, t(9, 0)),
            walk_in(2, t(9, 1)),
            walk_in(3, t(9, 2)),
        ];
        let got = assign(&waiting, &[agent(7, 5, 0, t(8, 0))], &bs, t(9, 5));
        assert_eq!(
            got,
            vec![
                Assignment {
                    waiting_id: 1,
                    agent_id: 7,
                    booth_id: Some(3)
                },
                Assignment {
                    waiting_id: 2,
                    agent_id: 7,
                    booth_id: Some(1)
                },
            ]
        );
    }

    #[test]
    fn online_participant_takes_a_seat_when_only_booths_are_lacking() {
        let waiting = vec![
            walk_in(1, t(9, 0)),
            booked(2, t(9, 1), t(9, 0)),
            online(3, t(9, 2), t(9, 30)), // not started: last in line
        ];
        let mut all_taken = booths(2);
        for b in &mut all_taken {
            b.occupied = true;
        }
        let agents = [agent(1, 5, 2, t(8, 0))];
        let got = assign(&waiting, &agents, &all_taken, t(9, 5));
        assert_eq!(
            got,
            vec![Assignment {
                waiting_id: 3,
                agent_id: 1,
                booth_id: None
            }]
        );
        // One booth free: the started booking (2) gets it, the walk-in
        // waits, the online participant still gets a seat.
        let mut one_free = all_taken.clone();
        one_free[1].occupied = false;
        let got = assign(&waiting, &agents, &one_free, t(9, 5));
        assert_eq!(
            got,
            vec![
                Assignment {
                    waiting_id: 2,
                    agent_id: 1,
                    booth_id: Some(102)
                },
                Assignment {
                    waiting_id: 3,
                    agent_id: 1,
                    booth_id: None
                },
            ]
        );
        let rest = [waiting[0].clone()];
        let mut after = agents.to_vec();
        after[0].active = 4;
        let mut booths_after = one_free;
        booths_after[1].occupied = true;
        assert!(check_nobody_skipped(&rest, &after, &booths_after).is_ok());
        booths_after[1].occupied = false;
        assert!(check_nobody_skipped(&rest, &after, &booths_after).is_err());
    }

    #[test]
    fn seats_fill_up_across_agents() {
        let waiting: Vec<Waiting> = (1..=12).map(|i| walk_in(i, t(9, i as u32))).collect();
        let agents = [agent(1, 5, 0, t(8, 0)), agent(2, 5, 0, t(8, 5))];
        let got = assign(&waiting, &agents, &booths(20), t(9, 30));
        assert_eq!(got.len(), 10);
        let to_1 = got.iter().filter(|a| a.agent_id == 1).count();
        assert_eq!(to_1, 5);
        // The first ten in line, alternating 1, 2, 1, 2 ...
        let ids: Vec<i64> = got.iter().map(|a| a.waiting_id).collect();
        assert_eq!(ids, (1..=10).collect::<Vec<i64>>());
        assert_eq!(got[0].agent_id, 1);
        assert_eq!(got[1].agent_id, 2);
    }

    #[test]
    fn invariant_checker_finds_each_violation() {
        let agents = [agent(1, 2, 0, t(8, 0)), agent(2, 1, 0, t(8, 0))];
        assert!(check_invariants(
            &agents,
            &[(101, 10), (102, 11)],
            &[(1, 10), (1, 11), (2, 12)]
        )
        .is_ok());
        let err = check_invariants(&agents, &[], &[(1, 10), (1, 11), (1, 12)]).unwrap_err();
        assert!(
            err.contains("agent 1 has 3 active sessions but 2 seats"),
            "{err}"
        );
        let mut busy = agents.to_vec();
        busy[1].active = 2;
        assert!(check_invariants(&busy, &[], &[]).is_err());
        let err = check_invariants(&agents, &[(101, 10), (101, 11)], &[]).unwrap_err();
        assert!(err.contains("booth 101"), "{err}");
        let err = check_invariants(&agents, &[(101, 10), (102, 10)], &[]).unwrap_err();
        assert!(err.contains("participant 10 is in booths"), "{err}");
        let err = check_invariants(&agents, &[], &[(1, 10), (2, 10)]).unwrap_err();
        assert!(err.contains("participant 10 holds two seats"), "{err}");
        let err = check_invariants(&agents, &[], &[(9, 10)]).unwrap_err();
        assert!(err.contains("agent 9"), "{err}");
    }

    // --- wait estimate ---

    #[test]
    fn wait_estimates() {
        assert_eq!(estimated_wait_minutes(1, 10, 15), Some(0));
        assert_eq!(estimated_wait_minutes(11, 10, 15), Some(15));
        assert_eq!(estimated_wait_minutes(12, 10, 15), Some(17)); // 16.5 up
        assert_eq!(estimated_wait_minutes(6, 5, 0), Some(15)); // default
        assert_eq!(estimated_wait_minutes(6, 0, 15), None);
        assert_eq!(estimated_wait_minutes(0, 5, 15), Some(0));
        assert_eq!(
            estimated_wait_minutes(u32::MAX, 1, u32::MAX),
            Some(u32::MAX)
        );
        assert_eq!(service_minutes_or_default(None), 15);
        assert_eq!(service_minutes_or_default(Some(f64::NAN)), 15);
        assert_eq!(service_minutes_or_default(Some(0.0)), 15);
        assert_eq!(service_minutes_or_default(Some(0.2)), 1);
        assert_eq!(service_minutes_or_default(Some(12.1)), 13);
    }

    // --- measures ---

    fn session(
        agent_id: i64,
        arrived: NaiveDateTime,
        started: NaiveDateTime,
        finished: Option<NaiveDateTime>,
        outcome: Option<Outcome>,
    ) -> ServedSession {
        ServedSession {
            agent_id,
            arrived_at: arrived,
            started_at: started,
            finished_at: finished,
            outcome,
        }
    }

    #[test]
    fn a_small_day() {
        let sessions = vec![
            session(
                1,
                t(8, 0),
                t(8, 10),
                Some(t(8, 30)),
                Some(Outcome::Verified),
            ),
            session(
                1,
                t(8, 0),
                t(8, 20),
                Some(t(8, 50)),
                Some(Outcome::Rejected),
            ),
            session(1, t(8, 30), t(8, 30), Some(t(8, 40)), Some(Outcome::NoShow)),
            session(
                2,
                t(8, 40),
                t(8, 50),
                Some(t(9, 0)),
                Some(Outcome::Returned),
            ),
            session(2, t(9, 0), t(9, 0), None, None),
        ];
        // Two agents, one hour each.
        let m = day_measures(6, &sessions, 120.0);
        assert_eq!(m.arrivals, 6);
        assert_eq!(m.served, 2);
        assert_eq!(m.no_shows, 1);
        // waits 10, 20, 0, 10, 0
        assert_eq!(m.avg_wait_minutes, Some(8.0));
        // served: 20 and 30
        assert_eq!(m.avg_service_minutes, Some(25.0));
        // busy 20 + 30 + 10 + 10 = 70 over 120 on-duty minutes
        let active = m.avg_active_seats.unwrap();
        assert!((active - 70.0 / 120.0).abs() < 1e-9, "{active}");
        assert_eq!(m.per_agent_hour, Some(1.0));
    }

    #[test]
    fn five_at_once_shows_as_five() {
        // One agent on duty 60 minutes running five 60-minute sessions.
        let sessions: Vec<ServedSession> = (0..5)
            .map(|_| session(1, t(8, 0), t(9, 0), Some(t(10, 0)), Some(Outcome::Verified)))
            .collect();
        let m = day_measures(5, &sessions, 60.0);
        assert_eq!(m.avg_active_seats, Some(5.0));
        assert_eq!(m.per_agent_hour, Some(5.0));
        assert_eq!(m.avg_wait_minutes, Some(60.0));
    }

    #[test]
    fn empty_day() {
        let m = day_measures(0, &[], 0.0);
        assert_eq!(
            m,
            DayMeasures {
                arrivals: 0,
                served: 0,
                no_shows: 0,
                avg_wait_minutes: None,
                avg_service_minutes: None,
                avg_active_seats: None,
                per_agent_hour: None,
            }
        );
        let m = day_measures(3, &[], 480.0);
        assert_eq!(m.avg_active_seats, Some(0.0));
        assert_eq!(m.per_agent_hour, Some(0.0));
        assert_eq!(day_measures(0, &[], f64::NAN).per_agent_hour, None);
        // Clock skew never gives a negative wait.
        let s = [session(1, t(9, 0), t(8, 59), None, None)];
        assert_eq!(day_measures(1, &s, 60.0).avg_wait_minutes, Some(0.0));
    }

    // --- seats ---

    #[test]
    fn seats_rules() {
        assert_eq!(default_seats(true), 5);
        assert_eq!(default_seats(false), 1);
        assert!(!valid_seats(0));
        assert!(valid_seats(1));
        assert!(valid_seats(6));
        assert!(!valid_seats(7));
        assert_eq!(check_seats(4, 4), Ok(()));
        assert_eq!(check_seats(3, 4), Err("seats_below_active"));
        assert_eq!(check_seats(7, 0), Err("invalid_seats"));
        assert_eq!(check_seats(0, 0), Err("invalid_seats"));
    }

    // --- property tests: a small floor simulator ---

    #[derive(Clone, Debug)]
    enum Event {
        WalkIn(Priority),
        /// Checked in at the kiosk; session start = now + minutes.
        Booked(i64, Priority),
        /// Opened the session page; session start = now + minutes.
        Online(i64),
        /// Goes on duty, or resumes after a pause.
        OnDuty(usize),
        Pause(usize),
        /// Signs off; their participants go back to the queue.
        Off(usize),
        /// A session ends with this outcome (returned: back to the queue;
        /// transferred: to the least busy other agent with a free seat).
        Finish(usize, Outcome),
        Seats(usize, u32),
        Tick(i64),
    }

    #[derive(Clone, Debug)]
    struct Seated {
        who: Waiting,
        agent_id: i64,
        booth_id: Option<i64>,
    }

    struct Sim {
        now: NaiveDateTime,
        next_id: i64,
        waiting: Vec<Waiting>,
        agents: Vec<Agent>,
        booths: Vec<Booth>,
        seated: Vec<Seated>,
    }

    impl Sim {
        fn new(agents: &[(u32, usize)], booth_numbers: &[u32]) -> Sim {
            let now = t(8, 0);
            Sim {
                now,
                next_id: 1,
                waiting: Vec::new(),
                agents: agents
                    .iter()
                    .enumerate()
                    .map(|(i, &(seats, status))| Agent {
                        id: i as i64 + 1,
                        seats,
                        status: AgentStatus::ALL[status % 3],
                        active: 0,
                        idle_since: now - TimeDelta::minutes(i as i64),
                    })
                    .collect(),
                booths: booth_numbers
                    .iter()
                    .enumerate()
                    .map(|(i, &number)| Booth {
                        id: 100 + i as i64,
                        number,
                        occupied: false,
                    })
                    .collect(),
                seated: Vec::new(),
            }
        }

        fn arrive(
            &mut self,
            kind: TicketKind,
            priority: Priority,
            start: Option<i64>,
            online: bool,
        ) {
            let id = self.next_id;
            self.next_id += 1;
            self.waiting.push(Waiting {
                id,
                kind,
                priority,
                arrived_at: self.now,
                session_start: start.map(|m| self.now + TimeDelta::minutes(m)),
                online,
            });
        }

        fn agent_mut(&mut self, id: i64) -> &mut Agent {
            self.agents.iter_mut().find(|a| a.id == id).expect("agent")
        }

        fn free_booth(&mut self, id: Option<i64>) {
            if let Some(b) = self.booths.iter_mut().find(|b| Some(b.id) == id) {
                assert!(b.occupied, "booth {} freed twice", b.id);
                b.occupied = false;
            }
        }

        /// Ends seat `index`; the agent's load drops and idle time restarts.
        fn unseat(&mut self, index: usize) -> Seated {
            let s = self.seated.remove(index);
            let now = self.now;
            let a = self.agent_mut(s.agent_id);
            a.active -= 1;
            a.idle_since = now;
            s
        }

        fn apply(&mut self, e: &Event) {
            let n_agents = self.agents.len();
            match *e {
                Event::WalkIn(p) => self.arrive(TicketKind::WalkIn, p, None, false),
                Event::Booked(m, p) => self.arrive(TicketKind::Booked, p, Some(m), false),
                Event::Online(m) => self.arrive(TicketKind::Booked, Priority::None, Some(m), true),
                Event::OnDuty(i) if n_agents > 0 => {
                    let now = self.now;
                    let a = &mut self.agents[i % n_agents];
                    match a.status {
                        AgentStatus::Off => {
                            a.status = AgentStatus::OnDuty;
                            a.idle_since = now;
                        }
                        AgentStatus::Paused => a.status = AgentStatus::OnDuty,
                        AgentStatus::OnDuty => {}
                    }
                }
                Event::Pause(i) if n_agents > 0 => {
                    let a = &mut self.agents[i % n_agents];
                    if a.status == AgentStatus::OnDuty {
                        a.status = AgentStatus::Paused;
                    }
                }
                Event::Off(i) if n_agents > 0 => {
                    let id = self.agents[i % n_agents].id;
                    while let Some(k) = self.seated.iter().position(|s| s.agent_id == id) {
                        let s = self.unseat(k);
                        self.free_booth(s.booth_id);
                        self.waiting.push(s.who);
                    }
                    self.agent_mut(id).status = AgentStatus::Off;
                }
                Event::Finish(i, outcome) if !self.seated.is_empty() => {
                    let k = i % self.seated.len();
                    if outcome == Outcome::Transferred {
                        let from = self.seated[k].agent_id;
                        let others: Vec<Agent> = self
                            .agents
                            .iter()
                            .filter(|a| a.id != from)
                            .cloned()
                            .collect();
                        if let Some(to) = pick_agent(&others) {
                            let mut s = self.unseat(k);
                            s.agent_id = to;
                            self.agent_mut(to).active += 1;
                            self.seated.push(s);
                        }
                        return;
                    }
                    let s = self.unseat(k);
                    self.free_booth(s.booth_id);
                    if outcome == Outcome::Returned {
                        self.waiting.push(Waiting {
                            arrived_at: self.now,
                            ..s.who
                        });
                    }
                }
                Event::Seats(i, n) if n_agents > 0 => {
                    let a = &mut self.agents[i % n_agents];
                    if check_seats(n, a.active).is_ok() {
                        a.seats = n;
                    }
                }
                Event::Tick(m) => self.now += TimeDelta::minutes(m),
                _ => {}
            }
        }

        /// Runs `assign`, checks its choices against the rules, applies it.
        fn route(&mut self) -> Result<(), TestCaseError> {
            let order = queue_order(&self.waiting, self.now);
            let got = assign(&self.waiting, &self.agents, &self.booths, self.now);
            let pos = |id: i64| order.iter().position(|&x| x == id).expect("in the queue");
            let placed: Vec<i64> = got.iter().map(|a| a.waiting_id).collect();
            // Placements follow the queue order.
            prop_assert!(
                placed.windows(2).all(|w| pos(w[0]) < pos(w[1])),
                "{placed:?} vs {order:?}"
            );
            // Nobody is passed over for someone later who needs the same.
            for u in self.waiting.iter().filter(|w| !placed.contains(&w.id)) {
                for a in &got {
                    let v = self
                        .waiting
                        .iter()
                        .find(|w| w.id == a.waiting_id)
                        .expect("v");
                    prop_assert!(
                        pos(v.id) < pos(u.id) || (v.online && !u.online),
                        "{} placed before {}",
                        v.id,
                        u.id
                    );
                }
            }
            for a in &got {
                let who = self
                    .waiting
                    .iter()
                    .position(|w| w.id == a.waiting_id)
                    .map(|k| self.waiting.remove(k))
                    .expect("assigned someone waiting");
                // The least busy, longest idle free agent.
                let best = self
                    .agents
                    .iter()
                    .filter(|x| x.status == AgentStatus::OnDuty && x.active < x.seats)
                    .map(|x| (x.active, x.idle_since, x.id))
                    .min();
                let chosen = self
                    .agents
                    .iter()
                    .find(|x| x.id == a.agent_id)
                    .expect("agent");
                prop_assert_eq!(best, Some((chosen.active, chosen.idle_since, chosen.id)));
                // The lowest-numbered free booth, none online.
                let lowest = self
                    .booths
                    .iter()
                    .filter(|b| !b.occupied)
                    .min_by_key(|b| (b.number, b.id))
                    .map(|b| b.id);
                if who.online {
                    prop_assert_eq!(a.booth_id, None);
                } else {
                    prop_assert!(lowest.is_some());
                    prop_assert_eq!(a.booth_id, lowest);
                }
                self.agent_mut(a.agent_id).active += 1;
                if let Some(b) = self.booths.iter_mut().find(|b| Some(b.id) == a.booth_id) {
                    b.occupied = true;
                }
                self.seated.push(Seated {
                    who,
                    agent_id: a.agent_id,
                    booth_id: a.booth_id,
                });
            }
            Ok(())
        }

        fn check(&self) -> Result<(), TestCaseError> {
            let booth_pairs: Vec<(i64, i64)> = self
                .seated
                .iter()
                .filter_map(|s| s.booth_id.map(|b| (b, s.who.id)))
                .collect();
            let seat_pairs: Vec<(i64, i64)> =
                self.seated.iter().map(|s| (s.agent_id, s.who.id)).collect();
            if let Err(e) = check_invariants(&self.agents, &booth_pairs, &seat_pairs) {
                return Err(TestCaseError::fail(e));
            }
            if let Err(e) = check_nobody_skipped(&self.waiting, &self.agents, &self.booths) {
                return Err(TestCaseError::fail(e));
            }
            // Independently: nobody waiting fits a free seat.
            let seat_free = self
                .agents
                .iter()
                .any(|a| a.status == AgentStatus::OnDuty && a.active < a.seats);
            let booth_free = self.booths.iter().any(|b| !b.occupied);
            prop_assert!(!(seat_free && self.waiting.iter().any(|w| w.online || booth_free)));
            // The simulator's bookkeeping agrees with itself.
            for a in &self.agents {
                let n = self.seated.iter().filter(|s| s.agent_id == a.id).count();
                prop_assert_eq!(n, a.active as usize);
            }
            for b in &self.booths {
                prop_assert_eq!(b.occupied, booth_pairs.iter().any(|&(x, _)| x == b.id));
            }
            // Queue bands never interleave; started bookings by start.
            let order = queue_order(&self.waiting, self.now);
            let by_id = |id: i64| self.waiting.iter().find(|w| w.id == id).expect("w");
            let keys: Vec<(QueueClass, Option<NaiveDateTime>, NaiveDateTime)> = order
                .iter()
                .map(|&id| {
                    let w = by_id(id);
                    let c = queue_class(w, self.now);
                    let start = (c == QueueClass::StartedBooking)
                        .then_some(w.session_start)
                        .flatten();
                    (c, start, w.arrived_at)
                })
                .collect();
            prop_assert!(keys.windows(2).all(|k| k[0] <= k[1]), "{keys:?}");
            Ok(())
        }
    }

    fn priority() -> impl Strategy<Value = Priority> {
        prop_oneof![
            4 => Just(Priority::None),
            1 => prop::sample::select(Priority::ALL.to_vec()),
        ]
    }

    fn event() -> impl Strategy<Value = Event> {
        prop_oneof![
            4 => priority().prop_map(Event::WalkIn),
            3 => (-90i64..=60, priority()).prop_map(|(m, p)| Event::Booked(m, p)),
            2 => (-30i64..=30).prop_map(Event::Online),
            2 => (0usize..8).prop_map(Event::OnDuty),
            1 => (0usize..8).prop_map(Event::Pause),
            1 => (0usize..8).prop_map(Event::Off),
            5 => (0usize..16, prop::sample::select(Outcome::ALL.to_vec()))
                .prop_map(|(i, o)| Event::Finish(i, o)),
            1 => (0usize..8, 0u32..=7).prop_map(|(i, n)| Event::Seats(i, n)),
            2 => (0i64..=20).prop_map(Event::Tick),
        ]
    }

    fn floor() -> impl Strategy<Value = (Vec<(u32, usize)>, Vec<u32>)> {
        let agents = prop::collection::vec((MIN_SEATS..=MAX_SEATS, 0usize..3), 0..=4);
        let booths =
            (0u32..=8).prop_flat_map(|n| Just((1..=n).collect::<Vec<u32>>()).prop_shuffle());
        (agents, booths)
    }

    fn waiting_strategy() -> impl Strategy<Value = Vec<Waiting>> {
        prop::collection::vec(
            (
                prop::bool::ANY,
                priority(),
                0u32..120,
                prop::option::of(0u32..180),
                prop::bool::ANY,
            ),
            0..30,
        )
        .prop_map(|v| {
            v.into_iter()
                .enumerate()
                .map(|(i, (is_booked, priority, arr, start, online))| Waiting {
                    id: i as i64 + 1,
                    kind: if is_booked {
                        TicketKind::Booked
                    } else {
                        TicketKind::WalkIn
                    },
                    priority,
                    arrived_at: t(8, 0) + TimeDelta::minutes(i64::from(arr)),
                    session_start: start.map(|s| t(8, 0) + TimeDelta::minutes(i64::from(s))),
                    online: is_booked && online,
                })
                .collect()
        })
    }

    proptest! {
        #[test]
        fn random_floor_days_keep_the_invariants(
            (agents, booth_numbers) in floor(),
            events in prop::collection::vec(event(), 1..120),
        ) {
            let mut sim = Sim::new(&agents, &booth_numbers);
            sim.route()?;
            sim.check()?;
            for e in &events {
                sim.apply(e);
                sim.route()?;
                sim.check()?;
            }
        }

        #[test]
        fn queue_order_is_a_stable_permutation_in_bands(
            waiting in waiting_strategy(),
            now_min in 0i64..240,
            seed in any::<u64>(),
        ) {
            let now = t(8, 0) + TimeDelta::minutes(now_min);
            let order = queue_order(&waiting, now);
            let mut sorted = order.clone();
            sorted.sort_unstable();
            let ids: Vec<i64> = waiting.iter().map(|w| w.id).collect();
            prop_assert_eq!(&sorted, &ids);
            // Same order whatever the input order.
            let mut shuffled = waiting.clone();
            let len = shuffled.len();
            if len > 1 {
                let k = (seed % len as u64) as usize;
                shuffled.rotate_left(k);
                shuffled.swap(0, len - 1);
            }
            prop_assert_eq!(&queue_order(&shuffled, now), &order);
            let classes: Vec<QueueClass> = order
                .iter()
                .map(|&id| queue_class(waiting.iter().find(|w| w.id == id).expect("w"), now))
                .collect();
            prop_assert!(classes.windows(2).all(|c| c[0] <= c[1]), "{classes:?}");
            for (w, &c) in order.iter().zip(&classes) {
                let w = waiting.iter().find(|x| x.id == *w).expect("w");
                let started = w.kind == TicketKind::Booked && w.session_start.is_some_and(|s| s <= now);
                prop_assert_eq!(c == QueueClass::StartedBooking, started);
                prop_assert_eq!(c == QueueClass::Priority, !started && w.priority.is_priority());
            }
        }

        #[test]
        fn assign_from_scratch_leaves_nobody_placeable(
            waiting in waiting_strategy(),
            (agents, booth_numbers) in floor(),
        ) {
            let mut sim = Sim::new(&agents, &booth_numbers);
            sim.waiting = waiting;
            sim.route()?;
            sim.check()?;
        }

        #[test]
        fn wait_estimate_is_monotone(
            position in 1u32..500,
            seats in 0u32..40,
            avg in 0u32..120,
        ) {
            let here = estimated_wait_minutes(position, seats, avg);
            prop_assert_eq!(here.is_none(), seats == 0);
            if let Some(m) = here {
                prop_assert!(estimated_wait_minutes(position + 1, seats, avg) >= Some(m));
                prop_assert!(estimated_wait_minutes(position, seats + 1, avg) <= Some(m));
                let avg = if avg == 0 { DEFAULT_AVG_SERVICE_MINUTES } else { avg };
                prop_assert!(u64::from(m) * u64::from(seats) >= u64::from(position - 1) * u64::from(avg));
            }
        }

        #[test]
        fn ticket_numbers_round_trip(seq in 0u32..100_000, booked in prop::bool::ANY) {
            let kind = if booked { TicketKind::Booked } else { TicketKind::WalkIn };
            let n = ticket_number(kind, seq);
            prop_assert!(n.len() >= 4);
            prop_assert_eq!(parse_ticket_number(&n), Some((kind, seq)));
            prop_assert_eq!(parse_ticket_number(&n.to_lowercase()), Some((kind, seq)));
        }

        #[test]
        fn sessions_inside_on_duty_time_never_exceed_the_seats(
            seats in 1u32..=6,
            lengths in prop::collection::vec((0u32..60, 1u32..60), 0..30),
        ) {
            // One agent on duty 08:00–10:00 with at most `seats` sessions at
            // once: lay sessions out in `seats` lanes, one after another.
            let mut lanes = vec![0u32; seats as usize];
            let mut sessions = Vec::new();
            for (i, (gap, len)) in lengths.into_iter().enumerate() {
                let lane = i % seats as usize;
                let start = lanes[lane] + gap;
                let end = start + len;
                if end > 120 {
                    continue;
                }
                lanes[lane] = end;
                let at = |m: u32| t(8, 0) + TimeDelta::minutes(i64::from(m));
                sessions.push(session(1, at(0), at(start), Some(at(end)), Some(Outcome::Verified)));
            }
            let m = day_measures(0, &sessions, 120.0);
            let avg = m.avg_active_seats.expect("on duty");
            prop_assert!(avg <= f64::from(seats) + 1e-9, "{avg}");
            prop_assert_eq!(m.served as usize, sessions.len());
        }
    }
}
