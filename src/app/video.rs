//! Video use cases: who may join a session's signaling channel, and the
//! still an agent takes from the participant's video as identity evidence,
//! stored like any claim document (kind `identity_photo`, through the same
//! upload checks and document store) and written to the audit log.

use std::sync::Arc;

use super::{blocking, files, read_db, write_db, AppError, AppResult, Ctx, Status};
use crate::db::audit::{self, Subject};
use crate::db::claims;
use crate::db::documents::{self as docs, Document};
use crate::db::floor::FloorSession;
use crate::db::video::{self as relay, Caller};
use crate::domain::claim::ClaimStatus;
use crate::domain::dossier::upload as uploads;
use crate::domain::dossier::{check_claim_quota, DocumentKind};
use crate::domain::video::Side;
use crate::domain::Code;
use crate::infra::storage::DocumentStore;

/// The open session `session` (or the one of an online participant's
/// `ticket`) that one of `callers` may join, and on which side.
pub async fn join(
    ctx: &Ctx,
    callers: Vec<Caller>,
    session: Option<i64>,
    ticket: Option<i64>,
) -> AppResult<(FloorSession, Side)> {
    read_db(&ctx.db, move |c| -> AppResult<_> {
        let id = match (session, ticket) {
            (Some(s), _) => Some(s),
            (None, Some(t)) => relay::open_session_of_ticket(c, t)?,
            (None, None) => None,
        };
        match id {
            Some(id) => Ok(relay::authorize(c, id, &callers)?),
            None => Ok(None),
        }
    })
    .await?
    .ok_or_else(|| AppError::not_found(Code::SessionNotFound))
}

/// The acting agent's open session, with its claim and participant.
pub struct StillTarget {
    pub staff_id: i64,
    pub session: FloorSession,
    pub claim_id: i64,
    pub participant_id: Option<i64>,
}

/// The agent's open session a still may be taken in: refused before the
/// upload is read when the session is not theirs or has no claim.
pub async fn still_target(ctx: &Ctx, session_id: i64) -> AppResult<StillTarget> {
    let (staff_id, _) = super::floor::console::cs_of(&ctx.actor)?;
    let found = read_db(&ctx.db, move |c| {
        relay::agent_open_session(c, staff_id, session_id)
    })
    .await?;
    let (session, claim, participant_id) =
        found.ok_or_else(|| AppError::not_found(Code::SessionNotFound))?;
    let claim_id = claim.ok_or_else(|| AppError::conflict(Code::NoClaim))?;
    Ok(StillTarget {
        staff_id,
        session,
        claim_id,
        participant_id,
    })
}

fn upload_error(e: uploads::UploadError) -> AppError {
    let status = Status::from_u16(e.http_status());
    AppError::new(status, e.code())
        .detail(e.detail())
        .field("file")
}

/// Checks and stores a still (JPEG or PNG, metadata stripped) as the
/// claim's `identity_photo` document, with its audit entry, and tells the
/// claim's agents.
pub async fn store_still(
    ctx: &Ctx,
    store: Arc<dyn DocumentStore>,
    target: StillTarget,
    file_name: String,
    bytes: Vec<u8>,
) -> AppResult<Document> {
    let max = ctx.settings.max_upload_bytes;
    let name = if file_name.is_empty() {
        "identity_photo.jpg".to_string()
    } else {
        file_name
    };
    let inspected = blocking(move || uploads::inspect(&bytes, &name, max))
        .await?
        .map_err(upload_error)?;
    if !inspected.file_type.content_type().starts_with("image/") {
        return Err(
            AppError::new(Status::UnsupportedMediaType, Code::UnsupportedType).field("file"),
        );
    }
    let file = files::store(store, inspected).await?;
    let size = file.size;
    let now = ctx.clock.now_naive();
    let StillTarget {
        staff_id,
        session,
        claim_id,
        participant_id,
    } = target;
    let new = file.document(claim_id, DocumentKind::IdentityPhoto, Some(staff_id), now);
    let actor = ctx.actor.clone();
    write_db(&ctx.db, move |c| -> AppResult<_> {
        docs::lock_claim(c, claim_id)?;
        // Re-checked inside the transaction: the session may have
        // ended, the claim been decided.
        if relay::agent_open_session(c, staff_id, session.id)?.is_none() {
            return Err(AppError::not_found(Code::SessionNotFound));
        }
        let claim = claims::find(c, claim_id)?.ok_or_else(|| AppError::conflict(Code::NoClaim))?;
        if claim.status != ClaimStatus::Open {
            return Err(AppError::conflict(Code::ClaimNotOpen));
        }
        let (files, bytes) = docs::usage(c, claim_id)?;
        check_claim_quota(files as usize, bytes as u64, size as u64)
            .map_err(|q| AppError::conflict(q.code()))?;
        let doc = docs::add_version(c, new)?;
        let subject = Subject {
            participant_id,
            claim_id: Some(claim_id),
            session_id: Some(session.id),
            branch_code: Some(session.branch_code.clone()),
            ..Subject::default()
        };
        let detail =
            serde_json::json!({"document": doc.id, "sha256": doc.sha256, "size": doc.size});
        audit::record(c, now, &actor, "identity_photo_taken", &subject, detail)?;
        let event = serde_json::json!({"claim": claim_id, "kind": doc.kind});
        crate::db::floor::notify_claim_agents(c, claim_id, "document", event, now)?;
        Ok(doc)
    })
    .await
}
