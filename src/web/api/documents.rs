//! The claim dossier over HTTP: uploading documents, reading them back,
//! staff review, and the verification decision that needs every document
//! accepted.

use crate::app::Status;
use actix_multipart::Multipart;
use actix_web::http::header::{ContentDisposition, DispositionParam, DispositionType};
use actix_web::{web, HttpRequest, HttpResponse};
use futures_util::TryStreamExt;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::app::error::{AppError, AppResult};
use crate::db::claims::{self, Claim};
use crate::db::documents::{self as docs, Document, Dossier, NewDocument};
use crate::db::{bookings, run, DbConnection};
use crate::domain::documents::{check_claim_quota, DocumentKind, RejectReason};
use crate::domain::role::Role;
use crate::i18n::Lang;
use crate::uploads;
use crate::web::auth::{Authenticated, Identity};
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

fn too_large(max: u64) -> AppError {
    let mut e = AppError::new(Status::PayloadTooLarge, "file_too_large");
    e.params
        .push(("max_mb", format!("{}", max / (1024 * 1024))));
    e
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

fn upload_error(e: uploads::UploadError, max: u64) -> AppError {
    if matches!(e, uploads::UploadError::TooLarge { .. }) {
        return too_large(max);
    }
    let status = Status::from_u16(e.http_status());
    AppError::new(status, e.code())
        .detail(e.detail())
        .field("file")
}

/// Who may read a claim's documents: its owner, staff of a branch where
/// it is booked, admins and auditors. Everyone else gets 404.
pub fn may_read(conn: &mut DbConnection, who: &Identity, claim: &Claim) -> AppResult<bool> {
    Ok(match who {
        Identity::Participant { id, .. } => claim.participant_id == *id,
        Identity::Staff { role, .. } => {
            matches!(role, Role::Admin | Role::Auditor)
                || (matches!(role, Role::Supervisor | Role::Cs)
                    && (bookings::branches_of_claim(conn, claim.id)?
                        .iter()
                        .any(|b| who.staff_covers_branch(b))
                        || collective_branch_covers(conn, who, claim)?))
        }
        Identity::Device { .. } => false,
    })
}

/// Who may review documents and decide the claim: CS agents and
/// supervisors of a branch where it is booked, and admins.
pub fn may_review(conn: &mut DbConnection, who: &Identity, claim: &Claim) -> AppResult<bool> {
    Ok(match who {
        Identity::Staff {
            role: Role::Admin, ..
        } => true,
        Identity::Staff {
            role: Role::Supervisor | Role::Cs,
            ..
        } => {
            bookings::branches_of_claim(conn, claim.id)?
                .iter()
                .any(|b| who.staff_covers_branch(b))
                || collective_branch_covers(conn, who, claim)?
        }
        _ => false,
    })
}

/// A collectively filed claim is served by its company's branch.
fn collective_branch_covers(
    conn: &mut DbConnection,
    who: &Identity,
    claim: &Claim,
) -> AppResult<bool> {
    if claim.channel != "collective" {
        return Ok(false);
    }
    Ok(crate::db::collective::branch_of_claim(conn, claim.id)?
        .is_some_and(|b| who.staff_covers_branch(&b)))
}

/// Checks, stores and records one upload for the participant's claim.
pub async fn accept_upload(
    state: &State,
    participant_id: i64,
    claim_id: i64,
    form: UploadForm,
) -> AppResult<Document> {
    let kind = DocumentKind::parse_participant_upload(&form.kind)
        .ok_or_else(|| AppError::unprocessable("unknown_kind").field("kind"))?;
    if !form.has_file {
        return Err(AppError::unprocessable("missing_file").field("file"));
    }
    // Refuse early when the claim is not theirs or not open, before any
    // parsing work.
    let claim = run(&state.db, move |db| {
        db.read(|c| -> AppResult<_> { Ok(claims::find(c, claim_id)?) })
    })
    .await?
    .filter(|c| c.participant_id == participant_id)
    .ok_or_else(|| AppError::not_found("claim_not_found"))?;
    if claim.status != "open" {
        return Err(AppError::conflict("claim_not_open"));
    }
    let max = state.settings.max_upload_bytes;
    let UploadForm {
        file_name, bytes, ..
    } = form;
    let inspected = web::block(move || uploads::inspect(&bytes, &file_name, max))
        .await
        .map_err(AppError::internal)?
        .map_err(|e| upload_error(e, max))?;
    let store = state.store.clone();
    let (key, body) = (inspected.sha256.clone(), inspected.bytes);
    let size = body.len() as i64;
    web::block(move || store.put(&key, &body))
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)?;
    let new = NewDocument {
        claim_id,
        kind: kind.code().to_string(),
        version: 1,
        is_current: true,
        status: "uploaded".into(),
        content_type: inspected.file_type.content_type().to_string(),
        size,
        sha256: inspected.sha256,
        original_name: inspected.original_name,
        uploaded_by_staff: None,
        created_at: state.clock.now_naive(),
    };
    run(&state.db, move |db| {
        db.write(|c| -> AppResult<Document> {
            docs::lock_claim(c, claim_id)?;
            // Re-checked inside the transaction: the claim may have been
            // decided meanwhile.
            let claim =
                claims::find(c, claim_id)?.ok_or_else(|| AppError::not_found("claim_not_found"))?;
            if claim.status != "open" {
                return Err(AppError::conflict("claim_not_open"));
            }
            // Only documents the claim's checklist asks for.
            let wanted = docs::dossier(c, claim.clone())?
                .checklist
                .iter()
                .any(|e| e.accepts.iter().any(|k| k.code() == new.kind));
            if !wanted {
                return Err(AppError::unprocessable("kind_not_required").field("kind"));
            }
            let (files, bytes) = docs::usage(c, claim_id)?;
            check_claim_quota(files as usize, bytes as u64, size as u64).map_err(|q| {
                AppError::conflict(match q {
                    crate::domain::documents::QuotaExceeded::TooManyFiles => "too_many_files",
                    crate::domain::documents::QuotaExceeded::StorageFull => "claim_storage_full",
                })
            })?;
            let doc = docs::add_version(c, new)?;
            // An agent serving this claim sees the new upload at once.
            crate::db::floor::notify_claim_agents(
                c,
                claim_id,
                "document",
                serde_json::json!({"claim": claim_id, "kind": doc.kind}),
                doc.created_at,
            )?;
            Ok(doc)
        })
    })
    .await
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
            status: d.status.clone(),
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
    let doc = accept_upload(&state, pid, path.into_inner(), form).await?;
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
    let identity = who.0.clone();
    // A staff member reading a participant's document is an audited
    // action. A read has no write transaction of its own, so the entry is
    // written in its own transaction before any byte is served, and the
    // file is refused when it cannot be written.
    let actor = matches!(identity, Identity::Staff { .. })
        .then(|| crate::web::extract::actor(Some(&identity), &req));
    let now = state.clock.now_naive();
    let doc = run(&state.db, move |db| {
        let found = db.read(|c| -> AppResult<Option<(Claim, Document, Option<String>)>> {
            let Some(claim) = claims::find(c, claim_id)? else {
                return Ok(None);
            };
            if !may_read(c, &identity, &claim)? {
                return Ok(None);
            }
            let Some(doc) =
                docs::find(c, doc_id)?.filter(|d| d.claim_id == claim_id && d.status != "deleted")
            else {
                return Ok(None);
            };
            let branch = match actor {
                Some(_) => bookings::branches_of_claim(c, claim.id)?.into_iter().next(),
                None => None,
            };
            Ok(Some((claim, doc, branch)))
        })?;
        let Some((claim, doc, branch)) = found else {
            return Ok(None);
        };
        if let Some(actor) = actor {
            db.write(|c| {
                crate::db::audit::record(
                    c,
                    now,
                    &actor,
                    "document_viewed",
                    &crate::db::audit::Subject {
                        participant_id: Some(claim.participant_id),
                        claim_id: Some(claim.id),
                        branch_code: branch,
                        ..Default::default()
                    },
                    serde_json::json!({"document": doc.id, "kind": doc.kind, "version": doc.version, "inline": inline}),
                )
            })?;
        }
        Ok::<_, AppError>(Some(doc))
    })
    .await?
    .ok_or_else(|| AppError::not_found("document_not_found"))?;
    let store = state.store.clone();
    let key = doc.sha256.clone();
    let bytes = web::block(move || store.get(&key))
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)?
        .ok_or_else(|| AppError::internal(format!("document {} missing from the store", doc.id)))?;
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
    who: Authenticated,
    path: web::Path<(i64, i64)>,
) -> AppResult<HttpResponse> {
    let pid = who.0.participant_id()?;
    let (claim_id, doc_id) = path.into_inner();
    remove_document(&state, pid, claim_id, doc_id).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({"status": "deleted"})))
}

pub async fn remove_document(state: &State, pid: i64, claim_id: i64, doc_id: i64) -> AppResult<()> {
    run(&state.db, move |db| {
        db.write(|c| -> AppResult<()> {
            docs::lock_claim(c, claim_id)?;
            let claim = claims::find(c, claim_id)?
                .filter(|cl| cl.participant_id == pid)
                .ok_or_else(|| AppError::not_found("document_not_found"))?;
            let doc = docs::find(c, doc_id)?
                .filter(|d| d.claim_id == claim.id && d.is_current && d.status != "deleted")
                .ok_or_else(|| AppError::not_found("document_not_found"))?;
            if claim.status != "open" {
                return Err(AppError::conflict("claim_not_open"));
            }
            docs::mark_deleted(c, doc.id)?;
            Ok(())
        })
    })
    .await
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
    let actor = crate::web::extract::actor(Some(&who.0), &req);
    let doc = review_document(&state, &who.0, actor, path.into_inner(), body.into_inner()).await?;
    Ok(HttpResponse::Ok().json(DocumentBody::from(&doc)))
}

pub async fn review_document(
    state: &State,
    who: &Identity,
    actor: crate::db::audit::Actor,
    doc_id: i64,
    r: ReviewRequest,
) -> AppResult<Document> {
    who.require_staff(&[Role::Admin, Role::Supervisor, Role::Cs])?;
    let Identity::Staff { id: reviewer, .. } = who else {
        return Err(AppError::forbidden());
    };
    let reviewer = *reviewer;
    let note = r
        .note
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_string);
    if note.as_ref().is_some_and(|n| n.chars().count() > 500) {
        return Err(AppError::unprocessable("note_too_long").field("note"));
    }
    let (status, reason) = match r.decision.trim() {
        "accept" => ("accepted", None),
        "reject" => {
            let reason = r
                .reason
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .ok_or_else(|| AppError::unprocessable("reject_reason_required").field("reason"))?;
            let reason = RejectReason::parse(reason)
                .ok_or_else(|| AppError::unprocessable("invalid_reject_reason").field("reason"))?;
            if reason == RejectReason::Other && note.is_none() {
                return Err(AppError::unprocessable("reject_note_required").field("note"));
            }
            ("rejected", Some(reason.code()))
        }
        _ => return Err(AppError::unprocessable("invalid_decision").field("decision")),
    };
    let now = state.clock.now_naive();
    let who = who.clone();
    run(&state.db, move |db| {
        db.write(|c| -> AppResult<Document> {
            let doc = docs::find(c, doc_id)?
                .filter(|d| d.status != "deleted")
                .ok_or_else(|| AppError::not_found("document_not_found"))?;
            docs::lock_claim(c, doc.claim_id)?;
            let claim = claims::find(c, doc.claim_id)?
                .ok_or_else(|| AppError::not_found("document_not_found"))?;
            if !may_review(c, &who, &claim)? {
                return Err(AppError::not_found("document_not_found"));
            }
            if claim.status != "open" {
                return Err(AppError::conflict("claim_not_open"));
            }
            if !doc.is_current {
                return Err(AppError::conflict("document_replaced"));
            }
            docs::review(c, doc.id, status, reviewer, reason, note.as_deref(), now)?;
            crate::db::audit::record(
                c,
                now,
                &actor,
                if status == "accepted" { "document_accepted" } else { "document_rejected" },
                &crate::db::audit::Subject {
                    participant_id: Some(claim.participant_id),
                    claim_id: Some(claim.id),
                    ..Default::default()
                },
                serde_json::json!({"document": doc.id, "kind": doc.kind, "version": doc.version, "reason": reason, "note": note}),
            )?;
            docs::find(c, doc.id)?.ok_or_else(|| AppError::not_found("document_not_found"))
        })
    })
    .await
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
    let d = decide_claim(
        &state,
        &who.0,
        crate::web::extract::actor(Some(&who.0), &req),
        path.into_inner(),
        "verified",
        DecisionRequest::default(),
    )
    .await?;
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
    let d = decide_claim(
        &state,
        &who.0,
        crate::web::extract::actor(Some(&who.0), &req),
        path.into_inner(),
        "rejected",
        body.into_inner(),
    )
    .await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({"id": d.id, "status": d.status})))
}

pub async fn decide_claim(
    state: &State,
    who: &Identity,
    actor: crate::db::audit::Actor,
    claim_id: i64,
    outcome: &'static str,
    r: DecisionRequest,
) -> AppResult<Claim> {
    who.require_staff(&[Role::Admin, Role::Supervisor, Role::Cs])?;
    if outcome == "rejected" {
        let reason = r
            .reason
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| AppError::unprocessable("reject_reason_required").field("reason"))?;
        RejectReason::parse(reason)
            .ok_or_else(|| AppError::unprocessable("invalid_reject_reason").field("reason"))?;
    }
    let now = state.clock.now_naive();
    let who = who.clone();
    run(&state.db, move |db| {
        db.write(|c| -> AppResult<Claim> {
            docs::lock_claim(c, claim_id)?;
            let claim =
                claims::find(c, claim_id)?.ok_or_else(|| AppError::not_found("claim_not_found"))?;
            if !may_review(c, &who, &claim)? {
                return Err(AppError::not_found("claim_not_found"));
            }
            if claim.status != "open" {
                return Err(AppError::conflict("claim_not_open"));
            }
            if outcome == "verified" && !docs::dossier(c, claim.clone())?.verifiable {
                return Err(AppError::conflict("documents_not_accepted"));
            }
            claims::decide(c, claim_id, outcome, now)?;
            let reason = r.reason.as_deref().map(str::trim).filter(|s| !s.is_empty());
            let note = r.note.as_deref().map(str::trim).filter(|s| !s.is_empty());
            claims::record_decision(c, claim_id, reason, note)?;
            crate::db::audit::record(
                c,
                now,
                &actor,
                if outcome == "verified" {
                    "claim_verified"
                } else {
                    "claim_rejected"
                },
                &crate::db::audit::Subject {
                    participant_id: Some(claim.participant_id),
                    claim_id: Some(claim.id),
                    // A branch's staff decide only claims of their branch
                    // (may_review), so the decision belongs to that branch.
                    branch_code: actor.branch.clone(),
                    ..Default::default()
                },
                serde_json::json!({"reason": reason, "note": note}),
            )?;
            claims::find(c, claim_id)?.ok_or_else(|| AppError::not_found("claim_not_found"))
        })
    })
    .await
}

#[derive(Serialize, ToSchema)]
pub struct ChecklistItemBody {
    pub item: String,
    pub accepts: Vec<String>,
    /// missing, uploaded, accepted or rejected.
    pub status: String,
    /// The rejection reason code, when rejected.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The rejection in words, with the reviewer's note.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason_text: Option<String>,
    pub label: String,
}

/// The checklist in the caller's language.
pub fn checklist_body(d: &Dossier, lang: Lang) -> Vec<ChecklistItemBody> {
    d.checklist
        .iter()
        .map(|e| {
            let note = d
                .current()
                .filter(|doc| {
                    e.accepts.iter().any(|k| k.code() == doc.kind) && doc.status == "rejected"
                })
                .max_by_key(|doc| doc.created_at)
                .and_then(|doc| doc.reject_note.clone());
            let reason_text = e.reason.as_deref().map(|code| {
                let label = RejectReason::parse(code)
                    .map(|r| match lang {
                        Lang::Id => r.label_id(),
                        Lang::En => r.label_en(),
                    })
                    .unwrap_or(code);
                match &note {
                    Some(n) => format!("{label}: {n}"),
                    None => label.to_string(),
                }
            });
            ChecklistItemBody {
                item: e.item.to_string(),
                accepts: e.accepts.iter().map(|k| k.code().to_string()).collect(),
                status: e.status.code().to_string(),
                reason: e.reason.clone(),
                reason_text,
                label: match lang {
                    Lang::Id => e.label_id,
                    Lang::En => e.label_en,
                }
                .to_string(),
            }
        })
        .collect()
}
