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
//! # Wait range ([`wait_range`], issue 17)
//!
//! What the kiosk, the board and the participant's phone show: a range
//! from the people ahead, the on-duty seats and the branch's recent
//! session lengths, and its measured accuracy ([`accuracy`]); see the
//! `waits` module.
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
//! - [`AgentStatus`]: `on_duty`, `paused`, `off`.
//! - [`TicketStatus`]: `waiting`, `serving`, `done`, `no_show`, `left`.
//! - [`Outcome`]: `verified`, `rejected`, `no_show`, `returned`,
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

mod board;
mod day_series;
mod measures;
mod outcomes;
mod queue;
mod routing;
mod status;
mod tickets;
mod waits;

pub use board::*;
pub use day_series::*;
pub use measures::*;
pub use outcomes::*;
pub use queue::*;
pub use routing::*;
pub use status::*;
pub use tickets::*;
pub use waits::*;

#[cfg(test)]
mod tests;
