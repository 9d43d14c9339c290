//! Video over HTTP: the ICE servers browsers use (a setting), and the still
//! an agent takes from the participant's video as identity evidence,
//! stored like any claim document (kind `identity_photo`, through the same
//! upload checks and document store) and written to the audit log.

use crate::app::Status;
use actix_multipart::Multipart;
use actix_web::{web, HttpRequest, HttpResponse};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use super::documents::{read_upload, DocumentBody};
use crate::app::error::{AppError, AppResult};
use crate::app::floor::console::cs_of;
use crate::db::audit::{self, Subject};
use crate::db::documents::{self as docs, NewDocument};
use crate::db::floor::FloorSession;
use crate::db::schema::{floor_sessions, tickets};
use crate::db::{claims, run};
use crate::domain::dossier::upload as uploads;
use crate::domain::dossier::{check_claim_quota, DocumentKind, QuotaExceeded};
use crate::domain::signal::IceServer;
use crate::web::auth::identify;
use crate::web::State;

#[derive(Serialize, ToSchema)]
pub struct IceConfig {
    /// `RTCIceServer` entries (`urls`, and for TURN `username` and
    /// `credential`); empty on a branch LAN, where host candidates suffice.
    #[schema(value_type = Vec<Object>)]
    pub ice_servers: Vec<IceServer>,
}

/// The ICE servers for video (signed-in callers and booth computers).
#[utoipa::path(get, path = "/api/v1/video/ice",
    responses((status = 200, body = IceConfig), (status = 401, body = super::ErrorBody)),
    security(("bearer" = [])))]
pub async fn ice(req: HttpRequest, state: State) -> AppResult<HttpResponse> {
    let known = identify(&req).await?.is_some()
        || crate::web::pages::booth::booth_device(&state, &req)
            .await?
            .is_some();
    if !known {
        return Err(AppError::unauthenticated());
    }
    Ok(HttpResponse::Ok()
        .insert_header(("cache-control", "no-store"))
        .json(IceConfig {
            ice_servers: state.settings.ice_servers.clone(),
        }))
}

fn upload_error(e: uploads::UploadError) -> AppError {
    let status = Status::from_u16(e.http_status());
    AppError::new(status, e.code())
        .detail(e.detail())
        .field("file")
}

/// Stores a still from the participant's video (multipart field `file`,
/// JPEG or PNG) as the claim's `identity_photo` document (the agent of the
/// open session only). Checked like every upload; metadata is stripped.
#[utoipa::path(post, path = "/api/v1/video/sessions/{id}/still", params(("id" = i64, Path)),
    request_body(content_type = "multipart/form-data", description = "field: file (JPEG or PNG)"),
    responses((status = 201, body = DocumentBody), (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody),
        (status = 413, body = super::ErrorBody), (status = 415, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = [])))]
pub async fn still(
    state: State,
    req: HttpRequest,
    who: crate::web::auth::Authenticated,
    path: web::Path<i64>,
    payload: Multipart,
) -> AppResult<HttpResponse> {
    let (staff_id, _) = cs_of(&crate::web::extract::actor(Some(&who.0), &req))?;
    let session_id = path.into_inner();
    // Refuse before reading the body when the session is not theirs.
    let (session, claim_id, participant_id) = open_session(&state, staff_id, session_id).await?;
    let max = state.settings.max_upload_bytes;
    let form = read_upload(&req, payload, max).await?;
    if !form.has_file {
        return Err(AppError::unprocessable("missing_file").field("file"));
    }
    let name = if form.file_name.is_empty() {
        "identity_photo.jpg".to_string()
    } else {
        form.file_name
    };
    let bytes = form.bytes;
    let inspected = web::block(move || uploads::inspect(&bytes, &name, max))
        .await
        .map_err(AppError::internal)?
        .map_err(upload_error)?;
    if !inspected.file_type.content_type().starts_with("image/") {
        return Err(AppError::new(Status::UnsupportedMediaType, "unsupported_type").field("file"));
    }
    let store = state.store.clone();
    let (key, body) = (inspected.sha256.clone(), inspected.bytes);
    let size = body.len() as i64;
    web::block(move || store.put(&key, &body))
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)?;
    let now = state.clock.now_naive();
    let new = NewDocument {
        claim_id,
        kind: DocumentKind::IdentityPhoto.code().to_string(),
        version: 1,
        is_current: true,
        status: "uploaded".into(),
        content_type: inspected.file_type.content_type().to_string(),
        size,
        sha256: inspected.sha256,
        original_name: inspected.original_name,
        uploaded_by_staff: Some(staff_id),
        created_at: now,
    };
    let actor = crate::web::extract::actor(Some(&who.0), &req);
    let doc = run(&state.db, move |db| {
        db.write(|c| -> AppResult<_> {
            docs::lock_claim(c, claim_id)?;
            // Re-checked inside the transaction: the session may have
            // ended, the claim been decided.
            let open: Option<i64> = floor_sessions::table
                .find(session.id)
                .filter(floor_sessions::finished_at.is_null())
                .filter(floor_sessions::agent_id.eq(staff_id))
                .select(floor_sessions::id)
                .first(c)
                .optional()
                .map_err(crate::db::DbError::from)?;
            if open.is_none() {
                return Err(AppError::not_found("session_not_found"));
            }
            let claim = claims::find(c, claim_id)?.ok_or_else(|| AppError::conflict("no_claim"))?;
            if claim.status != "open" {
                return Err(AppError::conflict("claim_not_open"));
            }
            let (files, bytes) = docs::usage(c, claim_id)?;
            check_claim_quota(files as usize, bytes as u64, size as u64).map_err(|q| {
                AppError::conflict(match q {
                    QuotaExceeded::TooManyFiles => "too_many_files",
                    QuotaExceeded::StorageFull => "claim_storage_full",
                })
            })?;
            let doc = docs::add_version(c, new)?;
            audit::record(
                c,
                now,
                &actor,
                "identity_photo_taken",
                &Subject {
                    participant_id,
                    claim_id: Some(claim_id),
                    session_id: Some(session.id),
                    branch_code: Some(session.branch_code.clone()),
                    ..Subject::default()
                },
                serde_json::json!({"document": doc.id, "sha256": doc.sha256, "size": doc.size}),
            )?;
            crate::db::floor::notify_claim_agents(
                c,
                claim_id,
                "document",
                serde_json::json!({"claim": claim_id, "kind": doc.kind}),
                now,
            )?;
            Ok(doc)
        })
    })
    .await?;
    Ok(HttpResponse::Created().json(DocumentBody::from(&doc)))
}

/// The agent's open session with its claim and participant.
async fn open_session(
    state: &State,
    staff_id: i64,
    session_id: i64,
) -> AppResult<(FloorSession, i64, Option<i64>)> {
    run(&state.db, move |db| {
        db.read(|c| -> AppResult<_> {
            let found: Option<(FloorSession, Option<i64>, Option<i64>)> = floor_sessions::table
                .inner_join(tickets::table)
                .filter(floor_sessions::id.eq(session_id))
                .filter(floor_sessions::agent_id.eq(staff_id))
                .filter(floor_sessions::finished_at.is_null())
                .select((
                    FloorSession::as_select(),
                    tickets::claim_id,
                    tickets::participant_id,
                ))
                .first(c)
                .optional()
                .map_err(crate::db::DbError::from)?;
            let (s, claim, participant) =
                found.ok_or_else(|| AppError::not_found("session_not_found"))?;
            let claim = claim.ok_or_else(|| AppError::conflict("no_claim"))?;
            Ok((s, claim, participant))
        })
    })
    .await
}
