//! One error type for the whole request path. Every refusal has a stable
//! snake_case `code`; the sentence shown to people comes from the message
//! catalog (`i18n`) in the caller's language.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use chrono::NaiveDate;
use serde_json::json;

use crate::db::DbError;
use crate::domain::Invalid;
use crate::i18n::{self, Lang};

#[derive(Debug, Clone)]
pub struct AppError {
    pub status: StatusCode,
    pub code: &'static str,
    /// Catalog key of the sentence; usually equal to `code`.
    pub detail: &'static str,
    pub field: Option<&'static str>,
    pub eligible_from: Option<NaiveDate>,
    /// Values substituted into the sentence (`{name}` placeholders).
    pub params: Vec<(&'static str, String)>,
    /// Internal cause, logged, never shown.
    pub internal: Option<String>,
}

impl AppError {
    pub fn new(status: StatusCode, code: &'static str) -> Self {
        Self {
            status,
            code,
            detail: code,
            field: None,
            eligible_from: None,
            params: Vec::new(),
            internal: None,
        }
    }

    pub fn bad_request(code: &'static str) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code)
    }
    pub fn unauthenticated() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthenticated")
    }
    pub fn forbidden() -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden")
    }
    pub fn not_found(code: &'static str) -> Self {
        Self::new(StatusCode::NOT_FOUND, code)
    }
    pub fn conflict(code: &'static str) -> Self {
        Self::new(StatusCode::CONFLICT, code)
    }
    pub fn unprocessable(code: &'static str) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, code)
    }
    pub fn rate_limited() -> Self {
        Self::new(StatusCode::TOO_MANY_REQUESTS, "rate_limited")
    }
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        let mut e = Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal_error");
        e.internal = Some(cause.to_string());
        e
    }

    pub fn field(mut self, field: &'static str) -> Self {
        self.field = Some(field);
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
        let mut error = json!({ "code": self.code, "message": self.message(lang) });
        if let Some(f) = self.field {
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

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    /// Rendered in Indonesian; `web::lang_errors` re-renders it in English
    /// for callers who asked for English.
    fn error_response(&self) -> HttpResponse {
        if self.status.is_server_error() {
            tracing::error!(code = self.code, cause = ?self.internal, "request failed");
        }
        HttpResponse::build(self.status).json(self.body(Lang::Id))
    }
}

impl From<DbError> for AppError {
    fn from(e: DbError) -> Self {
        AppError::internal(e)
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> Self {
        AppError::internal(e)
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
