//! A submitted batch's documents over HTTP: the per-worker documents as
//! one ZIP, and the batch's mass termination letter (uploaded by the
//! company's HR representative, downloaded by whoever may see the batch,
//! served with the same safe headers as claim documents).

use crate::web::body::Query;
use actix_multipart::Multipart;
use actix_web::web::Path;
use actix_web::HttpRequest;
use serde::Serialize;
use utoipa::ToSchema;

use super::collective::representative_file;
use super::documents::FileQuery;
use super::{created, ok, Reply};
use crate::app::collective::{self as app, documents};
use crate::db::collective_staff::Letter;
use crate::domain::collective::zip::{ZipReport, MAX_ZIP_BYTES};
use crate::web::extract::Api;
use crate::web::files::{extension, serve_file};

/// Uploads the batch's per-worker documents as one ZIP (multipart field
/// `file`); only for a submitted batch of the caller's company.
#[utoipa::path(post, path = "/api/v1/collective/batches/{id}/documents", params(("id" = i64, Path)),
    request_body(content_type = "multipart/form-data", description = "field: file (ZIP of NIK_code.ext entries)"),
    responses((status = 200, body = ZipReport), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody),
        (status = 409, body = super::ErrorBody), (status = 413, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = [])))]
pub async fn upload(req: HttpRequest, api: Api, path: Path<i64>, payload: Multipart) -> Reply {
    let form = representative_file(&req, &api, payload, MAX_ZIP_BYTES).await?;
    let (store, id) = (api.state.store.clone(), path.into_inner());
    let report =
        documents::accept_zip(&api.ctx, store, api.company(), id, form.bytes, api.lang).await?;
    ok(report)
}

#[derive(Serialize, ToSchema)]
pub struct LetterBody {
    pub id: i64,
    pub batch_id: i64,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub original_name: String,
    #[schema(format = DateTime)]
    pub uploaded_at: String,
}

impl From<&Letter> for LetterBody {
    fn from(l: &Letter) -> Self {
        Self {
            id: l.id,
            batch_id: l.batch_id,
            content_type: l.content_type.clone(),
            size: l.size,
            sha256: l.sha256.clone(),
            original_name: l.original_name.clone(),
            uploaded_at: l.created_at.and_utc().to_rfc3339(),
        }
    }
}

/// Uploads the batch's mass termination letter (multipart field `file`:
/// PDF, JPEG or PNG); a newer upload replaces the current one.
#[utoipa::path(post, path = "/api/v1/collective/batches/{id}/letter", operation_id = "upload", params(("id" = i64, Path)),
    request_body(content_type = "multipart/form-data", description = "field: file (PDF, JPEG or PNG)"),
    responses((status = 201, body = LetterBody), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody),
        (status = 413, body = super::ErrorBody), (status = 415, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = [])))]
pub async fn upload_letter(
    req: HttpRequest,
    api: Api,
    path: Path<i64>,
    payload: Multipart,
) -> Reply {
    let form = representative_file(&req, &api, payload, api.ctx.settings.max_upload_bytes).await?;
    let (store, id) = (api.state.store.clone(), path.into_inner());
    let letter = documents::accept_letter(&api.ctx, store, api.company(), id, form.into()).await?;
    created(LetterBody::from(&letter))
}

/// The batch's current letter, to those who may see the batch.
#[utoipa::path(get, path = "/api/v1/collective/batches/{id}/letter", operation_id = "file", params(("id" = i64, Path), FileQuery),
    responses((status = 200, description = "the file"), (status = 404, body = super::ErrorBody)), security(("bearer" = [])))]
pub async fn letter(api: Api, path: Path<i64>, q: Query<FileQuery>) -> Reply {
    let store = api.state.store.clone();
    let (letter, bytes) = app::letter(&api.ctx, store, api.company(), path.into_inner()).await?;
    let ext = extension(&letter.content_type);
    let name = format!("surat-phk-massal-batch-{}.{ext}", letter.batch_id);
    Ok(serve_file(&letter.content_type, name, bytes, q.inline()))
}
