//! Administration: session capacity and companies.

use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::app::error::{AppError, AppResult};
use crate::db::run;
use crate::db::staff::{self, Company};
use crate::db::{audit, branches};
use crate::domain::role::Role;
use crate::web::auth::Authenticated;
use crate::web::State;

#[derive(Deserialize, ToSchema)]
pub struct CapacityRequest {
    pub capacity: i32,
}

/// Changes a session's capacity (admin, or the supervisor of its branch).
/// Lowering it below the seats already booked is refused.
pub async fn change_capacity(
    state: &State,
    who: &Authenticated,
    req: &HttpRequest,
    slot_id: i64,
    capacity: i32,
) -> AppResult<branches::Slot> {
    who.0.require_staff(&[Role::Admin, Role::Supervisor])?;
    if !(0..=1000).contains(&capacity) {
        return Err(AppError::unprocessable("invalid_capacity").field("capacity"));
    }
    let identity = who.0.clone();
    let actor = crate::web::extract::actor(Some(&identity), req);
    let now = state.clock.now_naive();
    run(&state.db, move |db| {
        db.write(|c| -> AppResult<_> {
            let slot = branches::find_slot(c, slot_id)?
                .ok_or_else(|| AppError::not_found("slot_not_found"))?;
            if !identity.staff_covers_branch(&slot.branch_code) {
                return Err(AppError::not_found("slot_not_found"));
            }
            match branches::set_capacity(c, slot_id, capacity)? {
                Some((s, true)) => {
                    audit::record(
                        c,
                        now,
                        &actor,
                        "slot_capacity_changed",
                        &audit::Subject {
                            branch_code: Some(s.branch_code.clone()),
                            ..Default::default()
                        },
                        serde_json::json!({"slot": slot_id, "from": slot.capacity, "to": capacity}),
                    )?;
                    Ok(s)
                }
                Some((_, false)) => {
                    Err(AppError::conflict("capacity_below_booked").field("capacity"))
                }
                None => Err(AppError::not_found("slot_not_found")),
            }
        })
    })
    .await
}

/// Sets a session's capacity.
#[utoipa::path(put, path = "/api/v1/admin/slots/{id}/capacity", params(("id" = i64, Path)), request_body = CapacityRequest,
    responses((status = 200, body = super::branches::SlotBody), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody)),
    security(("bearer" = [])))]
pub async fn set_capacity(
    req: HttpRequest,
    state: State,
    who: Authenticated,
    path: web::Path<i64>,
    body: web::Json<CapacityRequest>,
) -> AppResult<HttpResponse> {
    let slot = change_capacity(&state, &who, &req, path.into_inner(), body.capacity).await?;
    let code = slot.branch_code.clone();
    let branch = run(&state.db, move |db| {
        db.read(|c| -> AppResult<_> { Ok(branches::find(c, &code)?) })
    })
    .await?
    .ok_or_else(|| AppError::not_found("slot_not_found"))?;
    Ok(HttpResponse::Ok().json(super::branches::slot_body(&branch, &slot)))
}

#[derive(Deserialize, ToSchema)]
pub struct CompanyRequest {
    /// Company registration number at BPJS Ketenagakerjaan.
    pub npp: String,
    pub name: String,
    pub headcount: i32,
    pub address: Option<String>,
    /// The branch that serves the company's collective claims (optional).
    pub branch_code: Option<String>,
}

/// Registers a company (admin).
#[utoipa::path(post, path = "/api/v1/admin/companies", request_body = CompanyRequest,
    responses((status = 201), (status = 403, body = super::ErrorBody), (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = [])))]
pub async fn create_company(
    state: State,
    who: Authenticated,
    body: web::Json<CompanyRequest>,
) -> AppResult<HttpResponse> {
    who.0.require_staff(&[Role::Admin])?;
    let npp = body.npp.trim().to_uppercase();
    if npp.len() < 4 || npp.len() > 20 || !npp.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(AppError::unprocessable("invalid_npp").field("npp"));
    }
    let name = body.name.trim().to_string();
    if name.chars().count() < 2 || name.chars().count() > 200 {
        return Err(AppError::unprocessable("invalid_company_name").field("name"));
    }
    if !(0..=10_000_000).contains(&body.headcount) {
        return Err(AppError::unprocessable("invalid_headcount").field("headcount"));
    }
    let branch_code = body
        .branch_code
        .as_deref()
        .map(|b| b.trim().to_uppercase())
        .filter(|b| !b.is_empty());
    let company = Company {
        npp,
        name,
        address: body.address.clone().unwrap_or_default().trim().to_string(),
        headcount: body.headcount,
        created_at: state.clock.now_naive(),
        branch_code,
    };
    let c2 = company.clone();
    let admin_id = match &who.0 {
        crate::web::auth::Identity::Staff { id, .. } => Some(*id),
        _ => None,
    };
    let today = state.clock.now().date_naive();
    run(&state.db, move |db| {
        db.write(|c| -> AppResult<()> {
            if let Some(b) = &c2.branch_code {
                if branches::find(c, b)?.is_none() {
                    return Err(AppError::unprocessable("branch_not_found").field("branch_code"));
                }
            }
            if staff::find_company(c, &c2.npp)?.is_some() {
                return Err(AppError::conflict("company_exists").field("npp"));
            }
            staff::insert_company(c, &c2).map_err(|e| {
                if e.is_unique_violation() {
                    AppError::conflict("company_exists").field("npp")
                } else {
                    AppError::from(e)
                }
            })?;
            // The first entry of the headcount history.
            crate::db::collective::set_headcount(
                c,
                &c2.npp,
                c2.headcount,
                today,
                admin_id,
                c2.created_at,
            )?;
            Ok(())
        })
    })
    .await?;
    Ok(HttpResponse::Created().json(serde_json::json!({
        "npp": company.npp, "name": company.name, "headcount": company.headcount, "address": company.address,
        "branch_code": company.branch_code
    })))
}
