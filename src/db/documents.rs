//! Claim documents: every uploaded version is a row; the bytes live in the
//! document store under their SHA-256.

use crate::db::FirstRow;
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::documents;
use super::{DbConnection, DbError};
use crate::domain::dossier::DocStatus;

/// One version of a document as uploaded; stored awaiting review
/// (`uploaded`).
#[derive(Debug, Clone, Insertable, Queryable, Selectable)]
#[diesel(table_name = documents, treat_none_as_default_value = false)]
pub struct NewDocument {
    pub claim_id: i64,
    pub kind: String,
    pub version: i32,
    pub is_current: bool,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub original_name: String,
    pub uploaded_by_staff: Option<i64>,
    pub created_at: NaiveDateTime,
}

/// A stored version with its review; reads as the upload it records.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = documents)]
pub struct Document {
    pub id: i64,
    #[diesel(embed)]
    pub upload: NewDocument,
    #[diesel(deserialize_as = String)]
    pub status: DocStatus,
    pub reviewed_by: Option<i64>,
    pub reviewed_at: Option<NaiveDateTime>,
    pub reject_reason: Option<String>,
    pub reject_note: Option<String>,
}

impl std::ops::Deref for Document {
    type Target = NewDocument;

    fn deref(&self) -> &NewDocument {
        &self.upload
    }
}

impl Document {
    /// Removed by its owner: history only.
    pub fn is_deleted(&self) -> bool {
        self.status == DocStatus::Deleted
    }
}

/// Every version of every document of a claim, oldest first.
pub fn of_claim(conn: &mut DbConnection, claim: i64) -> Result<Vec<Document>, DbError> {
    Ok(documents::table
        .filter(documents::claim_id.eq(claim))
        .select(Document::as_select())
        .order(documents::id.asc())
        .load(conn)?)
}

pub fn find(conn: &mut DbConnection, id: i64) -> Result<Option<Document>, DbError> {
    Ok(documents::table
        .find(id)
        .select(Document::as_select())
        .first_row(conn)
        .optional()?)
}

/// Serializes changes to one claim's documents on PostgreSQL (SQLite's
/// write lock already does): version numbers and the per-claim quota are
/// read-then-write decisions.
pub fn lock_claim(conn: &mut DbConnection, claim: i64) -> Result<(), DbError> {
    if let DbConnection::Pg(c) = conn {
        let key = i32::try_from(claim.rem_euclid(i64::from(i32::MAX))).unwrap_or(0);
        diesel::sql_query("SELECT pg_advisory_xact_lock(4103, $1)")
            .bind::<diesel::sql_types::Integer, _>(key)
            .execute(c)?;
    }
    Ok(())
}

/// Files and bytes a claim holds: every version, deleted ones included,
/// since their bytes are kept as history.
pub fn usage(conn: &mut DbConnection, claim: i64) -> Result<(i64, i64), DbError> {
    let rows: Vec<i64> = documents::table
        .filter(documents::claim_id.eq(claim))
        .select(documents::size)
        .load(conn)?;
    Ok((rows.len() as i64, rows.iter().sum()))
}

/// Adds a new version of `kind`; the previous current version stays as
/// history.
pub fn add_version(conn: &mut DbConnection, mut new: NewDocument) -> Result<Document, DbError> {
    let latest: Option<i32> = documents::table
        .filter(documents::claim_id.eq(new.claim_id))
        .filter(documents::kind.eq(&new.kind))
        .select(diesel::dsl::max(documents::version))
        .first_row(conn)?;
    diesel::update(
        documents::table
            .filter(documents::claim_id.eq(new.claim_id))
            .filter(documents::kind.eq(&new.kind))
            .filter(documents::is_current.eq(true)),
    )
    .set(documents::is_current.eq(false))
    .execute(conn)?;
    new.version = latest.unwrap_or(0) + 1;
    new.is_current = true;
    Ok(crate::insert_returning!(
        conn,
        documents::table,
        (&new, documents::status.eq(DocStatus::Uploaded.as_str())),
        Document
    )?)
}

/// Records a review decision on a document awaiting review (or re-reviews
/// one); returns false when the document is not current.
pub fn review(
    conn: &mut DbConnection,
    id: i64,
    status: DocStatus,
    reviewer: i64,
    reason: Option<&str>,
    note: Option<&str>,
    at: NaiveDateTime,
) -> Result<bool, DbError> {
    let n = diesel::update(
        documents::table
            .filter(documents::id.eq(id))
            .filter(documents::is_current.eq(true))
            .filter(documents::status.ne(DocStatus::Deleted.as_str())),
    )
    .set((
        documents::status.eq(status.as_str()),
        documents::reviewed_by.eq(Some(reviewer)),
        documents::reviewed_at.eq(Some(at)),
        documents::reject_reason.eq(reason),
        documents::reject_note.eq(note),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Marks the current version deleted; the previous version, if any,
/// becomes current again only by a new upload (history stays).
pub fn mark_deleted(conn: &mut DbConnection, id: i64) -> Result<bool, DbError> {
    let n = diesel::update(
        documents::table
            .filter(documents::id.eq(id))
            .filter(documents::status.ne(DocStatus::Deleted.as_str())),
    )
    .set((
        documents::status.eq(DocStatus::Deleted.as_str()),
        documents::is_current.eq(false),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// A claim with its documents and the checklist they make.
#[derive(Debug, Clone)]
pub struct Dossier {
    pub claim: super::claims::Claim,
    /// Every version, oldest first (deleted ones included, for history).
    pub documents: Vec<Document>,
    pub checklist: Vec<crate::domain::dossier::ChecklistEntry>,
    pub ready: bool,
    pub verifiable: bool,
}

impl Dossier {
    /// The current, not deleted versions.
    pub fn current(&self) -> impl Iterator<Item = &Document> {
        self.documents
            .iter()
            .filter(|d| d.is_current && !d.is_deleted())
    }
}

pub fn dossier(conn: &mut DbConnection, claim: super::claims::Claim) -> Result<Dossier, DbError> {
    use crate::domain::dossier::{
        checklist, is_ready, is_verifiable, required_items, DocumentKind, RequirementContext,
        UploadedDoc,
    };
    let documents = of_claim(conn, claim.id)?;
    let ctx = RequirementContext {
        balance: claim.balance,
        earlier_partial_claim: super::claims::had_partial_claim(conn, claim.participant_id)?,
        heir_is_child: claim.heir_is_child,
        heir_is_minor: claim.heir_is_minor,
    };
    let items = required_items(&claim.reason, &ctx).unwrap_or_default();
    let uploaded: Vec<UploadedDoc> = documents
        .iter()
        .filter(|d| !d.is_deleted())
        .filter_map(|d| {
            Some(UploadedDoc {
                kind: DocumentKind::parse(&d.kind)?,
                status: d.status,
                reason: d.reject_reason.clone(),
                uploaded_at: d.created_at,
                current: d.is_current,
            })
        })
        .collect();
    let checklist = checklist(&items, &uploaded);
    Ok(Dossier {
        ready: is_ready(&checklist),
        verifiable: is_verifiable(&checklist),
        claim,
        documents,
        checklist,
    })
}
