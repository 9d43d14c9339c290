//! How many files, and how many bytes, one claim may store.

use super::{MAX_BYTES_PER_CLAIM, MAX_FILES_PER_CLAIM};
use crate::domain::Code;

// --- Limits -----------------------------------------------------------------

/// Why a claim cannot take one more file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuotaExceeded {
    /// Already [`MAX_FILES_PER_CLAIM`] files.
    TooManyFiles,
    /// The new file would take the claim over [`MAX_BYTES_PER_CLAIM`].
    StorageFull,
}

impl QuotaExceeded {
    /// The API error code (its word is also the catalog key).
    pub const fn code(self) -> Code {
        match self {
            QuotaExceeded::TooManyFiles => Code::TooManyFiles,
            QuotaExceeded::StorageFull => Code::ClaimStorageFull,
        }
    }

    /// Message catalog key: `too_many_files` or `claim_storage_full`.
    pub const fn detail(self) -> &'static str {
        match self {
            QuotaExceeded::TooManyFiles => "too_many_files",
            QuotaExceeded::StorageFull => "claim_storage_full",
        }
    }
}

/// Whether a claim that already stores `files` files of `bytes` bytes in
/// total (every version) may store one more of `new_file_bytes`.
pub fn check_claim_quota(
    files: usize,
    bytes: u64,
    new_file_bytes: u64,
) -> Result<(), QuotaExceeded> {
    if files >= MAX_FILES_PER_CLAIM {
        return Err(QuotaExceeded::TooManyFiles);
    }
    if bytes.saturating_add(new_file_bytes) > MAX_BYTES_PER_CLAIM {
        return Err(QuotaExceeded::StorageFull);
    }
    Ok(())
}
