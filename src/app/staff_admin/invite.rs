//! Inviting a new staff account: nobody types a password for it. The
//! account is made without one ([`INVITED_HASH`]) and its owner is mailed a
//! single-use set-password link (`/invitation/{token}`, valid
//! [`INVITATION_DAYS`] days) stored only as a hash, in the table and
//! through the code of password reset (`app::password_reset::confirm` sets
//! the password). An invitation that ran out is replaced by a password
//! reset: the account's email has an account.

use serde_json::json;

use super::{known_branch, manager, parse_branch, parse_role, refused, StaffEntry};
use crate::app::error::{AppError, AppResult};
use crate::app::{write_db, Ctx};
use crate::db::audit::{self, Subject};
use crate::db::password_resets::{self as resets, NewReset};
use crate::db::staff::{self, NewStaff};
use crate::db::staff_admin as store;
use crate::db::{outbox, participants};
use crate::domain::email::Email;
use crate::domain::person_name::FullName;
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
        resets::insert(
            c,
            &NewReset {
                email: created.email.clone(),
                ip: actor.ip.clone().unwrap_or_else(|| "unknown".into()),
                participant_id: None,
                staff_id: Some(created.id),
                token_hash,
                created_at: now,
                expires_at,
                purpose: resets::INVITATION.into(),
            },
        )?;
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
