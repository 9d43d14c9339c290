//! A claim's checklist in the reader's language: what the participant's
//! page, the staff review page and the JSON API all show for each item.

use serde::Serialize;
use utoipa::ToSchema;

use crate::db::documents::Dossier;
use crate::domain::dossier::{DocStatus, RejectReason};
use crate::i18n::Lang;

#[derive(Serialize, ToSchema)]
pub struct ChecklistItemBody {
    pub item: String,
    pub accepts: Vec<String>,
    /// missing, uploaded, accepted or rejected.
    pub status: String,
    /// The rejection reason code, when rejected.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The rejection in words, with the reviewer's note.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason_text: Option<String>,
    pub label: String,
}

/// The checklist in the caller's language.
pub fn checklist_body(d: &Dossier, lang: Lang) -> Vec<ChecklistItemBody> {
    d.checklist
        .iter()
        .map(|e| {
            let note = d
                .current()
                .filter(|doc| {
                    e.accepts.iter().any(|k| k.code() == doc.kind)
                        && doc.status == DocStatus::Rejected
                })
                .max_by_key(|doc| doc.created_at)
                .and_then(|doc| doc.reject_note.clone());
            let reason_text = e.reason.as_deref().map(|code| {
                let label = RejectReason::parse(code)
                    .map(|r| match lang {
                        Lang::Id => r.label_id(),
                        Lang::En => r.label_en(),
                    })
                    .unwrap_or(code);
                match &note {
                    Some(n) => format!("{label}: {n}"),
                    None => label.to_string(),
                }
            });
            ChecklistItemBody {
                item: e.item.to_string(),
                accepts: e.accepts.iter().map(|k| k.code().to_string()).collect(),
                status: e.status.to_string(),
                reason: e.reason.clone(),
                reason_text,
                label: match lang {
                    Lang::Id => e.label_id,
                    Lang::En => e.label_en,
                }
                .to_string(),
            }
        })
        .collect()
}
