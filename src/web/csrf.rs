//! CSRF protection for browser forms: a random token in an HttpOnly,
//! SameSite=Strict cookie that every form post must repeat in a hidden
//! field (or, for scripts, in the `X-CSRF-Token` header).

use actix_web::cookie::{Cookie, SameSite};
use actix_web::HttpRequest;

pub const COOKIE: &str = "antre_csrf";
pub const FIELD: &str = "csrf";

/// The request's token, and a cookie to set when it had none.
pub fn token(req: &HttpRequest) -> (String, Option<Cookie<'static>>) {
    match req.cookie(COOKIE) {
        Some(c) if c.value().len() >= 20 => (c.value().to_string(), None),
        _ => {
            let t = crate::infra::crypto::random_token(24);
            let cookie = Cookie::build(COOKIE, t.clone())
                .path("/")
                .http_only(true)
                .same_site(SameSite::Strict)
                .finish();
            (t, Some(cookie))
        }
    }
}

fn equal(a: &str, b: &str) -> bool {
    // Constant-time comparison.
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

pub fn form_matches(req: &HttpRequest, submitted: &str) -> bool {
    req.cookie(COOKIE)
        .is_some_and(|c| c.value().len() >= 20 && equal(c.value(), submitted))
}

pub fn header_matches(req: &HttpRequest) -> bool {
    req.headers()
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| form_matches(req, v))
}
