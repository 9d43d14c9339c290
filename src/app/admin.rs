//! Administration: staff accounts made by an operator (`antre user add`),
//! session capacity, and companies. Each change and its audit entry are
//! written in one transaction.

use crate::app::dossier::require_staff;
use crate::app::error::{AppError, AppResult};
use crate::app::{write_db, Ctx};
use crate::db::audit::{self, Subject};
use crate::db::branches::{Branch, Slot};
use crate::db::staff::Company;
use crate::db::{branches, participants, staff, DbError};
use crate::domain::email::Email;
use crate::domain::role::Role;
use crate::domain::Code;

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

/// Changes a session's capacity (admin, or the supervisor of its branch):
/// the slot and its branch. Lowering it below the seats already booked is
/// refused.
pub async fn change_capacity(ctx: &Ctx, slot_id: i64, capacity: i32) -> AppResult<(Slot, Branch)> {
    require_staff(&ctx.actor, &[Role::Admin, Role::Supervisor])?;
    if !(0..=1000).contains(&capacity) {
        return Err(AppError::unprocessable(Code::InvalidCapacity).field("capacity"));
    }
    let (now, actor) = (ctx.clock.now_naive(), ctx.actor.clone());
    let (clock_now, url, hold) = (
        ctx.clock.now(),
        ctx.settings.public_url.clone(),
        super::waitlist::FairRules::of(&ctx.settings),
    );
    write_db(&ctx.db, move |c| -> AppResult<_> {
        let slot = branches::find_slot(c, slot_id)?
            .ok_or_else(|| AppError::not_found(Code::SlotNotFound))?;
        if !covers_branch(&actor, &slot.branch_code) {
            return Err(AppError::not_found(Code::SlotNotFound));
        }
        let changed = match branches::set_capacity(c, slot_id, capacity)? {
            Some((s, true)) => s,
            Some((_, false)) => {
                return Err(AppError::conflict(Code::CapacityBelowBooked).field("capacity"))
            }
            None => return Err(AppError::not_found(Code::SlotNotFound)),
        };
        audit::record(
            c,
            now,
            &actor,
            "slot_capacity_changed",
            &Subject {
                branch_code: Some(changed.branch_code.clone()),
                ..Default::default()
            },
            serde_json::json!({"slot": slot_id, "from": slot.capacity, "to": capacity}),
        )?;
        // Seats added go to the day's waiting line first.
        let o = super::waitlist::Offering {
            now: clock_now,
            rules: hold,
            public_url: &url,
            actor: &actor,
        };
        for _ in slot.capacity..capacity {
            if !super::waitlist::offer_freed(c, slot_id, &o)? {
                break;
            }
        }
        let changed = branches::find_slot(c, slot_id)?.unwrap_or(changed);
        let branch = branches::find(c, &changed.branch_code)?
            .ok_or_else(|| AppError::not_found(Code::SlotNotFound))?;
        Ok((changed, branch))
    })
    .await
}

/// Admins see every branch; supervisors only their own.
fn covers_branch(actor: &audit::Actor, branch: &str) -> bool {
    match actor.role.person() {
        Some(Role::Admin) => true,
        Some(Role::Supervisor) => actor.branch.as_deref() == Some(branch),
        _ => false,
    }
}

/// A company to register, as typed.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[schema(as = CompanyRequest)]
pub struct NewCompany {
    /// Company registration number at BPJS Ketenagakerjaan.
    pub npp: String,
    pub name: String,
    pub headcount: i32,
    pub address: Option<String>,
    /// The branch that serves the company's collective claims (optional).
    pub branch_code: Option<String>,
}

/// Registers a company (admin) with the first entry of its headcount
/// history.
pub async fn create_company(ctx: &Ctx, new: NewCompany) -> AppResult<Company> {
    require_staff(&ctx.actor, &[Role::Admin])?;
    let npp = new.npp.trim().to_uppercase();
    if npp.len() < 4 || npp.len() > 20 || !npp.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(AppError::unprocessable(Code::InvalidNpp).field("npp"));
    }
    let name = new.name.trim().to_string();
    if name.chars().count() < 2 || name.chars().count() > 200 {
        return Err(AppError::unprocessable(Code::InvalidCompanyName).field("name"));
    }
    if !(0..=10_000_000).contains(&new.headcount) {
        return Err(AppError::unprocessable(Code::InvalidHeadcount).field("headcount"));
    }
    let branch_code = new
        .branch_code
        .as_deref()
        .map(|b| b.trim().to_uppercase())
        .filter(|b| !b.is_empty());
    let company = Company {
        npp,
        name,
        address: new.address.unwrap_or_default().trim().to_string(),
        headcount: new.headcount,
        created_at: ctx.clock.now_naive(),
        branch_code,
    };
    let (admin_id, today) = (ctx.actor.id, ctx.clock.now().date_naive());
    write_db(&ctx.db, move |c| -> AppResult<Company> {
        if let Some(b) = &company.branch_code {
            if branches::find(c, b)?.is_none() {
                return Err(AppError::unprocessable(Code::BranchNotFound).field("branch_code"));
            }
        }
        if staff::find_company(c, &company.npp)?.is_some() {
            return Err(AppError::conflict(Code::CompanyExists).field("npp"));
        }
        staff::insert_company(c, &company).map_err(|e| {
            if e.is_unique_violation() {
                AppError::conflict(Code::CompanyExists).field("npp")
            } else {
                AppError::from(e)
            }
        })?;
        // The first entry of the headcount history.
        crate::db::collective::set_headcount(
            c,
            &company.npp,
            company.headcount,
            today,
            admin_id,
            company.created_at,
        )?;
        Ok(company)
    })
    .await
}
