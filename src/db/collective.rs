//! Collective claims: company headcount history, HR representatives'
//! documents and approval, uploaded batches and their worker rows.

use crate::db::FirstRow;
use std::collections::{HashMap, HashSet};

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::{
    claims, collective_batches, collective_rows, companies, company_headcounts, participants,
    representative_documents, staff,
};
use super::{DbConnection, DbError};
use crate::domain::collective::{BatchStatus, WorkerRow};

/// Values per `IN (…)` list or multi-row insert, well below both backends'
/// bind-parameter limits.
const CHUNK: usize = 500;

crate::stored_row! {
    /// An uploaded collective batch (`NewBatch` to store a validated one; its status starts `validated`).
    collective_batches => Batch, NewBatch {
        company_npp: String,
        uploaded_by: i64,
        fingerprint: String,
        file_name: String,
        total_rows: i32,
        valid_rows: i32,
        laid_off: i32,
        headcount: i32,
        eligible: bool,
        errors: String,
        created_at: NaiveDateTime,
    }
    then {
        id: i64,
        #[diesel(deserialize_as = String)]
        status: BatchStatus,
        submitted_at: Option<NaiveDateTime>,
        submitted_by: Option<i64>,
    }
}

/// A valid worker row of a batch.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = collective_rows)]
pub struct BatchRow {
    pub id: i64,
    pub batch_id: i64,
    pub line: i32,
    pub nik: String,
    pub kpj: String,
    pub full_name: String,
    pub birth_date: NaiveDate,
    pub sex: String,
    pub reason: String,
    /// Termination date, last working day or contract end, by reason.
    pub end_date: NaiveDate,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub bank_code: String,
    pub account_number: String,
    pub account_name: String,
    pub work_start_date: Option<NaiveDate>,
    pub claim_id: Option<i64>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = collective_rows, treat_none_as_default_value = false)]
struct NewRow<'a> {
    batch_id: i64,
    line: i32,
    nik: &'a str,
    kpj: &'a str,
    full_name: &'a str,
    birth_date: NaiveDate,
    sex: &'a str,
    reason: &'a str,
    end_date: NaiveDate,
    email: Option<&'a str>,
    phone: Option<&'a str>,
    bank_code: &'a str,
    account_number: &'a str,
    account_name: &'a str,
    work_start_date: Option<NaiveDate>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = company_headcounts)]
pub struct HeadcountChange {
    pub id: i64,
    pub company_npp: String,
    pub headcount: i32,
    pub reference_date: NaiveDate,
    pub set_by: Option<i64>,
    pub set_at: NaiveDateTime,
}

crate::stored_row! {
    /// A company representative's document (`NewRepresentativeDocument` to store one).
    representative_documents => RepresentativeDocument, NewRepresentativeDocument {
        staff_id: i64,
        kind: String,
        content_type: String,
        size: i64,
        sha256: String,
        original_name: String,
        created_at: NaiveDateTime,
    }
    then {
        id: i64,
    }
}

/// Serializes batch decisions of one company on PostgreSQL (SQLite's write
/// lock already does): the laid-off count of earlier batches and the
/// fingerprint look-up are read-then-write decisions.
pub fn lock_company(conn: &mut DbConnection, npp: &str) -> Result<(), DbError> {
    if let DbConnection::Pg(c) = conn {
        // A stable 31-bit key from the NPP (FNV-1a).
        let mut h: u32 = 0x811c_9dc5;
        for b in npp.bytes() {
            h ^= u32::from(b);
            h = h.wrapping_mul(0x0100_0193);
        }
        let key = i32::try_from(h & 0x7fff_ffff).unwrap_or(0);
        diesel::sql_query("SELECT pg_advisory_xact_lock(4106, $1)")
            .bind::<diesel::sql_types::Integer, _>(key)
            .execute(c)?;
    }
    Ok(())
}

pub fn find_batch(conn: &mut DbConnection, id: i64) -> Result<Option<Batch>, DbError> {
    Ok(collective_batches::table
        .find(id)
        .select(Batch::as_select())
        .first_row(conn)
        .optional()?)
}

pub fn find_by_fingerprint(
    conn: &mut DbConnection,
    npp: &str,
    fingerprint: &str,
) -> Result<Option<Batch>, DbError> {
    Ok(collective_batches::table
        .filter(collective_batches::company_npp.eq(npp))
        .filter(collective_batches::fingerprint.eq(fingerprint))
        .select(Batch::as_select())
        .first_row(conn)
        .optional()?)
}

/// The company's latest batches, newest first.
pub fn batches_of(conn: &mut DbConnection, npp: &str) -> Result<Vec<Batch>, DbError> {
    Ok(collective_batches::table
        .filter(collective_batches::company_npp.eq(npp))
        .order(collective_batches::id.desc())
        .limit(50)
        .select(Batch::as_select())
        .load(conn)?)
}

/// Stores a batch (status `validated`) and its valid rows.
pub fn insert_batch(
    conn: &mut DbConnection,
    new: &NewBatch,
    rows: &[WorkerRow],
) -> Result<Batch, DbError> {
    let batch = crate::insert_returning!(
        conn,
        collective_batches::table,
        (
            new,
            collective_batches::status.eq(BatchStatus::Validated.as_str())
        ),
        Batch
    )?;
    for chunk in rows.chunks(CHUNK / 2) {
        let values: Vec<NewRow<'_>> = chunk
            .iter()
            .map(|w| NewRow {
                batch_id: batch.id,
                line: i32::try_from(w.line).unwrap_or(i32::MAX),
                nik: &w.nik,
                kpj: &w.kpj,
                full_name: &w.full_name,
                birth_date: w.birth_date,
                sex: w.sex,
                reason: w.reason,
                end_date: w.termination_date,
                email: w.email.as_deref(),
                phone: w.phone.as_deref(),
                bank_code: &w.bank_code,
                account_number: &w.account_number,
                account_name: &w.account_name,
                work_start_date: w.work_start_date,
            })
            .collect();
        crate::per_backend!(conn, c => diesel::insert_into(collective_rows::table)
            .values(&values)
            .execute(c))?;
    }
    Ok(batch)
}

pub fn rows_of(conn: &mut DbConnection, batch: i64) -> Result<Vec<BatchRow>, DbError> {
    Ok(collective_rows::table
        .filter(collective_rows::batch_id.eq(batch))
        .order(collective_rows::line.asc())
        .select(BatchRow::as_select())
        .load(conn)?)
}

/// Laid-off workers (reason termination) whose claims the company filed in
/// submitted batches since `since`, other than `except`.
pub fn earlier_laid_off(
    conn: &mut DbConnection,
    npp: &str,
    since: NaiveDateTime,
    except: Option<i64>,
) -> Result<i64, DbError> {
    let mut q = collective_rows::table
        .inner_join(collective_batches::table)
        .filter(collective_batches::company_npp.eq(npp))
        .filter(collective_batches::status.eq(BatchStatus::Submitted.as_str()))
        .filter(collective_batches::submitted_at.ge(since))
        .filter(collective_rows::reason.eq("termination"))
        .filter(collective_rows::claim_id.is_not_null())
        .into_boxed();
    if let Some(id) = except {
        q = q.filter(collective_batches::id.ne(id));
    }
    Ok(q.count().get_result(conn)?)
}

/// Which of `niks` belong to a member with a claim still in progress.
pub fn niks_with_open_claim(
    conn: &mut DbConnection,
    niks: &[&str],
) -> Result<HashSet<String>, DbError> {
    let mut out = HashSet::new();
    for chunk in niks.chunks(CHUNK) {
        let found: Vec<String> = participants::table
            .inner_join(claims::table)
            .filter(participants::nik.eq_any(chunk))
            .filter(claims::status.eq_any(super::claims::OPEN_STATUSES))
            .select(participants::nik)
            .load(conn)?;
        out.extend(found);
    }
    Ok(out)
}

/// Participant ids by NIK, for the NIKs that have an account.
pub fn participants_by_nik(
    conn: &mut DbConnection,
    niks: &[&str],
) -> Result<HashMap<String, i64>, DbError> {
    let mut out = HashMap::new();
    for chunk in niks.chunks(CHUNK) {
        let found: Vec<(String, i64)> = participants::table
            .filter(participants::nik.eq_any(chunk))
            .select((participants::nik, participants::id))
            .load(conn)?;
        out.extend(found);
    }
    Ok(out)
}

/// Which of `emails` are already used by a participant or staff account.
pub fn emails_taken(conn: &mut DbConnection, emails: &[&str]) -> Result<HashSet<String>, DbError> {
    let mut out = HashSet::new();
    for chunk in emails.chunks(CHUNK) {
        let p: Vec<String> = participants::table
            .filter(participants::email.eq_any(chunk))
            .select(participants::email)
            .load(conn)?;
        let s: Vec<String> = staff::table
            .filter(staff::email.eq_any(chunk))
            .select(staff::email)
            .load(conn)?;
        out.extend(p);
        out.extend(s);
    }
    Ok(out)
}

/// Marks a validated batch submitted; false when it was not validated any more.
pub fn mark_submitted(
    conn: &mut DbConnection,
    id: i64,
    by: i64,
    at: NaiveDateTime,
) -> Result<bool, DbError> {
    let n = diesel::update(
        collective_batches::table
            .filter(collective_batches::id.eq(id))
            .filter(collective_batches::status.eq(BatchStatus::Validated.as_str())),
    )
    .set((
        collective_batches::status.eq(BatchStatus::Submitted.as_str()),
        collective_batches::submitted_at.eq(Some(at)),
        collective_batches::submitted_by.eq(Some(by)),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

pub fn set_row_claim(conn: &mut DbConnection, row: i64, claim: i64) -> Result<(), DbError> {
    diesel::update(collective_rows::table.find(row))
        .set(collective_rows::claim_id.eq(Some(claim)))
        .execute(conn)?;
    Ok(())
}

/// The batch a claim was filed in, if it was filed collectively.
pub fn batch_of_claim(conn: &mut DbConnection, claim: i64) -> Result<Option<Batch>, DbError> {
    Ok(collective_rows::table
        .inner_join(collective_batches::table)
        .filter(collective_rows::claim_id.eq(claim))
        .select(Batch::as_select())
        .first_row(conn)
        .optional()?)
}

/// The branch serving the company of a collectively filed claim.
pub fn branch_of_claim(conn: &mut DbConnection, claim: i64) -> Result<Option<String>, DbError> {
    let found: Option<Option<String>> = collective_rows::table
        .inner_join(collective_batches::table.inner_join(companies::table))
        .filter(collective_rows::claim_id.eq(claim))
        .select(companies::branch_code)
        .first_row(conn)
        .optional()?;
    Ok(found.flatten())
}

/// Records a new registered headcount and keeps the history.
pub fn set_headcount(
    conn: &mut DbConnection,
    npp: &str,
    headcount: i32,
    reference_date: NaiveDate,
    by: Option<i64>,
    at: NaiveDateTime,
) -> Result<bool, DbError> {
    let n = diesel::update(companies::table.find(npp))
        .set(companies::headcount.eq(headcount))
        .execute(conn)?;
    if n == 0 {
        return Ok(false);
    }
    diesel::insert_into(company_headcounts::table)
        .values((
            company_headcounts::company_npp.eq(npp),
            company_headcounts::headcount.eq(headcount),
            company_headcounts::reference_date.eq(reference_date),
            company_headcounts::set_by.eq(by),
            company_headcounts::set_at.eq(at),
        ))
        .execute(conn)?;
    Ok(true)
}

/// A company's headcount changes, newest first.
pub fn headcount_history(
    conn: &mut DbConnection,
    npp: &str,
) -> Result<Vec<HeadcountChange>, DbError> {
    Ok(company_headcounts::table
        .filter(company_headcounts::company_npp.eq(npp))
        .order(company_headcounts::id.desc())
        .limit(20)
        .select(HeadcountChange::as_select())
        .load(conn)?)
}

pub fn add_representative_document(
    conn: &mut DbConnection,
    new: &NewRepresentativeDocument,
) -> Result<RepresentativeDocument, DbError> {
    Ok(crate::insert_returning!(
        conn,
        representative_documents::table,
        new,
        RepresentativeDocument
    )?)
}

/// The representative's current document of each kind (the latest upload).
pub fn representative_documents(
    conn: &mut DbConnection,
    staff_id: i64,
) -> Result<Vec<RepresentativeDocument>, DbError> {
    let all: Vec<RepresentativeDocument> = representative_documents::table
        .filter(representative_documents::staff_id.eq(staff_id))
        .order(representative_documents::id.desc())
        .select(RepresentativeDocument::as_select())
        .load(conn)?;
    let mut seen = HashSet::new();
    Ok(all
        .into_iter()
        .filter(|d| seen.insert(d.kind.clone()))
        .collect())
}

/// Approves an HR representative; false when there is no such HR account.
pub fn approve_representative(
    conn: &mut DbConnection,
    staff_id: i64,
    by: i64,
    at: NaiveDateTime,
) -> Result<bool, DbError> {
    let n = diesel::update(
        staff::table
            .filter(staff::id.eq(staff_id))
            .filter(staff::role.eq("hr")),
    )
    .set((
        staff::approved.eq(true),
        staff::approved_by.eq(Some(by)),
        staff::approved_at.eq(Some(at)),
    ))
    .execute(conn)?;
    Ok(n == 1)
}
