//! The stable JSON API under `/api/v1` (see shared/API.md), described by
//! the OpenAPI document served at `/api/v1/openapi.json`.

pub mod accounts;
pub mod admin;
pub mod audit;
pub mod bookings;
pub mod branches;
pub mod claims;
pub mod collective;
pub mod collective_documents;
pub mod collective_letter;
pub mod collective_submit;
pub mod documents;
pub mod floor;
pub mod representatives;
pub mod video;

use actix_web::{web, HttpResponse};
use utoipa::OpenApi;

use super::State;
use crate::app::error::AppError;
use crate::db::run;

#[derive(OpenApi)]
#[openapi(
    info(title = "Antre API", version = "1", description = "JHT claim queueing at BPJS Ketenagakerjaan branches. Errors: {\"error\":{\"code\",\"message\",\"field\"?}}."),
    paths(
        health, ready,
        accounts::login, accounts::logout, accounts::register, accounts::me,
        claims::create, claims::get,
        branches::list, branches::slots,
        bookings::create, bookings::get, bookings::reschedule, bookings::cancel,
        admin::set_capacity, admin::create_company,
        documents::upload, documents::file, documents::delete, documents::review,
        documents::verify, documents::reject,
        floor::arrive, floor::set_status, floor::sessions, floor::finish, floor::transfer,
        floor::board, floor::issue_device, floor::settings, floor::arrive_online, floor::confirm_identity,
        audit::entries, audit::entries_csv, audit::timeline, audit::checkpoints, audit::public_key,
        audit::agents, audit::anomalies,
        representatives::set_headcount, representatives::upload_document,
        representatives::approve, collective::upload, collective::get, collective::errors_csv_file,
        collective::template, collective_submit::submit, collective_submit::workers_csv_file,
        collective_documents::upload, collective_letter::upload, collective_letter::file,
        video::ice, video::still,
    ),
    components(schemas(ErrorBody, ErrorDetail)),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        if let Some(c) = openapi.components.as_mut() {
            c.add_security_scheme(
                "bearer",
                SecurityScheme::Http(
                    HttpBuilder::new()
                        .scheme(HttpAuthScheme::Bearer)
                        .bearer_format("JWT")
                        .build(),
                ),
            );
        }
    }
}

/// Every error response.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Stable snake_case code.
    pub code: String,
    /// A sentence in the caller's language.
    pub message: String,
    /// The offending input field, for validation errors.
    pub field: Option<String>,
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/health", web::get().to(health))
        .route("/ready", web::get().to(ready))
        .service(
            web::scope("/api/v1")
                .route("/openapi.json", web::get().to(openapi))
                .route("/auth/login", web::post().to(accounts::login))
                .route("/auth/logout", web::post().to(accounts::logout))
                .route("/participants", web::post().to(accounts::register))
                .route("/me", web::get().to(accounts::me))
                .route("/claims", web::post().to(claims::create))
                .route("/claims/{id}", web::get().to(claims::get))
                .route("/claims/{id}/documents", web::post().to(documents::upload))
                .route(
                    "/claims/{id}/documents/{doc}",
                    web::get().to(documents::file),
                )
                .route(
                    "/claims/{id}/documents/{doc}",
                    web::delete().to(documents::delete),
                )
                .route("/claims/{id}/verify", web::post().to(documents::verify))
                .route("/claims/{id}/reject", web::post().to(documents::reject))
                .route("/documents/{id}/review", web::post().to(documents::review))
                .route("/branches/{code}/arrivals", web::post().to(floor::arrive))
                .route("/branches/{code}/board", web::get().to(floor::board))
                .route(
                    "/branches/{code}/events",
                    web::get().to(floor::branch_events),
                )
                .route(
                    "/branches/{code}/devices",
                    web::post().to(floor::issue_device),
                )
                .route("/branches/{code}/floor", web::put().to(floor::settings))
                .route(
                    "/bookings/{code}/arrive",
                    web::post().to(floor::arrive_online),
                )
                .route("/console/status", web::put().to(floor::set_status))
                .route("/console/sessions", web::get().to(floor::sessions))
                .route("/console/events", web::get().to(floor::console_events))
                .route(
                    "/console/sessions/{id}/finish",
                    web::post().to(floor::finish),
                )
                .route(
                    "/console/sessions/{id}/transfer",
                    web::post().to(floor::transfer),
                )
                .route(
                    "/console/sessions/{id}/identity",
                    web::post().to(floor::confirm_identity),
                )
                .route("/video/ice", web::get().to(video::ice))
                .route("/video/sessions/{id}/still", web::post().to(video::still))
                .route("/video/signal", web::get().to(super::video_ws::channel))
                .route("/branches", web::get().to(branches::list))
                .route("/branches/{code}/slots", web::get().to(branches::slots))
                .route("/bookings", web::post().to(bookings::create))
                .route("/bookings/{code}", web::get().to(bookings::get))
                .route("/bookings/{code}", web::delete().to(bookings::cancel))
                .route(
                    "/bookings/{code}/reschedule",
                    web::post().to(bookings::reschedule),
                )
                .route(
                    "/admin/slots/{id}/capacity",
                    web::put().to(admin::set_capacity),
                )
                .route("/admin/companies", web::post().to(admin::create_company))
                .route(
                    "/admin/companies/{npp}/headcount",
                    web::put().to(representatives::set_headcount),
                )
                .route(
                    "/admin/representatives/{id}/approve",
                    web::post().to(representatives::approve),
                )
                .route(
                    "/collective/template.csv",
                    web::get().to(collective::template),
                )
                .route(
                    "/collective/representative/documents",
                    web::post().to(representatives::upload_document),
                )
                .route("/audit/entries", web::get().to(audit::entries))
                .route("/audit/entries.csv", web::get().to(audit::entries_csv))
                .route(
                    "/audit/claims/{id}/timeline",
                    web::get().to(audit::timeline),
                )
                .route("/audit/checkpoints", web::get().to(audit::checkpoints))
                .route("/audit/public-key", web::get().to(audit::public_key))
                .route("/audit/agents", web::get().to(audit::agents))
                .route("/audit/anomalies", web::get().to(audit::anomalies))
                .route("/collective/batches", web::post().to(collective::upload))
                .route("/collective/batches/{id}", web::get().to(collective::get))
                .route(
                    "/collective/batches/{id}/errors.csv",
                    web::get().to(collective::errors_csv_file),
                )
                .route(
                    "/collective/batches/{id}/workers.csv",
                    web::get().to(collective_submit::workers_csv_file),
                )
                .route(
                    "/collective/batches/{id}/submit",
                    web::post().to(collective_submit::submit),
                )
                .route(
                    "/collective/batches/{id}/documents",
                    web::post().to(collective_documents::upload),
                )
                .route(
                    "/collective/batches/{id}/letter",
                    web::post().to(collective_letter::upload),
                )
                .route(
                    "/collective/batches/{id}/letter",
                    web::get().to(collective_letter::file),
                )
                .default_service(web::to(super::not_found)),
        );
}

/// The process runs.
#[utoipa::path(get, path = "/health", responses((status = 200, description = "alive")))]
pub async fn health() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({"status": "ok"}))
}

/// The database answers.
#[utoipa::path(get, path = "/ready", responses((status = 200, description = "database reachable"), (status = 503, description = "database down")))]
pub async fn ready(state: State) -> HttpResponse {
    let ok = run(&state.db, |db| {
        db.read(|c| -> Result<i64, AppError> { Ok(crate::db::branches::count(c)?) })
    })
    .await;
    match ok {
        Ok(_) => HttpResponse::Ok().json(serde_json::json!({"status": "ready"})),
        Err(_) => HttpResponse::ServiceUnavailable()
            .json(serde_json::json!({"status": "database_unavailable"})),
    }
}

pub async fn openapi() -> HttpResponse {
    HttpResponse::Ok().json(ApiDoc::openapi())
}

/// Parses a `YYYY-MM-DD` field, naming the field when it is not a date.
pub fn parse_date(
    field: &'static str,
    value: Option<&str>,
) -> Result<Option<chrono::NaiveDate>, AppError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| AppError::unprocessable("invalid_date").field(field)),
    }
}
