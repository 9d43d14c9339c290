//! Companies' registered headcount (with history) and HR representatives
//! over HTTP: their power of attorney and non-abuse statement, and the
//! supervisor's approval that opens batch uploads (use cases in
//! `app::collective::representatives`).

use crate::web::body::Json;
use actix_multipart::Multipart;
use actix_web::web::Path;
use actix_web::HttpRequest;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{created, ok, vocab, Reply};
use crate::app::collective::{hr_of, representatives as app};
use crate::db::collective::RepresentativeDocument;
use crate::web::extract::Api;
use crate::web::files::read_upload;

/// The two documents a representative needs before approval.
pub use crate::domain::collective::REPRESENTATIVE_KINDS;

#[derive(Deserialize, ToSchema)]
pub struct HeadcountRequest {
    pub headcount: i32,
    /// `YYYY-MM-DD`, the day the figure refers to (not in the future).
    #[schema(format = Date)]
    pub reference_date: String,
}

/// Sets a company's registered headcount (admin or supervisor); the
/// earlier figures stay in the history.
#[utoipa::path(put, path = "/api/v1/admin/companies/{npp}/headcount", params(("npp" = String, Path)), request_body = HeadcountRequest,
    responses((status = 200), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = [])))]
pub async fn set_headcount(api: Api, path: Path<String>, body: Json<HeadcountRequest>) -> Reply {
    let HeadcountRequest {
        headcount,
        reference_date,
    } = body.into_inner();
    let h = app::change_headcount(&api.ctx, path.into_inner(), headcount, &reference_date).await?;
    let day = |d: chrono::NaiveDate| d.format("%Y-%m-%d").to_string();
    ok(serde_json::json!({
        "npp": h.npp,
        "headcount": h.headcount,
        "reference_date": day(h.reference_date),
        "history": h.history.iter().map(|h| serde_json::json!({
            "headcount": h.headcount,
            "reference_date": day(h.reference_date),
            "set_by": h.set_by,
            "set_at": h.set_at.and_utc().to_rfc3339(),
        })).collect::<Vec<_>>(),
    }))
}

#[derive(Serialize, ToSchema)]
pub struct RepresentativeDocumentBody {
    pub id: i64,
    #[schema(value_type = vocab::RepresentativeDocumentKind)]
    pub kind: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
}

impl From<&RepresentativeDocument> for RepresentativeDocumentBody {
    fn from(d: &RepresentativeDocument) -> Self {
        Self {
            id: d.id,
            kind: d.kind.clone(),
            content_type: d.content_type.clone(),
            size: d.size,
            sha256: d.sha256.clone(),
        }
    }
}

/// Uploads the representative's power of attorney or non-abuse statement
/// (multipart `kind`, `file`; JPG, PNG or PDF).
#[utoipa::path(post, path = "/api/v1/collective/representative/documents",
    request_body(content_type = "multipart/form-data", description = "fields: kind (power_of_attorney or non_abuse_statement), file"),
    responses((status = 201, body = RepresentativeDocumentBody), (status = 403, body = super::ErrorBody),
        (status = 413, body = super::ErrorBody), (status = 415, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = [])))]
pub async fn upload_document(req: HttpRequest, api: Api, payload: Multipart) -> Reply {
    hr_of(&api.ctx, api.company())?;
    let form = read_upload(&req, payload, api.ctx.settings.max_upload_bytes)
        .await?
        .require_file()?;
    let store = api.state.store.clone();
    let doc = app::accept_document(&api.ctx, store, api.company(), form.into()).await?;
    created(RepresentativeDocumentBody::from(&doc))
}

/// Approves an HR representative.
#[utoipa::path(post, path = "/api/v1/admin/representatives/{id}/approve", params(("id" = i64, Path)),
    responses((status = 200), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody)),
    security(("bearer" = [])))]
pub async fn approve(api: Api, path: Path<i64>) -> Reply {
    let id = path.into_inner();
    app::approve(&api.ctx, id).await?;
    ok(serde_json::json!({ "id": id, "approved": true }))
}
