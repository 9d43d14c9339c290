//! Uploaded files: checked like any upload (type, size, metadata stripped)
//! and put in the document store, for the dossier, the collective letters
//! and representatives, and the video stills.
//!
//! The bytes are stored, and the store has confirmed them, before any row
//! names them: a store that is down refuses the upload (503
//! `storage_unavailable`) and leaves the database as it was.

use std::sync::Arc;

use chrono::NaiveDateTime;

use super::dossier::upload_error;
use super::{blocking, AppError, AppResult, Ctx};
use crate::db::documents::NewDocument;
use crate::domain::dossier::upload::{self, Inspected};
use crate::domain::dossier::DocumentKind;
use crate::domain::Code;
use crate::infra::storage::{DocumentStore, StoreError};

/// A file checked like any upload and put in the document store.
pub(crate) struct StoredFile {
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub original_name: String,
}

impl StoredFile {
    /// The first, current version of a claim document holding this file.
    pub(crate) fn document(
        self,
        claim_id: i64,
        kind: DocumentKind,
        uploaded_by_staff: Option<i64>,
        created_at: NaiveDateTime,
    ) -> NewDocument {
        NewDocument {
            claim_id,
            kind: kind.code().to_string(),
            version: 1,
            is_current: true,
            content_type: self.content_type,
            size: self.size,
            sha256: self.sha256,
            original_name: self.original_name,
            uploaded_by_staff,
            created_at,
        }
    }
}

/// Checks an upload (type, size, metadata stripped) and stores its bytes.
pub(crate) async fn inspect_and_store(
    ctx: &Ctx,
    files: Arc<dyn DocumentStore>,
    file_name: String,
    bytes: Vec<u8>,
) -> AppResult<StoredFile> {
    let max = ctx.settings.max_upload_bytes;
    let inspected = blocking(move || upload::inspect(&bytes, &file_name, max))
        .await?
        .map_err(|e| upload_error(e, max))?;
    store(files, inspected).await
}

/// Puts an already checked upload's bytes in the document store.
pub(crate) async fn store(
    files: Arc<dyn DocumentStore>,
    inspected: Inspected,
) -> AppResult<StoredFile> {
    let (key, body) = (inspected.sha256.clone(), inspected.bytes);
    let size = body.len() as i64;
    blocking(move || files.put(&key, &body))
        .await?
        .map_err(store_error)?;
    Ok(StoredFile {
        content_type: inspected.file_type.content_type().to_string(),
        size,
        sha256: inspected.sha256,
        original_name: inspected.original_name,
    })
}

/// The stored bytes of `what` number `id` (a document, a letter) under
/// `key`. Bytes the store does not have (a bucket restored from an older
/// copy, a replica behind) are reported like a store that is down: the
/// database never names bytes it did not see stored.
pub(crate) async fn fetch(
    files: Arc<dyn DocumentStore>,
    key: String,
    what: &'static str,
    id: i64,
) -> AppResult<Vec<u8>> {
    blocking(move || files.get(&key))
        .await?
        .map_err(store_error)?
        .ok_or_else(|| {
            let cause = format!("{what} {id} missing from the document store");
            AppError::unavailable(Code::StorageUnavailable, cause)
        })
}

fn store_error(e: StoreError) -> AppError {
    match e {
        StoreError::Unavailable(_) => AppError::unavailable(Code::StorageUnavailable, e),
        StoreError::InvalidKey => AppError::internal(e),
    }
}
