//! Who may administer which staff account, and what a change does: admins
//! manage every account; a branch's supervisor only the CS agents of that
//! branch (invite them there, deactivate and reactivate them, never move
//! them elsewhere or change their role). Nobody changes their own account
//! here, and the last active admin stays an active admin. Where an account
//! works follows its role: supervisors and CS at one branch, everyone else
//! at none. Pure: the caller supplies the accounts and the admin count.

use chrono::{Duration, NaiveDateTime};

use crate::domain::role::Role;

/// How long an invitation's set-password link works.
pub const INVITATION_DAYS: i64 = 7;

/// The password hash of an invited account that has not set its password
/// yet: not a PHC string, so no password ever verifies against it.
pub const INVITED_HASH: &str = "!invited-no-password";

/// When an invitation issued at `issued` stops working.
pub fn invitation_expires_at(issued: NaiveDateTime) -> NaiveDateTime {
    issued + Duration::days(INVITATION_DAYS)
}

/// Has the account ever set a password (or is it still invited)? Real
/// hashes are PHC strings (`$argon2id$…`).
pub fn password_set(hash: &str) -> bool {
    hash.starts_with('$')
}

/// The one acting: a signed-in admin or supervisor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Manager {
    pub id: i64,
    pub role: Role,
    pub branch: Option<String>,
}

/// A staff account as the rules see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: i64,
    pub role: Role,
    pub branch: Option<String>,
    pub active: bool,
}

/// Why a change is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Not the caller's to manage (403).
    Forbidden,
    /// A role this page does not give or take: HR representatives are
    /// registered with their company (422, field `role`).
    RoleNotAssignable,
    /// Supervisors and CS agents work at a branch (422, field `branch`).
    BranchRequired,
    /// Admins and auditors work at no branch (422, field `branch`).
    BranchNotAllowed,
    /// One's own account is changed by another admin (409).
    OwnAccount,
    /// The last active admin would be left without admins (409).
    LastAdmin,
}

/// What a request asks to change; `None` leaves a value as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Patch {
    pub role: Option<Role>,
    /// `Some(None)`: no branch.
    pub branch: Option<Option<String>>,
    pub active: Option<bool>,
}

/// The changes to make, each audited as its own action; unchanged values
/// are left out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    pub role: Option<(Role, Role)>,
    pub branch: Option<(Option<String>, Option<String>)>,
    pub active: Option<(bool, bool)>,
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.role.is_none() && self.branch.is_none() && self.active.is_none()
    }

    /// Does the plan end the account's sessions (a deactivation)?
    pub fn deactivates(&self) -> bool {
        self.active == Some((true, false))
    }
}

/// Roles given and taken here.
pub fn assignable(role: Role) -> bool {
    matches!(
        role,
        Role::Admin | Role::Supervisor | Role::Cs | Role::Auditor
    )
}

/// May `m` see `a` in the staff list (and act on it at all)?
pub fn may_see(m: &Manager, a: &Account) -> bool {
    match m.role {
        Role::Admin => true,
        Role::Supervisor => a.role == Role::Cs && a.branch.is_some() && a.branch == m.branch,
        _ => false,
    }
}

/// Where an account of `role` works, given the branch asked for: a branch
/// for supervisors and CS, none for the others.
pub fn placement(role: Role, branch: Option<String>) -> Result<Option<String>, Refusal> {
    match (role.needs_branch(), branch) {
        (true, None) => Err(Refusal::BranchRequired),
        (true, Some(b)) => Ok(Some(b)),
        (false, None) => Ok(None),
        (false, Some(_)) => Err(Refusal::BranchNotAllowed),
    }
}

/// May `m` invite an account of `role` at `branch`? The account's branch
/// when so: a supervisor's CS agents join the supervisor's branch when
/// none is named.
pub fn invitation(
    m: &Manager,
    role: Role,
    branch: Option<String>,
) -> Result<Option<String>, Refusal> {
    match m.role {
        Role::Admin | Role::Supervisor => {}
        _ => return Err(Refusal::Forbidden),
    }
    if !assignable(role) {
        return Err(Refusal::RoleNotAssignable);
    }
    if m.role == Role::Supervisor {
        let branch = branch.or_else(|| m.branch.clone());
        if role != Role::Cs || branch.is_none() || branch != m.branch {
            return Err(Refusal::Forbidden);
        }
        return placement(role, branch);
    }
    placement(role, branch)
}

/// Decides a change of `a` by `m`, with `active_admins` the active admin
/// accounts now (counted in the same transaction). A new role that needs
/// no branch drops the account's branch; one that needs a branch keeps it
/// unless another is named. When both apply, `LastAdmin` is given before
/// `OwnAccount`: it is the reason that would remain.
pub fn decide(m: &Manager, a: &Account, p: &Patch, active_admins: i64) -> Result<Plan, Refusal> {
    if !may_see(m, a) {
        return Err(Refusal::Forbidden);
    }
    // A supervisor only switches CS agents of the branch on and off.
    let moves =
        p.role.is_some_and(|r| r != a.role) || p.branch.as_ref().is_some_and(|b| *b != a.branch);
    if m.role == Role::Supervisor && moves {
        return Err(Refusal::Forbidden);
    }
    let role = p.role.unwrap_or(a.role);
    if role != a.role && !(assignable(role) && assignable(a.role)) {
        return Err(Refusal::RoleNotAssignable);
    }
    let branch = match &p.branch {
        Some(b) => placement(role, b.clone())?,
        // Nothing asked: the branch stays as it is…
        None if role == a.role => a.branch.clone(),
        // …unless the new role works elsewhere: at the same branch, or none.
        None => placement(role, a.branch.clone().filter(|_| role.needs_branch()))?,
    };
    let active = p.active.unwrap_or(a.active);
    let plan = Plan {
        role: (role != a.role).then_some((a.role, role)),
        branch: (branch != a.branch).then(|| (a.branch.clone(), branch.clone())),
        active: (active != a.active).then_some((a.active, active)),
    };
    if plan.is_empty() {
        return Ok(plan);
    }
    let stops_being_admin = a.role == Role::Admin && a.active && (role != Role::Admin || !active);
    if stops_being_admin && active_admins <= 1 {
        return Err(Refusal::LastAdmin);
    }
    if a.id == m.id {
        return Err(Refusal::OwnAccount);
    }
    Ok(plan)
}

#[cfg(test)]
mod tests;
