//! Companies' registered headcount (with history) and HR representatives:
//! their power of attorney and non-abuse statement, and the supervisor's
//! approval that opens batch uploads.

use crate::app::Status;
use actix_multipart::Multipart;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::collective::hr_of;
use crate::app::error::{AppError, AppResult};
use crate::db::audit::{self, Actor, Subject};
use crate::db::collective::{
    self as store, HeadcountChange, NewRepresentativeDocument, RepresentativeDocument,
};
use crate::db::{run, staff};
use crate::domain::dossier::upload as uploads;
use crate::domain::role::Role;
use crate::web::api::documents::read_upload;
use crate::web::auth::{Authenticated, Identity};
use crate::web::State;
use chrono::NaiveDate;

/// The two documents a representative needs before approval.
pub use crate::domain::collective::REPRESENTATIVE_KINDS;

fn staff_id(who: &Identity) -> Option<i64> {
    match who {
        Identity::Staff { id, .. } => Some(*id),
        _ => None,
    }
}

#[derive(Deserialize, ToSchema)]
pub struct HeadcountRequest {
    pub headcount: i32,
    /// `YYYY-MM-DD`, the day the figure refers to (not in the future).
    pub reference_date: String,
}

/// Sets a company's registered headcount (admin or supervisor); the
/// earlier figures stay in the history.
#[utoipa::path(put, path = "/api/v1/admin/companies/{npp}/headcount", params(("npp" = String, Path)), request_body = HeadcountRequest,
    responses((status = 200), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = [])))]
pub async fn set_headcount(
    state: State,
    req: HttpRequest,
    who: Authenticated,
    path: web::Path<String>,
    body: web::Json<HeadcountRequest>,
) -> AppResult<HttpResponse> {
    let body = body.into_inner();
    let (npp, headcount, date, history) = change_headcount(
        &state,
        &who.0,
        crate::web::extract::actor(Some(&who.0), &req),
        path.into_inner(),
        body.headcount,
        &body.reference_date,
    )
    .await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({
        "npp": npp,
        "headcount": headcount,
        "reference_date": date.format("%Y-%m-%d").to_string(),
        "history": history.iter().map(|h| serde_json::json!({
            "headcount": h.headcount,
            "reference_date": h.reference_date.format("%Y-%m-%d").to_string(),
            "set_by": h.set_by,
            "set_at": h.set_at.and_utc().to_rfc3339(),
        })).collect::<Vec<_>>(),
    })))
}

/// Sets a company's headcount as of `reference_date` (admin or
/// supervisor): (NPP, headcount, reference date, the history).
pub async fn change_headcount(
    state: &State,
    who: &Identity,
    actor: Actor,
    npp: String,
    headcount: i32,
    reference_date: &str,
) -> AppResult<(String, i32, NaiveDate, Vec<HeadcountChange>)> {
    who.require_staff(&[Role::Admin, Role::Supervisor])?;
    let npp = npp.trim().to_uppercase();
    if !(0..=10_000_000).contains(&headcount) {
        return Err(AppError::unprocessable("invalid_headcount").field("headcount"));
    }
    let date = super::parse_date("reference_date", Some(reference_date))?
        .ok_or_else(|| AppError::unprocessable("missing_field").field("reference_date"))?;
    let today = state
        .clock
        .now()
        .with_timezone(&chrono_tz::Asia::Jakarta)
        .date_naive();
    if date > today {
        return Err(AppError::unprocessable("invalid_date")
            .detail("date_in_future")
            .field("reference_date"));
    }
    let now = state.clock.now_naive();
    let identity = who.clone();
    let history = run(&state.db, move |db| {
        db.write(|c| -> AppResult<_> {
            store::lock_company(c, &npp)?;
            if !super::collective::covers_company(c, &identity, &npp)? {
                return Err(AppError::not_found("company_not_found"));
            }
            if !store::set_headcount(c, &npp, headcount, date, staff_id(&identity), now)? {
                return Err(AppError::not_found("company_not_found"));
            }
            audit::record(
                c,
                now,
                &actor,
                "headcount_set",
                &Subject::default(),
                serde_json::json!({ "company": npp, "headcount": headcount, "reference_date": date }),
            )?;
            Ok((npp.clone(), store::headcount_history(c, &npp)?))
        })
    })
    .await?;
    let (npp, history) = history;
    Ok((npp, headcount, date, history))
}

#[derive(Serialize, ToSchema)]
pub struct RepresentativeDocumentBody {
    pub id: i64,
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

/// Checks and stores one representative document of the caller (hr).
pub async fn accept_representative_document(
    state: &State,
    who: &Identity,
    actor: Actor,
    kind: String,
    file_name: String,
    bytes: Vec<u8>,
) -> AppResult<RepresentativeDocument> {
    let (sid, npp) = hr_of(who)?;
    let kind = REPRESENTATIVE_KINDS
        .iter()
        .find(|k| **k == kind.trim())
        .ok_or_else(|| AppError::unprocessable("unknown_kind").field("kind"))?;
    if bytes.is_empty() && file_name.is_empty() {
        return Err(AppError::unprocessable("missing_file").field("file"));
    }
    let max = state.settings.max_upload_bytes;
    let inspected = web::block(move || uploads::inspect(&bytes, &file_name, max))
        .await
        .map_err(AppError::internal)?
        .map_err(|e| {
            if matches!(e, uploads::UploadError::TooLarge { .. }) {
                return AppError::new(Status::PayloadTooLarge, "file_too_large")
                    .param("max_mb", (max / (1024 * 1024)).to_string());
            }
            let status = Status::from_u16(e.http_status());
            AppError::new(status, e.code())
                .detail(e.detail())
                .field("file")
        })?;
    let store_ = state.store.clone();
    let (key, body) = (inspected.sha256.clone(), inspected.bytes);
    let size = body.len() as i64;
    web::block(move || store_.put(&key, &body))
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)?;
    let now = state.clock.now_naive();
    let new = NewRepresentativeDocument {
        staff_id: sid,
        kind: kind.to_string(),
        content_type: inspected.file_type.content_type().to_string(),
        size,
        sha256: inspected.sha256,
        original_name: inspected.original_name,
        created_at: now,
    };
    run(&state.db, move |db| {
        db.write(|c| -> AppResult<_> {
            let doc = store::add_representative_document(c, &new)?;
            audit::record(
                c,
                now,
                &actor,
                "representative_document_uploaded",
                &Subject::default(),
                serde_json::json!({ "company": npp, "kind": doc.kind, "sha256": doc.sha256 }),
            )?;
            Ok(doc)
        })
    })
    .await
}

/// Uploads the representative's power of attorney or non-abuse statement
/// (multipart `kind`, `file`; JPG, PNG or PDF).
#[utoipa::path(post, path = "/api/v1/collective/representative/documents",
    request_body(content_type = "multipart/form-data", description = "fields: kind (power_of_attorney or non_abuse_statement), file"),
    responses((status = 201, body = RepresentativeDocumentBody), (status = 403, body = super::ErrorBody),
        (status = 413, body = super::ErrorBody), (status = 415, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = [])))]
pub async fn upload_document(
    state: State,
    req: HttpRequest,
    who: Authenticated,
    payload: Multipart,
) -> AppResult<HttpResponse> {
    hr_of(&who.0)?;
    let form = read_upload(&req, payload, state.settings.max_upload_bytes).await?;
    if !form.has_file {
        return Err(AppError::unprocessable("missing_file").field("file"));
    }
    let doc = accept_representative_document(
        &state,
        &who.0,
        crate::web::extract::actor(Some(&who.0), &req),
        form.kind,
        form.file_name,
        form.bytes,
    )
    .await?;
    Ok(HttpResponse::Created().json(RepresentativeDocumentBody::from(&doc)))
}

/// Approves an HR representative (supervisor or admin) once both
/// documents are on file.
pub async fn approve_representative(
    state: &State,
    who: &Identity,
    actor: Actor,
    target: i64,
) -> AppResult<()> {
    who.require_staff(&[Role::Admin, Role::Supervisor])?;
    let by = staff_id(who).ok_or_else(AppError::forbidden)?;
    let now = state.clock.now_naive();
    let who = who.clone();
    run(&state.db, move |db| {
        db.write(|c| -> AppResult<()> {
            let rep = staff::find(c, target)?
                .filter(|s| s.role == "hr")
                .ok_or_else(|| AppError::not_found("representative_not_found"))?;
            let company = rep.company_npp.clone().unwrap_or_default();
            if !super::collective::covers_company(c, &who, &company)? {
                return Err(AppError::not_found("representative_not_found"));
            }
            let docs = store::representative_documents(c, target)?;
            let complete = REPRESENTATIVE_KINDS
                .iter()
                .all(|k| docs.iter().any(|d| d.kind == *k));
            if !complete {
                return Err(AppError::conflict("representative_documents_missing"));
            }
            store::approve_representative(c, target, by, now)?;
            audit::record(
                c,
                now,
                &actor,
                "representative_approved",
                &Subject::default(),
                serde_json::json!({ "representative": target, "company": rep.company_npp }),
            )?;
            Ok(())
        })
    })
    .await
}

/// Approves an HR representative.
#[utoipa::path(post, path = "/api/v1/admin/representatives/{id}/approve", params(("id" = i64, Path)),
    responses((status = 200), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody)),
    security(("bearer" = [])))]
pub async fn approve(
    state: State,
    req: HttpRequest,
    who: Authenticated,
    path: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    approve_representative(
        &state,
        &who.0,
        crate::web::extract::actor(Some(&who.0), &req),
        id,
    )
    .await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "id": id, "approved": true })))
}
