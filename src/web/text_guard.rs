//! Text PostgreSQL cannot store is refused at the door. A NUL character is
//! valid in a Rust string and in SQLite but not in a PostgreSQL `text`
//! value; rather than reach the database as a 500 on one backend and a
//! 4xx on the other, a request carrying one — in its path, its query, or
//! a field of a JSON or form body — is answered `400 invalid_text` (naming
//! the field when there is one) before any handler runs. Multipart bodies
//! carry binary files; their few text fields are cleaned where they are
//! read (`web::files`).

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header::CONTENT_TYPE;
use actix_web::middleware::Next;
use actix_web::web::{Bytes, BytesMut};
use actix_web::HttpMessage;
use futures_util::StreamExt;

use crate::app::error::{AppError, Status};
use crate::domain::Code;

/// Bodies longer than this are not read here: the JSON and form
/// extractors refuse them (their limit is 64 KiB) without our help.
const READ_LIMIT: usize = 256 * 1024;

/// Where a NUL sits in a JSON value: `None` when there is none, else the
/// field it is in (the key path, dotted; `""` at the top).
pub fn nul_in_json(v: &serde_json::Value) -> Option<String> {
    fn walk(v: &serde_json::Value, at: &str) -> Option<String> {
        match v {
            serde_json::Value::String(s) => s.contains('\0').then(|| at.to_string()),
            serde_json::Value::Array(items) => items.iter().find_map(|i| walk(i, at)),
            serde_json::Value::Object(map) => map.iter().find_map(|(k, v)| {
                let here = if at.is_empty() {
                    k.clone()
                } else {
                    format!("{at}.{k}")
                };
                if k.contains('\0') {
                    Some(here.replace('\0', ""))
                } else {
                    walk(v, &here)
                }
            }),
            _ => None,
        }
    }
    walk(v, "")
}

/// The field of an `application/x-www-form-urlencoded` body holding a NUL.
pub fn nul_in_form(body: &[u8]) -> Option<String> {
    url::form_urlencoded::parse(body)
        .find(|(k, v)| k.contains('\0') || v.contains('\0'))
        .map(|(k, _)| k.replace('\0', ""))
}

fn refusal(field: Option<String>) -> AppError {
    let e = AppError::bad_request(Code::InvalidText);
    match field.filter(|f| !f.is_empty()) {
        Some(f) => e.field(f),
        None => e,
    }
}

/// Answers the request with `e`: JSON under `/api`, a page elsewhere.
async fn refuse(req: ServiceRequest, e: AppError) -> ServiceResponse<BoxBody> {
    let (http, _) = req.into_parts();
    let res = if http.path().starts_with("/api/") {
        actix_web::HttpResponse::from_error(e)
    } else {
        super::pages::refusal_page(&http, &e).await
    };
    ServiceResponse::new(http, res)
}

pub async fn middleware(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    // `%00` is the only way a NUL reaches a path or query (a raw one
    // never passes the HTTP parser).
    if req.path().contains("%00") || req.query_string().contains("%00") {
        let field = req.uri().query().and_then(|q| nul_in_form(q.as_bytes()));
        return Ok(refuse(req, refusal(field)).await);
    }
    let kind = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let json = kind.starts_with("application/json") || kind.contains("+json");
    let form = kind.starts_with("application/x-www-form-urlencoded");
    if !json && !form {
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    // Read the body (bounded), look, and hand it on unchanged.
    let mut payload = req.take_payload();
    let mut body = BytesMut::new();
    let mut whole = true;
    while let Some(chunk) = payload.next().await {
        let chunk = chunk?;
        body.extend_from_slice(&chunk);
        if body.len() > READ_LIMIT {
            whole = false;
            break;
        }
    }
    let body: Bytes = body.freeze();
    if whole {
        // In JSON a NUL can only be written `\u0000` (a raw one is not
        // JSON at all): a body without that sequence is not parsed here.
        let field = if json {
            let escaped = body.windows(6).any(|w| w == b"\\u0000");
            escaped
                .then(|| serde_json::from_slice::<serde_json::Value>(&body).ok())
                .flatten()
                .and_then(|v| nul_in_json(&v))
        } else {
            nul_in_form(&body)
        };
        if let Some(field) = field {
            return Ok(refuse(req, refusal(Some(field))).await);
        }
        req.set_payload(Payload::from(body));
    } else {
        // Too long for any extractor: theirs is the refusal (413).
        let mut e = AppError::bad_request(Code::PayloadTooLarge);
        e.status = Status::PayloadTooLarge;
        return Ok(refuse(req, e).await);
    }
    Ok(next.call(req).await?.map_into_boxed_body())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn finds_nul_in_json_fields_keys_and_arrays() {
        assert_eq!(nul_in_json(&json!({"email": "a@b.c", "n": 1})), None);
        assert_eq!(
            nul_in_json(&json!({"email": "a\u{0}@b.c"})),
            Some("email".into())
        );
        assert_eq!(
            nul_in_json(&json!({"rows": [{"nik": "1"}, {"name": "x\u{0}"}]})),
            Some("rows.name".into())
        );
        assert_eq!(nul_in_json(&json!({"k\u{0}": 1})), Some("k".into()));
        assert_eq!(nul_in_json(&json!("\u{0}")), Some(String::new()));
        // An escaped backslash before "u0000" is text, not a NUL.
        let v: serde_json::Value = serde_json::from_str(r#"{"a":"\\u0000"}"#).unwrap_or_default();
        assert_eq!(nul_in_json(&v), None);
    }

    #[test]
    fn finds_nul_in_form_fields() {
        assert_eq!(nul_in_form(b"email=a%40b.c&password=x"), None);
        assert_eq!(nul_in_form(b"email=a%00b&password=x"), Some("email".into()));
        assert_eq!(nul_in_form(b"e%00=1"), Some("e".into()));
    }
}
