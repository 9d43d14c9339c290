//! Every request carries an `X-Request-Id`: the caller's own when it is a
//! sane token (a proxy or a client correlating its retries), else a fresh
//! UUID. Handlers read it from the request headers (`web::extract`) and
//! pass it down to the audit log with the actor; the
//! response echoes it so a participant's "kode permintaan" can be found in
//! the log and in the server's trace.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;

const HEADER: HeaderName = HeaderName::from_static("x-request-id");

/// A caller's id is kept only if it is 1–64 characters of `[A-Za-z0-9._-]`:
/// it ends up in the log and in CSV exports.
pub fn acceptable(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

pub async fn middleware(
    mut req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let given = req
        .headers()
        .get(&HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|v| acceptable(v))
        .map(str::to_owned);
    let id = given.unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let value = HeaderValue::from_str(&id).unwrap_or_else(|_| HeaderValue::from_static("-"));
    req.headers_mut().insert(HEADER, value.clone());
    let mut res = next.call(req).await?;
    res.headers_mut().insert(HEADER, value);
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::acceptable;

    #[test]
    fn only_plain_tokens_are_kept() {
        assert!(acceptable("3f2a-9c.req_1"));
        assert!(!acceptable(""));
        assert!(!acceptable("a b"));
        assert!(!acceptable("x\u{7f}"));
        assert!(!acceptable("ä"));
        assert!(!acceptable(&"a".repeat(65)));
    }
}
