//! The branch floor in the database: tickets, agents, booths and the
//! sessions that seat a participant with an agent. Every change runs in one
//! write transaction that holds the branch's floor lock, re-runs the
//! routing rule (`domain::floor::assign`) and records what changed as floor
//! events (for live screens on every app instance) and in the audit log.
//! Partial unique indexes and `CHECK (active <= seats)` stand behind the
//! invariants even if a bug slipped past the lock.

use crate::domain::Code;
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde_json::json;

use super::audit::{self, Actor, Subject};
use super::branches::{self, Branch};
use super::schema::{agents, booths, floor_events, floor_sessions, tickets};
use super::{DbConnection, DbError};
use crate::db::MaybeWord;
use crate::domain::booking::BookingStatus;
use crate::domain::claim::ClaimStatus;
use crate::domain::floor::{
    self as rules, AgentStatus, Outcome, Priority, TicketKind, TicketStatus,
};

/// Why a floor change was refused, or the database failed under it. The
/// refusals carry the stable code the app layer turns into its error.
#[derive(Debug, thiserror::Error)]
pub enum FloorError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("not found: {0}")]
    NotFound(Code),
    #[error("conflict: {0}")]
    Conflict(Code),
    /// A row read back inside the transaction was gone (a bug).
    #[error("{0}")]
    Vanished(&'static str),
}

impl From<diesel::result::Error> for FloorError {
    fn from(e: diesel::result::Error) -> Self {
        FloorError::Db(DbError::from(e))
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = tickets)]
pub struct Ticket {
    pub id: i64,
    pub branch_code: String,
    pub local_date: NaiveDate,
    pub kind: String,
    pub seq: i32,
    pub number: String,
    pub nik: String,
    pub participant_id: Option<i64>,
    pub booking_id: Option<i64>,
    pub claim_id: Option<i64>,
    pub online: bool,
    pub priority: String,
    pub session_start: Option<NaiveDateTime>,
    #[diesel(deserialize_as = String)]
    pub status: TicketStatus,
    pub arrived_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A ticket as its holder follows it on a phone (the kiosk's QR code):
/// place in line, expected wait, the booth once called. Nothing personal:
/// the same facts the board shows to the room.
pub struct TicketLive {
    pub ticket: Ticket,
    pub position: Option<u32>,
    pub estimated_wait_minutes: Option<u32>,
    /// The wait as a range (issue 17).
    pub wait_range: Option<rules::WaitRange>,
    /// The ticket called last at the branch today.
    pub last_called: Option<String>,
    /// The booth the ticket is called to (none: not called, or online).
    pub booth: Option<i32>,
}

#[derive(Insertable)]
#[diesel(table_name = tickets, treat_none_as_default_value = false)]
pub(super) struct NewTicket<'a> {
    branch_code: &'a str,
    local_date: NaiveDate,
    kind: &'a str,
    seq: i32,
    number: &'a str,
    nik: &'a str,
    participant_id: Option<i64>,
    booking_id: Option<i64>,
    claim_id: Option<i64>,
    online: bool,
    priority: &'a str,
    session_start: Option<NaiveDateTime>,
    status: &'a str,
    arrived_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = agents)]
pub struct AgentRow {
    pub staff_id: i64,
    pub branch_code: String,
    #[diesel(deserialize_as = String)]
    pub status: AgentStatus,
    pub seats: i32,
    pub active: i32,
    pub idle_since: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = booths)]
pub struct BoothRow {
    pub id: i64,
    pub branch_code: String,
    pub number: i32,
    pub active: bool,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = floor_sessions)]
pub struct FloorSession {
    pub id: i64,
    pub ticket_id: i64,
    pub branch_code: String,
    pub agent_id: i64,
    pub booth_id: Option<i64>,
    pub started_at: NaiveDateTime,
    pub finished_at: Option<NaiveDateTime>,
    #[diesel(deserialize_as = MaybeWord)]
    pub outcome: Option<Outcome>,
}

#[derive(Insertable)]
#[diesel(table_name = floor_sessions, treat_none_as_default_value = false)]
pub(super) struct NewSession<'a> {
    ticket_id: i64,
    branch_code: &'a str,
    agent_id: i64,
    booth_id: Option<i64>,
    started_at: NaiveDateTime,
}

mod arrivals;
mod board;
mod history;
mod identity;
mod routing;
mod sessions;
mod waits;

pub use arrivals::*;
pub use board::*;
pub use history::*;
pub use identity::*;
pub use routing::*;
pub use sessions::*;
pub use waits::*;
