//! Administration: staff accounts made by an operator (`antre user add`).
//! The account and its audit entry are written in one transaction.

use crate::app::Ctx;
use crate::db::audit::{self, Subject};
use crate::db::{branches, participants, staff, DbError};
use crate::domain::email::Email;
use crate::domain::role::Role;

/// A staff account to create; the password is already hashed.
pub struct NewStaffAccount {
    pub role: Role,
    pub email: Email,
    pub name: String,
    pub branch: Option<String>,
    pub company: Option<String>,
    pub password_hash: String,
    /// Recorded with the audit entry: how the account was made (`cli`)
    /// and by which operating-system user.
    pub via: &'static str,
    pub operator: Option<String>,
}

/// Creates a staff account (active, approved) with its `staff_created`
/// audit entry. Refusals are sentences for the operator.
pub fn add_staff(ctx: &Ctx, new: NewStaffAccount) -> Result<staff::Staff, String> {
    let now = ctx.clock.now_naive();
    ctx.db.write(|c| -> Result<staff::Staff, String> {
        let err = |e: DbError| e.to_string();
        let email = new.email.as_str();
        if staff::find_by_email(c, email).map_err(err)?.is_some()
            || participants::find_by_email(c, email)
                .map_err(err)?
                .is_some()
        {
            return Err(format!("an account with email {email} exists already"));
        }
        if let Some(b) = &new.branch {
            if branches::find(c, b).map_err(err)?.is_none() {
                return Err(format!("unknown branch code {b:?}"));
            }
        }
        if let Some(npp) = &new.company {
            if staff::find_company(c, npp).map_err(err)?.is_none() {
                return Err(format!(
                    "unknown company NPP {npp:?} (create it with POST /api/v1/admin/companies)"
                ));
            }
        }
        let created = staff::insert(
            c,
            &staff::NewStaff {
                email: email.to_string(),
                name: new.name.clone(),
                role: new.role.as_str().to_string(),
                branch_code: new.branch.clone(),
                company_npp: new.company.clone(),
                password_hash: new.password_hash.clone(),
                active: true,
                // An hr account made by an operator is an approved
                // representative of its company.
                approved: true,
                created_at: now,
            },
        )
        .map_err(err)?;
        // Who may do what is audited: the account's creation, with its role
        // and scope, by the operator.
        audit::record(
            c,
            now,
            &ctx.actor,
            "staff_created",
            &Subject {
                branch_code: new.branch.clone(),
                ..Default::default()
            },
            serde_json::json!({
                "via": new.via,
                "staff": created.id,
                "email": created.email,
                "role": created.role,
                "company": created.company_npp,
                "os_user": new.operator,
            }),
        )
        .map_err(err)?;
        Ok(created)
    })
}
