//! Collective claims over HTTP: an HR representative uploads a batch file
//! of laid-off workers, reads the report, and submits the valid rows as
//! claims (see shared/API.md "Collective claims"); the use cases are in
//! `app::collective`.

use actix_multipart::Multipart;
use actix_web::web::Path;
use actix_web::{HttpRequest, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

use super::{fresh, ok, vocab, Reply};
use crate::app::collective::{
    self as app, batch, explanation, representative, stored_errors, MAX_BATCH_BYTES,
};
use crate::app::error::AppResult;
use crate::db::collective::Batch;
use crate::domain::collective::{self as rules, RowError, WorkerStatus};
use crate::i18n::{t, Lang};
use crate::views::collective::rejection_text;
use crate::web::extract::Api;
use crate::web::files::{csv_download, read_upload, UploadForm};

#[derive(Serialize, ToSchema)]
pub struct BatchErrorBody {
    pub row: Option<usize>,
    #[schema(value_type = Option<vocab::BatchColumn>)]
    pub column: Option<String>,
    pub code: String,
    pub value: String,
    pub message: String,
}

#[derive(Serialize, ToSchema)]
pub struct BatchBody {
    pub id: i64,
    pub company_npp: String,
    pub file_name: String,
    #[schema(value_type = vocab::BatchStatus)]
    pub status: String,
    pub eligible: bool,
    pub headcount: i32,
    pub laid_off: i32,
    pub rows: i32,
    pub valid_rows: i32,
    /// "27 of 100 workers = 27%; at least 30 are needed".
    pub explanation: String,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub submitted_at: Option<String>,
    pub errors: Vec<BatchErrorBody>,
}

pub fn batch_body(b: &Batch, lang: Lang) -> BatchBody {
    BatchBody {
        id: b.id,
        company_npp: b.company_npp.clone(),
        file_name: b.file_name.clone(),
        status: b.status.to_string(),
        eligible: b.eligible,
        headcount: b.headcount,
        laid_off: b.laid_off,
        rows: b.total_rows,
        valid_rows: b.valid_rows,
        explanation: explanation(b, lang),
        created_at: b.created_at.and_utc().to_rfc3339(),
        submitted_at: b.submitted_at.map(|s| s.and_utc().to_rfc3339()),
        errors: stored_errors(b)
            .into_iter()
            .map(|e| BatchErrorBody {
                message: t(lang, &e.detail).to_string(),
                row: e.row,
                column: e.column,
                code: e.code,
                value: e.value,
            })
            .collect(),
    }
}

/// Uploads a batch file (multipart field `file`, CSV or XLSX).
#[utoipa::path(post, path = "/api/v1/collective/batches",
    request_body(content_type = "multipart/form-data", description = "field: file (CSV or XLSX)"),
    responses((status = 201, body = BatchBody), (status = 200, body = BatchBody, description = "the same file again"),
        (status = 403, body = super::ErrorBody), (status = 413, body = super::ErrorBody),
        (status = 415, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = [])))]
pub async fn upload(req: HttpRequest, api: Api, payload: Multipart) -> Reply {
    let form = representative_file(&req, &api, payload, MAX_BATCH_BYTES).await?;
    let up = batch::accept(&api.ctx, api.company(), form.file_name, form.bytes).await?;
    Ok(fresh(!up.existing, batch_body(&up.batch, api.lang)))
}

/// The file an approved representative sends; anyone else is refused
/// before the body is read.
pub(super) async fn representative_file(
    req: &HttpRequest,
    api: &Api,
    payload: Multipart,
    max: u64,
) -> AppResult<UploadForm> {
    representative(&api.ctx, api.company()).await?;
    read_upload(req, payload, max).await?.require_file()
}

/// A batch with its report.
#[utoipa::path(get, path = "/api/v1/collective/batches/{id}", params(("id" = i64, Path)),
    responses((status = 200, body = BatchBody), (status = 404, body = super::ErrorBody)), security(("bearer" = [])))]
pub async fn get(api: Api, path: Path<i64>) -> Reply {
    let b = app::visible_batch(&api.ctx, api.company(), path.into_inner()).await?;
    ok(batch_body(&b, api.lang))
}

/// Placeholder for the fields the one-line report does not print.
const NO_CODE: &str = "";

pub fn errors_csv(b: &Batch, lang: Lang) -> String {
    let id = lang == Lang::Id;
    let mut out = rules::error_report_csv(&[], id, |_| String::new());
    for e in stored_errors(b) {
        // One line through the module's writer (quoting, formula guard),
        // without the column, which is then put back in.
        let one = RowError {
            row: e.row,
            column: None,
            code: NO_CODE,
            value: e.value.clone(),
            detail: NO_CODE,
        };
        let report = rules::error_report_csv(&[one], id, |_| t(lang, &e.detail).to_string());
        let line = report.split_once("\r\n").map(|(_, l)| l).unwrap_or("");
        let row = e.row.map(|r| r.to_string()).unwrap_or_default();
        if let Some(tail) = line.strip_prefix(&format!("{row},,")) {
            let col = e.column.as_deref().unwrap_or("");
            out.push_str(&format!("{row},{col},{tail}"));
        }
    }
    out
}

/// The batch's problems as CSV (row, column, value, message).
#[utoipa::path(get, path = "/api/v1/collective/batches/{id}/errors.csv", params(("id" = i64, Path)),
    responses((status = 200, description = "text/csv"), (status = 404, body = super::ErrorBody)), security(("bearer" = [])))]
pub async fn errors_csv_file(api: Api, path: Path<i64>) -> Reply {
    let b = app::visible_batch(&api.ctx, api.company(), path.into_inner()).await?;
    let body = errors_csv(&b, api.lang);
    Ok(csv_download(&format!("batch-{}-errors.csv", b.id), body))
}

/// The batch template (header and one example row).
#[utoipa::path(get, path = "/api/v1/collective/template.csv", responses((status = 200, description = "text/csv")))]
pub async fn template() -> HttpResponse {
    csv_download("collective-template.csv", rules::template_csv())
}

#[derive(Serialize, ToSchema)]
pub struct SubmitBody {
    pub id: i64,
    #[schema(value_type = vocab::BatchStatus)]
    pub status: String,
    /// Claims created.
    pub claims: usize,
    #[schema(format = DateTime)]
    pub submitted_at: Option<String>,
}

/// Submits the batch's valid rows as claims (the company's HR).
#[utoipa::path(post, path = "/api/v1/collective/batches/{id}/submit", params(("id" = i64, Path)),
    responses((status = 200, body = SubmitBody), (status = 404, body = super::ErrorBody),
        (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = [])))]
pub async fn submit(api: Api, path: Path<i64>) -> Reply {
    let id = path.into_inner();
    let (batch, n) = app::submit::submit(&api.ctx, api.company(), id, api.lang).await?;
    ok(SubmitBody {
        id: batch.id,
        status: batch.status.to_string(),
        claims: n,
        submitted_at: batch.submitted_at.map(|s| s.and_utc().to_rfc3339()),
    })
}

fn csv_cell(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', ';', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

pub fn workers_csv(list: &[WorkerStatus], lang: Lang) -> String {
    let header = match lang {
        Lang::Id => "baris,nik,nama,alasan,klaim,status,alasan_penolakan",
        Lang::En => "row,nik,name,reason,claim,status,rejection_reason",
    };
    let mut out = format!("{header}\r\n");
    for w in list {
        out.push_str(&format!(
            "{},{},{},{},{},{},{}\r\n",
            w.line,
            csv_cell(&w.nik),
            csv_cell(&w.name),
            w.reason,
            w.claim_id.map(|c| c.to_string()).unwrap_or_default(),
            w.status,
            csv_cell(&rejection_text(w, lang)),
        ));
    }
    out
}

/// Each worker's claim status as CSV.
#[utoipa::path(get, path = "/api/v1/collective/batches/{id}/workers.csv", params(("id" = i64, Path)),
    responses((status = 200, description = "text/csv"), (status = 404, body = super::ErrorBody)), security(("bearer" = [])))]
pub async fn workers_csv_file(api: Api, path: Path<i64>) -> Reply {
    let id = path.into_inner();
    let list = app::workers(&api.ctx, api.company(), id).await?;
    let body = workers_csv(&list, api.lang);
    Ok(csv_download(&format!("batch-{id}-workers.csv"), body))
}
