//! Collective claims: an HR representative uploads a batch file of
//! laid-off workers ([`batch`]), submits its valid rows as claims
//! ([`submit`]), sends the workers' documents and the mass termination
//! letter ([`documents`]); supervisors keep the company's headcount and
//! approve representatives ([`representatives`]). Here: who may do and see
//! what, and what the HR pages and the JSON API read about a batch.
//!
//! The acting person is `ctx.actor`; an HR account's company, which the
//! audit actor does not carry, is passed alongside as a plain value.

pub mod batch;
pub mod documents;
pub mod representatives;
pub mod submit;

use std::sync::Arc;

use chrono::NaiveDate;

use crate::app::error::{AppError, AppResult};
use crate::app::{read_db, write_db, Ctx};
use crate::db::audit::{self, Actor, Subject};
use crate::db::collective::{self as store, Batch, HeadcountChange, RepresentativeDocument};
use crate::db::collective_staff::{self as listing, Letter};
use crate::db::staff::{self, Company, Staff};
use crate::db::{claims, documents as docs, DbConnection};
use crate::domain::collective::{self as rules, StoredError, WorkerState, WorkerStatus};
use crate::domain::role::Role;
use crate::domain::Code;
use crate::i18n::Lang;
use crate::infra::storage::DocumentStore;

/// Largest batch file (bytes).
pub const MAX_BATCH_BYTES: u64 = 20 * 1024 * 1024;

/// An HR account acting for its company.
#[derive(Debug, Clone)]
pub struct Hr {
    pub staff_id: i64,
    /// The company's NPP.
    pub npp: String,
}

/// The actor as an HR account of `company` (approved or not).
pub fn hr_of(ctx: &Ctx, company: Option<&str>) -> AppResult<Hr> {
    match (ctx.actor.role.staff(), ctx.actor.id, company) {
        (Some(Role::Hr), Some(staff_id), Some(npp)) => Ok(Hr {
            staff_id,
            npp: npp.to_string(),
        }),
        _ => Err(AppError::forbidden().detail("hr_only")),
    }
}

/// The actor as an approved HR representative of `company`.
pub async fn representative(ctx: &Ctx, company: Option<&str>) -> AppResult<Hr> {
    let hr = hr_of(ctx, company)?;
    let id = hr.staff_id;
    let found = read_db(&ctx.db, move |c| staff::find(c, id)).await?;
    match found {
        Some(s) if s.active && s.approved => Ok(hr),
        _ => {
            let mut e = AppError::forbidden().detail("representative_not_approved");
            e.code = Code::RepresentativeNotApproved;
            Err(e)
        }
    }
}

/// May the actor see this batch? Its company's HR accounts, admins,
/// auditors, supervisors, and CS agents of the company's branch.
pub fn may_see(
    conn: &mut DbConnection,
    actor: &Actor,
    company: Option<&str>,
    b: &Batch,
) -> AppResult<bool> {
    Ok(match actor.role.staff() {
        Some(Role::Hr) => company == Some(b.company_npp.as_str()),
        Some(_) => covers_company(conn, actor, &b.company_npp)?,
        None => false,
    })
}

/// Staff who handle a company: admins and auditors all; supervisors and
/// CS agents the companies of their branch; supervisors also companies
/// not yet assigned to a branch (someone has to take them on).
pub fn covers_company(conn: &mut DbConnection, actor: &Actor, npp: &str) -> AppResult<bool> {
    Ok(match actor.role.staff() {
        Some(Role::Admin | Role::Auditor) => true,
        Some(role @ (Role::Supervisor | Role::Cs)) => match staff::find_company(conn, npp)? {
            None => false,
            Some(c) => match c.branch_code {
                Some(branch) => actor.branch.as_deref() == Some(branch.as_str()),
                None => role == Role::Supervisor,
            },
        },
        _ => false,
    })
}

/// The batch, when the actor may see it (404 otherwise).
pub async fn visible_batch(ctx: &Ctx, company: Option<&str>, id: i64) -> AppResult<Batch> {
    let (actor, company) = (ctx.actor.clone(), company.map(str::to_string));
    read_db(&ctx.db, move |c| -> AppResult<Batch> {
        let b =
            store::find_batch(c, id)?.ok_or_else(|| AppError::not_found(Code::BatchNotFound))?;
        if !may_see(c, &actor, company.as_deref(), &b)? {
            return Err(AppError::not_found(Code::BatchNotFound));
        }
        Ok(b)
    })
    .await
}

/// A batch as its page shows it: the batch, where each worker's claim
/// stands, and the current termination letter.
pub struct BatchReport {
    pub batch: Batch,
    pub workers: Vec<WorkerStatus>,
    pub letter: Option<Letter>,
    /// The company's branch: its zone tells the times on the report.
    pub branch: Option<crate::db::branches::Branch>,
}

/// The batch's report, when the actor may see it.
pub async fn report(ctx: &Ctx, company: Option<&str>, id: i64) -> AppResult<BatchReport> {
    let batch = visible_batch(ctx, company, id).await?;
    let npp = batch.company_npp.clone();
    let (workers, letter, branch) = read_db(&ctx.db, move |c| -> AppResult<_> {
        let branch = match crate::db::staff::find_company(c, &npp)?.and_then(|co| co.branch_code) {
            Some(code) => crate::db::branches::find(c, &code)?,
            None => None,
        };
        Ok((
            worker_statuses(c, id)?,
            listing::current_letter(c, id)?,
            branch,
        ))
    })
    .await?;
    Ok(BatchReport {
        batch,
        workers,
        letter,
        branch,
    })
}

/// Every worker of a visible batch and where their claim stands.
pub async fn workers(ctx: &Ctx, company: Option<&str>, id: i64) -> AppResult<Vec<WorkerStatus>> {
    visible_batch(ctx, company, id).await?;
    read_db(&ctx.db, move |c| worker_statuses(c, id)).await
}

/// The current termination letter of a visible batch, with its bytes.
pub async fn letter(
    ctx: &Ctx,
    files: Arc<dyn DocumentStore>,
    company: Option<&str>,
    id: i64,
) -> AppResult<(Letter, Vec<u8>)> {
    visible_batch(ctx, company, id).await?;
    let letter = read_db(&ctx.db, move |c| listing::current_letter(c, id))
        .await?
        .ok_or_else(|| AppError::not_found(Code::LetterNotFound))?;
    let bytes = crate::app::files::fetch(files, letter.sha256.clone(), "letter", letter.id).await?;
    Ok((letter, bytes))
}

/// A company as its pages show it.
pub struct CompanyFile {
    pub company: Company,
    pub history: Vec<HeadcountChange>,
    pub batches: Vec<Batch>,
}

/// The HR account's home: its company, whether it is approved, its own
/// documents, and the company's headcount history and batches.
pub async fn hr_home(
    ctx: &Ctx,
    company: Option<&str>,
) -> AppResult<(CompanyFile, bool, Vec<RepresentativeDocument>)> {
    let Hr { staff_id, npp } = hr_of(ctx, company)?;
    read_db(&ctx.db, move |c| -> AppResult<_> {
        let company = staff::find_company(c, &npp)?
            .ok_or_else(|| AppError::not_found(Code::CompanyNotFound))?;
        let me = staff::find(c, staff_id)?.ok_or_else(AppError::unauthenticated)?;
        let documents = store::representative_documents(c, staff_id)?;
        Ok((company_file(c, company)?, me.approved, documents))
    })
    .await
}

fn company_file(c: &mut DbConnection, company: Company) -> AppResult<CompanyFile> {
    Ok(CompanyFile {
        history: store::headcount_history(c, &company.npp)?,
        batches: store::batches_of(c, &company.npp)?,
        company,
    })
}

/// The branch a staff actor's collective views are limited to: `None`
/// for every branch (admins, auditors); refused for others.
pub fn staff_scope(actor: &Actor) -> AppResult<Option<String>> {
    match actor.role.staff() {
        Some(Role::Admin | Role::Auditor) => Ok(None),
        Some(Role::Supervisor | Role::Cs) => Ok(Some(actor.branch.clone().unwrap_or_default())),
        _ => Err(AppError::forbidden().detail("staff_only")),
    }
}

/// The batches staff may list: exactly those [`covers_company`] lets them
/// open (their branch's companies, for supervisors also companies not
/// yet assigned to a branch; all for admins and auditors).
pub async fn batch_list(ctx: &Ctx, limit: i64) -> AppResult<Vec<(Batch, String)>> {
    let scope = staff_scope(&ctx.actor)?;
    let unassigned = ctx.actor.role.staff() == Some(Role::Supervisor);
    read_db(&ctx.db, move |c| {
        listing::batches_for(c, scope.as_deref(), unassigned, limit)
    })
    .await
}

/// A company's file for staff, with its representatives and their
/// documents.
pub async fn company(
    ctx: &Ctx,
    npp: String,
) -> AppResult<(CompanyFile, Vec<(Staff, Vec<RepresentativeDocument>)>)> {
    staff_scope(&ctx.actor)?;
    let actor = ctx.actor.clone();
    read_db(&ctx.db, move |c| -> AppResult<_> {
        let not_found = || AppError::not_found(Code::CompanyNotFound);
        if !covers_company(c, &actor, &npp)? {
            return Err(not_found());
        }
        let company = staff::find_company(c, &npp)?.ok_or_else(not_found)?;
        let mut reps = Vec::new();
        for rep in listing::representatives_of(c, &npp)? {
            let docs = store::representative_documents(c, rep.id)?;
            reps.push((rep, docs));
        }
        Ok((company_file(c, company)?, reps))
    })
    .await
}

/// "Today" for claims and headcounts: the server clock's date in WIB.
pub fn today(ctx: &Ctx) -> NaiveDate {
    ctx.clock
        .now()
        .with_timezone(&chrono_tz::Asia::Jakarta)
        .date_naive()
}

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
                let dossier = docs::dossier(conn, claim)?;
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

/// Writes what `change` does together with its audit entry `action`
/// (about no particular claim; details from the result), in one
/// transaction.
async fn audited<T: Send + 'static>(
    ctx: &Ctx,
    action: &'static str,
    change: impl FnOnce(&mut DbConnection) -> AppResult<T> + Send + 'static,
    details: impl FnOnce(&T) -> serde_json::Value + Send + 'static,
) -> AppResult<T> {
    let (now, actor) = (ctx.clock.now_naive(), ctx.actor.clone());
    write_db(&ctx.db, move |c| -> AppResult<T> {
        let done = change(c)?;
        audit::record(c, now, &actor, action, &Subject::default(), details(&done))?;
        Ok(done)
    })
    .await
}
