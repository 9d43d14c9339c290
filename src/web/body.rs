//! What handlers read from a request's body or query — [`Json`], [`Form`],
//! [`Query`] — in place of actix-web's extractors of the same names, so
//! that a refusal names the field it could not read. actix-web's answer
//! to `{"slot_id":"abc"}` was the serde message of the whole body, which
//! the API could only sum up as "not valid JSON" and a page as "the form
//! is not valid"; these read through `serde_path_to_error` and answer
//! `400` with the field (`"field":"slot_id"`, a dotted path with `[i]`
//! for list items) and a sentence in the caller's language: the field is
//! required, or its value is not valid. A body that is not JSON at all
//! keeps `malformed_json`'s sentence.

use std::future::Future;
use std::ops::Deref;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header::CONTENT_TYPE;
use actix_web::web::{Bytes, BytesMut};
use actix_web::{FromRequest, HttpRequest};
use futures_util::StreamExt;
use serde::de::DeserializeOwned;

use crate::app::error::{AppError, Status};
use crate::domain::Code;

/// The most a JSON or form body may hold (as before: actix-web's
/// `JsonConfig` and `FormConfig` limits).
pub const LIMIT: usize = 64 * 1024;

macro_rules! wrapper {
    ($($name:ident),*) => {$(
        pub struct $name<T>(pub T);

        impl<T> $name<T> {
            pub fn into_inner(self) -> T {
                self.0
            }
        }

        impl<T> Deref for $name<T> {
            type Target = T;
            fn deref(&self) -> &T {
                &self.0
            }
        }
    )*};
}

wrapper!(Json, Form, Query);

type Reading<T> = Pin<Box<dyn Future<Output = Result<T, actix_web::Error>>>>;

/// A JSON request body (`application/json` or a `+json` type).
impl<T: DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = actix_web::Error;
    type Future = Reading<Self>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let json = content_type(req).is_some_and(|t| {
            t == "application/json" || (t.starts_with("application/") && t.ends_with("+json"))
        });
        let body = read(payload.take(), Code::MalformedJson);
        Box::pin(async move {
            if !json {
                return Err(AppError::bad_request(Code::UnsupportedContentType).into());
            }
            let body = body.await?;
            Ok(Json(from_json(&body)?))
        })
    }
}

/// An `application/x-www-form-urlencoded` request body.
impl<T: DeserializeOwned + 'static> FromRequest for Form<T> {
    type Error = actix_web::Error;
    type Future = Reading<Self>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let form = content_type(req).is_some_and(|t| t == "application/x-www-form-urlencoded");
        let body = read(payload.take(), Code::MalformedForm);
        Box::pin(async move {
            if !form {
                return Err(refusal(Code::MalformedForm, None).into());
            }
            let body = body.await?;
            Ok(Form(urlencoded(&body, Code::MalformedForm)?))
        })
    }
}

/// The query string.
impl<T: DeserializeOwned> FromRequest for Query<T> {
    type Error = actix_web::Error;
    type Future = std::future::Ready<Result<Self, actix_web::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(
            urlencoded(req.query_string().as_bytes(), Code::MalformedQuery)
                .map(Query)
                .map_err(Into::into),
        )
    }
}

/// The body's media type without its parameters, in lower case.
fn content_type(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(CONTENT_TYPE)?.to_str().ok()?;
    let essence = value.split(';').next().unwrap_or_default();
    Some(essence.trim().to_ascii_lowercase())
}

/// The whole body, at most [`LIMIT`] bytes (413 beyond).
async fn read(mut payload: Payload, code: Code) -> Result<Bytes, AppError> {
    let mut body = BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| {
            let mut refused = AppError::bad_request(code);
            refused.internal = Some(e.to_string());
            refused
        })?;
        if body.len() + chunk.len() > LIMIT {
            let mut e = AppError::bad_request(Code::PayloadTooLarge);
            e.status = Status::PayloadTooLarge;
            return Err(e);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

fn urlencoded<T: DeserializeOwned>(input: &[u8], code: Code) -> Result<T, AppError> {
    let de = serde_urlencoded::Deserializer::new(url::form_urlencoded::parse(input));
    serde_path_to_error::deserialize(de).map_err(|e| {
        let (field, missing) = field_of(e.path(), &e.inner().to_string());
        let mut refused = refusal(code, field.map(|f| (f, missing)));
        refused.internal = Some(e.to_string());
        refused
    })
}

/// One JSON value of type `T`, nothing after it but white space.
fn from_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, AppError> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let inner = e.inner();
        let (field, missing) = match inner.classify() {
            serde_json::error::Category::Data => field_of(e.path(), &inner.to_string()),
            _ => (None, false),
        };
        let mut refused = refusal(Code::MalformedJson, field.map(|f| (f, missing)));
        refused.internal = Some(e.to_string());
        refused
    })?;
    de.end().map_err(|e| {
        let mut refused = refusal(Code::MalformedJson, None);
        refused.internal = Some(e.to_string());
        refused
    })?;
    Ok(value)
}

/// The field a deserializer's error is about (`None`: the body as a
/// whole), and whether it was missing. serde reports a missing field as
/// an error of the struct around it, its name in the message
/// (``missing field `name` ``, serde's wording since 1.0).
fn field_of(path: &serde_path_to_error::Path, message: &str) -> (Option<String>, bool) {
    let at = path.to_string();
    let at = if at == "." { String::new() } else { at };
    let missing = message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split('`').next());
    match missing {
        Some(name) if at.is_empty() => (Some(name.to_string()), true),
        Some(name) => (Some(format!("{at}.{name}")), true),
        None if at.is_empty() => (None, false),
        None => (Some(at), false),
    }
}

/// A `400 code` refusal, naming the field (and whether it was missing)
/// when there is one. The name is the target type's field (or a map's
/// key as sent), cut to a readable length; it is shown escaped, as every
/// text of a request is.
fn refusal(code: Code, field: Option<(String, bool)>) -> AppError {
    let e = AppError::bad_request(code);
    match field {
        Some((field, missing)) => {
            let field: String = field.chars().take(80).collect();
            let detail = if missing {
                "malformed_field_missing"
            } else {
                "malformed_field_value"
            };
            e.detail(detail).param("field", field.clone()).field(field)
        }
        None => e,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize, Debug)]
    struct Inner {
        #[allow(dead_code)]
        count: u8,
    }

    #[derive(Deserialize, Debug)]
    struct Body {
        #[allow(dead_code)]
        slot_id: i64,
        #[allow(dead_code)]
        items: Option<Vec<Inner>>,
    }

    fn json(body: &str) -> Result<Body, AppError> {
        from_json(body.as_bytes())
    }

    fn said(e: &AppError) -> (Option<&str>, &str) {
        (e.field.as_deref(), e.detail)
    }

    #[test]
    fn a_json_refusal_names_the_field_it_could_not_read() {
        let e = json(r#"{"slot_id":"abc"}"#).expect_err("refused");
        assert_eq!(e.code, Code::MalformedJson);
        assert_eq!(said(&e), (Some("slot_id"), "malformed_field_value"));
        let e = json(r#"{"items":[]}"#).expect_err("refused");
        assert_eq!(said(&e), (Some("slot_id"), "malformed_field_missing"));
        let e = json(r#"{"slot_id":1,"items":[{"count":1},{"count":300}]}"#).expect_err("refused");
        assert_eq!(said(&e), (Some("items[1].count"), "malformed_field_value"));
        let e = json(r#"{"slot_id":1,"items":[{}]}"#).expect_err("refused");
        assert_eq!(
            said(&e),
            (Some("items[0].count"), "malformed_field_missing")
        );
        assert!(json(r#"{"slot_id":1} trailing"#).is_err());
        assert!(json(r#"{"slot_id":9}"#).is_ok());
    }

    #[test]
    fn a_body_that_is_not_json_keeps_its_sentence() {
        for body in ["", "{", "not json", r#"{"slot_id":1"#] {
            let e = json(body).expect_err(body);
            assert_eq!(said(&e), (None, "malformed_json"), "{body}");
        }
        let e = json("[1]").expect_err("a list");
        assert_eq!(said(&e), (None, "malformed_json"));
    }

    #[test]
    fn a_form_or_query_refusal_names_the_field() {
        let read = |s: &str| urlencoded::<Body>(s.as_bytes(), Code::MalformedForm);
        let e = read("slot_id=1e%2B300").expect_err("1e+300");
        assert_eq!(e.code, Code::MalformedForm);
        assert_eq!(said(&e), (Some("slot_id"), "malformed_field_value"));
        let e = read("other=1").expect_err("no slot_id");
        assert_eq!(said(&e), (Some("slot_id"), "malformed_field_missing"));
        assert!(read("slot_id=12&other=x").is_ok());
        let e = urlencoded::<Body>(b"slot_id=99999999999999999999", Code::MalformedQuery)
            .expect_err("20 digits");
        assert_eq!(
            (e.code, e.field.as_deref()),
            (Code::MalformedQuery, Some("slot_id"))
        );
    }

    #[test]
    fn a_media_type_is_read_without_its_parameters() {
        let of = |v: &str| {
            let req = actix_web::test::TestRequest::default()
                .insert_header((CONTENT_TYPE, v))
                .to_http_request();
            content_type(&req)
        };
        let form = of("Application/X-WWW-Form-Urlencoded; charset=UTF-8");
        assert_eq!(form.as_deref(), Some("application/x-www-form-urlencoded"));
        assert_eq!(
            of(" application/json ").as_deref(),
            Some("application/json")
        );
        let none = actix_web::test::TestRequest::default().to_http_request();
        assert_eq!(content_type(&none), None);
    }

    #[test]
    fn the_sentence_names_the_field_in_both_languages() {
        let e = json(r#"{"slot_id":true}"#).expect_err("refused");
        assert!(e.message(crate::i18n::Lang::Id).contains("slot_id"));
        assert!(e.message(crate::i18n::Lang::En).contains("slot_id"));
        assert!(!e.message(crate::i18n::Lang::Id).contains("{field}"));
    }
}
