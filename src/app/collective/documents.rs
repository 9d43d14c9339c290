//! A submitted batch's documents: the per-worker documents, uploaded as
//! one ZIP by the company's HR representative (each entry
//! `NIK_documentcode.ext` is checked like a single upload and recorded as
//! a document version of that worker's claim in the batch; the report
//! names every refused entry with its code), and the batch's mass
//! termination letter (a document of the batch, not of a worker).

use std::collections::HashMap;
use std::sync::Arc;

use super::{audited, representative, Hr};
use crate::app::dossier::Upload;
use crate::app::error::{AppError, AppResult};
use crate::app::files::inspect_and_store;
use crate::app::{read_db, Ctx, Status};
use crate::db::collective as store;
use crate::db::collective_staff::{self as letters, Letter, NewLetter};
use crate::db::documents::{self as docs, NewDocument};
use crate::db::{claims, run, Db};
use crate::domain::collective::zip::{self as zipped, RefusedEntry, ZipReport};
use crate::domain::dossier::upload as uploads;
use crate::domain::dossier::{check_claim_quota, DocumentKind, QuotaExceeded};
use crate::domain::Code;
use crate::i18n::{t, Lang};
use crate::infra::storage::{DocumentStore, StoreError};

/// A refused entry: (code, catalog key of its sentence).
type Refusal = (&'static str, &'static str);

fn refusal(code: &'static str) -> Refusal {
    (code, code)
}

/// Checks and stores every entry of `bytes` for the batch's workers.
pub async fn accept_zip(
    ctx: &Ctx,
    files: Arc<dyn DocumentStore>,
    company: Option<&str>,
    batch_id: i64,
    bytes: Vec<u8>,
    lang: Lang,
) -> AppResult<ZipReport> {
    let Hr { staff_id, npp } = representative(ctx, company).await?;
    let claims_by_nik = read_db(&ctx.db, move |c| -> AppResult<HashMap<String, i64>> {
        let batch = store::find_batch(c, batch_id)?
            .filter(|b| b.company_npp == npp)
            .ok_or_else(|| AppError::not_found(Code::BatchNotFound))?;
        if batch.status != crate::domain::collective::BatchStatus::Submitted {
            return Err(AppError::conflict(Code::BatchNotSubmitted));
        }
        Ok(store::rows_of(c, batch_id)?
            .into_iter()
            .filter_map(|r| r.claim_id.map(|claim| (r.nik, claim)))
            .collect())
    })
    .await?;
    let max = ctx.settings.max_upload_bytes;
    let clock = ctx.clock;
    let outcomes = run(&ctx.db, move |db| -> AppResult<Vec<Outcome>> {
        let mut outcomes = Vec::new();
        // Once the store is down, the remaining entries are refused at
        // once instead of each waiting out the store's deadline.
        let mut store_down = false;
        zipped::for_each_entry(&bytes, max, |entry| {
            let result = entry.outcome.map_err(refusal).and_then(|body| {
                let (nik, code) =
                    zipped::parse_entry_name(&entry.name).ok_or(refusal("zip_entry_name"))?;
                let claim_id = *claims_by_nik
                    .get(nik)
                    .ok_or(refusal("zip_unknown_worker"))?;
                let kind =
                    DocumentKind::parse_participant_upload(code).ok_or(refusal("unknown_kind"))?;
                let inspected = uploads::inspect(&body, &entry.name, max)
                    .map_err(|e| (e.code().as_str(), e.detail()))?;
                if store_down {
                    return Err(refusal("zip_entry_not_stored"));
                }
                files
                    .put(&inspected.sha256, &inspected.bytes)
                    .map_err(|e| {
                        store_down = matches!(e, StoreError::Unavailable(_));
                        refusal("zip_entry_not_stored")
                    })?;
                let new = NewDocument {
                    claim_id,
                    kind: kind.code().to_string(),
                    version: 1,
                    is_current: true,
                    content_type: inspected.file_type.content_type().to_string(),
                    size: inspected.bytes.len() as i64,
                    sha256: inspected.sha256,
                    original_name: inspected.original_name,
                    uploaded_by_staff: Some(staff_id),
                    created_at: clock.now_naive(),
                };
                record(db, new)
            });
            outcomes.push((entry.name, result));
        })
        .map_err(|r| AppError::new(Status::Unprocessable, r.code()).field("file"))?;
        Ok(outcomes)
    })
    .await?;
    Ok(report(outcomes, lang, max))
}

type Outcome = (String, Result<(), Refusal>);

/// Records one document version on the worker's claim, with the checks of
/// a single upload: the claim is open, its checklist asks for the kind,
/// and the claim's quota holds.
fn record(db: &Db, new: NewDocument) -> Result<(), Refusal> {
    let claim_id = new.claim_id;
    let size = new.size;
    let verdict = db.write(|c| -> AppResult<Result<(), Refusal>> {
        docs::lock_claim(c, claim_id)?;
        let Some(claim) = claims::find(c, claim_id)? else {
            return Ok(Err(refusal("zip_unknown_worker")));
        };
        if claim.status != crate::domain::claim::ClaimStatus::Open {
            return Ok(Err(refusal("claim_not_open")));
        }
        let wanted = docs::dossier(c, claim)?
            .checklist
            .iter()
            .any(|e| e.accepts.iter().any(|k| k.code() == new.kind));
        if !wanted {
            return Ok(Err(refusal("kind_not_required")));
        }
        let (count, bytes) = docs::usage(c, claim_id)?;
        if let Err(q) = check_claim_quota(count as usize, bytes as u64, size as u64) {
            return Ok(Err(refusal(match q {
                QuotaExceeded::TooManyFiles => "too_many_files",
                QuotaExceeded::StorageFull => "claim_storage_full",
            })));
        }
        docs::add_version(c, new)?;
        Ok(Ok(()))
    });
    verdict.unwrap_or_else(|e| {
        tracing::error!(error = %e.internal.as_deref().unwrap_or(e.code.as_str()), "zip entry not recorded");
        Err(refusal("zip_entry_not_stored"))
    })
}

fn report(outcomes: Vec<Outcome>, lang: Lang, max: u64) -> ZipReport {
    let mut accepted = 0;
    let mut refused = Vec::new();
    for (entry, result) in outcomes {
        match result {
            Ok(()) => accepted += 1,
            Err((code, key)) => refused.push(RefusedEntry {
                entry,
                code: code.to_string(),
                message: t(lang, key).replace("{max_mb}", &(max >> 20).to_string()),
            }),
        }
    }
    ZipReport { accepted, refused }
}

/// Checks and stores the letter of a batch of the caller's company, with
/// its audit entry (the upload's `kind` is not used).
pub async fn accept_letter(
    ctx: &Ctx,
    files: Arc<dyn DocumentStore>,
    company: Option<&str>,
    batch_id: i64,
    upload: Upload,
) -> AppResult<Letter> {
    let Hr { staff_id, npp } = representative(ctx, company).await?;
    let company = npp.clone();
    read_db(&ctx.db, move |c| -> AppResult<()> {
        store::find_batch(c, batch_id)?
            .filter(|b| b.company_npp == company)
            .map(|_| ())
            .ok_or_else(|| AppError::not_found(Code::BatchNotFound))
    })
    .await?;
    let file = inspect_and_store(ctx, files, upload.file_name, upload.bytes).await?;
    let new = NewLetter {
        batch_id,
        content_type: file.content_type,
        size: file.size,
        sha256: file.sha256,
        original_name: file.original_name,
        uploaded_by: staff_id,
        created_at: ctx.clock.now_naive(),
    };
    let add = move |c: &mut _| Ok(letters::add_letter(c, &new)?);
    audited(ctx, "collective_letter_uploaded", add, move |l: &Letter| {
        serde_json::json!({ "company": npp, "batch": batch_id, "sha256": l.sha256 })
    })
    .await
}
