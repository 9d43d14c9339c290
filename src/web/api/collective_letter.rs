//! The mass termination letter of a collective batch: a document of the
//! batch, not of a worker. The company's HR representative uploads it
//! (PDF, JPEG or PNG, checked like any upload); whoever may see the batch
//! downloads it, served with the same safe headers as claim documents.

use crate::app::Status;
use actix_multipart::Multipart;
use actix_web::http::header::{ContentDisposition, DispositionParam, DispositionType};
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

use super::collective::{representative, visible_batch};
use crate::app::error::{AppError, AppResult};
use crate::db::audit::{self, Actor, Subject};
use crate::db::collective as store;
use crate::db::collective_staff::{self as letters, Letter, NewLetter};
use crate::db::run;
use crate::domain::dossier::upload as uploads;
use crate::web::api::documents::{read_upload, FileQuery};
use crate::web::auth::{Authenticated, Identity};
use crate::web::State;

#[derive(Serialize, ToSchema)]
pub struct LetterBody {
    pub id: i64,
    pub batch_id: i64,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub original_name: String,
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

/// Checks and stores the letter of a batch of the caller's company.
pub async fn accept_letter(
    state: &State,
    who: &Identity,
    actor: Actor,
    batch_id: i64,
    file_name: String,
    bytes: Vec<u8>,
) -> AppResult<Letter> {
    let (staff_id, npp) = representative(state, who).await?;
    let company = npp.clone();
    run(&state.db, move |db| {
        db.read(|c| -> AppResult<()> {
            store::find_batch(c, batch_id)?
                .filter(|b| b.company_npp == company)
                .map(|_| ())
                .ok_or_else(|| AppError::not_found("batch_not_found"))
        })
    })
    .await?;
    let max = state.settings.max_upload_bytes;
    let inspected = web::block(move || uploads::inspect(&bytes, &file_name, max))
        .await
        .map_err(AppError::internal)?
        .map_err(|e| {
            if matches!(e, uploads::UploadError::TooLarge { .. }) {
                return AppError::new(Status::PayloadTooLarge, "file_too_large")
                    .param("max_mb", (max >> 20).to_string());
            }
            let status = Status::from_u16(e.http_status());
            AppError::new(status, e.code())
                .detail(e.detail())
                .field("file")
        })?;
    let files = state.store.clone();
    let (key, body) = (inspected.sha256.clone(), inspected.bytes);
    let size = body.len() as i64;
    web::block(move || files.put(&key, &body))
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)?;
    let now = state.clock.now_naive();
    let new = NewLetter {
        batch_id,
        content_type: inspected.file_type.content_type().to_string(),
        size,
        sha256: inspected.sha256,
        original_name: inspected.original_name,
        uploaded_by: staff_id,
        created_at: now,
    };
    run(&state.db, move |db| {
        db.write(|c| -> AppResult<Letter> {
            let letter = letters::add_letter(c, &new)?;
            audit::record(
                c,
                now,
                &actor,
                "collective_letter_uploaded",
                &Subject::default(),
                serde_json::json!({ "company": npp, "batch": batch_id, "sha256": letter.sha256 }),
            )?;
            Ok(letter)
        })
    })
    .await
}

/// Uploads the batch's mass termination letter (multipart field `file`:
/// PDF, JPEG or PNG); a newer upload replaces the current one.
#[utoipa::path(post, path = "/api/v1/collective/batches/{id}/letter", params(("id" = i64, Path)),
    request_body(content_type = "multipart/form-data", description = "field: file (PDF, JPEG or PNG)"),
    responses((status = 201, body = LetterBody), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody),
        (status = 413, body = super::ErrorBody), (status = 415, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = [])))]
pub async fn upload(
    state: State,
    req: HttpRequest,
    who: Authenticated,
    path: web::Path<i64>,
    payload: Multipart,
) -> AppResult<HttpResponse> {
    representative(&state, &who.0).await?;
    let form = read_upload(&req, payload, state.settings.max_upload_bytes).await?;
    if !form.has_file {
        return Err(AppError::unprocessable("missing_file").field("file"));
    }
    let letter = accept_letter(
        &state,
        &who.0,
        crate::web::extract::actor(Some(&who.0), &req),
        path.into_inner(),
        form.file_name,
        form.bytes,
    )
    .await?;
    Ok(HttpResponse::Created().json(LetterBody::from(&letter)))
}

/// The batch's current letter, to those who may see the batch.
#[utoipa::path(get, path = "/api/v1/collective/batches/{id}/letter", params(("id" = i64, Path), FileQuery),
    responses((status = 200, description = "the file"), (status = 404, body = super::ErrorBody)), security(("bearer" = [])))]
pub async fn file(
    state: State,
    who: Authenticated,
    path: web::Path<i64>,
    q: web::Query<FileQuery>,
) -> AppResult<HttpResponse> {
    let batch = visible_batch(&state, &who.0, path.into_inner()).await?;
    let letter = run(&state.db, move |db| {
        db.read(|c| -> AppResult<_> { Ok(letters::current_letter(c, batch.id)?) })
    })
    .await?
    .ok_or_else(|| AppError::not_found("letter_not_found"))?;
    let files = state.store.clone();
    let key = letter.sha256.clone();
    let bytes = web::block(move || files.get(&key))
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)?
        .ok_or_else(|| {
            AppError::internal(format!("letter {} missing from the store", letter.id))
        })?;
    Ok(letter_response(
        &letter,
        bytes,
        q.inline.as_deref() == Some("1"),
    ))
}

/// Serves the letter as `documents::file_response` serves a claim
/// document: never sniffed, never scripted, a generated download name.
fn letter_response(letter: &Letter, bytes: Vec<u8>, inline: bool) -> HttpResponse {
    let ext = match letter.content_type.as_str() {
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
            "surat-phk-massal-batch-{}.{ext}",
            letter.batch_id
        ))],
    };
    let mut res = HttpResponse::Ok();
    res.content_type(letter.content_type.as_str())
        .insert_header(disposition)
        .insert_header(("x-content-type-options", "nosniff"))
        .insert_header(("cache-control", "private, no-store"));
    if inline {
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
