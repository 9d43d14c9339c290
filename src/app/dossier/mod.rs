//! The claim's dossier: a participant uploads and removes documents, staff
//! read them (an audited act) and accept or reject each one. Who may read
//! or review a claim is decided here, from the acting person in
//! [`Ctx::actor`], so the JSON API and the pages ask the same question.

use std::sync::Arc;

use serde_json::json;

use super::files::{fetch, inspect_and_store};
use super::{read_db, write_db, AppError, AppResult, Ctx, Status};
use crate::db::audit::{self, Actor, Subject};
use crate::db::claims::{self, Claim};
use crate::db::documents::{self as docs, Document};
use crate::db::floor::FloorSession;
use crate::db::{bookings, run, DbConnection};
use crate::domain::claim::ClaimStatus;
use crate::domain::dossier::upload::UploadError;
use crate::domain::dossier::{check_claim_quota, Decision, DocStatus, DocumentKind, RejectReason};
use crate::domain::role::Role;
use crate::domain::Code;
use crate::infra::storage::DocumentStore;

mod access;

pub use access::{may_read, may_review, require_staff, REVIEWERS};

/// Refuses a claim that is no longer open.
fn require_open(claim: &Claim) -> AppResult<()> {
    if claim.status == ClaimStatus::Open {
        Ok(())
    } else {
        Err(AppError::conflict(Code::ClaimNotOpen))
    }
}

/// The error for a file over `max` bytes (with the limit in MB).
pub fn too_large(max: u64) -> AppError {
    let mut e = AppError::new(Status::PayloadTooLarge, Code::FileTooLarge);
    e.params
        .push(("max_mb", format!("{}", max / (1024 * 1024))));
    e
}

/// An upload refusal as an error, naming the `file` field.
pub fn upload_error(e: UploadError, max: u64) -> AppError {
    if matches!(e, UploadError::TooLarge { .. }) {
        return too_large(max);
    }
    AppError::new(Status::from_u16(e.http_status()), e.code())
        .detail(e.detail())
        .field("file")
}

/// Who adds a document: the claim's owner, or the CS agent serving them
/// in an open floor session (a walk-in's scans, the booth camera's still).
#[derive(Clone, Copy, Debug)]
pub enum Uploader {
    Participant(i64),
    Agent(i64),
}

impl Uploader {
    /// The uploader as the acting person: a participant, or a CS agent.
    pub fn of(actor: &Actor) -> AppResult<Self> {
        match (actor.id, actor.role.person()) {
            (Some(id), Some(Role::Participant)) => Ok(Self::Participant(id)),
            (Some(id), Some(Role::Cs)) => Ok(Self::Agent(id)),
            _ => Err(AppError::forbidden().detail("participants_only")),
        }
    }

    /// Refuses a claim that is not this uploader's to add to: another
    /// participant's claim is `claim_not_found` (its existence stays
    /// hidden); staff not serving its participant get `participants_only`,
    /// as every staff upload did before walk-ins. For an agent, the open
    /// session in which they serve the participant.
    fn admit(self, c: &mut DbConnection, claim: &Claim) -> AppResult<Option<FloorSession>> {
        match self {
            Self::Participant(id) if claim.participant_id == id => Ok(None),
            Self::Participant(_) => Err(AppError::not_found(Code::ClaimNotFound)),
            Self::Agent(id) => crate::db::floor::session_serving(c, id, claim.participant_id)?
                .map(Some)
                .ok_or_else(|| AppError::forbidden().detail("participants_only")),
        }
    }
}

/// One file a participant sends for a checklist item.
pub struct Upload {
    /// The document code the form named.
    pub kind: String,
    pub file_name: String,
    pub bytes: Vec<u8>,
    /// A `file` field was present (it may still be empty).
    pub has_file: bool,
}

/// Checks, stores and records one upload for a claim: the participant's
/// own, or (for a CS agent) the claim of a participant they are serving,
/// which is audited with the session.
pub async fn upload(
    ctx: &Ctx,
    store: Arc<dyn DocumentStore>,
    by: Uploader,
    claim_id: i64,
    up: Upload,
) -> AppResult<Document> {
    let kind = DocumentKind::parse_participant_upload(&up.kind)
        .ok_or_else(|| AppError::unprocessable(Code::UnknownKind).field("kind"))?;
    if !up.has_file {
        return Err(AppError::unprocessable(Code::MissingFile).field("file"));
    }
    // Refuse early when the claim is not theirs or not open, before any
    // parsing work.
    let claim = read_db(&ctx.db, move |c| -> AppResult<Claim> {
        let claim =
            claims::find(c, claim_id)?.ok_or_else(|| AppError::not_found(Code::ClaimNotFound))?;
        by.admit(c, &claim)?;
        Ok(claim)
    })
    .await?;
    require_open(&claim)?;
    let Upload {
        file_name, bytes, ..
    } = up;
    let file = inspect_and_store(ctx, store, file_name, bytes).await?;
    let size = file.size;
    let new = file.document(claim_id, kind, None, ctx.clock.now_naive());
    let actor = ctx.actor.clone();
    write_db(&ctx.db, move |c| -> AppResult<Document> {
        docs::lock_claim(c, claim_id)?;
        // Re-checked inside the transaction: the claim may have been
        // decided, or the agent's session finished, meanwhile.
        let claim =
            claims::find(c, claim_id)?.ok_or_else(|| AppError::not_found(Code::ClaimNotFound))?;
        require_open(&claim)?;
        let session = by.admit(c, &claim)?;
        // Only documents the claim's checklist asks for.
        let wanted = docs::dossier(c, claim.clone())?
            .checklist
            .iter()
            .any(|e| e.accepts.iter().any(|k| k.code() == new.kind));
        if !wanted {
            return Err(AppError::unprocessable(Code::KindNotRequired).field("kind"));
        }
        let (files, bytes) = docs::usage(c, claim_id)?;
        check_claim_quota(files as usize, bytes as u64, size as u64)
            .map_err(|q| AppError::conflict(q.code()))?;
        let doc = docs::add_version(c, new)?;
        if let Some(session) = session {
            audit::record(
                c,
                doc.created_at,
                &actor,
                "document_added_by_agent",
                &Subject {
                    participant_id: Some(claim.participant_id),
                    claim_id: Some(claim_id),
                    session_id: Some(session.id),
                    branch_code: Some(session.branch_code),
                    ..Subject::default()
                },
                json!({"kind": doc.kind, "version": doc.version, "sha256": doc.sha256}),
            )?;
        } else {
            audit::record(
                c,
                doc.created_at,
                &actor,
                "document_uploaded",
                &Subject {
                    participant_id: Some(claim.participant_id),
                    claim_id: Some(claim_id),
                    ..Subject::default()
                },
                json!({"kind": doc.kind, "version": doc.version, "sha256": doc.sha256}),
            )?;
        }
        // An agent serving this claim sees the new upload at once.
        crate::db::floor::notify_claim_agents(
            c,
            claim_id,
            "document",
            json!({"claim": claim_id, "kind": doc.kind}),
            doc.created_at,
        )?;
        Ok(doc)
    })
    .await
}

/// Removes the current version of a document while the claim is open.
pub async fn remove(ctx: &Ctx, participant_id: i64, claim_id: i64, doc_id: i64) -> AppResult<()> {
    let (actor, now) = (ctx.actor.clone(), ctx.clock.now_naive());
    write_db(&ctx.db, move |c| -> AppResult<()> {
        docs::lock_claim(c, claim_id)?;
        let claim = claims::find(c, claim_id)?
            .filter(|cl| cl.participant_id == participant_id)
            .ok_or_else(|| AppError::not_found(Code::DocumentNotFound))?;
        let doc = docs::find(c, doc_id)?
            .filter(|d| d.claim_id == claim.id && d.is_current && !d.is_deleted())
            .ok_or_else(|| AppError::not_found(Code::DocumentNotFound))?;
        require_open(&claim)?;
        docs::mark_deleted(c, doc.id)?;
        let subject = Subject {
            participant_id: Some(participant_id),
            claim_id: Some(claim_id),
            ..Subject::default()
        };
        let details = json!({"kind": doc.kind, "version": doc.version});
        audit::record(c, now, &actor, "document_deleted", &subject, details)?;
        Ok(())
    })
    .await
}

/// A document the actor may read, with its bytes. A staff member reading
/// a participant's document is an audited action: a read has no write
/// transaction of its own, so the entry is written in its own transaction
/// before any byte is served, and the file is refused when it cannot be.
pub async fn open(
    ctx: &Ctx,
    store: Arc<dyn DocumentStore>,
    claim_id: i64,
    doc_id: i64,
    inline: bool,
) -> AppResult<(Document, Vec<u8>)> {
    let actor = ctx.actor.clone();
    let audited = actor.role.staff().is_some();
    let now = ctx.clock.now_naive();
    let doc = run(&ctx.db, move |db| {
        let found = db.read(|c| -> AppResult<Option<(Claim, Document, Option<String>)>> {
            let Some(claim) = claims::find(c, claim_id)? else {
                return Ok(None);
            };
            if !may_read(c, &actor, &claim)? {
                return Ok(None);
            }
            let Some(doc) =
                docs::find(c, doc_id)?.filter(|d| d.claim_id == claim_id && !d.is_deleted())
            else {
                return Ok(None);
            };
            let branch = match audited {
                true => bookings::branches_of_claim(c, claim.id)?.into_iter().next(),
                false => None,
            };
            Ok(Some((claim, doc, branch)))
        })?;
        let Some((claim, doc, branch)) = found else {
            return Ok(None);
        };
        if audited {
            db.write(|c| {
                audit::record(
                    c,
                    now,
                    &actor,
                    "document_viewed",
                    &Subject {
                        participant_id: Some(claim.participant_id),
                        claim_id: Some(claim.id),
                        branch_code: branch,
                        ..Default::default()
                    },
                    json!({"document": doc.id, "kind": doc.kind, "version": doc.version, "inline": inline}),
                )
            })?;
        }
        Ok::<_, AppError>(Some(doc))
    })
    .await?
    .ok_or_else(|| AppError::not_found(Code::DocumentNotFound))?;
    let bytes = fetch(store, doc.sha256.clone(), "document", doc.id).await?;
    Ok((doc, bytes))
}

/// A staff member's verdict on one document, as submitted.
#[derive(Debug, Clone, Default)]
pub struct Verdict {
    /// `accept` or `reject`.
    pub decision: String,
    /// Required to reject: a [`RejectReason`] code.
    pub reason: Option<String>,
    /// Free text for the participant (required with `other`).
    pub note: Option<String>,
}

/// A trimmed, non-empty text field.
pub(super) fn given(s: Option<&str>) -> Option<&str> {
    s.map(str::trim).filter(|s| !s.is_empty())
}

/// The rejection reason a refusal must name.
pub(super) fn reject_reason(raw: Option<&str>) -> AppResult<RejectReason> {
    let reason = given(raw)
        .ok_or_else(|| AppError::unprocessable(Code::RejectReasonRequired).field("reason"))?;
    RejectReason::parse(reason)
        .ok_or_else(|| AppError::unprocessable(Code::InvalidRejectReason).field("reason"))
}

/// Accepts or rejects a document (CS agents and supervisors of a branch
/// the claim is booked at; admins), with its audit entry.
pub async fn review(ctx: &Ctx, doc_id: i64, v: Verdict) -> AppResult<Document> {
    require_staff(&ctx.actor, &REVIEWERS)?;
    let reviewer = ctx.actor.id.ok_or_else(AppError::forbidden)?;
    let note = given(v.note.as_deref()).map(str::to_string);
    if note.as_ref().is_some_and(|n| n.chars().count() > 500) {
        return Err(AppError::unprocessable(Code::NoteTooLong).field("note"));
    }
    let decision = Decision::parse(v.decision.trim())
        .map_err(|_| AppError::unprocessable(Code::InvalidDecision).field("decision"))?;
    let (status, reason) = match decision {
        Decision::Accept => (DocStatus::Accepted, None),
        Decision::Reject => {
            let reason = reject_reason(v.reason.as_deref())?;
            if reason == RejectReason::Other && note.is_none() {
                return Err(AppError::unprocessable(Code::RejectNoteRequired).field("note"));
            }
            (DocStatus::Rejected, Some(reason.code()))
        }
    };
    let now = ctx.clock.now_naive();
    let actor = ctx.actor.clone();
    write_db(&ctx.db, move |c| -> AppResult<Document> {
            let doc = docs::find(c, doc_id)?
                .filter(|d| !d.is_deleted())
                .ok_or_else(|| AppError::not_found(Code::DocumentNotFound))?;
            docs::lock_claim(c, doc.claim_id)?;
            let claim = claims::find(c, doc.claim_id)?
                .ok_or_else(|| AppError::not_found(Code::DocumentNotFound))?;
            if !may_review(c, &actor, &claim)? {
                return Err(AppError::not_found(Code::DocumentNotFound));
            }
            require_open(&claim)?;
            if !doc.is_current {
                return Err(AppError::conflict(Code::DocumentReplaced));
            }
            docs::review(c, doc.id, status, reviewer, reason, note.as_deref(), now)?;
            audit::record(
                c,
                now,
                &actor,
                &format!("document_{status}"),
                &Subject {
                    participant_id: Some(claim.participant_id),
                    claim_id: Some(claim.id),
                    ..Default::default()
                },
                json!({"document": doc.id, "kind": doc.kind, "version": doc.version, "reason": reason, "note": note}),
            )?;
            docs::find(c, doc.id)?.ok_or_else(|| AppError::not_found(Code::DocumentNotFound))
    })
    .await
}

/// A claim with its dossier, when the actor may read it.
pub async fn dossier(ctx: &Ctx, claim_id: i64) -> AppResult<Option<docs::Dossier>> {
    let actor = ctx.actor.clone();
    read_db(&ctx.db, move |c| -> AppResult<_> {
        let Some(claim) = claims::find(c, claim_id)? else {
            return Ok(None);
        };
        if !may_read(c, &actor, &claim)? {
            return Ok(None);
        }
        Ok(Some(docs::dossier(c, claim)?))
    })
    .await
}

/// A claim as the staff review page shows it.
pub struct ForReview {
    pub dossier: docs::Dossier,
    pub participant: crate::db::participants::Participant,
    /// The actor may accept/reject documents and decide the claim
    /// (auditors only read).
    pub can_review: bool,
}

/// A claim with its dossier and its participant, for a staff member who
/// may read it; 404 otherwise.
pub async fn for_review(ctx: &Ctx, claim_id: i64) -> AppResult<ForReview> {
    let actor = ctx.actor.clone();
    read_db(&ctx.db, move |c| -> AppResult<_> {
        let claim =
            claims::find(c, claim_id)?.ok_or_else(|| AppError::not_found(Code::ClaimNotFound))?;
        if !may_read(c, &actor, &claim)? {
            return Err(AppError::not_found(Code::ClaimNotFound));
        }
        let can_review = may_review(c, &actor, &claim)?;
        let participant = crate::db::participants::find(c, claim.participant_id)?
            .ok_or_else(|| AppError::not_found(Code::ClaimNotFound))?;
        Ok(ForReview {
            dossier: docs::dossier(c, claim)?,
            participant,
            can_review,
        })
    })
    .await
}
