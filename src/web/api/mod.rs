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
pub mod contact;
pub mod documents;
pub mod floor;
pub mod outreach;
pub mod overview;
pub mod planner;
pub mod representatives;
pub mod staff;
pub mod video;
pub mod vocab;
pub mod waitlist;

use std::collections::BTreeMap;

use actix_web::{web, HttpResponse};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, Response, ResponseBuilder};
use utoipa::OpenApi;

use super::State;
use crate::app::error::{AppError, AppResult};
use crate::db::run;
use vocab::Precise;

#[derive(OpenApi)]
#[openapi(
    info(title = "Antre API", version = "1", description = "JHT claim queueing at BPJS Ketenagakerjaan branches. Errors: {\"error\":{\"code\",\"message\",\"field\"?}}."),
    paths(
        health, ready,
        accounts::login, accounts::logout, accounts::register, accounts::me,
        accounts::password_reset, accounts::password_reset_confirm,
        contact::verify_email, contact::resend, contact::change_email, contact::change_phone, contact::set_messages,
        claims::create, claims::get,
        branches::list, branches::slots,
        bookings::create, bookings::get, bookings::reschedule, bookings::cancel,
        bookings::draw_request, bookings::set_release,
        admin::set_capacity, admin::create_company, admin::close_branch,
        documents::upload, documents::file, documents::delete, documents::review,
        documents::verify, documents::reject,
        floor::arrive, floor::set_status, floor::sessions, floor::finish, floor::transfer,
        floor::register_walk_in, floor::open_walk_in_claim,
        floor::board, floor::issue_device, floor::settings, floor::arrive_online, floor::confirm_identity,
        audit::entries, audit::entries_csv, audit::timeline, audit::checkpoints, audit::public_key,
        audit::agents, audit::anomalies,
        representatives::set_headcount, representatives::upload_document,
        representatives::approve, collective::upload, collective::get, collective::errors_csv_file,
        collective::template, collective::submit, collective::workers_csv_file,
        collective_documents::upload, collective_documents::upload_letter, collective_documents::letter,
        video::ice, video::still,
        waitlist::join, waitlist::get, waitlist::accept, waitlist::withdraw, waitlist::first_free,
        planner::simulate, overview::branches,
        outreach::worklist, outreach::claim, outreach::release, outreach::attempt, outreach::message, outreach::figures,
        staff::list, staff::invite, staff::get, staff::change, staff::reinvite,
    ),
    components(schemas(ErrorBody, ErrorDetail)),
    modifiers(&BearerAuth, &Precise)
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

/// The refusals of an upload to a claim (a participant's document, a
/// video still), each with an [`ErrorBody`]: 404 no such claim or session,
/// 409 the claim takes no documents now, 413 too large, 415 not a JPEG,
/// PNG or PDF, 422 invalid fields, 503 the document store is down
/// (nothing was stored). For `#[utoipa::path(responses(..))]`.
pub struct ClaimUploadErrors;

impl utoipa::IntoResponses for ClaimUploadErrors {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        [404, 409, 413, 415, 422, 503]
            .iter()
            .map(|status| (status.to_string(), error_response()))
            .collect()
    }
}

/// A response with an [`ErrorBody`], as `(status = .., body = ErrorBody)`
/// describes it.
fn error_response() -> RefOr<Response> {
    let body = ContentBuilder::new()
        .schema(Some(Ref::from_schema_name("ErrorBody")))
        .build();
    ResponseBuilder::new()
        .description("")
        .content("application/json", body)
        .build()
        .into()
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
    let api = crate::routes!(web::scope("/api/v1");
            get "/openapi.json" => openapi,
            post "/auth/login" => accounts::login,
            post "/auth/logout" => accounts::logout,
            post "/auth/password-reset" => accounts::password_reset,
            post "/auth/password-reset/confirm" => accounts::password_reset_confirm,
            post "/participants" => accounts::register,
            get "/me" => accounts::me,
            post "/auth/verify-email" => contact::verify_email,
            post "/me/email/verification" => contact::resend,
            post "/me/email" => contact::change_email,
            put "/me/phone" => contact::change_phone,
            put "/me/messages" => contact::set_messages,
            post "/claims" => claims::create,
            get "/claims/{id}" => claims::get,
            post "/claims/{id}/documents" => documents::upload,
            get "/claims/{id}/documents/{doc}" => documents::file,
            delete "/claims/{id}/documents/{doc}" => documents::delete,
            post "/claims/{id}/verify" => documents::verify,
            post "/claims/{id}/reject" => documents::reject,
            post "/documents/{id}/review" => documents::review,
            post "/branches/{code}/arrivals" => floor::arrive,
            get "/branches/{code}/board" => floor::board,
            get "/branches/{code}/events" => floor::branch_events,
            post "/branches/{code}/devices" => floor::issue_device,
            put "/branches/{code}/floor" => floor::settings,
            post "/branches/{code}/closures" => admin::close_branch,
            put "/branches/{code}/release" => bookings::set_release,
            get "/draw-requests/{id}" => bookings::draw_request,
            post "/bookings/{code}/arrive" => floor::arrive_online,
            put "/console/status" => floor::set_status,
            get "/console/sessions" => floor::sessions,
            get "/console/events" => floor::console_events,
            post "/console/sessions/{id}/finish" => floor::finish,
            post "/console/sessions/{id}/transfer" => floor::transfer,
            post "/console/sessions/{id}/identity" => floor::confirm_identity,
            post "/console/sessions/{id}/register" => floor::register_walk_in,
            post "/console/sessions/{id}/claims" => floor::open_walk_in_claim,
            get "/video/ice" => video::ice,
            post "/video/sessions/{id}/still" => video::still,
            get "/video/signal" => super::video_ws::channel,
            get "/branches" => branches::list,
            get "/branches/{code}/slots" => branches::slots,
            post "/bookings" => bookings::create,
            get "/bookings/{code}" => bookings::get,
            delete "/bookings/{code}" => bookings::cancel,
            post "/bookings/{code}/reschedule" => bookings::reschedule,
            post "/waitlist" => waitlist::join,
            get "/waitlist/{id}" => waitlist::get,
            delete "/waitlist/{id}" => waitlist::withdraw,
            post "/waitlist/{id}/accept" => waitlist::accept,
            get "/slots/first-free" => waitlist::first_free,
            put "/admin/slots/{id}/capacity" => admin::set_capacity,
            post "/admin/companies" => admin::create_company,
            put "/admin/companies/{npp}/headcount" => representatives::set_headcount,
            post "/admin/representatives/{id}/approve" => representatives::approve,
            get "/collective/template.csv" => collective::template,
            post "/collective/representative/documents" => representatives::upload_document,
            get "/audit/entries" => audit::entries,
            get "/audit/entries.csv" => audit::entries_csv,
            get "/audit/claims/{id}/timeline" => audit::timeline,
            get "/audit/checkpoints" => audit::checkpoints,
            get "/audit/public-key" => audit::public_key,
            get "/audit/agents" => audit::agents,
            get "/audit/anomalies" => audit::anomalies,
            post "/collective/batches" => collective::upload,
            get "/collective/batches/{id}" => collective::get,
            get "/collective/batches/{id}/errors.csv" => collective::errors_csv_file,
            get "/collective/batches/{id}/workers.csv" => collective::workers_csv_file,
            post "/collective/batches/{id}/submit" => collective::submit,
            post "/collective/batches/{id}/documents" => collective_documents::upload,
            post "/collective/batches/{id}/letter" => collective_documents::upload_letter,
            get "/collective/batches/{id}/letter" => collective_documents::letter,
            post "/planner/simulate" => planner::simulate,
            get "/overview/branches" => overview::branches,
            get "/overview/events" => overview::events,
            get "/outreach/worklist" => outreach::worklist,
            get "/outreach/figures" => outreach::figures,
            post "/outreach/{id}/claim" => outreach::claim,
            delete "/outreach/{id}/claim" => outreach::release,
            post "/outreach/{id}/attempts" => outreach::attempt,
            post "/outreach/{id}/messages" => outreach::message,
            get "/staff" => staff::list,
            post "/staff" => staff::invite,
            get "/staff/{id}" => staff::get,
            patch "/staff/{id}" => staff::change,
            post "/staff/{id}/invitation" => staff::reinvite,
    );
    cfg.route("/health", web::get().to(health))
        .route("/ready", web::get().to(ready))
        .service(api.default_service(web::to(super::not_found)));
}

/// The process runs.
#[utoipa::path(get, path = "/health", responses((status = 200, description = "alive")))]
pub async fn health() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({"status": "ok"}))
}

/// The database answers and the instance is not draining.
#[utoipa::path(get, path = "/ready", responses((status = 200, description = "database reachable"), (status = 503, description = "database down, or draining before a stop")))]
pub async fn ready(state: State) -> HttpResponse {
    if state.instance.stop.is_on() {
        return HttpResponse::ServiceUnavailable().json(serde_json::json!({"status": "draining"}));
    }
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

/// 200 with a JSON body.
pub fn ok(body: impl serde::Serialize) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(body))
}

/// 201 with a JSON body.
pub fn created(body: impl serde::Serialize) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Created().json(body))
}

/// 202 with a JSON body: accepted, with a mail on its way.
pub fn accepted(body: impl serde::Serialize) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Accepted().json(body))
}

/// 201 for something new, 200 for the answer to an earlier request
/// repeated (the same file, the same ticket, a replayed booking).
pub fn fresh(new: bool, body: impl serde::Serialize) -> HttpResponse {
    if new {
        HttpResponse::Created().json(body)
    } else {
        HttpResponse::Ok().json(body)
    }
}

/// What every API handler answers.
pub type Reply = AppResult<HttpResponse>;
