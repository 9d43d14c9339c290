//! Collective claims: what the HR pages and the JSON API both need to
//! read about a batch.

use crate::app::error::AppResult;
use crate::db::collective::{self as store, Batch};
use crate::db::{claims, documents, DbConnection};
use crate::domain::collective::{self as rules, StoredError, WorkerState, WorkerStatus};
use crate::i18n::Lang;

/// The row errors stored with a batch (JSON), none when unreadable.
pub fn stored_errors(b: &Batch) -> Vec<StoredError> {
    serde_json::from_str(&b.errors).unwrap_or_default()
}

/// The batch's eligibility figure in words.
pub fn explanation(b: &Batch, lang: Lang) -> String {
    let e = rules::eligibility(
        u32::try_from(b.headcount).unwrap_or(0),
        u32::try_from(b.laid_off).unwrap_or(0),
    );
    rules::explain(&e, lang == Lang::Id)
}

/// Every worker of a batch and where their claim stands.
pub fn worker_statuses(conn: &mut DbConnection, batch: i64) -> AppResult<Vec<WorkerStatus>> {
    let rows = store::rows_of(conn, batch)?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let mut status = WorkerState::NotSubmitted;
        let mut because = Vec::new();
        if let Some(claim) = r
            .claim_id
            .map(|id| claims::find(conn, id))
            .transpose()?
            .flatten()
        {
            let claim_status = claim.status;
            if WorkerState::shows_rejections(claim_status) {
                let dossier = documents::dossier(conn, claim)?;
                status = WorkerState::of_claim(claim_status, dossier.ready);
                because = dossier
                    .current()
                    .filter_map(|d| d.reject_reason.clone())
                    .collect();
            } else {
                status = WorkerState::of_claim(claim_status, false);
            }
        }
        out.push(WorkerStatus {
            line: r.line,
            nik: r.nik,
            name: r.full_name,
            reason: r.reason,
            claim_id: r.claim_id,
            status,
            rejected_because: because,
        });
    }
    Ok(out)
}
