//! Companies' registered headcount (with history) and HR representatives:
//! their power of attorney and non-abuse statement, and the supervisor's
//! approval that opens batch uploads. Each change is audited in its own
//! transaction.

use std::sync::Arc;

use chrono::NaiveDate;

use super::{audited, covers_company, hr_of, today, Hr};
use crate::app::claims::parse_date;
use crate::app::dossier::{require_staff, Upload};
use crate::app::error::{AppError, AppResult};
use crate::app::files::inspect_and_store;
use crate::app::Ctx;
use crate::db::collective::{
    self as store, HeadcountChange, NewRepresentativeDocument, RepresentativeDocument,
};
use crate::db::{staff, DbConnection};
use crate::domain::collective::REPRESENTATIVE_KINDS;
use crate::domain::role::Role;
use crate::domain::Code;
use crate::infra::storage::DocumentStore;

/// Who manages companies and approves their representatives.
const MANAGERS: [Role; 2] = [Role::Admin, Role::Supervisor];

/// A company's headcount after a change.
pub struct Headcount {
    pub npp: String,
    pub headcount: i32,
    pub reference_date: NaiveDate,
    pub history: Vec<HeadcountChange>,
}

/// Sets a company's headcount as of `reference_date` (admin, or a
/// supervisor who handles the company); earlier figures stay in the
/// history.
pub async fn change_headcount(
    ctx: &Ctx,
    npp: String,
    headcount: i32,
    reference_date: &str,
) -> AppResult<Headcount> {
    require_staff(&ctx.actor, &MANAGERS)?;
    let npp = npp.trim().to_uppercase();
    if !(0..=10_000_000).contains(&headcount) {
        return Err(AppError::unprocessable(Code::InvalidHeadcount).field("headcount"));
    }
    let date = parse_date("reference_date", Some(reference_date))?
        .ok_or_else(|| AppError::unprocessable(Code::MissingField).field("reference_date"))?;
    if date > today(ctx) {
        return Err(AppError::unprocessable(Code::InvalidDate)
            .detail("date_in_future")
            .field("reference_date"));
    }
    let (now, actor) = (ctx.clock.now_naive(), ctx.actor.clone());
    let set = move |c: &mut DbConnection| {
        store::lock_company(c, &npp)?;
        if !covers_company(c, &actor, &npp)? {
            return Err(AppError::not_found(Code::CompanyNotFound));
        }
        if !store::set_headcount(c, &npp, headcount, date, actor.id, now)? {
            return Err(AppError::not_found(Code::CompanyNotFound));
        }
        Ok(Headcount {
            history: store::headcount_history(c, &npp)?,
            npp,
            headcount,
            reference_date: date,
        })
    };
    audited(ctx, "headcount_set", set, |h: &Headcount| {
        serde_json::json!({ "company": h.npp, "headcount": h.headcount, "reference_date": h.reference_date })
    })
    .await
}

/// Checks and stores one of the acting HR account's own documents
/// (the upload's `kind`: power of attorney or non-abuse statement).
pub async fn accept_document(
    ctx: &Ctx,
    files: Arc<dyn DocumentStore>,
    company: Option<&str>,
    upload: Upload,
) -> AppResult<RepresentativeDocument> {
    let Hr { staff_id, npp } = hr_of(ctx, company)?;
    let kind = REPRESENTATIVE_KINDS
        .iter()
        .find(|k| **k == upload.kind.trim())
        .ok_or_else(|| AppError::unprocessable(Code::UnknownKind).field("kind"))?;
    if upload.bytes.is_empty() && upload.file_name.is_empty() {
        return Err(AppError::unprocessable(Code::MissingFile).field("file"));
    }
    let file = inspect_and_store(ctx, files, upload.file_name, upload.bytes).await?;
    let new = NewRepresentativeDocument {
        staff_id,
        kind: kind.to_string(),
        content_type: file.content_type,
        size: file.size,
        sha256: file.sha256,
        original_name: file.original_name,
        created_at: ctx.clock.now_naive(),
    };
    let add = move |c: &mut _| Ok(store::add_representative_document(c, &new)?);
    audited(ctx, "representative_document_uploaded", add, move |d: &RepresentativeDocument| {
        serde_json::json!({ "company": npp, "kind": d.kind, "sha256": d.sha256 })
    })
    .await
}

/// Approves an HR representative (supervisor or admin) once both
/// documents are on file; returns the representative's company.
pub async fn approve(ctx: &Ctx, target: i64) -> AppResult<Option<String>> {
    require_staff(&ctx.actor, &MANAGERS)?;
    let by = ctx.actor.id.ok_or_else(AppError::forbidden)?;
    let (now, actor) = (ctx.clock.now_naive(), ctx.actor.clone());
    let approve = move |c: &mut DbConnection| {
        let rep = staff::find(c, target)?
            .filter(|s| s.role == "hr")
            .ok_or_else(|| AppError::not_found(Code::RepresentativeNotFound))?;
        let company = rep.company_npp.clone().unwrap_or_default();
        if !covers_company(c, &actor, &company)? {
            return Err(AppError::not_found(Code::RepresentativeNotFound));
        }
        let docs = store::representative_documents(c, target)?;
        let complete = REPRESENTATIVE_KINDS
            .iter()
            .all(|k| docs.iter().any(|d| d.kind == *k));
        if !complete {
            return Err(AppError::conflict(Code::RepresentativeDocumentsMissing));
        }
        store::approve_representative(c, target, by, now)?;
        Ok(rep.company_npp)
    };
    audited(
        ctx,
        "representative_approved",
        approve,
        move |company| serde_json::json!({ "representative": target, "company": company }),
    )
    .await
}
