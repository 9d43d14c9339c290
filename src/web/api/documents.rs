//! The claim dossier over HTTP: uploading documents, reading them back,
//! staff review, and the verification decision that needs every document
//! accepted. Reading the multipart body and serving the bytes are HTTP;
//! the use cases are in `app::dossier` and `app::claims`.

use crate::web::body::{Json, Query};
use actix_multipart::Multipart;
use actix_web::web::Path;
use actix_web::HttpRequest;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{created, ok, vocab, Reply};
use crate::app::claims;
use crate::app::dossier::{self, Uploader, Verdict};
use crate::db::documents::Document;
use crate::domain::claim::ClaimStatus;
use crate::web::extract::Api;
use crate::web::files::{extension, read_upload, serve_file};

#[derive(Serialize, ToSchema)]
pub struct DocumentBody {
    pub id: i64,
    #[schema(value_type = vocab::DocumentKind)]
    pub kind: String,
    pub version: i32,
    #[schema(value_type = vocab::DocumentStatus)]
    pub status: String,
    pub current: bool,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub original_name: String,
    #[schema(format = DateTime)]
    pub uploaded_at: String,
    #[schema(value_type = Option<vocab::RejectReason>)]
    pub reject_reason: Option<String>,
    pub reject_note: Option<String>,
}

impl From<&Document> for DocumentBody {
    fn from(d: &Document) -> Self {
        Self {
            id: d.id,
            kind: d.kind.clone(),
            version: d.version,
            status: d.status.to_string(),
            current: d.is_current,
            content_type: d.content_type.clone(),
            size: d.size,
            sha256: d.sha256.clone(),
            original_name: d.original_name.clone(),
            uploaded_at: d.created_at.and_utc().to_rfc3339(),
            reject_reason: d.reject_reason.clone(),
            reject_note: d.reject_note.clone(),
        }
    }
}

/// Uploads one document (multipart fields `kind` and `file`) to the
/// participant's open claim, or, for a CS agent, to the claim of the
/// participant of one of their open sessions (a walk-in's scans). JPEG, PNG or PDF, checked by content; image
/// metadata is stripped; a newer upload of the same kind replaces the
/// current one and keeps the old as history.
#[utoipa::path(post, path = "/api/v1/claims/{id}/documents", params(("id" = i64, Path)),
    request_body(content_type = "multipart/form-data", description = "fields: kind (document code), file"),
    responses((status = 201, body = DocumentBody), super::ClaimUploadErrors),
    security(("bearer" = [])))]
pub async fn upload(req: HttpRequest, api: Api, path: Path<i64>, payload: Multipart) -> Reply {
    let by = Uploader::of(&api.ctx.actor)?;
    let form = read_upload(&req, payload, api.ctx.settings.max_upload_bytes).await?;
    let store = api.state.store.clone();
    let doc = dossier::upload(&api.ctx, store, by, path.into_inner(), form.into()).await?;
    created(DocumentBody::from(&doc))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct FileQuery {
    /// `1` shows the document inline (the viewer); otherwise it downloads.
    pub inline: Option<String>,
}

impl FileQuery {
    pub fn inline(&self) -> bool {
        self.inline.as_deref() == Some("1")
    }
}

/// A document's bytes, to those who may read the claim.
#[utoipa::path(get, path = "/api/v1/claims/{id}/documents/{doc}", params(("id" = i64, Path), ("doc" = i64, Path), FileQuery),
    responses((status = 200, description = "the file"), (status = 404, body = super::ErrorBody),
        (status = 503, description = "the document store is down", body = super::ErrorBody)), security(("bearer" = [])))]
pub async fn file(api: Api, path: Path<(i64, i64)>, q: Query<FileQuery>) -> Reply {
    let (claim_id, doc_id) = path.into_inner();
    let inline = q.inline();
    let store = api.state.store.clone();
    let (doc, bytes) = dossier::open(&api.ctx, store, claim_id, doc_id, inline).await?;
    let name = format!(
        "{}-v{}.{}",
        doc.kind,
        doc.version,
        extension(&doc.content_type)
    );
    Ok(serve_file(&doc.content_type, name, bytes, inline))
}

/// Deletes the current version of a document while the claim is open.
#[utoipa::path(delete, path = "/api/v1/claims/{id}/documents/{doc}", params(("id" = i64, Path), ("doc" = i64, Path)),
    responses((status = 200), (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody)), security(("bearer" = [])))]
pub async fn delete(api: Api, path: Path<(i64, i64)>) -> Reply {
    let pid = api.who.participant_id()?;
    let (claim_id, doc_id) = path.into_inner();
    dossier::remove(&api.ctx, pid, claim_id, doc_id).await?;
    ok(serde_json::json!({"status": "deleted"}))
}

#[derive(Deserialize, ToSchema)]
pub struct ReviewRequest {
    #[schema(value_type = vocab::ReviewDecision)]
    pub decision: String,
    /// Required to reject; not read for `accept`.
    #[schema(value_type = Option<vocab::RejectReason>)]
    pub reason: Option<String>,
    /// Free text for the participant (required with `other`).
    pub note: Option<String>,
}

impl From<ReviewRequest> for Verdict {
    fn from(r: ReviewRequest) -> Self {
        Self {
            decision: r.decision,
            reason: r.reason,
            note: r.note,
        }
    }
}

/// Accepts or rejects a document (CS agents and supervisors of a branch
/// the claim is booked at; admins).
#[utoipa::path(post, path = "/api/v1/documents/{id}/review", params(("id" = i64, Path)), request_body = ReviewRequest,
    responses((status = 200, body = DocumentBody), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody),
        (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)), security(("bearer" = [])))]
pub async fn review(api: Api, path: Path<i64>, body: Json<ReviewRequest>) -> Reply {
    let doc = dossier::review(&api.ctx, path.into_inner(), body.into_inner().into()).await?;
    ok(DocumentBody::from(&doc))
}

#[derive(Deserialize, ToSchema, Default)]
pub struct DecisionRequest {
    /// Required to reject the claim.
    #[schema(value_type = Option<vocab::RejectReason>)]
    pub reason: Option<String>,
    pub note: Option<String>,
}

/// Verifies a claim: only when every required document is accepted.
#[utoipa::path(post, path = "/api/v1/claims/{id}/verify", params(("id" = i64, Path)),
    responses((status = 200), (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody)), security(("bearer" = [])))]
pub async fn verify(api: Api, path: Path<i64>) -> Reply {
    decide(
        api,
        path.into_inner(),
        ClaimStatus::Verified,
        DecisionRequest::default(),
    )
    .await
}

/// Rejects a claim with a reason.
#[utoipa::path(post, path = "/api/v1/claims/{id}/reject", params(("id" = i64, Path)), request_body = DecisionRequest,
    responses((status = 200), (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = [])))]
pub async fn reject(api: Api, path: Path<i64>, body: Json<DecisionRequest>) -> Reply {
    decide(
        api,
        path.into_inner(),
        ClaimStatus::Rejected,
        body.into_inner(),
    )
    .await
}

async fn decide(api: Api, claim_id: i64, outcome: ClaimStatus, body: DecisionRequest) -> Reply {
    let DecisionRequest { reason, note } = body;
    let d = claims::decide(&api.ctx, claim_id, outcome, reason, note).await?;
    ok(serde_json::json!({"id": d.id, "status": d.status}))
}
