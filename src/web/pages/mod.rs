//! Browser pages: server-rendered, usable without JavaScript, every form
//! protected against CSRF, every sentence from the catalog.

pub mod account;
pub mod audit;
pub mod booth;
pub mod branches;
pub mod collective;
pub mod collective_staff;
pub mod contact;
pub mod floor;
pub mod home;
pub mod me;
pub mod outreach;
pub mod overview;
pub mod password_reset;
pub mod planner;
pub mod staff;
pub mod staff_accounts;
pub mod supervisor;
pub mod waitlist;

use std::future::Future;
use std::pin::Pin;

use actix_web::cookie::Cookie;
use actix_web::http::StatusCode;
use actix_web::{web, FromRequest, HttpRequest, HttpResponse};
use maud::{html, Markup};
use serde::Deserialize;

use super::auth::{identify, Identity};
use super::{csrf, lang, State};
use crate::app::error::{AppError, AppResult};
use crate::app::Ctx;
use crate::domain::Code;
use crate::i18n::{t, Lang};
use crate::views::layout::{self, Frame};

pub fn configure(cfg: &mut web::ServiceConfig) {
    crate::routes!(cfg;
        get "/" => home::home,
        get "/static/antre.css" => stylesheet,
        get "/static/favicon.svg" => favicon,
        get "/lang/{code}" => account::switch_lang,
        get "/register" => account::register_form,
        post "/register" => account::register_submit,
        get "/login" => account::login_form,
        post "/login" => account::login_submit,
        get "/staff/login" => account::staff_login_form,
        post "/staff/login" => account::staff_login_submit,
        post "/logout" => account::logout,
        get "/password-reset" => password_reset::request_form,
        post "/password-reset" => password_reset::request_submit,
        get "/password-reset/{token}" => password_reset::new_password_form,
        post "/password-reset/{token}" => password_reset::new_password_submit,
        get "/invitation/{token}" => password_reset::invitation_form,
        post "/invitation/{token}" => password_reset::invitation_submit,
        get "/branches" => branches::finder,
        get "/branches/{code}" => branches::day_view,
        get "/sessions/first-free" => branches::first_free,
        post "/waitlist" => waitlist::join_submit,
        get "/me" => me::overview,
        get "/me/booking" => me::booking_page,
        get "/me/contact" => contact::contact_form,
        post "/me/contact/email" => contact::email_submit,
        post "/me/contact/phone" => contact::phone_submit,
        post "/me/contact/messages" => contact::messages_submit,
        get "/messages/stop/{token}" => contact::stop_form,
        post "/messages/stop/{token}" => contact::stop_submit,
        post "/me/email/verification" => contact::resend_submit,
        get "/verify-email/{token}" => contact::verify_form,
        post "/verify-email/{token}" => contact::verify_submit,
        get "/claims/new" => me::claim_form,
        post "/claims/new" => me::claim_submit,
        post "/claims/{id}/documents" => me::upload_submit,
        post "/claims/{id}/documents/{doc}/delete" => me::delete_submit,
        post "/bookings" => me::book_submit,
        post "/bookings/{code}/reschedule" => me::reschedule_submit,
        post "/bookings/{code}/cancel" => me::cancel_submit,
        get "/waitlist/{id}" => waitlist::show,
        post "/waitlist/{id}/accept" => waitlist::accept_submit,
        post "/waitlist/{id}/withdraw" => waitlist::withdraw_submit,
        get "/staff" => staff::dashboard,
        get "/staff/outreach" => outreach::list,
        post "/staff/outreach/{id}/claim" => outreach::claim_submit,
        post "/staff/outreach/{id}/release" => outreach::release_submit,
        post "/staff/outreach/{id}/attempts" => outreach::attempt_submit,
        post "/staff/outreach/{id}/message" => outreach::message_submit,
        get "/staff/accounts" => staff_accounts::list,
        post "/staff/accounts" => staff_accounts::invite,
        get "/staff/accounts/{id}" => staff_accounts::account,
        post "/staff/accounts/{id}" => staff_accounts::change,
        post "/staff/accounts/{id}/active" => staff_accounts::set_active,
        post "/staff/accounts/{id}/invitation" => staff_accounts::reinvite,
        get "/audit" => audit::console,
        get "/audit/claims/{id}" => audit::claim_timeline,
        get "/audit/agents" => audit::agents,
        get "/audit/anomalies" => audit::anomalies,
        get "/audit/branches" => overview::page,
        post "/staff/slots/{id}/capacity" => staff::capacity_submit,
        post "/staff/closures" => staff::closure_submit,
        get "/kiosk/{code}" => floor::kiosk,
        post "/kiosk/{code}" => floor::kiosk_submit,
        post "/kiosk/{code}/activate" => floor::kiosk_activate,
        get "/board/{code}" => floor::board,
        get "/tickets/{code}/{day}/{number}" => floor::ticket_page,
        get "/console" => floor::console,
        post "/console/sessions/{id}/identity" => floor::console_identity,
        post "/staff/sessions/{id}/reassign" => supervisor::reassign,
        get "/session/{code}" => floor::session_page,
        post "/session/{code}/join" => floor::session_join,
        post "/console/status" => floor::console_status,
        post "/console/sessions/{id}/finish" => floor::console_finish,
        post "/console/sessions/{id}/register" => floor::console_register,
        post "/console/sessions/{id}/claims" => floor::console_claim,
        post "/console/sessions/{id}/documents" => floor::console_document,
        get "/staff/floor" => supervisor::supervisor_floor,
        get "/staff/planner" => planner::page,
        post "/staff/floor/{code}/settings" => supervisor::settings_submit,
        post "/staff/tickets/{id}/priority" => supervisor::set_priority,
        post "/staff/agents/{id}/status" => supervisor::agent_status,
        get "/static/{name}.js" => script,
        get "/booth/{code}/{number}" => booth::page,
        post "/booth/{code}/{number}/activate" => booth::activate,
        get "/staff/claims/{id}" => staff::claim_review,
        post "/staff/claims/{id}/verify" => staff::verify_submit,
        post "/staff/claims/{id}/reject" => staff::reject_submit,
        post "/staff/documents/{id}/review" => staff::review_submit,
        get "/hr" => collective::home,
        post "/hr/batches" => collective::upload_batch,
        post "/hr/documents" => collective::upload_document,
        get "/hr/batches/{id}" => collective::hr_batch,
        post "/hr/batches/{id}/submit" => collective::submit,
        post "/hr/batches/{id}/documents" => collective::upload_documents,
        post "/hr/batches/{id}/letter" => collective::upload_letter,
        get "/staff/batches" => collective_staff::batches,
        get "/staff/batches/{id}" => collective::staff_batch,
        get "/staff/companies/{npp}" => collective_staff::company,
        post "/staff/companies/{npp}/headcount" => collective_staff::set_headcount,
        post "/staff/representatives/{id}/approve" => collective_staff::approve,
    );
}

/// A file of `static/`, cached for `max_age` seconds.
fn asset(content_type: &'static str, max_age: u32, body: &'static str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header(("cache-control", format!("public, max-age={max_age}")))
        .body(body)
}

const JS: &str = "text/javascript; charset=utf-8";

async fn stylesheet() -> HttpResponse {
    let css = include_str!("../../../static/antre.css");
    asset("text/css; charset=utf-8", 3600, css)
}

/// The scripts of `static/`, by name (`/static/NAME.js`).
const SCRIPTS: [(&str, &str); 7] = [
    ("live", include_str!("../../../static/live.js")),
    ("rtc", include_str!("../../../static/rtc.js")),
    ("board", include_str!("../../../static/board.js")),
    ("kiosk", include_str!("../../../static/kiosk.js")),
    ("confirm", include_str!("../../../static/confirm.js")),
    ("upload", include_str!("../../../static/upload.js")),
    ("file", include_str!("../../../static/file.js")),
];

async fn script(name: web::Path<String>) -> HttpResponse {
    match SCRIPTS.iter().find(|(n, _)| *n == name.as_str()) {
        Some((_, body)) => asset(JS, 300, body),
        None => HttpResponse::NotFound()
            .content_type("text/plain; charset=utf-8")
            .body("404"),
    }
}

async fn favicon() -> HttpResponse {
    asset("image/svg+xml", 86400, layout::favicon())
}

/// What the last form post left to show, from the query: `done` names
/// what succeeded, `error` is a refusal's code.
#[derive(Debug, Default, Deserialize)]
pub struct Flash {
    pub done: Option<String>,
    pub error: Option<String>,
}

impl Flash {
    /// The error code when it is one of the catalog's: only those are
    /// shown, never raw query text.
    pub fn error_key(&self) -> Option<&str> {
        self.error.as_deref().filter(|c| crate::i18n::has(c))
    }
}

/// A page being made: what a handler awaits before it renders.
pub trait Rendering: Future<Output = AppResult<HttpResponse>> {}

impl<T: Future<Output = AppResult<HttpResponse>>> Rendering for T {}

/// Per-request page context: language, CSRF token, the signed-in caller,
/// the application state. Handlers take it as an argument.
pub struct PageCtx {
    pub lang: Lang,
    pub csrf: String,
    set_csrf: Option<Cookie<'static>>,
    pub who: Option<Identity>,
    pub path: String,
    pub req: HttpRequest,
    pub state: State,
}

impl FromRequest for PageCtx {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { PageCtx::new(&req).await })
    }
}

impl PageCtx {
    pub async fn new(req: &HttpRequest) -> Result<Self, AppError> {
        let state = crate::web::extract::state(req)?;
        let (csrf, set_csrf) = csrf::token(req);
        // A broken session (database down) renders as signed out rather
        // than failing the page.
        let who = identify(req).await.ok().flatten().map(|(i, _)| i);
        Ok(Self {
            lang: lang::of_request(req),
            csrf,
            set_csrf,
            who,
            path: req.path().to_string(),
            req: req.clone(),
            state,
        })
    }

    pub fn t(&self, key: &str) -> &'static str {
        t(self.lang, key)
    }

    /// The use-case context for this page's request (its actor is the
    /// signed-in person, if any).
    pub fn app(&self) -> Ctx {
        crate::web::extract::ctx(&self.state, self.who.as_ref(), &self.req)
    }

    /// The signed-in caller (else to the sign-in page).
    pub fn who(&self) -> AppResult<&Identity> {
        self.who.as_ref().ok_or_else(AppError::unauthenticated)
    }

    /// The signed-in participant's id.
    pub fn participant(&self) -> AppResult<i64> {
        self.who()?.participant_id()
    }

    /// An HR account's company.
    pub fn company(&self) -> Option<&str> {
        self.who.as_ref().and_then(Identity::company)
    }

    /// Runs a signed-in form post: checks its CSRF token and that someone
    /// is signed in, then `f` with the use-case context; an error becomes
    /// the error page.
    pub async fn submit<R: Rendering>(
        &self,
        csrf: String,
        f: impl FnOnce(Ctx) -> R,
    ) -> HttpResponse {
        self.submit_as(csrf, |c| c.who().map(|_| ()), |actx, ()| f(actx))
            .await
    }

    /// [`submit`](Self::submit) for a participant's own forms: `f` also
    /// gets the participant's id.
    pub async fn submit_own<R: Rendering>(
        &self,
        csrf: String,
        f: impl FnOnce(Ctx, i64) -> R,
    ) -> HttpResponse {
        self.submit_as(csrf, Self::participant, f).await
    }

    async fn submit_as<T, R: Rendering>(
        &self,
        csrf: String,
        who: impl FnOnce(&Self) -> AppResult<T>,
        f: impl FnOnce(Ctx, T) -> R,
    ) -> HttpResponse {
        let r = async {
            self.check_csrf(&csrf)?;
            let who = who(self)?;
            f(self.app(), who).await
        }
        .await;
        self.finish(r)
    }

    /// Renders the page `page` makes, or its error as an error page.
    pub async fn page(&self, page: impl Rendering) -> HttpResponse {
        self.finish(page.await)
    }

    /// The signed-in person's own session (not a device's credential).
    pub fn own_session(&self) -> Option<String> {
        self.who
            .as_ref()
            .map(|w| w.sid().to_string())
            .filter(|s| !s.is_empty())
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
        let page = layout::page(&self.frame(), title, body);
        self.html(status, page)
    }

    /// A shared device's page (kiosk, board, booth): the device layout.
    pub fn device(&self, title: &str, body: Markup) -> HttpResponse {
        let page = layout::device_page(&self.frame(), title, body);
        self.html(StatusCode::OK, page)
    }

    fn html(&self, status: StatusCode, page: Markup) -> HttpResponse {
        let mut res = HttpResponse::build(status);
        res.content_type("text/html; charset=utf-8")
            .insert_header(("cache-control", "no-store"));
        if let Some(c) = &self.set_csrf {
            res.cookie(c.clone());
        }
        res.body(page.into_string())
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
                p.actions {
                    @if let Some(back) = crate::web::back::referring_page(&self.req) {
                        a.btn.btn-primary href=(back) { (self.t("back_previous")) }
                    }
                    a.btn.btn-secondary href="/" { (self.t("back_home")) }
                }
            }
        };
        let mut res = self.render(
            crate::web::error::http_status(e.status),
            self.t(title_key(crate::web::error::http_status(e.status))),
            body,
        );
        if let Some(v) = e.retry_after.and_then(|s| s.to_string().parse().ok()) {
            res.headers_mut()
                .insert(actix_web::http::header::RETRY_AFTER, v);
        }
        res
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

/// `s` as one value of a URL's query (`a&b` stays one value).
pub(super) fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
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
    refusal_page(req, &AppError::not_found(Code::PageNotFound)).await
}

/// A refusal made before any page handler ran, as an error page.
pub async fn refusal_page(req: &HttpRequest, e: &AppError) -> HttpResponse {
    match PageCtx::new(req).await {
        Ok(ctx) => ctx.error_page(e),
        Err(e) => actix_web::ResponseError::error_response(&e),
    }
}
