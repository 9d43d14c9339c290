//! Uploading a batch file: every row is read and checked, eligibility is
//! counted, and the batch is stored with its report and audit entry.
//!
//! "Same layoff": the laid-off count of a batch adds the workers with
//! reason termination whose claims the company filed in batches SUBMITTED
//! within the last [`SAME_LAYOFF_DAYS`] days (183, about six months);
//! earlier batches count as a different layoff.

use chrono::Duration;

use super::{representative, today, Hr};
use crate::app::error::{AppError, AppResult};
use crate::app::{blocking, read_db, write_db, Ctx, Status};
use crate::db::audit::{self, Subject};
use crate::db::collective::{self as store, Batch, NewBatch};
use crate::db::staff;
use crate::domain::collective::{self as rules, RowError, StoredError, WorkerRow};
use crate::domain::Code;

/// Most data rows in one batch.
pub const MAX_BATCH_ROWS: usize = 10_000;
/// Earlier submitted batches within this many days are the same layoff.
pub const SAME_LAYOFF_DAYS: i64 = 183;

fn to_u32(n: i64) -> u32 {
    u32::try_from(n.max(0)).unwrap_or(u32::MAX)
}

/// The outcome of an upload: the batch, and whether it existed already.
pub struct Uploaded {
    pub batch: Batch,
    pub existing: bool,
}

/// Reads, checks and stores a batch file for the representative's company
/// (`company`: the acting HR account's).
pub async fn accept(
    ctx: &Ctx,
    company: Option<&str>,
    file_name: String,
    bytes: Vec<u8>,
) -> AppResult<Uploaded> {
    let Hr { staff_id, npp } = representative(ctx, company).await?;
    let fingerprint = rules::fingerprint(&bytes);
    let (n2, f2) = (npp.clone(), fingerprint.clone());
    let known = read_db(&ctx.db, move |c| store::find_by_fingerprint(c, &n2, &f2)).await?;
    if let Some(batch) = known {
        return Ok(Uploaded {
            batch,
            existing: true,
        });
    }
    let today = today(ctx);
    let name = file_name.clone();
    let mut validated = blocking(move || {
        rules::read_rows(&bytes, &name, MAX_BATCH_ROWS).map(|table| rules::validate(&table, today))
    })
    .await?
    .map_err(|e| {
        let status = Status::from_u16(e.http_status());
        AppError::new(status, e.code())
            .detail(e.detail())
            .field("file")
    })?;
    rules::apply_claim_rules(&mut validated, today);
    let now = ctx.clock.now_naive();
    let actor = ctx.actor.clone();
    let file_name: String = crate::domain::dossier::upload::sanitize_file_name(&file_name);
    write_db(&ctx.db, move |c| -> AppResult<Uploaded> {
            store::lock_company(c, &npp)?;
            if let Some(batch) = store::find_by_fingerprint(c, &npp, &fingerprint)? {
                return Ok(Uploaded {
                    batch,
                    existing: true,
                });
            }
            let company = staff::find_company(c, &npp)?
                .ok_or_else(|| AppError::not_found(Code::CompanyNotFound))?;
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
    .await
}
