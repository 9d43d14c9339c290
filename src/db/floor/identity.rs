//! Tickets by NIK, identity confirmation and claim notifications.

use super::*;
use crate::db::FirstRow;
use crate::domain::Code;

/// How a day's ticket is looked up.
pub enum TicketKey<'a> {
    /// The holder's NIK (one ticket per NIK and day).
    Nik(&'a str),
    /// The number as printed ("A012").
    Number(&'a str),
}

/// A branch day's ticket by its holder's NIK or by its number.
pub fn ticket_of(
    conn: &mut DbConnection,
    branch: &str,
    day: NaiveDate,
    key: TicketKey<'_>,
) -> Result<Option<Ticket>, DbError> {
    let day_tickets = tickets::table
        .filter(tickets::branch_code.eq(branch))
        .filter(tickets::local_date.eq(day))
        .select(Ticket::as_select());
    let found = match key {
        TicketKey::Nik(nik) => day_tickets.filter(tickets::nik.eq(nik)).first_row(conn),
        TicketKey::Number(n) => day_tickets.filter(tickets::number.eq(n)).first_row(conn),
    };
    Ok(found.optional()?)
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
    let s = open_session_of(conn, agent_id, session_id)?;
    let t =
        ticket(conn, s.ticket_id)?.ok_or_else(|| FloorError::NotFound(Code::SessionNotFound))?;
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

/// Sessions among `ids` whose identity was confirmed (in the chain, or
/// confirmed a moment ago and still waiting to be chained).
pub fn identity_confirmed(conn: &mut DbConnection, ids: &[i64]) -> Result<Vec<i64>, DbError> {
    use crate::db::schema::{audit_inbox, audit_log};
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<Option<i64>> = ids.iter().copied().map(Some).collect();
    let mut found: Vec<Option<i64>> = audit_log::table
        .filter(audit_log::action.eq("identity_confirmed"))
        .filter(audit_log::session_id.eq_any(&ids))
        .select(audit_log::session_id)
        .load(conn)?;
    found.extend(
        audit_inbox::table
            .filter(audit_inbox::action.eq("identity_confirmed"))
            .filter(audit_inbox::session_id.eq_any(&ids))
            .select(audit_inbox::session_id)
            .load::<Option<i64>>(conn)?,
    );
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
        .first_row(conn)
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

/// The branches where a claim was brought to the floor (a walk-in's claim
/// opened at the console has no booking, only its ticket).
pub fn branches_of_claim(conn: &mut DbConnection, claim: i64) -> Result<Vec<String>, DbError> {
    Ok(tickets::table
        .filter(tickets::claim_id.eq(Some(claim)))
        .select(tickets::branch_code)
        .distinct()
        .load(conn)?)
}

/// The agent's open session with a participant, if they are serving them.
pub fn session_serving(
    conn: &mut DbConnection,
    agent_id: i64,
    participant_id: i64,
) -> Result<Option<FloorSession>, DbError> {
    Ok(floor_sessions::table
        .inner_join(tickets::table)
        .filter(floor_sessions::agent_id.eq(agent_id))
        .filter(floor_sessions::finished_at.is_null())
        .filter(tickets::participant_id.eq(Some(participant_id)))
        .select(FloorSession::as_select())
        .first_row(conn)
        .optional()?)
}

/// Links the day's tickets of a NIK to the participant just registered
/// for it at the console.
pub fn link_participant(
    conn: &mut DbConnection,
    ticket: &Ticket,
    participant_id: i64,
    at: NaiveDateTime,
) -> Result<(), DbError> {
    diesel::update(
        tickets::table
            .filter(tickets::nik.eq(&ticket.nik))
            .filter(tickets::local_date.eq(ticket.local_date))
            .filter(tickets::participant_id.is_null()),
    )
    .set((
        tickets::participant_id.eq(Some(participant_id)),
        tickets::updated_at.eq(at),
    ))
    .execute(conn)?;
    Ok(())
}

/// Links a ticket to the claim opened for it at the console.
pub fn link_claim(
    conn: &mut DbConnection,
    ticket_id: i64,
    claim_id: i64,
    at: NaiveDateTime,
) -> Result<(), DbError> {
    diesel::update(tickets::table.find(ticket_id))
        .set((
            tickets::claim_id.eq(Some(claim_id)),
            tickets::updated_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}
