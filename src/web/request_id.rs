//! Every request carries an `X-Request-Id`: the caller's own when it is a
//! sane token (a proxy or a client correlating its retries), else a fresh
//! UUID. Handlers and the audit log read it from the request headers; the
//! response echoes it so a participant's "kode permintaan" can be found in
//! the log and in the server's trace.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;

/// The caller's address and request id, for code that records who acted
/// but has no `HttpRequest` at hand (functions shared by pages and API).
#[derive(Clone, Debug)]
pub struct RequestInfo {
    pub ip: String,
    pub id: String,
}

tokio::task_local! {
    static CURRENT: RequestInfo;
}

/// The request being served on this task, if any (None in workers).
pub fn current() -> Option<RequestInfo> {
    CURRENT.try_with(|r| r.clone()).ok()
}

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
    let info = RequestInfo {
        ip: super::client_ip(req.request()),
        id,
    };
    let mut res = CURRENT.scope(info, next.call(req)).await?;
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
