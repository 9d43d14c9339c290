//! Refusals made before a page's handler ran — a form, a path or a query
//! its extractors could not read (a field missing, a number too large for
//! its field, an id that is not one) — are answered as a page in the
//! reader's language with the way back, like the handlers' own refusals;
//! a browser never lands on a bare JSON message. The API keeps its JSON.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;

use crate::app::error::AppError;

pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let api = req.path().starts_with("/api/");
    let res = next.call(req).await?.map_into_boxed_body();
    if api {
        return Ok(res);
    }
    let refused = res
        .response()
        .error()
        .and_then(|e| e.as_error::<AppError>())
        .cloned();
    let Some(e) = refused else {
        return Ok(res);
    };
    let (http, _) = res.into_parts();
    let page = super::pages::refusal_page(&http, &e).await;
    Ok(ServiceResponse::new(http, page))
}
