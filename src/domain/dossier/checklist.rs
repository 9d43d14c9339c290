//! The checklist computed from the uploaded documents (see [`super`] for
//! the rule) and the review state of one document.

use serde::Serialize;

use super::{DocumentKind, RequiredItem};

// --- Checklist --------------------------------------------------------------

/// A stored document's state and a checklist line's state (declared with
/// the other stored states in [`crate::domain::status`]).
pub use crate::domain::status::{DocStatus, ItemStatus};

impl DocStatus {
    /// The states a review leaves a document in, and the ones the
    /// checklist reads.
    pub const REVIEWED: [DocStatus; 3] = [
        DocStatus::Uploaded,
        DocStatus::Accepted,
        DocStatus::Rejected,
    ];
}

/// A stored document of a claim, as the checklist needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadedDoc {
    pub kind: DocumentKind,
    pub status: DocStatus,
    /// Rejection reason (a [`RejectReason`] code or the agent's note).
    pub reason: Option<String>,
    pub uploaded_at: chrono::NaiveDateTime,
    /// The latest version of its kind. Replaced versions (`false`) are ignored.
    pub current: bool,
}

impl ItemStatus {
    /// Whether the participant still has to (re)upload something.
    pub const fn needs_upload(self) -> bool {
        matches!(self, ItemStatus::Missing | ItemStatus::Rejected)
    }
}

/// One line of a claim's checklist. Serializes as the API's
/// `{"item","accepts":[codes…],"status","reason"?}` (labels are not
/// serialized; they are for pages).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChecklistEntry {
    pub item: &'static str,
    pub accepts: Vec<DocumentKind>,
    pub status: ItemStatus,
    /// The rejection reason, only when `status` is `rejected` (and one was
    /// given).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(skip)]
    pub label_id: &'static str,
    #[serde(skip)]
    pub label_en: &'static str,
}

/// The checklist: one entry per item, in the items' order (see the module
/// doc for the rule).
pub fn checklist(items: &[RequiredItem], docs: &[UploadedDoc]) -> Vec<ChecklistEntry> {
    items
        .iter()
        .map(|item| {
            let relevant = || {
                docs.iter()
                    .filter(|d| d.current && item.accepts.contains(&d.kind))
            };
            let (status, reason) = if relevant().any(|d| d.status == DocStatus::Accepted) {
                (ItemStatus::Accepted, None)
            } else if relevant().any(|d| d.status == DocStatus::Uploaded) {
                (ItemStatus::Uploaded, None)
            } else if let Some(latest) = relevant()
                .filter(|d| d.status == DocStatus::Rejected)
                .max_by_key(|d| d.uploaded_at)
            {
                (ItemStatus::Rejected, latest.reason.clone())
            } else {
                (ItemStatus::Missing, None)
            };
            ChecklistEntry {
                item: item.item,
                accepts: item.accepts.clone(),
                status,
                reason,
                label_id: item.label_id,
                label_en: item.label_en,
            }
        })
        .collect()
}

/// Every item uploaded or accepted: nothing left for the participant to do.
pub fn is_ready(entries: &[ChecklistEntry]) -> bool {
    entries
        .iter()
        .all(|e| matches!(e.status, ItemStatus::Uploaded | ItemStatus::Accepted))
}

/// Every item accepted: the documents allow the claim to be verified.
pub fn is_verifiable(entries: &[ChecklistEntry]) -> bool {
    entries.iter().all(|e| e.status == ItemStatus::Accepted)
}

/// The items still to (re)upload: missing or rejected.
pub fn missing_items(entries: &[ChecklistEntry]) -> Vec<&ChecklistEntry> {
    entries.iter().filter(|e| e.status.needs_upload()).collect()
}
