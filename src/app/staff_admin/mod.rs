//! Staff administration: admins manage every staff account, a branch's
//! supervisor the CS agents of that branch (the rules are
//! `domain::staff_admin`). Listing, inviting (a set-password link by mail,
//! see [`invite`]), deactivating (every session of the account ends in the
//! same transaction), reactivating, and changing role or branch — each
//! change audited as its own action (`staff_role_changed`,
//! `staff_branch_changed`, `staff_deactivated`, `staff_reactivated`) with
//! the old and new values (`from`, `to`), in the transaction of the change.
//! `antre user add` (`app::admin::add_staff`) still makes accounts with a
//! typed password.

mod invite;

use chrono::NaiveDateTime;
use serde_json::json;

pub use invite::{invite, reinvite, Invitation};

use crate::app::error::{AppError, AppResult};
use crate::app::{read_db, write_db, Ctx};
use crate::db::audit::{self, Actor, Subject};
use crate::db::auth as sessions;
use crate::db::password_resets as resets;
use crate::db::staff::{self, Staff};
use crate::db::staff_admin::{self as store, Scope};
use crate::db::{branches, DbConnection};
use crate::domain::role::Role;
use crate::domain::staff_admin::{self as rules, Manager, Patch, Plan, Refusal};
use crate::domain::Code;

/// A staff account as the list shows it.
#[derive(Debug, Clone)]
pub struct StaffEntry {
    pub staff: Staff,
    /// When the account last signed in (`None`: never, or not known).
    pub last_sign_in: Option<NaiveDateTime>,
    /// False while an invited account has not set its password.
    pub password_set: bool,
}

impl StaffEntry {
    pub(crate) fn of(staff: Staff, last_sign_in: Option<NaiveDateTime>) -> Self {
        let password_set = rules::password_set(&staff.password_hash);
        Self {
            staff,
            last_sign_in,
            password_set,
        }
    }
}

/// The acting admin or supervisor (403 for anyone else).
pub fn manager(actor: &Actor) -> AppResult<Manager> {
    let role = actor
        .role
        .person()
        .filter(|r| matches!(r, Role::Admin | Role::Supervisor));
    match (role, actor.id) {
        (Some(role), Some(id)) => Ok(Manager {
            id,
            role,
            branch: actor.branch.clone(),
        }),
        _ => Err(AppError::forbidden()),
    }
}

/// A refusal of the rules as the caller hears it.
pub(crate) fn refused(r: Refusal) -> AppError {
    match r {
        Refusal::Forbidden => AppError::forbidden().detail("staff_not_yours"),
        Refusal::RoleNotAssignable => AppError::unprocessable(Code::InvalidRole)
            .field("role")
            .detail("role_not_assignable"),
        Refusal::BranchRequired => AppError::unprocessable(Code::BranchRequired).field("branch"),
        Refusal::BranchNotAllowed => {
            AppError::unprocessable(Code::BranchNotAllowed).field("branch")
        }
        Refusal::OwnAccount => AppError::conflict(Code::OwnAccount),
        Refusal::LastAdmin => AppError::conflict(Code::LastAdmin),
    }
}

/// A role as typed (`invalid_role` for anything else).
pub(crate) fn parse_role(typed: &str) -> AppResult<Role> {
    Role::parse(&typed.trim().to_lowercase())
        .ok_or_else(|| AppError::unprocessable(Code::InvalidRole).field("role"))
}

/// A branch code as typed: trimmed and uppercased; empty is none.
pub(crate) fn parse_branch(typed: Option<&str>) -> Option<String> {
    typed
        .map(|b| b.trim().to_uppercase())
        .filter(|b| !b.is_empty())
}

/// 422 `branch_not_found` unless `branch` (when given) exists.
pub(crate) fn known_branch(c: &mut DbConnection, branch: Option<&str>) -> AppResult<()> {
    if let Some(b) = branch {
        if branches::find(c, b)?.is_none() {
            return Err(AppError::unprocessable(Code::BranchNotFound).field("branch"));
        }
    }
    Ok(())
}

/// The accounts the caller manages: every account for an admin, the
/// branch's CS agents for a supervisor; by name.
pub async fn list(ctx: &Ctx) -> AppResult<Vec<StaffEntry>> {
    let m = manager(&ctx.actor)?;
    let scope = match (m.role, m.branch) {
        (Role::Admin, _) => Scope::Everyone,
        (_, Some(b)) => Scope::BranchCs(b),
        (_, None) => return Ok(Vec::new()),
    };
    let rows = read_db(&ctx.db, move |c| store::list(c, &scope)).await?;
    Ok(rows
        .into_iter()
        .map(|(s, at)| StaffEntry::of(s, at))
        .collect())
}

pub(crate) fn account_of(s: &Staff) -> AppResult<rules::Account> {
    let role = Role::parse(&s.role).ok_or_else(|| AppError::internal("unknown staff role"))?;
    Ok(rules::Account {
        id: s.id,
        role,
        branch: s.branch_code.clone(),
        active: s.active,
    })
}

/// One account the caller manages: 404 when there is none, 403 when it is
/// not the caller's to manage.
pub async fn get(ctx: &Ctx, id: i64) -> AppResult<StaffEntry> {
    let m = manager(&ctx.actor)?;
    let found = read_db(&ctx.db, move |c| store::one(c, id)).await?;
    let (s, at) = found.ok_or_else(|| AppError::not_found(Code::StaffNotFound))?;
    if !rules::may_see(&m, &account_of(&s)?) {
        return Err(refused(Refusal::Forbidden));
    }
    Ok(StaffEntry::of(s, at))
}

/// Account `id`, under the administration lock, when `m` manages it (404,
/// or 403 for one not theirs).
pub(crate) fn locked_account(
    c: &mut DbConnection,
    m: &Manager,
    id: i64,
) -> AppResult<(Staff, rules::Account)> {
    store::lock(c)?;
    let s = staff::find(c, id)?.ok_or_else(|| AppError::not_found(Code::StaffNotFound))?;
    let account = account_of(&s)?;
    if !rules::may_see(m, &account) {
        return Err(refused(Refusal::Forbidden));
    }
    Ok((s, account))
}

/// A change as asked: values as typed, `None` to leave one as it is.
#[derive(Debug, Clone, Default)]
pub struct Change {
    pub role: Option<String>,
    /// `Some(None)` (or an empty code): no branch.
    pub branch: Option<Option<String>>,
    pub active: Option<bool>,
}

/// Changes an account's role, branch or standing, all in one transaction
/// with one audit entry per change. Switching an account off ends every
/// session it has (its tokens stop working at once) and voids its unused
/// set-password links. Nothing to change is no error (and no entry).
pub async fn change(ctx: &Ctx, id: i64, asked: Change) -> AppResult<StaffEntry> {
    let m = manager(&ctx.actor)?;
    let patch = Patch {
        role: asked.role.as_deref().map(parse_role).transpose()?,
        branch: asked.branch.map(|b| parse_branch(b.as_deref())),
        active: asked.active,
    };
    let (now, actor) = (ctx.clock.now_naive(), ctx.actor.clone());
    write_db(&ctx.db, move |c| -> AppResult<StaffEntry> {
        let (s, account) = locked_account(c, &m, id)?;
        if let Some(Some(b)) = &patch.branch {
            known_branch(c, Some(b))?;
        }
        let admins = store::active_admins(c)?;
        let plan = rules::decide(&m, &account, &patch, admins).map_err(refused)?;
        apply(c, now, &actor, &s, &plan)?;
        let (s, at) = store::one(c, id)?.ok_or_else(|| AppError::not_found(Code::StaffNotFound))?;
        Ok(StaffEntry::of(s, at))
    })
    .await
}

/// Writes `plan` for account `s` with its audit entries.
fn apply(
    c: &mut DbConnection,
    now: NaiveDateTime,
    actor: &Actor,
    s: &Staff,
    plan: &Plan,
) -> AppResult<()> {
    let mut branch = s.branch_code.clone();
    let about = |branch: &Option<String>| Subject {
        branch_code: branch.clone(),
        ..Default::default()
    };
    if let Some((from, to)) = plan.role {
        store::set_role(c, s.id, to.as_str())?;
        let details =
            json!({"staff": s.id, "email": s.email, "from": from.as_str(), "to": to.as_str()});
        audit::record(
            c,
            now,
            actor,
            "staff_role_changed",
            &about(&branch),
            details,
        )?;
    }
    if let Some((from, to)) = &plan.branch {
        store::set_branch(c, s.id, to.as_deref())?;
        branch = to.clone().or(branch);
        let details = json!({"staff": s.id, "email": s.email, "from": from, "to": to});
        audit::record(
            c,
            now,
            actor,
            "staff_branch_changed",
            &about(&branch),
            details,
        )?;
    }
    if let Some((from, to)) = plan.active {
        store::set_active(c, s.id, to)?;
        let mut details = json!({"staff": s.id, "email": s.email, "from": from, "to": to});
        let action = if to {
            "staff_reactivated"
        } else {
            // Its tokens stop working now, and an old link cannot bring it
            // back in after a later reactivation.
            let ended = sessions::revoke_all(c, None, Some(s.id), now)?;
            resets::void_all(c, None, Some(s.id), now)?;
            details["sessions_ended"] = ended.into();
            "staff_deactivated"
        };
        audit::record(c, now, actor, action, &about(&branch), details)?;
    }
    Ok(())
}
