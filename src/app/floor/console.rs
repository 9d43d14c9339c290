//! The CS console: an agent goes on duty, sees their sessions, confirms
//! identities, finishes or hands sessions on; and the supervisor's floor
//! view with its controls over agents and sessions.

use chrono::{DateTime, Utc};

use super::{covers, AppError, AppResult, Ctx};
use crate::app::claims as claims_app;
use crate::app::{read_db, write_db};
use crate::db::audit::Actor;
use crate::db::branches::{self, Branch};
use crate::db::documents::{self as docs, Dossier};
use crate::db::floor::{self, AgentRow, FloorSession, FloorView, Ticket};
use crate::db::participants::{self, Participant};
use crate::db::{claims, staff, DbConnection};
use crate::domain::claim::ClaimStatus;
use crate::domain::floor::{AgentStatus, ConsoleParticipant, ConsoleSession, Outcome};
use crate::domain::nik;
use crate::domain::role::Role;
use crate::domain::Code;

/// The CS agent acting, and their branch.
pub fn cs_of(actor: &Actor) -> AppResult<(i64, String)> {
    match (actor.id, &actor.branch, actor.role.person()) {
        (Some(id), Some(b), Some(Role::Cs)) => Ok((id, b.clone())),
        _ => Err(AppError::forbidden().detail("cs_only")),
    }
}

async fn change_status(
    ctx: &Ctx,
    staff_id: i64,
    branch_code: String,
    status: AgentStatus,
) -> AppResult<AgentRow> {
    let branch = super::super::branches::find(ctx, branch_code).await?;
    let (actor, now) = (ctx.actor.clone(), ctx.clock.now());
    write_db(&ctx.db, move |c| {
        floor::set_agent_status(c, staff_id, &branch, status, now, &actor)
    })
    .await
}

/// A CS agent goes on duty, pauses or signs off (`status` as typed).
pub async fn own_status(ctx: &Ctx, status: &str) -> AppResult<AgentRow> {
    let status = AgentStatus::parse(status.trim())
        .map_err(|_| AppError::unprocessable(Code::InvalidStatus).field("status"))?;
    let (staff_id, branch) = cs_of(&ctx.actor)?;
    change_status(ctx, staff_id, branch, status).await
}

/// A supervisor pauses (or resumes) an agent of their branch.
pub async fn agent_status(ctx: &Ctx, agent_id: i64, status: &str) -> AppResult<AgentRow> {
    super::super::dossier::require_staff(&ctx.actor, &[Role::Admin, Role::Supervisor])?;
    let status = AgentStatus::parse(status)
        .ok()
        .filter(|s| *s != AgentStatus::Off)
        .ok_or_else(|| AppError::unprocessable(Code::InvalidStatus))?;
    let actor = ctx.actor.clone();
    let row = read_db(&ctx.db, move |c| floor::agent(c, agent_id))
        .await?
        .filter(|a| covers(&actor, &a.branch_code))
        .ok_or_else(|| AppError::not_found(Code::AgentNotFound))?;
    change_status(ctx, agent_id, row.branch_code, status).await
}

fn session_body(
    (s, t, booth): (FloorSession, Ticket, Option<i32>),
    p: Option<&Participant>,
    today: chrono::NaiveDate,
) -> ConsoleSession {
    ConsoleSession {
        id: s.id,
        ticket: t.number.clone(),
        booth,
        claim_id: t.claim_id,
        participant: ConsoleParticipant {
            name: p.map(|p| p.full_name.clone()),
            nik_masked: nik::mask_str(&t.nik),
            kpj: p.map(|p| p.kpj.clone()),
            age: p.and_then(|p| today.years_since(p.birth_date)),
            sex: p.map(|p| p.sex.clone()),
        },
        started_at: s.started_at.and_utc().to_rfc3339(),
        online: t.online,
    }
}

fn sessions_of(
    c: &mut DbConnection,
    staff_id: i64,
    today: chrono::NaiveDate,
) -> AppResult<Vec<ConsoleSession>> {
    let mut out = Vec::new();
    for row in floor::agent_sessions(c, staff_id)? {
        let p = match row.1.participant_id {
            Some(pid) => participants::find(c, pid)?,
            None => None,
        };
        out.push(session_body(row, p.as_ref(), today));
    }
    Ok(out)
}

/// The acting agent's active sessions.
pub async fn sessions(ctx: &Ctx) -> AppResult<Vec<ConsoleSession>> {
    let (staff_id, _) = cs_of(&ctx.actor)?;
    let today = ctx.clock.now().date_naive();
    read_db(&ctx.db, move |c| sessions_of(c, staff_id, today)).await
}

/// Everything the console page shows besides the sessions.
pub struct Console {
    pub branch: Branch,
    pub agent: Option<AgentRow>,
    pub sessions: Vec<ConsoleSession>,
    pub dossiers: Vec<Dossier>,
    /// On-duty agents of the branch with a free seat: (staff id, name).
    pub peers: Vec<(i64, String)>,
    /// Sessions whose identity the agent confirmed.
    pub confirmed: Vec<i64>,
}

/// The acting agent's console.
pub async fn console(ctx: &Ctx) -> AppResult<Console> {
    let (staff_id, branch_code) = cs_of(&ctx.actor)?;
    let today = ctx.clock.now().date_naive();
    read_db(&ctx.db, move |c| -> AppResult<_> {
        let sessions = sessions_of(c, staff_id, today)?;
        let mut dossiers = Vec::new();
        for id in sessions.iter().filter_map(|s| s.claim_id) {
            if let Some(claim) = claims::find(c, id)? {
                dossiers.push(docs::dossier(c, claim)?);
            }
        }
        let mut peers = Vec::new();
        for a in floor::agents_of(c, &branch_code)? {
            if a.staff_id != staff_id && a.has_free_seat() {
                peers.push((a.staff_id, staff_name(c, a.staff_id)?));
            }
        }
        let branch = branches::find(c, &branch_code)?
            .ok_or_else(|| AppError::not_found(Code::BranchNotFound))?;
        let ids: Vec<i64> = sessions.iter().map(|s| s.id).collect();
        Ok(Console {
            branch,
            agent: floor::agent(c, staff_id)?,
            confirmed: floor::identity_confirmed(c, &ids)?,
            sessions,
            dossiers,
            peers,
        })
    })
    .await
}

fn staff_name(c: &mut DbConnection, id: i64) -> AppResult<String> {
    Ok(staff::find(c, id)?.map(|s| s.name).unwrap_or_default())
}

/// A session outcome as typed; `transferred` is not one an agent picks.
pub fn parse_outcome(raw: &str) -> AppResult<Outcome> {
    Outcome::parse(raw.trim())
        .ok()
        .filter(|o| *o != Outcome::Transferred)
        .ok_or_else(|| AppError::unprocessable(Code::InvalidOutcome).field("outcome"))
}

/// Ends the agent's session. `verified` needs every document accepted; a
/// claim decided by the ending is told to its participant as a review's
/// decision is (`claims::tell_decision`), in the same transaction.
pub async fn finish(ctx: &Ctx, session: i64, outcome: Outcome) -> AppResult<FloorSession> {
    let gateway = crate::app::messages::Gateway::of(ctx);
    as_agent(
        ctx,
        move |c, staff_id, now, actor| -> AppResult<FloorSession> {
            let done = floor::finish(c, staff_id, session, outcome, now, actor)?;
            if let Some((claim, decided)) = &done.decided {
                claims_app::tell_decision(
                    c,
                    claim,
                    *decided,
                    (None, None),
                    now.naive_utc(),
                    &gateway,
                )?;
            }
            Ok(done.session)
        },
    )
    .await
}

/// Rejects the claim of the agent's session with a review reason and note
/// (the session then closes with [`finish`]).
pub async fn reject_claim(
    ctx: &Ctx,
    session: i64,
    reason: Option<String>,
    note: Option<String>,
) -> AppResult<()> {
    let claim_id = sessions(ctx)
        .await?
        .into_iter()
        .find(|s| s.id == session)
        .and_then(|s| s.claim_id)
        .ok_or_else(|| AppError::conflict(Code::NoClaim))?;
    super::super::claims::decide(ctx, claim_id, ClaimStatus::Rejected, reason, note).await?;
    Ok(())
}

/// The agent hands a session to another on-duty agent of the branch.
pub async fn transfer(ctx: &Ctx, session: i64, to: i64) -> AppResult<FloorSession> {
    as_agent(ctx, move |c, staff_id, now, actor| {
        floor::transfer(c, staff_id, session, to, now, actor)
    })
    .await
}

/// Runs `act` in one write transaction for the acting CS agent (their
/// staff id), at the current time.
async fn as_agent<T: Send + 'static, E>(
    ctx: &Ctx,
    act: impl FnOnce(&mut DbConnection, i64, DateTime<Utc>, &Actor) -> Result<T, E> + Send + 'static,
) -> AppResult<T>
where
    AppError: From<E>,
{
    let (staff_id, _) = cs_of(&ctx.actor)?;
    let (actor, now) = (ctx.actor.clone(), ctx.clock.now());
    write_db(&ctx.db, move |c| act(c, staff_id, now, &actor)).await
}

/// A supervisor moves a participant to another agent of the branch.
pub async fn reassign(ctx: &Ctx, session: i64, to: i64) -> AppResult<()> {
    super::super::dossier::require_staff(&ctx.actor, &[Role::Admin, Role::Supervisor])?;
    let (actor, now) = (ctx.actor.clone(), ctx.clock.now());
    write_db(&ctx.db, move |c| -> AppResult<()> {
        let s = floor::session_agent(c, session)?
            .filter(|s| covers(&actor, &s.branch_code))
            .ok_or_else(|| AppError::not_found(Code::SessionNotFound))?;
        floor::transfer(c, s.agent_id, session, to, now, &actor)?;
        Ok(())
    })
    .await
}

/// The agent confirms the participant's identity in a session.
pub async fn confirm_identity(ctx: &Ctx, session: i64) -> AppResult<()> {
    let (staff_id, _) = cs_of(&ctx.actor)?;
    let (actor, now) = (ctx.actor.clone(), ctx.clock.now());
    write_db(&ctx.db, move |c| {
        floor::confirm_identity(c, staff_id, session, now, &actor)
    })
    .await
}

/// A branch's service floor as its viewer sees it.
pub struct Floor {
    pub branch: Branch,
    /// The branches the viewer may switch to: every one for head office
    /// (an admin), none for a supervisor (their own floor only).
    pub choices: Vec<Branch>,
    pub view: FloorView,
    /// The agents' names, in the view's order.
    pub names: Vec<String>,
}

/// The supervisor's floor view of their branch; an admin picks one with
/// `branch` (without it, the first branch, as on the staff dashboard).
pub async fn floor_view(ctx: &Ctx, branch: Option<String>) -> AppResult<Floor> {
    super::super::dossier::require_staff(&ctx.actor, &[Role::Admin, Role::Supervisor])?;
    let role = ctx.actor.role.person();
    let choices = match role {
        Some(Role::Admin) => super::super::branches::list(ctx).await?,
        _ => Vec::new(),
    };
    let code = match (role, ctx.actor.branch.clone(), branch) {
        (Some(Role::Supervisor), Some(b), _) | (_, _, Some(b)) => Some(b),
        _ => choices.first().map(|b| b.code.clone()),
    };
    let code = code.ok_or_else(|| AppError::not_found(Code::BranchNotFound))?;
    let branch = super::super::branches::find(ctx, code).await?;
    let now = ctx.clock.now();
    let b = branch.clone();
    let (data, names) = read_db(&ctx.db, move |c| -> AppResult<_> {
        let data = floor::floor_view(c, &b, now)?;
        let mut names = Vec::new();
        for a in &data.agents {
            names.push(staff_name(c, a.staff_id)?);
        }
        Ok((data, names))
    })
    .await?;
    Ok(Floor {
        branch,
        choices,
        view: data,
        names,
    })
}
