//! The branch floor in the database: tickets, agents, booths and the
//! sessions that seat a participant with an agent. Every change runs in one
//! write transaction that holds the branch's floor lock, re-runs the
//! routing rule (`domain::floor::assign`) and records what changed as floor
//! events (for live screens on every app instance) and in the audit log.
//! Partial unique indexes and `CHECK (active <= seats)` stand behind the
//! invariants even if a bug slipped past the lock.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde_json::json;

use super::audit::{self, Actor, Subject};
use super::branches::{self, Branch};
use super::schema::{agents, booths, floor_events, floor_sessions, tickets};
use super::{DbConnection, DbError};
use crate::domain::floor::{self as rules, AgentStatus, Priority, TicketKind};

/// Why a floor change was refused, or the database failed under it. The
/// refusals carry the stable code the app layer turns into its error.
#[derive(Debug, thiserror::Error)]
pub enum FloorError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("not found: {0}")]
    NotFound(&'static str),
    #[error("conflict: {0}")]
    Conflict(&'static str),
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
    pub status: String,
    pub arrived_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = tickets)]
struct NewTicket<'a> {
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
    pub status: String,
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
    pub outcome: Option<String>,
}

#[derive(Insertable)]
#[diesel(table_name = floor_sessions)]
struct NewSession<'a> {
    ticket_id: i64,
    branch_code: &'a str,
    agent_id: i64,
    booth_id: Option<i64>,
    started_at: NaiveDateTime,
}

/// Serializes floor changes of one branch. SQLite's write lock already
/// serializes everything; on PostgreSQL a transaction-scoped advisory lock
/// per branch does, so two instances never route the same branch at once.
pub fn lock_branch(conn: &mut DbConnection, branch: &str) -> Result<(), DbError> {
    if let DbConnection::Pg(c) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock(4102, hashtext($1))")
            .bind::<diesel::sql_types::Text, _>(branch)
            .execute(c)?;
    }
    Ok(())
}

pub fn event(
    conn: &mut DbConnection,
    branch: &str,
    agent: Option<i64>,
    kind: &str,
    payload: serde_json::Value,
    at: NaiveDateTime,
) -> Result<(), DbError> {
    diesel::insert_into(floor_events::table)
        .values((
            floor_events::branch_code.eq(branch),
            floor_events::agent_id.eq(agent),
            floor_events::kind.eq(kind),
            floor_events::payload.eq(payload.to_string()),
            floor_events::at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Makes sure a branch has its booths ("Bilik 1..n").
pub fn ensure_booths(conn: &mut DbConnection, branch: &Branch) -> Result<(), DbError> {
    let have: i64 = booths::table
        .filter(booths::branch_code.eq(&branch.code))
        .count()
        .get_result(conn)?;
    for number in (have as i32 + 1)..=branch.booths.max(1) {
        diesel::insert_into(booths::table)
            .values((
                booths::branch_code.eq(&branch.code),
                booths::number.eq(number),
                booths::active.eq(true),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn booths_of(conn: &mut DbConnection, branch: &str) -> Result<Vec<BoothRow>, DbError> {
    Ok(booths::table
        .filter(booths::branch_code.eq(branch))
        .select(BoothRow::as_select())
        .order(booths::number.asc())
        .load(conn)?)
}

pub fn agents_of(conn: &mut DbConnection, branch: &str) -> Result<Vec<AgentRow>, DbError> {
    Ok(agents::table
        .filter(agents::branch_code.eq(branch))
        .select(AgentRow::as_select())
        .load(conn)?)
}

pub fn agent(conn: &mut DbConnection, staff_id: i64) -> Result<Option<AgentRow>, DbError> {
    Ok(agents::table
        .find(staff_id)
        .select(AgentRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn open_sessions_of_branch(
    conn: &mut DbConnection,
    branch: &str,
) -> Result<Vec<FloorSession>, DbError> {
    Ok(floor_sessions::table
        .filter(floor_sessions::branch_code.eq(branch))
        .filter(floor_sessions::finished_at.is_null())
        .select(FloorSession::as_select())
        .order(floor_sessions::started_at.asc())
        .load(conn)?)
}

pub fn waiting_of(
    conn: &mut DbConnection,
    branch: &str,
    day: NaiveDate,
) -> Result<Vec<Ticket>, DbError> {
    Ok(tickets::table
        .filter(tickets::branch_code.eq(branch))
        .filter(tickets::local_date.eq(day))
        .filter(tickets::status.eq("waiting"))
        .select(Ticket::as_select())
        .load(conn)?)
}

pub fn ticket(conn: &mut DbConnection, id: i64) -> Result<Option<Ticket>, DbError> {
    Ok(tickets::table
        .find(id)
        .select(Ticket::as_select())
        .first(conn)
        .optional()?)
}

fn as_waiting(t: &Ticket) -> rules::Waiting {
    rules::Waiting {
        id: t.id,
        kind: TicketKind::parse(&t.kind).unwrap_or(TicketKind::WalkIn),
        priority: Priority::parse(&t.priority).unwrap_or_default(),
        arrived_at: t.arrived_at,
        session_start: t.session_start,
        online: t.online,
    }
}

fn as_agent(a: &AgentRow) -> rules::Agent {
    rules::Agent {
        id: a.staff_id,
        seats: u32::try_from(a.seats).unwrap_or(1),
        status: AgentStatus::parse(&a.status).unwrap_or(AgentStatus::Off),
        active: u32::try_from(a.active).unwrap_or(0),
        idle_since: a.idle_since,
    }
}

/// Seats waiting participants (see the module docs). Call inside a write
/// transaction that holds the branch lock. Returns the new sessions.
pub fn route(
    conn: &mut DbConnection,
    branch: &str,
    day: NaiveDate,
    now: NaiveDateTime,
) -> Result<Vec<FloorSession>, DbError> {
    fit_seats(conn, branch, None)?;
    let waiting: Vec<rules::Waiting> = waiting_of(conn, branch, day)?
        .iter()
        .map(as_waiting)
        .collect();
    if waiting.is_empty() {
        return Ok(Vec::new());
    }
    let agent_rows = agents_of(conn, branch)?;
    let agents: Vec<rules::Agent> = agent_rows.iter().map(as_agent).collect();
    let busy: Vec<i64> = open_sessions_of_branch(conn, branch)?
        .iter()
        .filter_map(|s| s.booth_id)
        .collect();
    let booths: Vec<rules::Booth> = booths_of(conn, branch)?
        .iter()
        .filter(|b| b.active)
        .map(|b| rules::Booth {
            id: b.id,
            number: u32::try_from(b.number).unwrap_or(0),
            occupied: busy.contains(&b.id),
        })
        .collect();
    let mut created = Vec::new();
    for a in rules::assign(&waiting, &agents, &booths, now) {
        // The guard is the database's: a full agent cannot take a seat.
        let took = diesel::update(
            agents::table
                .filter(agents::staff_id.eq(a.agent_id))
                .filter(agents::status.eq("on_duty"))
                .filter(agents::active.lt(agents::seats)),
        )
        .set((
            agents::active.eq(agents::active + 1),
            agents::updated_at.eq(now),
        ))
        .execute(conn)?;
        if took != 1 {
            continue;
        }
        let session = crate::per_backend!(conn, c => diesel::insert_into(floor_sessions::table)
            .values(NewSession {
                ticket_id: a.waiting_id,
                branch_code: branch,
                agent_id: a.agent_id,
                booth_id: a.booth_id,
                started_at: now,
            })
            .returning(FloorSession::as_returning())
            .get_result(c))?;
        diesel::update(tickets::table.find(a.waiting_id))
            .set((tickets::status.eq("serving"), tickets::updated_at.eq(now)))
            .execute(conn)?;
        let t = ticket(conn, a.waiting_id)?;
        let booth_number = a
            .booth_id
            .and_then(|id| booths.iter().find(|b| b.id == id).map(|b| b.number));
        let number = t.as_ref().map(|t| t.number.clone()).unwrap_or_default();
        event(
            conn,
            branch,
            Some(a.agent_id),
            "assigned",
            json!({"session": session.id, "ticket": number, "booth": booth_number}),
            now,
        )?;
        audit::record(
            conn,
            now,
            &Actor::system(),
            "session_assigned",
            &Subject {
                participant_id: t.as_ref().and_then(|t| t.participant_id),
                claim_id: t.as_ref().and_then(|t| t.claim_id),
                session_id: Some(session.id),
                branch_code: Some(branch.to_string()),
                ..Subject::default()
            },
            json!({"agent": a.agent_id, "ticket": number, "booth": booth_number}),
        )?;
        created.push(session);
    }
    Ok(created)
}

/// The result of an arrival at the kiosk.
pub struct Arrival {
    pub ticket: Ticket,
    /// The NIK already had today's ticket at this branch.
    pub repeated: bool,
    pub position: Option<u32>,
    pub estimated_wait_minutes: Option<u32>,
}

/// Issues (or finds) today's ticket for a NIK at a branch: a check-in when
/// they have a booking here today within its window, otherwise a walk-in
/// ticket (within the day's cap). Then routes.
pub fn arrive(
    conn: &mut DbConnection,
    branch: &Branch,
    nik: &str,
    now: DateTime<Utc>,
    priority: Priority,
    actor: &Actor,
) -> Result<Arrival, FloorError> {
    arrive_as(conn, branch, nik, now, priority, false, actor)
}

/// An online participant opening their session page at their time: they
/// need an agent's seat at the booked branch but no booth. Only within the
/// booking's check-in window.
pub fn arrive_online(
    conn: &mut DbConnection,
    branch: &Branch,
    nik: &str,
    now: DateTime<Utc>,
    actor: &Actor,
) -> Result<Arrival, FloorError> {
    arrive_as(conn, branch, nik, now, Priority::None, true, actor)
}

fn arrive_as(
    conn: &mut DbConnection,
    branch: &Branch,
    nik: &str,
    now: DateTime<Utc>,
    priority: Priority,
    online: bool,
    actor: &Actor,
) -> Result<Arrival, FloorError> {
    use super::schema::{bookings, participants, slots};
    lock_branch(conn, &branch.code)?;
    ensure_booths(conn, branch)?;
    let day = now.with_timezone(&branch.tz()).date_naive();
    let ts = now.naive_utc();
    let existing = tickets::table
        .filter(tickets::branch_code.eq(&branch.code))
        .filter(tickets::local_date.eq(day))
        .filter(tickets::nik.eq(nik))
        .select(Ticket::as_select())
        .first(conn)
        .optional()?;
    let (ticket, repeated) = match existing {
        Some(t)
            if priority != Priority::None
                && t.status == "waiting"
                && t.priority != priority.code() =>
        {
            set_priority(conn, &t, priority, now, actor)?;
            (ticket(conn, t.id)?.unwrap_or(t), true)
        }
        Some(t) => (t, true),
        None => {
            let participant: Option<i64> = participants::table
                .filter(participants::nik.eq(nik))
                .select(participants::id)
                .first(conn)
                .optional()?;
            // A booking here today whose check-in window is open.
            let booking = match participant {
                Some(pid) => bookings::table
                    .inner_join(slots::table)
                    .filter(bookings::participant_id.eq(pid))
                    .filter(bookings::status.eq("booked"))
                    .filter(slots::branch_code.eq(&branch.code))
                    .filter(slots::local_date.eq(day))
                    .select((
                        bookings::id,
                        bookings::claim_id,
                        slots::starts_at,
                        slots::ends_at,
                    ))
                    .load::<(i64, i64, NaiveDateTime, NaiveDateTime)>(conn)?
                    .into_iter()
                    .find(|(_, _, s, e)| {
                        rules::check_in_window(*s, *e, ts) == rules::CheckIn::Open
                    }),
                None => None,
            };
            let open_claim = match participant {
                Some(pid) => super::claims::open_claim_of(conn, pid)?
                    .filter(|c| c.status == "open")
                    .map(|c| c.id),
                None => None,
            };
            let kind = if booking.is_some() {
                TicketKind::Booked
            } else {
                TicketKind::WalkIn
            };
            if online && booking.is_none() {
                return Err(FloorError::Conflict("not_in_session_window"));
            }
            if kind == TicketKind::WalkIn {
                let issued: i64 = tickets::table
                    .filter(tickets::branch_code.eq(&branch.code))
                    .filter(tickets::local_date.eq(day))
                    .filter(tickets::kind.eq("walk_in"))
                    .count()
                    .get_result(conn)?;
                let cap = branch.walk_in_cap.and_then(|c| u32::try_from(c).ok());
                if !rules::walk_in_allowed(u32::try_from(issued).unwrap_or(u32::MAX), cap) {
                    return Err(FloorError::Conflict("walk_ins_full"));
                }
            }
            let last: Option<i32> = tickets::table
                .filter(tickets::branch_code.eq(&branch.code))
                .filter(tickets::local_date.eq(day))
                .filter(tickets::kind.eq(kind.code()))
                .select(diesel::dsl::max(tickets::seq))
                .first(conn)?;
            let seq = last.unwrap_or(0) + 1;
            let number = rules::ticket_number(kind, u32::try_from(seq).unwrap_or(1));
            let t = crate::per_backend!(conn, c => diesel::insert_into(tickets::table)
                .values(NewTicket {
                    branch_code: &branch.code,
                    local_date: day,
                    kind: kind.code(),
                    seq,
                    number: &number,
                    nik,
                    participant_id: participant,
                    booking_id: booking.map(|b| b.0),
                    claim_id: booking.map(|b| b.1).or(open_claim),
                    online,
                    priority: priority.code(),
                    session_start: booking.map(|b| b.2),
                    status: "waiting",
                    arrived_at: ts,
                    updated_at: ts,
                })
                .returning(Ticket::as_returning())
                .get_result(c))?;
            if let Some((booking_id, ..)) = booking {
                diesel::update(bookings::table.find(booking_id))
                    .set((
                        bookings::status.eq("checked_in"),
                        bookings::updated_at.eq(ts),
                    ))
                    .execute(conn)?;
            }
            event(
                conn,
                &branch.code,
                None,
                "arrival",
                json!({"ticket": t.number}),
                ts,
            )?;
            audit::record(
                conn,
                ts,
                actor,
                "ticket_issued",
                &Subject {
                    participant_id: t.participant_id,
                    claim_id: t.claim_id,
                    booking_id: t.booking_id,
                    branch_code: Some(branch.code.clone()),
                    ..Subject::default()
                },
                json!({"ticket": t.number, "kind": t.kind, "nik": crate::domain::nik::mask_str(nik)}),
            )?;
            route(conn, &branch.code, day, ts)?;
            (ticket(conn, t.id)?.unwrap_or(t), false)
        }
    };
    let (position, eta) = wait_estimate(conn, branch, &ticket, ts)?;
    Ok(Arrival {
        ticket,
        repeated,
        position,
        estimated_wait_minutes: eta,
    })
}

/// Place in line and estimated wait of a waiting ticket.
pub fn wait_estimate(
    conn: &mut DbConnection,
    branch: &Branch,
    ticket: &Ticket,
    now: NaiveDateTime,
) -> Result<(Option<u32>, Option<u32>), DbError> {
    if ticket.status == "serving" {
        return Ok((Some(0), Some(0)));
    }
    if ticket.status != "waiting" {
        // Served, no-show or left: no place in line any more.
        return Ok((None, None));
    }
    let waiting: Vec<rules::Waiting> = waiting_of(conn, &branch.code, ticket.local_date)?
        .iter()
        .map(as_waiting)
        .collect();
    let position = rules::queue_position(&waiting, ticket.id, now);
    let agents: Vec<rules::Agent> = agents_of(conn, &branch.code)?
        .iter()
        .map(as_agent)
        .collect();
    let seats = rules::on_duty_seats(&agents);
    let avg = average_service_minutes(conn, &branch.code, ticket.local_date)?;
    let eta = position.and_then(|p| {
        rules::estimated_wait_minutes(p, seats, rules::service_minutes_or_default(avg))
    });
    Ok((position, eta))
}

/// Today's average service time at a branch, from finished sessions.
pub fn average_service_minutes(
    conn: &mut DbConnection,
    branch: &str,
    day: NaiveDate,
) -> Result<Option<f64>, DbError> {
    let rows: Vec<(NaiveDateTime, Option<NaiveDateTime>)> = floor_sessions::table
        .inner_join(tickets::table)
        .filter(floor_sessions::branch_code.eq(branch))
        .filter(tickets::local_date.eq(day))
        .filter(floor_sessions::finished_at.is_not_null())
        .filter(floor_sessions::outcome.eq_any(["verified", "rejected"]))
        .select((floor_sessions::started_at, floor_sessions::finished_at))
        .load(conn)?;
    let mins: Vec<f64> = rows
        .iter()
        .filter_map(|(s, f)| f.map(|f| (f - *s).num_seconds() as f64 / 60.0))
        .collect();
    Ok((!mins.is_empty()).then(|| mins.iter().sum::<f64>() / mins.len() as f64))
}

/// Sets a CS agent's status at their branch (creating their floor row on
/// first use) and routes. Going off duty with open sessions is refused.
pub fn set_agent_status(
    conn: &mut DbConnection,
    staff_id: i64,
    branch: &Branch,
    status: AgentStatus,
    now: DateTime<Utc>,
    actor: &Actor,
) -> Result<AgentRow, FloorError> {
    lock_branch(conn, &branch.code)?;
    ensure_booths(conn, branch)?;
    let ts = now.naive_utc();
    let current = agent(conn, staff_id)?;
    match &current {
        None => {
            diesel::insert_into(agents::table)
                .values((
                    agents::staff_id.eq(staff_id),
                    agents::branch_code.eq(&branch.code),
                    agents::status.eq(status.code()),
                    agents::seats.eq(branch.seats_per_agent.clamp(1, 6)),
                    agents::active.eq(0),
                    agents::idle_since.eq(ts),
                    agents::updated_at.eq(ts),
                ))
                .execute(conn)?;
        }
        Some(a) => {
            if status == AgentStatus::Off && a.active > 0 {
                return Err(FloorError::Conflict("sessions_active"));
            }
            let coming_on = a.status == "off" && status != AgentStatus::Off;
            diesel::update(agents::table.find(staff_id))
                .set((
                    agents::status.eq(status.code()),
                    agents::branch_code.eq(&branch.code),
                    agents::updated_at.eq(ts),
                ))
                .execute(conn)?;
            if coming_on {
                diesel::update(agents::table.find(staff_id))
                    .set(agents::idle_since.eq(ts))
                    .execute(conn)?;
            }
        }
    }
    event(
        conn,
        &branch.code,
        Some(staff_id),
        "agent_status",
        json!({"status": status.code()}),
        ts,
    )?;
    audit::record(
        conn,
        ts,
        actor,
        "agent_status",
        &Subject {
            branch_code: Some(branch.code.clone()),
            ..Subject::default()
        },
        json!({"status": status.code()}),
    )?;
    let day = now.with_timezone(&branch.tz()).date_naive();
    route(conn, &branch.code, day, ts)?;
    agent(conn, staff_id)?.ok_or_else(|| FloorError::Vanished("agent row vanished"))
}

/// Ends a session with an outcome, frees the seat (and booth) and routes.
/// `verified` needs the claim's documents all accepted and verifies it;
/// `rejected` rejects it; `returned` puts the ticket back at the end of the
/// line; `no_show` closes the ticket.
pub fn finish(
    conn: &mut DbConnection,
    agent_id: i64,
    session_id: i64,
    outcome: rules::Outcome,
    now: DateTime<Utc>,
    actor: &Actor,
) -> Result<FloorSession, FloorError> {
    let session = floor_sessions::table
        .find(session_id)
        .select(FloorSession::as_select())
        .first(conn)
        .optional()?
        .filter(|s| s.agent_id == agent_id)
        .ok_or_else(|| FloorError::NotFound("session_not_found"))?;
    lock_branch(conn, &session.branch_code)?;
    let branch = branches::find(conn, &session.branch_code)?
        .ok_or_else(|| FloorError::NotFound("session_not_found"))?;
    if session.finished_at.is_some() {
        return Err(FloorError::Conflict("session_finished"));
    }
    let ts = now.naive_utc();
    let t = ticket(conn, session.ticket_id)?
        .ok_or_else(|| FloorError::NotFound("session_not_found"))?;
    match outcome {
        rules::Outcome::Verified | rules::Outcome::Rejected => {
            let claim_id = t.claim_id.ok_or_else(|| FloorError::Conflict("no_claim"))?;
            super::documents::lock_claim(conn, claim_id)?;
            let claim = super::claims::find(conn, claim_id)?
                .ok_or_else(|| FloorError::Conflict("no_claim"))?;
            let wanted = if outcome == rules::Outcome::Verified {
                "verified"
            } else {
                "rejected"
            };
            if claim.status == "open" {
                if outcome == rules::Outcome::Verified
                    && !super::documents::dossier(conn, claim.clone())?.verifiable
                {
                    return Err(FloorError::Conflict("documents_not_accepted"));
                }
                super::claims::decide(conn, claim_id, wanted, ts)?;
                audit::record(
                    conn,
                    ts,
                    actor,
                    if wanted == "verified" {
                        "claim_verified"
                    } else {
                        "claim_rejected"
                    },
                    &Subject {
                        participant_id: t.participant_id,
                        claim_id: Some(claim_id),
                        session_id: Some(session.id),
                        branch_code: Some(branch.code.clone()),
                        ..Subject::default()
                    },
                    json!({}),
                )?;
            } else if claim.status != wanted {
                return Err(FloorError::Conflict("claim_not_open"));
            }
        }
        rules::Outcome::NoShow | rules::Outcome::Returned | rules::Outcome::Transferred => {}
    }
    let closed = diesel::update(
        floor_sessions::table
            .filter(floor_sessions::id.eq(session.id))
            .filter(floor_sessions::finished_at.is_null()),
    )
    .set((
        floor_sessions::finished_at.eq(Some(ts)),
        floor_sessions::outcome.eq(Some(outcome.code())),
    ))
    .execute(conn)?;
    if closed != 1 {
        return Err(FloorError::Conflict("session_finished"));
    }
    diesel::update(
        agents::table
            .filter(agents::staff_id.eq(agent_id))
            .filter(agents::active.gt(0)),
    )
    .set((
        agents::active.eq(agents::active - 1),
        agents::idle_since.eq(ts),
        agents::updated_at.eq(ts),
    ))
    .execute(conn)?;
    let (status, arrived) = match outcome {
        rules::Outcome::Returned => ("waiting", ts),
        rules::Outcome::NoShow => ("no_show", t.arrived_at),
        rules::Outcome::Transferred => ("serving", t.arrived_at),
        _ => ("done", t.arrived_at),
    };
    diesel::update(tickets::table.find(t.id))
        .set((
            tickets::status.eq(status),
            tickets::arrived_at.eq(arrived),
            tickets::updated_at.eq(ts),
        ))
        .execute(conn)?;
    event(
        conn,
        &branch.code,
        Some(agent_id),
        "finished",
        json!({"session": session.id, "ticket": t.number, "outcome": outcome.code()}),
        ts,
    )?;
    audit::record(
        conn,
        ts,
        actor,
        &format!("session_{}", outcome.code()),
        &Subject {
            participant_id: t.participant_id,
            claim_id: t.claim_id,
            session_id: Some(session.id),
            branch_code: Some(branch.code.clone()),
            ..Subject::default()
        },
        json!({"ticket": t.number}),
    )?;
    if outcome != rules::Outcome::Transferred {
        route(conn, &branch.code, t.local_date, ts)?;
    } else {
        fit_seats(conn, &branch.code, Some(agent_id))?;
    }
    floor_sessions::table
        .find(session.id)
        .select(FloorSession::as_select())
        .first(conn)
        .map_err(FloorError::from)
}

/// Hands a session to another on-duty agent of the branch with a free seat;
/// the participant keeps their booth.
pub fn transfer(
    conn: &mut DbConnection,
    agent_id: i64,
    session_id: i64,
    to_agent: i64,
    now: DateTime<Utc>,
    actor: &Actor,
) -> Result<FloorSession, FloorError> {
    let ts = now.naive_utc();
    let old = floor_sessions::table
        .find(session_id)
        .select(FloorSession::as_select())
        .first(conn)
        .optional()?
        .filter(|s| s.agent_id == agent_id && s.finished_at.is_none())
        .ok_or_else(|| FloorError::NotFound("session_not_found"))?;
    lock_branch(conn, &old.branch_code)?;
    let target = agent(conn, to_agent)?
        .filter(|a| a.branch_code == old.branch_code && a.staff_id != agent_id)
        .ok_or_else(|| FloorError::NotFound("agent_not_found"))?;
    if target.status != "on_duty" || target.active >= target.seats {
        return Err(FloorError::Conflict("agent_full"));
    }
    finish(
        conn,
        agent_id,
        session_id,
        rules::Outcome::Transferred,
        now,
        actor,
    )?;
    let took = diesel::update(
        agents::table
            .filter(agents::staff_id.eq(to_agent))
            .filter(agents::active.lt(agents::seats)),
    )
    .set((
        agents::active.eq(agents::active + 1),
        agents::updated_at.eq(ts),
    ))
    .execute(conn)?;
    if took != 1 {
        return Err(FloorError::Conflict("agent_full"));
    }
    let session = crate::per_backend!(conn, c => diesel::insert_into(floor_sessions::table)
        .values(NewSession { ticket_id: old.ticket_id, branch_code: &old.branch_code, agent_id: to_agent, booth_id: old.booth_id, started_at: ts })
        .returning(FloorSession::as_returning())
        .get_result(c))?;
    event(
        conn,
        &old.branch_code,
        Some(to_agent),
        "assigned",
        json!({"session": session.id, "transferred_from": agent_id}),
        ts,
    )?;
    let t = ticket(conn, old.ticket_id)?;
    audit::record(
        conn,
        ts,
        actor,
        "session_assigned",
        &Subject {
            participant_id: t.as_ref().and_then(|t| t.participant_id),
            claim_id: t.as_ref().and_then(|t| t.claim_id),
            session_id: Some(session.id),
            branch_code: Some(old.branch_code.clone()),
            ..Subject::default()
        },
        json!({"agent": to_agent, "transferred_from": agent_id, "previous_session": old.id}),
    )?;
    Ok(session)
}

/// The sessions an agent holds now, with their ticket.
pub fn agent_sessions(
    conn: &mut DbConnection,
    agent_id: i64,
) -> Result<Vec<(FloorSession, Ticket, Option<i32>)>, DbError> {
    let rows: Vec<(FloorSession, Ticket)> = floor_sessions::table
        .inner_join(tickets::table)
        .filter(floor_sessions::agent_id.eq(agent_id))
        .filter(floor_sessions::finished_at.is_null())
        .select((FloorSession::as_select(), Ticket::as_select()))
        .order(floor_sessions::started_at.asc())
        .load(conn)?;
    let mut out = Vec::new();
    for (s, t) in rows {
        let booth = match s.booth_id {
            Some(b) => booths::table
                .find(b)
                .select(booths::number)
                .first(conn)
                .optional()?,
            None => None,
        };
        out.push((s, t, booth));
    }
    Ok(out)
}

/// A call on the board: ticket number and booth number (none: online).
pub type BoardCall = (String, Option<i32>);
/// Current calls, recent calls, people waiting.
pub type BoardData = (Vec<BoardCall>, Vec<BoardCall>, i64);

/// The display board: who is called to which booth (newest first) and how
/// many wait.
pub fn board(
    conn: &mut DbConnection,
    branch: &Branch,
    now: DateTime<Utc>,
) -> Result<BoardData, DbError> {
    let day = now.with_timezone(&branch.tz()).date_naive();
    let rows: Vec<(String, Option<i64>, Option<NaiveDateTime>)> = floor_sessions::table
        .inner_join(tickets::table)
        .filter(floor_sessions::branch_code.eq(&branch.code))
        .filter(tickets::local_date.eq(day))
        .filter(
            floor_sessions::outcome
                .is_null()
                .or(floor_sessions::outcome.ne("transferred")),
        )
        .select((
            tickets::number,
            floor_sessions::booth_id,
            floor_sessions::finished_at,
        ))
        .order(floor_sessions::started_at.desc())
        .limit(30)
        .load(conn)?;
    let booth_numbers: Vec<(i64, i32)> = booths::table
        .filter(booths::branch_code.eq(&branch.code))
        .select((booths::id, booths::number))
        .load(conn)?;
    let number = |id: Option<i64>| {
        id.and_then(|id| {
            booth_numbers
                .iter()
                .find(|(b, _)| *b == id)
                .map(|(_, n)| *n)
        })
    };
    let current = rows
        .iter()
        .filter(|r| r.2.is_none())
        .map(|r| (r.0.clone(), number(r.1)))
        .collect();
    let recent = rows
        .iter()
        .filter(|r| r.2.is_some())
        .take(8)
        .map(|r| (r.0.clone(), number(r.1)))
        .collect();
    let waiting: i64 = tickets::table
        .filter(tickets::branch_code.eq(&branch.code))
        .filter(tickets::local_date.eq(day))
        .filter(tickets::status.eq("waiting"))
        .count()
        .get_result(conn)?;
    Ok((current, recent, waiting))
}

/// Seats per agent (also for agents already on the floor, never below
/// their open sessions) and the walk-in cap (negative: none).
/// Seats follow the branch setting. An agent above it (the setting was
/// lowered while they served) keeps their sessions and shrinks as they
/// finish; `CHECK (active <= seats)` never bends.
pub fn fit_seats(conn: &mut DbConnection, branch: &str, only: Option<i64>) -> Result<(), DbError> {
    use super::schema::branches as b;
    let target: Option<i32> = b::table
        .find(branch)
        .select(b::seats_per_agent)
        .first(conn)
        .optional()?;
    let Some(target) = target else {
        return Ok(());
    };
    for a in agents_of(conn, branch)? {
        if only.is_some_and(|id| id != a.staff_id) {
            continue;
        }
        let want = target.max(a.active).clamp(1, 6);
        if a.seats != want {
            diesel::update(
                agents::table
                    .filter(agents::staff_id.eq(a.staff_id))
                    .filter(agents::active.le(want)),
            )
            .set(agents::seats.eq(want))
            .execute(conn)?;
        }
    }
    Ok(())
}

/// Changes the branch's seats per agent and walk-in cap (negative: no
/// cap), then routes: more seats may seat people who wait.
pub fn update_settings(
    conn: &mut DbConnection,
    branch: &str,
    seats: Option<i32>,
    walk_in_cap: Option<i32>,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    use super::schema::branches as b;
    if let Some(s) = seats {
        diesel::update(b::table.find(branch))
            .set(b::seats_per_agent.eq(s))
            .execute(conn)?;
        for a in agents_of(conn, branch)? {
            diesel::update(agents::table.find(a.staff_id))
                .set(agents::seats.eq(s.max(a.active)))
                .execute(conn)?;
        }
    }
    if let Some(cap) = walk_in_cap {
        diesel::update(b::table.find(branch))
            .set(b::walk_in_cap.eq((cap >= 0).then_some(cap)))
            .execute(conn)?;
    }
    if let Some(found) = branches::find(conn, branch)? {
        let day = now.with_timezone(&found.tz()).date_naive();
        route(conn, branch, day, now.naive_utc())?;
        event(conn, branch, None, "settings", json!({}), now.naive_utc())?;
    }
    Ok(())
}

pub fn set_priority(
    conn: &mut DbConnection,
    t: &Ticket,
    priority: Priority,
    now: DateTime<Utc>,
    actor: &Actor,
) -> Result<(), FloorError> {
    lock_branch(conn, &t.branch_code)?;
    let ts = now.naive_utc();
    diesel::update(tickets::table.find(t.id))
        .set((
            tickets::priority.eq(priority.code()),
            tickets::updated_at.eq(ts),
        ))
        .execute(conn)?;
    audit::record(
        conn,
        ts,
        actor,
        "priority_set",
        &Subject {
            participant_id: t.participant_id,
            branch_code: Some(t.branch_code.clone()),
            ..Subject::default()
        },
        json!({"ticket": t.number, "priority": priority.code()}),
    )?;
    event(
        conn,
        &t.branch_code,
        None,
        "priority",
        json!({"ticket": t.number}),
        ts,
    )?;
    route(conn, &t.branch_code, t.local_date, ts)?;
    Ok(())
}

/// What the supervisor's floor view shows.
pub struct FloorView {
    pub agents: Vec<AgentRow>,
    pub waiting: Vec<(Ticket, Option<u32>)>,
    pub serving: Vec<(FloorSession, Ticket, Option<i32>)>,
    pub measures: rules::DayMeasures,
    pub booths: usize,
}

pub fn floor_view(
    conn: &mut DbConnection,
    branch: &Branch,
    now: DateTime<Utc>,
) -> Result<FloorView, FloorError> {
    let day = now.with_timezone(&branch.tz()).date_naive();
    let ts = now.naive_utc();
    let agents = agents_of(conn, &branch.code)?;
    let waiting_rows = waiting_of(conn, &branch.code, day)?;
    let w: Vec<rules::Waiting> = waiting_rows.iter().map(as_waiting).collect();
    let order = rules::queue_order(&w, ts);
    let mut waiting: Vec<(Ticket, Option<u32>)> = waiting_rows
        .into_iter()
        .map(|t| {
            let pos = order
                .iter()
                .position(|id| *id == t.id)
                .map(|p| p as u32 + 1);
            (t, pos)
        })
        .collect();
    waiting.sort_by_key(|(_, p)| p.unwrap_or(u32::MAX));
    let mut serving = Vec::new();
    for a in &agents {
        serving.extend(agent_sessions(conn, a.staff_id)?);
    }
    let measures = day_measures(conn, branch, day, now)?;
    let booths = booths_of(conn, &branch.code)?.len();
    Ok(FloorView {
        agents,
        waiting,
        serving,
        measures,
        booths,
    })
}

/// The day's measures of a branch (see `domain::floor::day_measures`).
/// Agent on-duty time is approximated from the first to the last floor
/// event of each agent today, until now for agents still on the floor.
pub fn day_measures(
    conn: &mut DbConnection,
    branch: &Branch,
    day: NaiveDate,
    now: DateTime<Utc>,
) -> Result<rules::DayMeasures, DbError> {
    let arrivals: i64 = tickets::table
        .filter(tickets::branch_code.eq(&branch.code))
        .filter(tickets::local_date.eq(day))
        .count()
        .get_result(conn)?;
    let rows: Vec<(FloorSession, Ticket)> = floor_sessions::table
        .inner_join(tickets::table)
        .filter(floor_sessions::branch_code.eq(&branch.code))
        .filter(tickets::local_date.eq(day))
        .select((FloorSession::as_select(), Ticket::as_select()))
        .load(conn)?;
    let sessions: Vec<rules::ServedSession> = rows
        .iter()
        .map(|(s, t)| rules::ServedSession {
            agent_id: s.agent_id,
            arrived_at: t.arrived_at.min(s.started_at),
            started_at: s.started_at,
            finished_at: s.finished_at,
            outcome: s.outcome.as_deref().and_then(rules::Outcome::parse),
        })
        .collect();
    let spans: Vec<(Option<i64>, NaiveDateTime, NaiveDateTime)> = floor_events::table
        .filter(floor_events::branch_code.eq(&branch.code))
        .filter(floor_events::kind.eq("agent_status"))
        .filter(floor_events::agent_id.is_not_null())
        .group_by(floor_events::agent_id)
        .select((
            floor_events::agent_id,
            diesel::dsl::min(floor_events::at).assume_not_null(),
            diesel::dsl::max(floor_events::at).assume_not_null(),
        ))
        .load(conn)?;
    let agents = agents_of(conn, &branch.code)?;
    let minutes: f64 = spans
        .iter()
        .map(|(agent, first, last)| {
            let still_on = agents
                .iter()
                .any(|a| Some(a.staff_id) == *agent && a.status != "off");
            let end = if still_on { now.naive_utc() } else { *last };
            ((end - *first).num_seconds().max(0) as f64) / 60.0
        })
        .sum();
    Ok(rules::day_measures(
        u32::try_from(arrivals).unwrap_or(0),
        &sessions,
        minutes,
    ))
}

/// A NIK's ticket of the day at a branch.
pub fn ticket_of(
    conn: &mut DbConnection,
    branch: &str,
    day: NaiveDate,
    nik: &str,
) -> Result<Option<Ticket>, DbError> {
    Ok(tickets::table
        .filter(tickets::branch_code.eq(branch))
        .filter(tickets::local_date.eq(day))
        .filter(tickets::nik.eq(nik))
        .select(Ticket::as_select())
        .first(conn)
        .optional()?)
}

/// The agent confirms the participant's identity (face against e-KTP) in a
/// session: recorded in the audit log and shown on the console.
pub fn confirm_identity(
    conn: &mut DbConnection,
    agent_id: i64,
    session_id: i64,
    now: DateTime<Utc>,
    actor: &Actor,
) -> Result<(), FloorError> {
    let s = floor_sessions::table
        .find(session_id)
        .select(FloorSession::as_select())
        .first(conn)
        .optional()?
        .filter(|s| s.agent_id == agent_id && s.finished_at.is_none())
        .ok_or_else(|| FloorError::NotFound("session_not_found"))?;
    let t = ticket(conn, s.ticket_id)?.ok_or_else(|| FloorError::NotFound("session_not_found"))?;
    let ts = now.naive_utc();
    audit::record(
        conn,
        ts,
        actor,
        "identity_confirmed",
        &Subject {
            participant_id: t.participant_id,
            claim_id: t.claim_id,
            session_id: Some(s.id),
            branch_code: Some(s.branch_code.clone()),
            ..Subject::default()
        },
        json!({"ticket": t.number, "nik": crate::domain::nik::mask_str(&t.nik)}),
    )?;
    event(
        conn,
        &s.branch_code,
        Some(agent_id),
        "identity",
        json!({"session": s.id}),
        ts,
    )?;
    Ok(())
}

/// Sessions among `ids` whose identity was confirmed.
pub fn identity_confirmed(conn: &mut DbConnection, ids: &[i64]) -> Result<Vec<i64>, DbError> {
    use super::schema::audit_log;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let found: Vec<Option<i64>> = audit_log::table
        .filter(audit_log::action.eq("identity_confirmed"))
        .filter(audit_log::session_id.eq_any(ids.iter().copied().map(Some).collect::<Vec<_>>()))
        .select(audit_log::session_id)
        .load(conn)?;
    Ok(found.into_iter().flatten().collect())
}

/// The agent holding an open session (for a supervisor's reassignment).
pub fn session_agent(
    conn: &mut DbConnection,
    session_id: i64,
) -> Result<Option<FloorSession>, DbError> {
    Ok(floor_sessions::table
        .find(session_id)
        .select(FloorSession::as_select())
        .first(conn)
        .optional()?
        .filter(|s| s.finished_at.is_none()))
}

/// Tells the agents serving a claim's participant that something changed
/// (a re-upload): a floor event for each open session of the claim.
pub fn notify_claim_agents(
    conn: &mut DbConnection,
    claim: i64,
    kind: &str,
    payload: serde_json::Value,
    at: NaiveDateTime,
) -> Result<(), DbError> {
    let open: Vec<(String, i64)> = floor_sessions::table
        .inner_join(tickets::table)
        .filter(tickets::claim_id.eq(Some(claim)))
        .filter(floor_sessions::finished_at.is_null())
        .select((floor_sessions::branch_code, floor_sessions::agent_id))
        .load(conn)?;
    for (branch, agent) in open {
        event(conn, &branch, Some(agent), kind, payload.clone(), at)?;
    }
    Ok(())
}
