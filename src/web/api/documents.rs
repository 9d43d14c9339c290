//! The claim dossier over HTTP: uploading documents, reading them back,
//! staff review, and the verification decision that needs every document
//! accepted. Reading the multipart body and serving the bytes are HTTP;
//! the use cases are in `app::dossier` and `app::claims`.

use actix_multipart::Multipart;
use actix_web::http::header::{ContentDisposition, DispositionParam, DispositionType};
use actix_web::{web, HttpRequest, HttpResponse};
use futures_util::TryStreamExt;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::app::claims;
use crate::app::dossier::{self, too_large, Upload, Verdict};
use crate::app::error::{AppError, AppResult};
use crate::db::documents::Document;
use crate::domain::claim::ClaimStatus;
use crate::web::auth::Authenticated;
use crate::web::extract::ctx;
use crate::web::State;

/// What a multipart upload carried.
#[derive(Default)]
pub struct UploadForm {
    pub csrf: String,
    /// The checklist item the page form was for (pages only).
    pub item: String,
    pub kind: String,
    pub file_name: String,
    pub bytes: Vec<u8>,
    pub has_file: bool,
}

/// Reads a multipart upload without ever holding more than `max + 1`
/// bytes of the file: an oversized file is refused as soon as it shows.
pub async fn read_upload(
    req: &HttpRequest,
    mut payload: Multipart,
    max: u64,
) -> AppResult<UploadForm> {
    // A declared size far beyond the limit is refused before reading.
    let declared = req
        .headers()
        .get(actix_web::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > max + 64 * 1024) {
        return Err(too_large(max));
    }
    let mut form = UploadForm::default();
    let malformed = |e: actix_multipart::MultipartError| {
        let mut err = AppError::bad_request("malformed_upload");
        err.internal = Some(e.to_string());
        err
    };
    while let Some(mut field) = payload.try_next().await.map_err(malformed)? {
        let name = field.name().unwrap_or("").to_string();
        match name.as_str() {
            "file" => {
                form.has_file = true;
                form.file_name = field
                    .content_disposition()
                    .and_then(|cd| cd.get_filename())
                    .unwrap_or("")
                    .to_string();
                while let Some(chunk) = field.try_next().await.map_err(malformed)? {
                    if (form.bytes.len() + chunk.len()) as u64 > max {
                        return Err(too_large(max));
                    }
                    form.bytes.extend_from_slice(&chunk);
                }
            }
            "kind" | "csrf" | "item" => {
                let mut value = Vec::new();
                while let Some(chunk) = field.try_next().await.map_err(malformed)? {
                    if value.len() + chunk.len() > 256 {
                        return Err(AppError::bad_request("malformed_upload"));
                    }
                    value.extend_from_slice(&chunk);
                }
                let text = String::from_utf8_lossy(&value).trim().to_string();
                match name.as_str() {
                    "kind" => form.kind = text,
                    "item" => form.item = text,
                    _ => form.csrf = text,
                }
            }
            // Unknown fields are drained, bounded like the file.
            _ => {
                let mut seen = 0usize;
                while let Some(chunk) = field.try_next().await.map_err(malformed)? {
                    seen += chunk.len();
                    if seen > 64 * 1024 {
                        return Err(AppError::bad_request("malformed_upload"));
                    }
                }
            }
        }
    }
    Ok(form)
}

impl From<UploadForm> for Upload {
    fn from(f: UploadForm) -> Self {
        Self {
            kind: f.kind,
            file_name: f.file_name,
            bytes: f.bytes,
            has_file: f.has_file,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct DocumentBody {
    pub id: i64,
    pub kind: String,
    pub version: i32,
    /// uploaded, accepted, rejected or deleted.
    pub status: String,
    pub current: bool,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub original_name: String,
    pub uploaded_at: String,
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
/// participant's open claim. JPEG, PNG or PDF, checked by content; image
/// metadata is stripped; a newer upload of the same kind replaces the
/// current one and keeps the old as history.
#[utoipa::path(post, path = "/api/v1/claims/{id}/documents", params(("id" = i64, Path)),
    request_body(content_type = "multipart/form-data", description = "fields: kind (document code), file"),
    responses((status = 201, body = DocumentBody), (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody),
        (status = 413, body = super::ErrorBody), (status = 415, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = [])))]
pub async fn upload(
    state: State,
    req: HttpRequest,
    who: Authenticated,
    path: web::Path<i64>,
    payload: Multipart,
) -> AppResult<HttpResponse> {
    let pid = who.0.participant_id()?;
    let form = read_upload(&req, payload, state.settings.max_upload_bytes).await?;
    let ctx = ctx(&state, Some(&who.0), &req);
    let doc = dossier::upload(
        &ctx,
        state.store.clone(),
        pid,
        path.into_inner(),
        form.into(),
    )
    .await?;
    Ok(HttpResponse::Created().json(DocumentBody::from(&doc)))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct FileQuery {
    /// `1` shows the document inline (the viewer); otherwise it downloads.
    pub inline: Option<String>,
}

/// A document's bytes, to those who may read the claim.
#[utoipa::path(get, path = "/api/v1/claims/{id}/documents/{doc}", params(("id" = i64, Path), ("doc" = i64, Path), FileQuery),
    responses((status = 200, description = "the file"), (status = 404, body = super::ErrorBody)), security(("bearer" = [])))]
pub async fn file(
    req: HttpRequest,
    state: State,
    who: Authenticated,
    path: web::Path<(i64, i64)>,
    q: web::Query<FileQuery>,
) -> AppResult<HttpResponse> {
    let (claim_id, doc_id) = path.into_inner();
    let inline = q.inline.as_deref() == Some("1");
    let ctx = ctx(&state, Some(&who.0), &req);
    let (doc, bytes) = dossier::open(&ctx, state.store.clone(), claim_id, doc_id, inline).await?;
    Ok(file_response(&doc, bytes, inline))
}

/// Serves stored bytes safely: never sniffed, never scripted, downloaded
/// under a generated name unless shown in the viewer.
pub fn file_response(doc: &Document, bytes: Vec<u8>, inline: bool) -> HttpResponse {
    let ext = match doc.content_type.as_str() {
        "image/jpeg" => "jpg",
        "image/png" => "png",
        _ => "pdf",
    };
    let disposition = ContentDisposition {
        disposition: if inline {
            DispositionType::Inline
        } else {
            DispositionType::Attachment
        },
        parameters: vec![DispositionParam::Filename(format!(
            "{}-v{}.{ext}",
            doc.kind, doc.version
        ))],
    };
    let mut res = HttpResponse::Ok();
    res.content_type(doc.content_type.as_str())
        .insert_header(disposition)
        .insert_header(("x-content-type-options", "nosniff"))
        .insert_header(("cache-control", "private, no-store"));
    if inline {
        // Shown inside Antre's own review page only.
        res.insert_header((
            "content-security-policy",
            "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'",
        ))
        .insert_header(("x-frame-options", "SAMEORIGIN"));
    } else {
        res.insert_header(("content-security-policy", "default-src 'none'; sandbox"));
    }
    res.body(bytes)
}

/// Deletes the current version of a document while the claim is open.
#[utoipa::path(delete, path = "/api/v1/claims/{id}/documents/{doc}", params(("id" = i64, Path), ("doc" = i64, Path)),
    responses((status = 200), (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody)), security(("bearer" = [])))]
pub async fn delete(
    state: State,
    req: HttpRequest,
    who: Authenticated,
    path: web::Path<(i64, i64)>,
) -> AppResult<HttpResponse> {
    let pid = who.0.participant_id()?;
    let (claim_id, doc_id) = path.into_inner();
    dossier::remove(&ctx(&state, Some(&who.0), &req), pid, claim_id, doc_id).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({"status": "deleted"})))
}

#[derive(Deserialize, ToSchema)]
pub struct ReviewRequest {
    /// accept or reject.
    pub decision: String,
    /// Required to reject: name_mismatch, nik_mismatch, birth_date_mismatch,
    /// membership_active, bank_account_name_mismatch, unreadable,
    /// wrong_document, selfie_mismatch, expired_document, other.
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
pub async fn review(
    state: State,
    req: HttpRequest,
    who: Authenticated,
    path: web::Path<i64>,
    body: web::Json<ReviewRequest>,
) -> AppResult<HttpResponse> {
    let ctx = ctx(&state, Some(&who.0), &req);
    let doc = dossier::review(&ctx, path.into_inner(), body.into_inner().into()).await?;
    Ok(HttpResponse::Ok().json(DocumentBody::from(&doc)))
}

#[derive(Deserialize, ToSchema, Default)]
pub struct DecisionRequest {
    /// Required to reject the claim (a review reason code).
    pub reason: Option<String>,
    pub note: Option<String>,
}

/// Verifies a claim: only when every required document is accepted.
#[utoipa::path(post, path = "/api/v1/claims/{id}/verify", params(("id" = i64, Path)),
    responses((status = 200), (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody)), security(("bearer" = [])))]
pub async fn verify(
    state: State,
    req: HttpRequest,
    who: Authenticated,
    path: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let ctx = ctx(&state, Some(&who.0), &req);
    let d = claims::decide(&ctx, path.into_inner(), ClaimStatus::Verified, None, None).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({"id": d.id, "status": d.status})))
}

/// Rejects a claim with a reason.
#[utoipa::path(post, path = "/api/v1/claims/{id}/reject", params(("id" = i64, Path)), request_body = DecisionRequest,
    responses((status = 200), (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = [])))]
pub async fn reject(
    state: State,
    req: HttpRequest,
    who: Authenticated,
    path: web::Path<i64>,
    body: web::Json<DecisionRequest>,
) -> AppResult<HttpResponse> {
    let ctx = ctx(&state, Some(&who.0), &req);
    let DecisionRequest { reason, note } = body.into_inner();
    let d = claims::decide(&ctx, path.into_inner(), ClaimStatus::Rejected, reason, note).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({"id": d.id, "status": d.status})))
}
