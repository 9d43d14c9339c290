//! Files over HTTP: multipart uploads read with a bound (the API and the
//! pages read them alike), stored files served so that a browser never
//! sniffs or runs them, and CSV downloads.

use actix_multipart::Multipart;
use actix_web::http::header::{ContentDisposition, DispositionParam, DispositionType};
use actix_web::{HttpRequest, HttpResponse};
use futures_util::TryStreamExt;

use crate::app::dossier::{too_large, Upload};
use crate::app::error::{AppError, AppResult};
use crate::domain::Code;

/// What a multipart upload carried.
#[derive(Default)]
pub struct UploadForm {
    pub csrf: String,
    /// The checklist item the page form was for (pages only).
    pub item: String,
    pub kind: String,
    pub file_name: String,
    pub bytes: Vec<u8>,
    pub has_file: bool,
}

/// Reads a multipart upload without ever holding more than `max + 1`
/// bytes of the file: an oversized file is refused as soon as it shows.
pub async fn read_upload(
    req: &HttpRequest,
    mut payload: Multipart,
    max: u64,
) -> AppResult<UploadForm> {
    // A declared size far beyond the limit is refused before reading.
    let declared = req
        .headers()
        .get(actix_web::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > max + 64 * 1024) {
        return Err(too_large(max));
    }
    let mut form = UploadForm::default();
    let malformed = |e: actix_multipart::MultipartError| {
        let mut err = AppError::bad_request(Code::MalformedUpload);
        err.internal = Some(e.to_string());
        err
    };
    while let Some(mut field) = payload.try_next().await.map_err(malformed)? {
        let name = field.name().unwrap_or("").to_string();
        match name.as_str() {
            "file" => {
                form.has_file = true;
                form.file_name = field
                    .content_disposition()
                    .and_then(|cd| cd.get_filename())
                    .unwrap_or("")
                    .chars()
                    // A name is shown and stored: no NUL or other controls.
                    .filter(|c| !c.is_control())
                    .collect();
                while let Some(chunk) = field.try_next().await.map_err(malformed)? {
                    if (form.bytes.len() + chunk.len()) as u64 > max {
                        return Err(too_large(max));
                    }
                    form.bytes.extend_from_slice(&chunk);
                }
            }
            "kind" | "csrf" | "item" => {
                let mut value = Vec::new();
                while let Some(chunk) = field.try_next().await.map_err(malformed)? {
                    if value.len() + chunk.len() > 256 {
                        return Err(AppError::bad_request(Code::MalformedUpload));
                    }
                    value.extend_from_slice(&chunk);
                }
                let text: String = String::from_utf8_lossy(&value)
                    .trim()
                    .chars()
                    .filter(|c| !c.is_control())
                    .collect();
                match name.as_str() {
                    "kind" => form.kind = text,
                    "item" => form.item = text,
                    _ => form.csrf = text,
                }
            }
            // Unknown fields are drained, bounded like the file.
            _ => {
                let mut seen = 0usize;
                while let Some(chunk) = field.try_next().await.map_err(malformed)? {
                    seen += chunk.len();
                    if seen > 64 * 1024 {
                        return Err(AppError::bad_request(Code::MalformedUpload));
                    }
                }
            }
        }
    }
    Ok(form)
}

impl UploadForm {
    /// Refuses a form without a `file` field.
    pub fn require_file(self) -> AppResult<Self> {
        if self.has_file {
            Ok(self)
        } else {
            Err(AppError::unprocessable(Code::MissingFile).field("file"))
        }
    }
}

impl From<UploadForm> for Upload {
    fn from(f: UploadForm) -> Self {
        Self {
            kind: f.kind,
            file_name: f.file_name,
            bytes: f.bytes,
            has_file: f.has_file,
        }
    }
}

/// Serves stored bytes safely: never sniffed, never scripted, downloaded
/// as `name` unless shown inline in Antre's own viewer.
pub fn serve_file(content_type: &str, name: String, bytes: Vec<u8>, inline: bool) -> HttpResponse {
    let disposition = ContentDisposition {
        disposition: if inline {
            DispositionType::Inline
        } else {
            DispositionType::Attachment
        },
        parameters: vec![DispositionParam::Filename(name)],
    };
    let mut res = HttpResponse::Ok();
    res.content_type(content_type)
        .insert_header(disposition)
        .insert_header(("x-content-type-options", "nosniff"))
        .insert_header(("cache-control", "private, no-store"));
    if inline {
        // Shown inside Antre's own review page only.
        res.insert_header((
            "content-security-policy",
            "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'",
        ))
        .insert_header(("x-frame-options", "SAMEORIGIN"));
    } else {
        res.insert_header(("content-security-policy", "default-src 'none'; sandbox"));
    }
    res.body(bytes)
}

/// The file extension of a stored document's type.
pub fn extension(content_type: &str) -> &'static str {
    match content_type {
        "image/jpeg" => "jpg",
        "image/png" => "png",
        _ => "pdf",
    }
}

/// A CSV download named `name`.
pub fn csv_download(name: &str, body: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            actix_web::http::header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}\""),
        ))
        .insert_header(("cache-control", "no-store"))
        // A byte-order mark so that Excel reads the file as UTF-8.
        .body(format!("\u{feff}{body}"))
}
