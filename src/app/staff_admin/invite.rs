//! Inviting a new staff account: nobody types a password for it. The
//! account is made without one ([`INVITED_HASH`]) and its owner is mailed a
//! single-use set-password link (`/invitation/{token}`, valid
//! [`INVITATION_DAYS`] days) stored only as a hash, in the table and
//! through the code of password reset (`app::password_reset::confirm` sets
//! the password). An invitation that ran out (or was lost) is sent again
//! by [`reinvite`]: a new link, and the older ones stop working.

use serde_json::json;

use chrono::NaiveDateTime;

use super::{known_branch, locked_account, manager, parse_branch, parse_role, refused, StaffEntry};
use crate::app::error::{AppError, AppResult};
use crate::app::{write_db, Ctx};
use crate::db::audit::{self, Actor, Subject};
use crate::db::password_resets::{self as resets, NewReset};
use crate::db::staff::{self, NewStaff, Staff};
use crate::db::staff_admin as store;
use crate::db::{outbox, participants};
use crate::domain::email::Email;
use crate::domain::person_name::FullName;
use crate::domain::role::Role;
use crate::domain::staff_admin::{self as rules, INVITATION_DAYS, INVITED_HASH};
use crate::domain::Code;
use crate::infra::crypto;
use crate::mail::account as mails;

/// What an admin or supervisor types to invite someone.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[schema(as = StaffInvitation)]
pub struct Invitation {
    pub email: String,
    pub name: String,
    /// admin, supervisor, cs or auditor.
    pub role: String,
    /// The branch code (supervisors and CS); a supervisor's CS agents join
    /// the supervisor's branch when none is given.
    #[serde(default)]
    pub branch: Option<String>,
}

fn email_taken() -> AppError {
    AppError::conflict(Code::EmailTaken).field("email")
}

/// Makes the account (active, no password yet) and mails its owner the
/// link, with the `staff_invited` entry, in one transaction. Refusals:
/// `invalid_email`, `invalid_name`, `invalid_role`, `branch_required`,
/// `branch_not_allowed`, `branch_not_found` (422); 403 for a role or
/// branch not the caller's to give; `email_taken` (409) when any account
/// has the email.
pub async fn invite(ctx: &Ctx, asked: Invitation) -> AppResult<StaffEntry> {
    let m = manager(&ctx.actor)?;
    let email = Email::parse(&asked.email)?;
    let name = FullName::parse(&asked.name, "name")?;
    let role = parse_role(&asked.role)?;
    let branch =
        rules::invitation(&m, role, parse_branch(asked.branch.as_deref())).map_err(refused)?;
    let now = ctx.clock.now_naive();
    let token = crypto::random_token(32);
    let mail = mails::staff_invitation_mail(
        name.as_str(),
        email.as_str(),
        role,
        &token,
        &ctx.settings.public_url,
        now,
    );
    let new = NewStaff {
        email: email.as_str().to_string(),
        name: name.as_str().to_string(),
        role: role.as_str().to_string(),
        branch_code: branch,
        company_npp: None,
        password_hash: INVITED_HASH.to_string(),
        active: true,
        approved: true,
        created_at: now,
    };
    let expires_at = rules::invitation_expires_at(now);
    let (token_hash, actor) = (crypto::token_digest(&token), ctx.actor.clone());
    write_db(&ctx.db, move |c| -> AppResult<StaffEntry> {
        store::lock(c)?;
        known_branch(c, new.branch_code.as_deref())?;
        if staff::find_by_email(c, &new.email)?.is_some()
            || participants::find_by_email(c, &new.email)?.is_some()
        {
            return Err(email_taken());
        }
        let created = staff::insert(c, &new).map_err(|e| {
            if e.is_unique_violation() {
                email_taken()
            } else {
                AppError::from(e)
            }
        })?;
        store_link(c, &actor, &created, token_hash, now, expires_at)?;
        outbox::enqueue(c, &mail)?;
        let subject = Subject {
            branch_code: created.branch_code.clone(),
            ..Default::default()
        };
        let details = json!({
            "staff": created.id,
            "email": created.email,
            "name": created.name,
            "role": created.role,
            "branch": created.branch_code,
            "link_days": INVITATION_DAYS,
        });
        audit::record(c, now, &actor, "staff_invited", &subject, details)?;
        Ok(StaffEntry::of(created, None))
    })
    .await
}

/// The account's set-password link, stored as its hash.
fn store_link(
    c: &mut crate::db::DbConnection,
    actor: &Actor,
    s: &Staff,
    token_hash: String,
    now: NaiveDateTime,
    expires_at: NaiveDateTime,
) -> AppResult<()> {
    resets::insert(
        c,
        &NewReset {
            identifier: s.email.clone(),
            ip: actor.ip.clone().unwrap_or_else(|| "unknown".into()),
            participant_id: None,
            staff_id: Some(s.id),
            token_hash,
            created_at: now,
            expires_at,
            purpose: resets::INVITATION.into(),
        },
    )?;
    Ok(())
}

/// Sends an invited account a new set-password link (the old one ran out
/// or was lost): every older link of the account stops working, the new
/// one is valid [`INVITATION_DAYS`] days; `staff_invitation_resent` in the
/// same transaction. 404/403 as [`super::get`]; `409 password_already_set`
/// once its owner has set a password (they use password reset), `409
/// account_inactive` for a switched-off account.
pub async fn reinvite(ctx: &Ctx, id: i64) -> AppResult<StaffEntry> {
    let m = manager(&ctx.actor)?;
    let now = ctx.clock.now_naive();
    let token = crypto::random_token(32);
    let (token_hash, actor) = (crypto::token_digest(&token), ctx.actor.clone());
    let public_url = ctx.settings.public_url.clone();
    write_db(&ctx.db, move |c| -> AppResult<StaffEntry> {
        let (s, _) = locked_account(c, &m, id)?;
        if rules::password_set(&s.password_hash) {
            return Err(AppError::conflict(Code::PasswordAlreadySet));
        }
        if !s.active {
            return Err(AppError::conflict(Code::AccountInactive));
        }
        let role = Role::parse(&s.role).ok_or_else(|| AppError::internal("unknown staff role"))?;
        resets::void_all(c, None, Some(s.id), now)?;
        store_link(
            c,
            &actor,
            &s,
            token_hash,
            now,
            rules::invitation_expires_at(now),
        )?;
        let mail = mails::staff_invitation_mail(&s.name, &s.email, role, &token, &public_url, now);
        outbox::enqueue(c, &mail)?;
        let subject = Subject {
            branch_code: s.branch_code.clone(),
            ..Default::default()
        };
        let details = json!({"staff": s.id, "email": s.email, "link_days": INVITATION_DAYS});
        audit::record(c, now, &actor, "staff_invitation_resent", &subject, details)?;
        let (s, at) = store::one(c, id)?.ok_or_else(|| AppError::not_found(Code::StaffNotFound))?;
        Ok(StaffEntry::of(s, at))
    })
    .await
}
