//! The caller's language. Pages: the `lang` cookie set by the switch in the
//! header, else Bahasa Indonesia (many phones are set to English; the UI
//! speaks Indonesian first). API: the cookie, then `Accept-Language`, then
//! Bahasa Indonesia.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpRequest, HttpResponse};

use crate::app::error::AppError;
use crate::i18n::Lang;

pub const COOKIE: &str = "lang";

pub fn of_request(req: &HttpRequest) -> Lang {
    if let Some(l) = req.cookie(COOKIE).and_then(|c| Lang::parse(c.value())) {
        return l;
    }
    if !req.path().starts_with("/api/") {
        return Lang::Id;
    }
    req.headers()
        .get(actix_web::http::header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(Lang::from_accept_language)
        .unwrap_or_default()
}

/// Re-renders API errors in English for callers who asked for English
/// (errors are built without knowing the request), and adds the security
/// headers every response carries.
pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let lang = of_request(req.request());
    let res = next.call(req).await?;
    let renew = res
        .request()
        .extensions()
        .get::<super::auth::RenewCookie>()
        .cloned();
    let mut res = match res
        .response()
        .error()
        .and_then(|e| e.as_error::<AppError>())
        .cloned()
    {
        Some(app_err) if lang == Lang::En && res.request().path().starts_with("/api") => {
            let (req, old) = res.into_parts();
            let mut fresh = HttpResponse::build(crate::web::error::http_status(app_err.status))
                .json(app_err.body(Lang::En));
            for (k, v) in old.headers() {
                if k != actix_web::http::header::CONTENT_LENGTH
                    && k != actix_web::http::header::CONTENT_TYPE
                {
                    fresh.headers_mut().append(k.clone(), v.clone());
                }
            }
            ServiceResponse::new(req, fresh)
        }
        _ => res.map_into_boxed_body(),
    };
    if let Some(super::auth::RenewCookie(cookie)) = renew {
        let _ = res.response_mut().add_cookie(&cookie);
    }
    let too_many = res.status() == actix_web::http::StatusCode::TOO_MANY_REQUESTS;
    let h = res.headers_mut();
    use actix_web::http::header::{HeaderName, HeaderValue, RETRY_AFTER};
    // Every 429 says when to come back, whichever layer refused.
    if too_many && !h.contains_key(RETRY_AFTER) {
        let secs = crate::web::error::DEFAULT_RETRY_AFTER_SECS.to_string();
        if let Ok(v) = HeaderValue::from_str(&secs) {
            h.insert(RETRY_AFTER, v);
        }
    }
    let defaults: [(&str, &str); 4] = [
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", "same-origin"),
        ("x-frame-options", "DENY"),
        (
            "content-security-policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
        ),
    ];
    for (k, v) in defaults {
        let name = HeaderName::from_static(k);
        if !h.contains_key(&name) {
            h.insert(name, HeaderValue::from_static(v));
        }
    }
    Ok(res)
}
