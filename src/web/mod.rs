//! HTTP: the JSON API (`api/`), the server-rendered pages (`pages/`), and
//! what they share: application state, authentication, CSRF and language.

/// Adds routes to `$to` (a `ServiceConfig` or a `Scope`), one line each:
/// `get "/path" => handler`.
#[macro_export]
macro_rules! routes {
    ($to:expr; $($method:ident $path:literal => $handler:path),* $(,)?) => {
        $to$(.route($path, actix_web::web::$method().to($handler)))*
    };
}

pub mod api;
pub mod auth;
pub mod back;
pub mod body;
pub mod csrf;
pub mod drain;
pub mod error;
pub mod extract;
pub mod files;
pub mod lang;
pub mod live;
pub mod load;
pub mod page_errors;
pub mod pages;
pub mod request_id;
pub mod text_guard;
pub mod video_ws;

use std::sync::Arc;

use actix_web::{web, HttpRequest, HttpResponse};

use crate::app::error::AppError;
use crate::clock::Clock;
use crate::config::Settings;
use crate::db::Db;
use crate::domain::Code;
use crate::infra::crypto::JwtKeys;

pub struct AppState {
    pub db: Db,
    pub settings: Arc<Settings>,
    pub clock: Clock,
    pub jwt: JwtKeys,
    pub store: Arc<dyn crate::infra::storage::DocumentStore>,
    pub live: live::Live,
    /// Whether this instance is stopping and how busy it is.
    pub instance: crate::instance::Instance,
}

pub type State = web::Data<AppState>;

/// The client address for rate limiting. Behind a reverse proxy, the
/// proxy must be the one setting the peer address (we do not trust
/// `X-Forwarded-For` from arbitrary clients).
pub fn client_ip(req: &HttpRequest) -> String {
    req.peer_addr()
        .map(|a| a.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    // Bodies and queries are read by `body::{Json, Form, Query}`, which
    // name the field they could not read; a path that does not parse is
    // a page or resource that does not exist.
    cfg.app_data(web::PathConfig::default().error_handler(|err, _| {
        let mut e = AppError::not_found(Code::NotFound);
        e.internal = Some(err.to_string());
        e.into()
    }))
    .configure(api::configure)
    .configure(pages::configure);
}

/// Unknown routes: a JSON error under `/api`, a page elsewhere.
pub async fn not_found(req: HttpRequest) -> HttpResponse {
    let lang = lang::of_request(&req);
    if req.path().starts_with("/api/") {
        HttpResponse::NotFound().json(AppError::not_found(Code::NotFound).body(lang))
    } else {
        pages::not_found_page(&req).await
    }
}
