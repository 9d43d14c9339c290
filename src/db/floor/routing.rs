//! Locks, events, lookups and the routing pass every floor change ends with.

use super::*;
use crate::db::FirstRow;
use crate::domain::Code;

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
        .first_row(conn)
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
        .filter(tickets::status.eq(TicketStatus::Waiting.as_str()))
        .select(Ticket::as_select())
        .load(conn)?)
}

pub fn ticket(conn: &mut DbConnection, id: i64) -> Result<Option<Ticket>, DbError> {
    Ok(tickets::table
        .find(id)
        .select(Ticket::as_select())
        .first_row(conn)
        .optional()?)
}

pub(super) fn as_waiting(t: &Ticket) -> rules::Waiting {
    rules::Waiting {
        id: t.id,
        kind: TicketKind::parse(&t.kind).unwrap_or(TicketKind::WalkIn),
        priority: Priority::parse(&t.priority).unwrap_or_default(),
        arrived_at: t.arrived_at,
        session_start: t.session_start,
        online: t.online,
    }
}

impl AgentRow {
    /// On duty with a seat to spare: may take a transfer.
    pub fn has_free_seat(&self) -> bool {
        as_agent(self).free_seats() > 0
    }
}

pub(super) fn as_agent(a: &AgentRow) -> rules::Agent {
    rules::Agent {
        id: a.staff_id,
        seats: u32::try_from(a.seats).unwrap_or(1),
        status: a.status,
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
                .filter(agents::status.eq(AgentStatus::OnDuty.as_str()))
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
            .set((
                tickets::status.eq(TicketStatus::Serving.as_str()),
                tickets::updated_at.eq(now),
            ))
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

/// The agent's open session `session_id`, or `session_not_found`.
pub fn open_session_of(
    conn: &mut DbConnection,
    agent_id: i64,
    session_id: i64,
) -> Result<FloorSession, FloorError> {
    floor_sessions::table
        .find(session_id)
        .select(FloorSession::as_select())
        .first_row(conn)
        .optional()?
        .filter(|s| s.agent_id == agent_id && s.finished_at.is_none())
        .ok_or(FloorError::NotFound(Code::SessionNotFound))
}
