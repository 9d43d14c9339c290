//! One error type for every use case. Every refusal has a stable
//! snake_case `code` and a [`Status`] (what kind of refusal it is); the
//! sentence shown to people comes from the message catalog (`i18n`) in the
//! caller's language. `web::error` is the one place a status becomes an
//! HTTP response.

use chrono::NaiveDate;
use serde_json::json;

use crate::db::DbError;
use crate::domain::Code;
use crate::domain::Invalid;
use crate::i18n::{self, Lang};

/// What kind of refusal an error is; numbered as the HTTP status the web
/// layer answers with, so API.md's table reads straight off it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    BadRequest = 400,
    Unauthenticated = 401,
    Forbidden = 403,
    NotFound = 404,
    Conflict = 409,
    Gone = 410,
    PayloadTooLarge = 413,
    UnsupportedMediaType = 415,
    Unprocessable = 422,
    RateLimited = 429,
    Internal = 500,
    Unavailable = 503,
}

impl Status {
    pub fn as_u16(self) -> u16 {
        self as u16
    }

    /// The kind for a numeric status a domain rule names (unknown client
    /// errors are unprocessable, unknown server errors internal).
    pub fn from_u16(n: u16) -> Status {
        match n {
            400 => Status::BadRequest,
            401 => Status::Unauthenticated,
            403 => Status::Forbidden,
            404 => Status::NotFound,
            409 => Status::Conflict,
            410 => Status::Gone,
            413 => Status::PayloadTooLarge,
            415 => Status::UnsupportedMediaType,
            422 => Status::Unprocessable,
            429 => Status::RateLimited,
            503 => Status::Unavailable,
            n if n >= 500 => Status::Internal,
            _ => Status::Unprocessable,
        }
    }

    pub fn is_client_error(self) -> bool {
        (400..500).contains(&self.as_u16())
    }

    pub fn is_server_error(self) -> bool {
        self.as_u16() >= 500
    }
}

#[derive(Debug, Clone)]
pub struct AppError {
    pub status: Status,
    pub code: Code,
    /// Catalog key of the sentence; usually `code`'s word.
    pub detail: &'static str,
    /// The input field refused: a name from the code, or (rarely) one
    /// taken from the request, as the text guard's JSON key path.
    pub field: Option<std::borrow::Cow<'static, str>>,
    pub eligible_from: Option<NaiveDate>,
    /// Values substituted into the sentence (`{name}` placeholders).
    pub params: Vec<(&'static str, String)>,
    /// Internal cause, logged, never shown.
    pub internal: Option<String>,
    /// Seconds after which the same request may succeed (`Retry-After`).
    pub retry_after: Option<u64>,
}

impl AppError {
    pub fn new(status: Status, code: Code) -> Self {
        Self {
            status,
            code,
            detail: code.as_str(),
            field: None,
            eligible_from: None,
            params: Vec::new(),
            internal: None,
            retry_after: None,
        }
    }

    pub fn bad_request(code: Code) -> Self {
        Self::new(Status::BadRequest, code)
    }
    pub fn unauthenticated() -> Self {
        Self::new(Status::Unauthenticated, Code::Unauthenticated)
    }
    pub fn forbidden() -> Self {
        Self::new(Status::Forbidden, Code::Forbidden)
    }
    pub fn not_found(code: Code) -> Self {
        Self::new(Status::NotFound, code)
    }
    pub fn conflict(code: Code) -> Self {
        Self::new(Status::Conflict, code)
    }
    pub fn unprocessable(code: Code) -> Self {
        Self::new(Status::Unprocessable, code)
    }
    /// Too many requests (429); `retry_after_secs` is sent as the
    /// `Retry-After` header.
    pub fn rate_limited(retry_after_secs: u64) -> Self {
        let mut e = Self::new(Status::RateLimited, Code::RateLimited);
        e.retry_after = Some(retry_after_secs.max(1));
        e
    }
    /// A service the request needs is down (503): the request changed
    /// nothing and may be tried again.
    pub fn unavailable(code: Code, cause: impl std::fmt::Display) -> Self {
        let mut e = Self::new(Status::Unavailable, code);
        e.internal = Some(cause.to_string());
        e
    }
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        let mut e = Self::new(Status::Internal, Code::InternalError);
        e.internal = Some(cause.to_string());
        e
    }

    pub fn field(mut self, field: impl Into<std::borrow::Cow<'static, str>>) -> Self {
        self.field = Some(field.into());
        self
    }
    pub fn detail(mut self, detail: &'static str) -> Self {
        self.detail = detail;
        self
    }
    pub fn param(mut self, key: &'static str, value: impl Into<String>) -> Self {
        self.params.push((key, value.into()));
        self
    }

    /// The sentence for people, in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        let mut text = i18n::t(lang, self.detail).to_string();
        if let Some(d) = self.eligible_from {
            text = text.replace("{date}", &i18n::long_date(lang, d));
        }
        for (k, v) in &self.params {
            text = text.replace(&format!("{{{k}}}"), v);
        }
        text
    }

    pub fn body(&self, lang: Lang) -> serde_json::Value {
        let mut error = json!({ "code": self.code.as_str(), "message": self.message(lang) });
        if let Some(f) = &self.field {
            error["field"] = json!(f);
        }
        if let Some(d) = self.eligible_from {
            error["eligible_from"] = json!(d.format("%Y-%m-%d").to_string());
        }
        json!({ "error": error })
    }
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.status.as_u16(), self.code)?;
        if let Some(i) = &self.internal {
            write!(f, ": {i}")?;
        }
        Ok(())
    }
}

impl From<DbError> for AppError {
    /// No connection to be had (the database down or unreachable), or the
    /// one taken found closed before anything was committed (a connection
    /// lost at COMMIT is a [`DbError::Commit`]), is a 503: nothing was
    /// done, so a balancer may retry it elsewhere. Anything else is a bug
    /// or an outcome we cannot vouch for: a 500.
    fn from(e: DbError) -> Self {
        match e {
            DbError::Pool(_) => AppError::unavailable(Code::DatabaseUnavailable, e),
            _ if e.is_closed_connection() => AppError::unavailable(Code::DatabaseUnavailable, e),
            _ => AppError::internal(e),
        }
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> Self {
        DbError::from(e).into()
    }
}

impl From<Invalid> for AppError {
    fn from(e: Invalid) -> Self {
        let mut err = AppError::unprocessable(e.code).field(e.field);
        err.detail = e.detail;
        err
    }
}

pub type AppResult<T> = Result<T, AppError>;
