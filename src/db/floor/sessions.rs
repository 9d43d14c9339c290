//! Agents and their sessions: status, finishing and transfers.

use super::*;
use crate::db::FirstRow;
use crate::domain::Code;

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
                    agents::status.eq(status.as_str()),
                    agents::seats.eq(branch.seats_per_agent.clamp(1, 6)),
                    agents::active.eq(0),
                    agents::idle_since.eq(ts),
                    agents::updated_at.eq(ts),
                ))
                .execute(conn)?;
        }
        Some(a) => {
            if status == AgentStatus::Off && a.active > 0 {
                return Err(FloorError::Conflict(Code::SessionsActive));
            }
            let coming_on = a.status == AgentStatus::Off && status != AgentStatus::Off;
            diesel::update(agents::table.find(staff_id))
                .set((
                    agents::status.eq(status.as_str()),
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
        json!({"status": status}),
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
        json!({"status": status}),
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
) -> Result<Finished, FloorError> {
    let session = floor_sessions::table
        .find(session_id)
        .select(FloorSession::as_select())
        .first_row(conn)
        .optional()?
        .filter(|s| s.agent_id == agent_id)
        .ok_or_else(|| FloorError::NotFound(Code::SessionNotFound))?;
    lock_branch(conn, &session.branch_code)?;
    let branch = branches::find(conn, &session.branch_code)?
        .ok_or_else(|| FloorError::NotFound(Code::SessionNotFound))?;
    if session.finished_at.is_some() {
        return Err(FloorError::Conflict(Code::SessionFinished));
    }
    let ts = now.naive_utc();
    let t = ticket(conn, session.ticket_id)?
        .ok_or_else(|| FloorError::NotFound(Code::SessionNotFound))?;
    let mut decided = None;
    if let Some(wanted) = outcome.claim_decision() {
        let claim_id = t
            .claim_id
            .ok_or_else(|| FloorError::Conflict(Code::NoClaim))?;
        crate::db::documents::lock_claim(conn, claim_id)?;
        let claim = crate::db::claims::find(conn, claim_id)?
            .ok_or_else(|| FloorError::Conflict(Code::NoClaim))?;
        if claim.status == ClaimStatus::Open {
            if outcome == rules::Outcome::Verified
                && !crate::db::documents::dossier(conn, claim.clone())?.verifiable
            {
                return Err(FloorError::Conflict(Code::DocumentsNotAccepted));
            }
            crate::db::claims::decide(conn, claim_id, wanted, ts)?;
            audit::record(
                conn,
                ts,
                actor,
                &format!("claim_{wanted}"),
                &Subject {
                    participant_id: t.participant_id,
                    claim_id: Some(claim_id),
                    session_id: Some(session.id),
                    branch_code: Some(branch.code.clone()),
                    ..Subject::default()
                },
                json!({}),
            )?;
            decided = Some((claim, wanted));
        } else if claim.status != wanted {
            return Err(FloorError::Conflict(Code::ClaimNotOpen));
        }
    }
    let closed = diesel::update(
        floor_sessions::table
            .filter(floor_sessions::id.eq(session.id))
            .filter(floor_sessions::finished_at.is_null()),
    )
    .set((
        floor_sessions::finished_at.eq(Some(ts)),
        floor_sessions::outcome.eq(Some(outcome.as_str())),
    ))
    .execute(conn)?;
    if closed != 1 {
        return Err(FloorError::Conflict(Code::SessionFinished));
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
    let status = outcome.ticket_after();
    // Back in the queue: at its end.
    let arrived = if status == TicketStatus::Waiting {
        ts
    } else {
        t.arrived_at
    };
    diesel::update(tickets::table.find(t.id))
        .set((
            tickets::status.eq(status.as_str()),
            tickets::arrived_at.eq(arrived),
            tickets::updated_at.eq(ts),
        ))
        .execute(conn)?;
    event(
        conn,
        &branch.code,
        Some(agent_id),
        "finished",
        json!({"session": session.id, "ticket": t.number, "outcome": outcome}),
        ts,
    )?;
    audit::record(
        conn,
        ts,
        actor,
        &format!("session_{outcome}"),
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
    let session = floor_sessions::table
        .find(session.id)
        .select(FloorSession::as_select())
        .first_row(conn)?;
    Ok(Finished { session, decided })
}

/// A session ended by [`finish`].
pub struct Finished {
    pub session: FloorSession,
    /// The claim this ending decided (as it was before), and how: the
    /// participant is to be told.
    pub decided: Option<(crate::db::claims::Claim, ClaimStatus)>,
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
    let old = open_session_of(conn, agent_id, session_id)?;
    lock_branch(conn, &old.branch_code)?;
    let target = agent(conn, to_agent)?
        .filter(|a| a.branch_code == old.branch_code && a.staff_id != agent_id)
        .ok_or_else(|| FloorError::NotFound(Code::AgentNotFound))?;
    if !target.has_free_seat() {
        return Err(FloorError::Conflict(Code::AgentFull));
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
        return Err(FloorError::Conflict(Code::AgentFull));
    }
    let session = crate::insert_returning!(
        conn,
        floor_sessions::table,
        NewSession {
            ticket_id: old.ticket_id,
            branch_code: &old.branch_code,
            agent_id: to_agent,
            booth_id: old.booth_id,
            started_at: ts
        },
        FloorSession
    )?;
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
                .first_row(conn)
                .optional()?,
            None => None,
        };
        out.push((s, t, booth));
    }
    Ok(out)
}
