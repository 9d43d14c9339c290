//! Collective claims over HTTP: an HR representative uploads a batch file
//! of laid-off workers, reads the report, and submits the valid rows as
//! claims (see shared/API.md "Collective claims").
//!
//! "Same layoff": the laid-off count of a batch adds the workers with
//! reason termination whose claims the company filed in batches SUBMITTED
//! within the last [`SAME_LAYOFF_DAYS`] days (183, about six months);
//! earlier batches count as a different layoff.
//!
//! Workers without an account get a participant record so that the claim
//! has an owner: their own email when no other account uses it (else
//! `NIK.kolektif@pekerja.invalid`, a reserved domain that never receives
//! mail) and the password hash [`NO_LOGIN_HASH`], which is not a PHC
//! string, so no password ever verifies against it.

use crate::app::Status;
use actix_multipart::Multipart;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{Duration, NaiveDate};
use serde::Serialize;
use utoipa::ToSchema;

use crate::app::collective::{explanation, stored_errors};
use crate::app::error::{AppError, AppResult};
use crate::db::audit::{self, Actor, Subject};
use crate::db::collective::{self as store, Batch, NewBatch};
use crate::db::{run, staff, DbConnection};
use crate::domain::collective::{self as rules, RowError, StoredError, WorkerRow};
use crate::domain::role::Role;
use crate::i18n::{t, Lang};
use crate::web::api::documents::read_upload;
use crate::web::auth::{Authenticated, Identity};
use crate::web::{lang, State};

/// Largest batch file (bytes).
pub const MAX_BATCH_BYTES: u64 = 20 * 1024 * 1024;
/// Most data rows in one batch.
pub const MAX_BATCH_ROWS: usize = 10_000;
/// Earlier submitted batches within this many days are the same layoff.
pub const SAME_LAYOFF_DAYS: i64 = 183;
/// The password hash of participants created for a collective claim.
pub const NO_LOGIN_HASH: &str = "!collective-no-login";

#[derive(Serialize, ToSchema)]
pub struct BatchErrorBody {
    pub row: Option<usize>,
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
    /// validated or submitted.
    pub status: String,
    pub eligible: bool,
    pub headcount: i32,
    pub laid_off: i32,
    pub rows: i32,
    pub valid_rows: i32,
    /// "27 of 100 workers = 27%; at least 30 are needed".
    pub explanation: String,
    pub created_at: String,
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

/// The caller as an approved HR representative: (staff id, company NPP).
pub async fn representative(state: &State, who: &Identity) -> AppResult<(i64, String)> {
    let (id, npp) = hr_of(who)?;
    let found = run(&state.db, move |db| {
        db.read(|c| -> AppResult<_> { Ok(staff::find(c, id)?) })
    })
    .await?;
    match found {
        Some(s) if s.active && s.approved => Ok((id, npp)),
        _ => Err(AppError::forbidden()
            .detail("representative_not_approved")
            .code_as("representative_not_approved")),
    }
}

/// The caller as an HR account of a company (approved or not).
pub fn hr_of(who: &Identity) -> AppResult<(i64, String)> {
    match who {
        Identity::Staff {
            id,
            role: Role::Hr,
            company: Some(npp),
            ..
        } => Ok((*id, npp.clone())),
        _ => Err(AppError::forbidden().detail("hr_only")),
    }
}

trait CodeAs {
    fn code_as(self, code: &'static str) -> Self;
}

impl CodeAs for AppError {
    fn code_as(mut self, code: &'static str) -> Self {
        self.code = code;
        self
    }
}

/// "Today" for claims: the server clock's date in WIB.
fn today(state: &State) -> NaiveDate {
    state
        .clock
        .now()
        .with_timezone(&chrono_tz::Asia::Jakarta)
        .date_naive()
}

fn to_u32(n: i64) -> u32 {
    u32::try_from(n.max(0)).unwrap_or(u32::MAX)
}

/// The outcome of an upload: the batch, and whether it existed already.
pub struct Uploaded {
    pub batch: Batch,
    pub existing: bool,
}

/// Reads, checks and stores a batch file for the representative's company.
pub async fn accept_batch(
    state: &State,
    who: &Identity,
    actor: Actor,
    file_name: String,
    bytes: Vec<u8>,
) -> AppResult<Uploaded> {
    let (staff_id, npp) = representative(state, who).await?;
    let fingerprint = rules::fingerprint(&bytes);
    let (n2, f2) = (npp.clone(), fingerprint.clone());
    let known = run(&state.db, move |db| {
        db.read(|c| -> AppResult<_> { Ok(store::find_by_fingerprint(c, &n2, &f2)?) })
    })
    .await?;
    if let Some(batch) = known {
        return Ok(Uploaded {
            batch,
            existing: true,
        });
    }
    let today = today(state);
    let name = file_name.clone();
    let mut validated = web::block(move || {
        rules::read_rows(&bytes, &name, MAX_BATCH_ROWS).map(|table| rules::validate(&table, today))
    })
    .await
    .map_err(AppError::internal)?
    .map_err(|e| {
        let status = Status::from_u16(e.http_status());
        AppError::new(status, e.code())
            .detail(e.detail())
            .field("file")
    })?;
    rules::apply_claim_rules(&mut validated, today);
    let now = state.clock.now_naive();
    let file_name: String = crate::domain::dossier::upload::sanitize_file_name(&file_name);
    run(&state.db, move |db| {
        db.write(|c| -> AppResult<Uploaded> {
            store::lock_company(c, &npp)?;
            if let Some(batch) = store::find_by_fingerprint(c, &npp, &fingerprint)? {
                return Ok(Uploaded {
                    batch,
                    existing: true,
                });
            }
            let company = staff::find_company(c, &npp)?
                .ok_or_else(|| AppError::not_found("company_not_found"))?;
            let mut v = validated;
            // Workers with a claim in progress cannot get a second one.
            let niks: Vec<&str> = v.valid.iter().map(|w| w.nik.as_str()).collect();
            let open = store::niks_with_open_claim(c, &niks)?;
            if !open.is_empty() {
                let (blocked, ok): (Vec<WorkerRow>, Vec<WorkerRow>) =
                    std::mem::take(&mut v.valid)
                        .into_iter()
                        .partition(|w| open.contains(&w.nik));
                v.valid = ok;
                v.errors.extend(blocked.iter().map(|w| RowError {
                    row: Some(w.line),
                    column: None,
                    code: "claim_open",
                    value: crate::domain::nik::mask_str(&w.nik),
                    detail: "batch_claim_open",
                }));
            }
            rules::sort_by_row(&mut v.errors);
            let since = now - Duration::days(SAME_LAYOFF_DAYS);
            let laid_off = i64::from(v.laid_off()) + store::earlier_laid_off(c, &npp, since, None)?;
            let e = rules::eligibility(to_u32(i64::from(company.headcount)), to_u32(laid_off));
            let errors: Vec<StoredError> = v.errors.iter().map(StoredError::from).collect();
            let new = NewBatch {
                company_npp: npp.clone(),
                uploaded_by: staff_id,
                fingerprint: fingerprint.clone(),
                file_name: file_name.clone(),
                total_rows: i32::try_from(v.rows).unwrap_or(i32::MAX),
                valid_rows: i32::try_from(v.valid.len()).unwrap_or(i32::MAX),
                laid_off: i32::try_from(laid_off).unwrap_or(i32::MAX),
                headcount: company.headcount,
                eligible: e.eligible,
                status: crate::domain::collective::BatchStatus::Validated.as_str().into(),
                errors: serde_json::to_string(&errors).map_err(AppError::internal)?,
                created_at: now,
            };
            let batch = store::insert_batch(c, &new, &v.valid)?;
            audit::record(
                c,
                now,
                &actor,
                "batch_uploaded",
                &Subject {
                    batch_id: Some(batch.id),
                    ..Subject::default()
                },
                serde_json::json!({
                    "company": npp, "rows": batch.total_rows, "valid_rows": batch.valid_rows,
                    "laid_off": batch.laid_off, "headcount": batch.headcount, "eligible": batch.eligible,
                }),
            )?;
            Ok(Uploaded {
                batch,
                existing: false,
            })
        })
    })
    .await
}

/// Uploads a batch file (multipart field `file`, CSV or XLSX).
#[utoipa::path(post, path = "/api/v1/collective/batches",
    request_body(content_type = "multipart/form-data", description = "field: file (CSV or XLSX)"),
    responses((status = 201, body = BatchBody), (status = 200, body = BatchBody, description = "the same file again"),
        (status = 403, body = super::ErrorBody), (status = 413, body = super::ErrorBody),
        (status = 415, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = [])))]
pub async fn upload(
    state: State,
    req: HttpRequest,
    who: Authenticated,
    payload: Multipart,
) -> AppResult<HttpResponse> {
    // Refuse callers who may not upload before reading the body.
    representative(&state, &who.0).await?;
    let form = read_upload(&req, payload, MAX_BATCH_BYTES).await?;
    if !form.has_file {
        return Err(AppError::unprocessable("missing_file").field("file"));
    }
    let up = accept_batch(
        &state,
        &who.0,
        crate::web::extract::actor(Some(&who.0), &req),
        form.file_name,
        form.bytes,
    )
    .await?;
    let body = batch_body(&up.batch, lang::of_request(&req));
    Ok(if up.existing {
        HttpResponse::Ok().json(body)
    } else {
        HttpResponse::Created().json(body)
    })
}

/// May `who` see this batch? Its company's HR accounts, admins, auditors,
/// supervisors, and CS agents of the company's branch.
pub fn may_see(conn: &mut DbConnection, who: &Identity, b: &Batch) -> AppResult<bool> {
    Ok(match who {
        Identity::Staff {
            role: Role::Hr,
            company,
            ..
        } => company.as_deref() == Some(b.company_npp.as_str()),
        Identity::Staff { .. } => covers_company(conn, who, &b.company_npp)?,
        _ => false,
    })
}

/// Staff who handle a company: admins and auditors all; supervisors and
/// CS agents the companies of their branch; supervisors also companies
/// not yet assigned to a branch (someone has to take them on).
pub fn covers_company(conn: &mut DbConnection, who: &Identity, npp: &str) -> AppResult<bool> {
    let Identity::Staff { role, .. } = who else {
        return Ok(false);
    };
    Ok(match role {
        Role::Admin | Role::Auditor => true,
        Role::Supervisor | Role::Cs => match staff::find_company(conn, npp)? {
            None => false,
            Some(c) => match c.branch_code {
                Some(branch) => who.staff_covers_branch(&branch),
                None => *role == Role::Supervisor,
            },
        },
        _ => false,
    })
}

/// The batch, when `who` may see it (404 otherwise).
pub async fn visible_batch(state: &State, who: &Identity, id: i64) -> AppResult<Batch> {
    let who = who.clone();
    run(&state.db, move |db| {
        db.read(|c| -> AppResult<Batch> {
            let b =
                store::find_batch(c, id)?.ok_or_else(|| AppError::not_found("batch_not_found"))?;
            if !may_see(c, &who, &b)? {
                return Err(AppError::not_found("batch_not_found"));
            }
            Ok(b)
        })
    })
    .await
}

/// A batch with its report.
#[utoipa::path(get, path = "/api/v1/collective/batches/{id}", params(("id" = i64, Path)),
    responses((status = 200, body = BatchBody), (status = 404, body = super::ErrorBody)), security(("bearer" = [])))]
pub async fn get(
    state: State,
    req: HttpRequest,
    who: Authenticated,
    path: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let b = visible_batch(&state, &who.0, path.into_inner()).await?;
    Ok(HttpResponse::Ok().json(batch_body(&b, lang::of_request(&req))))
}

fn csv_response(name: &str, body: String) -> HttpResponse {
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
pub async fn errors_csv_file(
    state: State,
    req: HttpRequest,
    who: Authenticated,
    path: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let b = visible_batch(&state, &who.0, path.into_inner()).await?;
    let body = errors_csv(&b, lang::of_request(&req));
    Ok(csv_response(&format!("batch-{}-errors.csv", b.id), body))
}

/// The batch template (header and one example row).
#[utoipa::path(get, path = "/api/v1/collective/template.csv", responses((status = 200, description = "text/csv")))]
pub async fn template() -> HttpResponse {
    csv_response("collective-template.csv", rules::template_csv())
}
