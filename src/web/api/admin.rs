//! Administration: session capacity and companies.

use crate::web::body::Json;
use actix_web::web::Path;
use serde::Deserialize;
use utoipa::ToSchema;

use super::{created, ok, Reply};
use crate::app::admin;
use crate::web::extract::Api;

#[derive(Deserialize, ToSchema)]
pub struct CapacityRequest {
    pub capacity: i32,
}

/// Sets a session's capacity.
#[utoipa::path(put, path = "/api/v1/admin/slots/{id}/capacity", params(("id" = i64, Path)), request_body = CapacityRequest,
    responses((status = 200, body = super::branches::SlotBody), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody)),
    security(("bearer" = [])))]
pub async fn set_capacity(api: Api, path: Path<i64>, body: Json<CapacityRequest>) -> Reply {
    let (slot, branch) = admin::change_capacity(&api.ctx, path.into_inner(), body.capacity).await?;
    ok(super::branches::slot_body(&branch, &slot))
}

/// The body of `POST /api/v1/admin/companies`: the use case's own input.
pub use crate::app::admin::NewCompany as CompanyRequest;

/// Registers a company (admin).
#[utoipa::path(post, path = "/api/v1/admin/companies", request_body = CompanyRequest,
    responses((status = 201), (status = 403, body = super::ErrorBody), (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = [])))]
pub async fn create_company(api: Api, body: Json<CompanyRequest>) -> Reply {
    let company = admin::create_company(&api.ctx, body.into_inner()).await?;
    created(serde_json::json!({
        "npp": company.npp, "name": company.name, "headcount": company.headcount, "address": company.address,
        "branch_code": company.branch_code
    }))
}

/// The body of `POST /api/v1/branches/{code}/closures`.
pub use crate::app::closures::ClosureInput as ClosureRequest;

#[derive(serde::Serialize, ToSchema)]
pub struct ClosureBody {
    pub id: i64,
    pub branch: String,
    #[schema(format = Date)]
    pub date: String,
    /// RFC 3339 in the branch's own offset.
    #[schema(format = DateTime)]
    pub from: String,
    #[schema(format = DateTime)]
    pub until: String,
    pub reason: String,
    /// The sessions closed (now `available` 0, with `closed_reason`).
    pub sessions: Vec<super::branches::SlotBody>,
    pub bookings_cancelled: usize,
    /// Displaced participants who got a seat held at the same branch.
    pub priority_offers: usize,
}

/// Closes a branch-day or part of it (supervisor of the branch, admin):
/// bookings in it are cancelled and their holders offered a seat.
#[utoipa::path(post, path = "/api/v1/branches/{code}/closures", params(("code" = String, Path)), request_body = ClosureRequest,
    responses((status = 201, body = ClosureBody), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = [])))]
pub async fn close_branch(api: Api, path: Path<String>, body: Json<ClosureRequest>) -> Reply {
    let done = crate::app::closures::close(&api.ctx, path.into_inner(), body.into_inner()).await?;
    let tz = done.branch.tz();
    let local = |t| crate::domain::schedule::to_local(tz, t).to_rfc3339();
    created(ClosureBody {
        id: done.closure.id,
        branch: done.branch.code.clone(),
        date: done.closure.local_date.to_string(),
        from: local(done.closure.starts_at),
        until: local(done.closure.ends_at),
        reason: done.closure.reason.clone(),
        sessions: done
            .sessions
            .iter()
            .map(|s| super::branches::SlotBody {
                closed_reason: Some(done.closure.reason.clone()),
                ..super::branches::slot_body(&done.branch, s)
            })
            .collect(),
        bookings_cancelled: done.cancelled,
        priority_offers: done.offered,
    })
}
