//! Browser pages: server-rendered, usable without JavaScript, every form
//! protected against CSRF, every sentence from the catalog.

pub mod account;
pub mod audit;
pub mod booth;
pub mod branches;
pub mod collective;
pub mod collective_staff;
pub mod floor;
pub mod home;
pub mod me;
pub mod staff;

use actix_web::cookie::Cookie;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use maud::{html, Markup};

use super::auth::{identify, Identity};
use super::{csrf, lang};
use crate::app::error::AppError;
use crate::i18n::{t, Lang};
use crate::views::layout::{self, Frame};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(home::home))
        .route("/static/antre.css", web::get().to(stylesheet))
        .route("/static/favicon.svg", web::get().to(favicon))
        .route("/lang/{code}", web::get().to(account::switch_lang))
        .route("/register", web::get().to(account::register_form))
        .route("/register", web::post().to(account::register_submit))
        .route("/login", web::get().to(account::login_form))
        .route("/login", web::post().to(account::login_submit))
        .route("/staff/login", web::get().to(account::staff_login_form))
        .route("/staff/login", web::post().to(account::staff_login_submit))
        .route("/logout", web::post().to(account::logout))
        .route("/branches", web::get().to(branches::finder))
        .route("/branches/{code}", web::get().to(branches::day_view))
        .route("/me", web::get().to(me::overview))
        .route("/claims/new", web::get().to(me::claim_form))
        .route("/claims/new", web::post().to(me::claim_submit))
        .route("/claims/{id}/documents", web::post().to(me::upload_submit))
        .route(
            "/claims/{id}/documents/{doc}/delete",
            web::post().to(me::delete_submit),
        )
        .route("/bookings", web::post().to(me::book_submit))
        .route(
            "/bookings/{code}/reschedule",
            web::post().to(me::reschedule_submit),
        )
        .route("/bookings/{code}/cancel", web::post().to(me::cancel_submit))
        .route("/staff", web::get().to(staff::dashboard))
        .route("/audit", web::get().to(audit::console))
        .route("/audit/claims/{id}", web::get().to(audit::claim_timeline))
        .route("/audit/agents", web::get().to(audit::agents))
        .route("/audit/anomalies", web::get().to(audit::anomalies))
        .route(
            "/staff/slots/{id}/capacity",
            web::post().to(staff::capacity_submit),
        )
        .route("/kiosk/{code}", web::get().to(floor::kiosk))
        .route("/kiosk/{code}", web::post().to(floor::kiosk_submit))
        .route(
            "/kiosk/{code}/activate",
            web::post().to(floor::kiosk_activate),
        )
        .route("/board/{code}", web::get().to(floor::board))
        .route("/console", web::get().to(floor::console))
        .route(
            "/console/sessions/{id}/identity",
            web::post().to(floor::console_identity),
        )
        .route(
            "/staff/sessions/{id}/reassign",
            web::post().to(floor::reassign),
        )
        .route("/session/{code}", web::get().to(floor::session_page))
        .route("/session/{code}/join", web::post().to(floor::session_join))
        .route("/console/status", web::post().to(floor::console_status))
        .route(
            "/console/sessions/{id}/finish",
            web::post().to(floor::console_finish),
        )
        .route("/staff/floor", web::get().to(floor::supervisor_floor))
        .route(
            "/staff/floor/{code}/settings",
            web::post().to(floor::settings_submit),
        )
        .route(
            "/staff/tickets/{id}/priority",
            web::post().to(floor::set_priority),
        )
        .route(
            "/staff/agents/{id}/status",
            web::post().to(floor::agent_status),
        )
        .route("/static/live.js", web::get().to(live_js))
        .route("/static/rtc.js", web::get().to(rtc_js))
        .route("/booth/{code}/{number}", web::get().to(booth::page))
        .route(
            "/booth/{code}/{number}/activate",
            web::post().to(booth::activate),
        )
        .route("/staff/claims/{id}", web::get().to(staff::claim_review))
        .route(
            "/staff/claims/{id}/verify",
            web::post().to(staff::verify_submit),
        )
        .route(
            "/staff/claims/{id}/reject",
            web::post().to(staff::reject_submit),
        )
        .route(
            "/staff/documents/{id}/review",
            web::post().to(staff::review_submit),
        )
        .route("/hr", web::get().to(collective::home))
        .route("/hr/batches", web::post().to(collective::upload_batch))
        .route("/hr/documents", web::post().to(collective::upload_document))
        .route("/hr/batches/{id}", web::get().to(collective::hr_batch))
        .route(
            "/hr/batches/{id}/submit",
            web::post().to(collective::submit),
        )
        .route(
            "/hr/batches/{id}/documents",
            web::post().to(collective::upload_documents),
        )
        .route(
            "/hr/batches/{id}/letter",
            web::post().to(collective::upload_letter),
        )
        .route("/staff/batches", web::get().to(collective_staff::batches))
        .route(
            "/staff/batches/{id}",
            web::get().to(collective::staff_batch),
        )
        .route(
            "/staff/companies/{npp}",
            web::get().to(collective_staff::company),
        )
        .route(
            "/staff/companies/{npp}/headcount",
            web::post().to(collective_staff::set_headcount),
        )
        .route(
            "/staff/representatives/{id}/approve",
            web::post().to(collective_staff::approve),
        );
}

async fn stylesheet() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header(("cache-control", "public, max-age=3600"))
        .body(include_str!("../../../static/antre.css"))
}

async fn live_js() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/javascript; charset=utf-8")
        .insert_header(("cache-control", "public, max-age=300"))
        .body(include_str!("../../../static/live.js"))
}

async fn rtc_js() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/javascript; charset=utf-8")
        .insert_header(("cache-control", "public, max-age=300"))
        .body(include_str!("../../../static/rtc.js"))
}

async fn favicon() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("image/svg+xml")
        .insert_header(("cache-control", "public, max-age=86400"))
        .body(layout::favicon())
}

/// Per-request page context: language, CSRF token, the signed-in caller.
pub struct PageCtx {
    pub lang: Lang,
    pub csrf: String,
    set_csrf: Option<Cookie<'static>>,
    pub who: Option<Identity>,
    pub path: String,
    pub req: HttpRequest,
}

impl PageCtx {
    pub async fn new(req: &HttpRequest) -> Self {
        let (csrf, set_csrf) = csrf::token(req);
        // A broken session (database down) renders as signed out rather
        // than failing the page.
        let who = identify(req).await.ok().flatten().map(|(i, _)| i);
        Self {
            lang: lang::of_request(req),
            csrf,
            set_csrf,
            who,
            path: req.path().to_string(),
            req: req.clone(),
        }
    }

    pub fn t(&self, key: &str) -> &'static str {
        t(self.lang, key)
    }

    /// The use-case context for this page's request (its actor is the
    /// signed-in person, if any).
    pub fn app(&self, state: &crate::web::AppState) -> crate::app::Ctx {
        crate::web::extract::ctx(state, self.who.as_ref(), &self.req)
    }

    pub fn frame(&self) -> Frame<'_> {
        Frame {
            lang: self.lang,
            csrf: &self.csrf,
            path: &self.path,
            role: self.who.as_ref().map(Identity::role),
        }
    }

    pub fn render(&self, status: StatusCode, title: &str, body: Markup) -> HttpResponse {
        let mut res = HttpResponse::build(status);
        res.content_type("text/html; charset=utf-8")
            .insert_header(("cache-control", "no-store"));
        if let Some(c) = &self.set_csrf {
            res.cookie(c.clone());
        }
        res.body(layout::page(&self.frame(), title, body).into_string())
    }

    pub fn ok(&self, title: &str, body: Markup) -> HttpResponse {
        self.render(StatusCode::OK, title, body)
    }

    /// A form post must carry the token of the cookie.
    pub fn check_csrf(&self, submitted: &str) -> Result<(), AppError> {
        if csrf::form_matches(&self.req, submitted) {
            Ok(())
        } else {
            Err(AppError::forbidden().detail("csrf_failed"))
        }
    }

    pub fn error_page(&self, e: &AppError) -> HttpResponse {
        if e.status == crate::app::Status::Unauthenticated {
            return redirect(&format!("/login?next={}", self.path));
        }
        let body = html! {
            div.card.stack {
                h1 { (self.t(title_key(crate::web::error::http_status(e.status)))) }
                p.lead { (e.message(self.lang)) }
                p { a.btn.btn-secondary href="/" { (self.t("back_home")) } }
            }
        };
        self.render(
            crate::web::error::http_status(e.status),
            self.t(title_key(crate::web::error::http_status(e.status))),
            body,
        )
    }

    /// Renders `Ok` as is and errors as an error page.
    pub fn finish(&self, r: Result<HttpResponse, AppError>) -> HttpResponse {
        r.unwrap_or_else(|e| self.error_page(&e))
    }
}

fn title_key(status: StatusCode) -> &'static str {
    match status.as_u16() {
        403 => "title_forbidden",
        404 => "title_not_found",
        409 => "title_conflict",
        429 => "title_rate_limited",
        500..=599 => "title_server_error",
        _ => "title_error",
    }
}

pub fn redirect(to: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((actix_web::http::header::LOCATION, to.to_string()))
        .finish()
}

/// Only local paths are followed after sign-in or a language switch.
pub fn safe_next(next: Option<&str>) -> Option<String> {
    // Browsers drop tabs and newlines from URLs, so "/\t/evil" would
    // become "//evil": any control character, space or backslash
    // disqualifies.
    next.filter(|n| {
        n.starts_with('/')
            && !n.starts_with("//")
            && !n
                .chars()
                .any(|c| c.is_control() || c.is_whitespace() || c == '\\')
    })
    .map(str::to_string)
}

pub async fn not_found_page(req: &HttpRequest) -> HttpResponse {
    PageCtx::new(req)
        .await
        .error_page(&AppError::not_found("page_not_found"))
}
