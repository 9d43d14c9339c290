//! Who may read, review and decide a claim's documents.

use crate::app::{AppError, AppResult};
use crate::db::audit::Actor;
use crate::db::claims::Claim;
use crate::db::{bookings, DbConnection};
use crate::domain::role::{ActorRole, Role};

/// The staff roles that review documents and decide claims.
pub const REVIEWERS: [Role; 3] = [Role::Admin, Role::Supervisor, Role::Cs];

/// Refuses unless the actor is a staff member with one of `roles`.
pub fn require_staff(actor: &Actor, roles: &[Role]) -> AppResult<()> {
    match actor.role.staff() {
        Some(r) if roles.contains(&r) => Ok(()),
        _ => Err(AppError::forbidden()),
    }
}

/// Admins and auditors see every branch; supervisors and CS only their own.
fn covers_branch(actor: &Actor, branch: &str) -> bool {
    match actor.role.staff() {
        Some(Role::Admin | Role::Auditor) => true,
        Some(Role::Supervisor | Role::Cs) => actor.branch.as_deref() == Some(branch),
        _ => false,
    }
}

/// The claim is booked at, or collectively filed through, a branch the
/// actor covers.
fn serves_claim(c: &mut DbConnection, actor: &Actor, claim: &Claim) -> AppResult<bool> {
    if bookings::branches_of_claim(c, claim.id)?
        .iter()
        .chain(&crate::db::floor::branches_of_claim(c, claim.id)?)
        .any(|b| covers_branch(actor, b))
    {
        return Ok(true);
    }
    // A collectively filed claim is served by its company's branch.
    if claim.channel != "collective" {
        return Ok(false);
    }
    Ok(crate::db::collective::branch_of_claim(c, claim.id)?
        .is_some_and(|b| covers_branch(actor, &b)))
}

/// Who may read a claim's documents: its owner, staff of a branch where
/// it is booked, admins and auditors. Everyone else gets 404.
pub fn may_read(c: &mut DbConnection, actor: &Actor, claim: &Claim) -> AppResult<bool> {
    if actor.role == ActorRole::PARTICIPANT {
        return Ok(actor.id == Some(claim.participant_id));
    }
    Ok(match actor.role.staff() {
        Some(Role::Admin | Role::Auditor) => true,
        Some(Role::Supervisor | Role::Cs) => serves_claim(c, actor, claim)?,
        _ => false,
    })
}

/// Who may review documents and decide the claim: CS agents and
/// supervisors of a branch where it is booked, and admins.
pub fn may_review(c: &mut DbConnection, actor: &Actor, claim: &Claim) -> AppResult<bool> {
    Ok(match actor.role.staff() {
        Some(Role::Admin) => true,
        Some(Role::Supervisor | Role::Cs) => serves_claim(c, actor, claim)?,
        _ => false,
    })
}
