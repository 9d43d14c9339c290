//! Claim documents: the document kinds, which of them each claim reason
//! requires (the requirement matrix), the checklist computed from the
//! uploaded documents, the review (rejection) reasons and the upload limits.
//!
//! Pure rules: no I/O, no database. The claim reason is taken as its API
//! code (`&str`) so that this module stays independent of
//! `crate::domain::claim`; an unknown reason gives `None`.
//!
//! # Requirement matrix ([`REQUIREMENTS`], from DOMAIN.md "Required documents")
//!
//! | item | accepts | reasons | condition |
//! |---|---|---|---|
//! | `kpj_card` | `kpj_card` | all | – |
//! | `ektp` | `ektp` | all but `death` | – |
//! | `kk` | `kk` | all | – |
//! | `bank_book` | `bank_book` | all | – |
//! | `selfie` | `selfie` | all but `death` | – |
//! | `npwp` | `npwp` | all | balance over Rp50,000,000, or an earlier partial claim was paid |
//! | `resignation_letter` | `resignation_letter` | `resignation` | – |
//! | `phk_proof` | `phk_letter`, `phk_report`, `joint_agreement`, `phi_ruling` | `termination` | – |
//! | `contract` | `contract` | `contract_end` | – |
//! | `doctor_statement` | `doctor_statement` | `disability` | – |
//! | `death_certificate` | `death_certificate` | `death` | – |
//! | `heir_certificate` | `heir_certificate` | `death` | – |
//! | `heir_ektp` | `heir_ektp` | `death` | – (replaces the member's `ektp` and `selfie`) |
//! | `birth_certificate` | `birth_certificate` | `death` | the heir is a child of the member |
//! | `guardianship_letter` | `guardianship_letter` | `death` | the heir is a minor |
//! | `passport` | `passport` | `leaving_indonesia` | – |
//! | `leaving_statement` | `leaving_statement` | `leaving_indonesia` | – |
//! | `housing_proof` | `ppjb`, `ajb`, `mortgage_docs` | `partial_30` | – |
//!
//! `retirement` and `partial_10` need only the documents every reason needs.
//! Alternatives ("one of") are ONE checklist item whose `accepts` lists the
//! document kinds that satisfy it. A single-document item's key is the
//! document code. The checklist keeps the order of the table.
//!
//! # Codes
//!
//! - Claim reasons ([`REASONS`]): `retirement`, `resignation`,
//!   `termination`, `contract_end`, `disability`, `death`,
//!   `leaving_indonesia`, `partial_10`, `partial_30`.
//! - Document kinds ([`DocumentKind::code`]): `kpj_card`, `ektp`, `kk`,
//!   `bank_book`, `selfie`, `npwp`, `resignation_letter`, `phk_letter`,
//!   `phk_report`, `joint_agreement`, `phi_ruling`, `contract`,
//!   `doctor_statement`, `death_certificate`, `heir_certificate`,
//!   `heir_ektp`, `birth_certificate`, `guardianship_letter`, `passport`,
//!   `leaving_statement`, `ppjb`, `ajb`, `mortgage_docs`, and
//!   `identity_photo` (a still taken by a CS agent during the video
//!   verification: never required, never uploadable by a participant).
//! - Checklist item keys: the single-document codes above plus
//!   `phk_proof` and `housing_proof`.
//! - Document status ([`DocStatus`]): `uploaded`, `accepted`,
//!   `rejected`, and `deleted` (history only, never in a checklist).
//! - Checklist item status ([`ItemStatus`]): `missing`, `uploaded`,
//!   `accepted`, `rejected`.
//! - Rejection reasons ([`RejectReason::code`]): `name_mismatch`,
//!   `nik_mismatch`, `birth_date_mismatch`, `membership_active`,
//!   `bank_account_name_mismatch`, `unreadable`, `wrong_document`,
//!   `selfie_mismatch`, `expired_document`, `other`.
//!
//! # Detail keys (message catalog)
//!
//! - `unknown_kind` (API code, 422): the `kind` of an upload is not a
//!   document code, or is a kind a participant may not upload
//!   ([`DocumentKind::parse_participant_upload`]).
//! - `too_many_files` / `claim_storage_full` ([`check_claim_quota`]): the
//!   claim already holds [`MAX_FILES_PER_CLAIM`] files or the new file
//!   would take it over [`MAX_BYTES_PER_CLAIM`].
//!
//! # Checklist rule ([`checklist`])
//!
//! Only the current version of each kind counts (`UploadedDoc::current`);
//! replaced versions are ignored. Per item, over the current documents of
//! the kinds it accepts: `accepted` if any is accepted; else `uploaded` if
//! any awaits review; else `rejected` (with the reason of the most recently
//! uploaded rejected one) if there is at least one; else `missing`.
//! [`is_ready`]: every item uploaded or accepted (the claim may be booked /
//! sent to review). [`is_verifiable`]: every item accepted.

mod checklist;
mod kind;
mod quota;
mod requirements;
mod review;
#[cfg(test)]
mod tests;
pub mod upload;

pub use checklist::*;
pub use kind::*;
pub use quota::*;
pub use requirements::*;
pub use review::*;

/// At most this many stored files (every version, replaced ones included)
/// per claim.
pub const MAX_FILES_PER_CLAIM: usize = 40;

/// At most this many stored bytes (every version) per claim.
pub const MAX_BYTES_PER_CLAIM: u64 = 60 * 1024 * 1024;

/// At most this many bytes per uploaded file (DOMAIN.md: 6 MB each). Pass it
/// to [`upload::inspect`].
pub const MAX_BYTES_PER_FILE: u64 = 6 * 1024 * 1024;

/// Above this balance (rupiah) an NPWP is required; exactly this amount is
/// not "over". Same figure as the PPh 21 threshold on JHT.
pub const NPWP_BALANCE_THRESHOLD: i64 = 50_000_000;

/// Every claim reason code this module knows.
pub const REASONS: [&str; 9] = [
    "retirement",
    "resignation",
    "termination",
    "contract_end",
    "disability",
    "death",
    "leaving_indonesia",
    "partial_10",
    "partial_30",
];

/// Whether `reason` is one of [`REASONS`].
pub fn is_known_reason(reason: &str) -> bool {
    REASONS.contains(&reason)
}
