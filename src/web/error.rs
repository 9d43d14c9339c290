//! The one place an application error becomes an HTTP response.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};

use crate::app::error::{AppError, Status};
use crate::i18n::Lang;

/// The HTTP status a kind of refusal is answered with.
pub fn http_status(s: Status) -> StatusCode {
    StatusCode::from_u16(s.as_u16()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        http_status(self.status)
    }

    /// Rendered in Indonesian; `web::lang_errors` re-renders it in English
    /// for callers who asked for English.
    fn error_response(&self) -> HttpResponse {
        if self.status.is_server_error() {
            tracing::error!(code = self.code.as_str(), cause = ?self.internal, "request failed");
        }
        let mut res = HttpResponse::build(http_status(self.status));
        if self.status == Status::RateLimited {
            // After the longest throttle window no old attempt counts.
            let sign_in = crate::app::accounts::THROTTLE_WINDOW_MINUTES;
            let reset = crate::domain::recovery::RESET_WINDOW_MINUTES;
            let secs = sign_in.max(reset) * 60;
            res.insert_header((actix_web::http::header::RETRY_AFTER, secs.to_string()));
        }
        res.json(self.body(Lang::Id))
    }
}
