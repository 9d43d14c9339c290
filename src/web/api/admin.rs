//! Administration: session capacity and companies.

use actix_web::web::{Json, Path};
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
