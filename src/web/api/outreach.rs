//! The outreach worklist of a branch (cs, supervisor of the branch;
//! admin): items, claims, attempts and the day's figures.

use crate::web::body::{Json, Query};
use actix_web::web::Path;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{created, ok, vocab, Reply};
use crate::app::claims::parse_date;
use crate::app::outreach::{self, AttemptInput, ListItem};
use crate::app::AppError;
use crate::domain::Code;
use crate::web::extract::Api;

#[derive(Deserialize, utoipa::IntoParams)]
pub struct BranchQuery {
    /// Branch code.
    pub branch: Option<String>,
    /// YYYY-MM-DD, branch-local (figures; default today).
    #[param(format = Date)]
    pub date: Option<String>,
}

fn branch_of(q: &BranchQuery) -> Result<String, AppError> {
    q.branch
        .as_deref()
        .map(str::trim)
        .filter(|b| !b.is_empty())
        .map(String::from)
        .ok_or_else(|| AppError::unprocessable(Code::BranchRequired).field("branch"))
}

#[derive(Serialize, ToSchema)]
pub struct ParticipantBody {
    /// Masked unless the caller holds the item.
    pub name: String,
    /// Masked unless the caller holds the item (then E.164, to call).
    pub phone: String,
}

#[derive(Serialize, ToSchema)]
pub struct ItemBody {
    pub id: i64,
    #[schema(value_type = vocab::OutreachReason)]
    pub reason: String,
    pub participant: ParticipantBody,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub booking_code: Option<String>,
    /// Checklist items still to (re)upload.
    #[schema(value_type = Vec<vocab::ChecklistItem>)]
    pub missing: Vec<String>,
    /// The name of the agent holding the item.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claimed_by: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claimed_by_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claim_id: Option<i64>,
    /// When it matters (the session's start, the offer's end), UTC RFC 3339.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = DateTime)]
    pub due_at: Option<String>,
    /// Attempts recorded so far.
    pub attempts: usize,
}

fn body(i: &ListItem) -> ItemBody {
    ItemBody {
        id: i.item.id,
        reason: i.reason.to_string(),
        participant: ParticipantBody {
            name: i.name.clone(),
            phone: i.phone.clone(),
        },
        booking_code: i.booking_code.clone(),
        missing: i.missing.clone(),
        claimed_by: i.claimed_by.as_ref().map(|(_, n)| n.clone()),
        claimed_by_id: i.claimed_by.as_ref().map(|(id, _)| *id),
        claim_id: i.item.claim_id,
        due_at: i.item.due_at.map(|t| t.and_utc().to_rfc3339()),
        attempts: i.attempts.len(),
    }
}

/// The branch's worklist, derived from its data now.
#[utoipa::path(get, path = "/api/v1/outreach/worklist", params(BranchQuery),
    responses((status = 200, body = [ItemBody]), (status = 403, body = super::ErrorBody),
        (status = 404, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = [])))]
pub async fn worklist(api: Api, q: Query<BranchQuery>) -> Reply {
    outreach::require_worker(&api.ctx)?;
    let list = outreach::worklist(&api.ctx, branch_of(&q)?).await?;
    ok(list.items.iter().map(body).collect::<Vec<_>>())
}

/// Takes an item: 409 `claimed` while another agent holds it.
#[utoipa::path(post, path = "/api/v1/outreach/{id}/claim", params(("id" = i64, Path)),
    responses((status = 200, body = ItemBody), (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody)),
    security(("bearer" = [])))]
pub async fn claim(api: Api, path: Path<i64>) -> Reply {
    ok(body(&outreach::claim(&api.ctx, path.into_inner()).await?))
}

/// Gives an item back (its holder; the branch's supervisor; an admin).
#[utoipa::path(delete, path = "/api/v1/outreach/{id}/claim", params(("id" = i64, Path)),
    responses((status = 200), (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody)),
    security(("bearer" = [])))]
pub async fn release(api: Api, path: Path<i64>) -> Reply {
    outreach::release(&api.ctx, path.into_inner()).await?;
    ok(serde_json::json!({"status": "released"}))
}

#[derive(Deserialize, ToSchema)]
pub struct AttemptRequest {
    #[serde(default)]
    #[schema(value_type = vocab::OutreachChannel)]
    pub channel: String,
    #[serde(default)]
    #[schema(value_type = vocab::AttemptOutcome)]
    pub outcome: String,
    pub note: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct AttemptBody {
    pub id: i64,
    pub item_id: i64,
    #[schema(value_type = vocab::OutreachChannel)]
    pub channel: String,
    #[schema(value_type = vocab::AttemptOutcome)]
    pub outcome: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// UTC RFC 3339.
    #[schema(format = DateTime)]
    pub at: String,
}

/// Records a call or message about an item.
#[utoipa::path(post, path = "/api/v1/outreach/{id}/attempts", params(("id" = i64, Path)), request_body = AttemptRequest,
    responses((status = 201, body = AttemptBody), (status = 404, body = super::ErrorBody),
        (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = [])))]
pub async fn attempt(api: Api, path: Path<i64>, b: Json<AttemptRequest>) -> Reply {
    outreach::require_worker(&api.ctx)?;
    let b = b.into_inner();
    let input = AttemptInput {
        channel: b.channel,
        outcome: b.outcome,
        note: b.note,
    };
    let a = outreach::attempt(&api.ctx, path.into_inner(), input).await?;
    created(AttemptBody {
        id: a.id,
        item_id: a.item_id,
        channel: a.channel,
        outcome: a.outcome,
        note: a.note,
        at: a.at.and_utc().to_rfc3339(),
    })
}

#[derive(Serialize, ToSchema)]
pub struct MessageBody {
    /// The channel it went on.
    #[schema(value_type = vocab::SentChannel)]
    pub channel: String,
}

/// Sends the participant the message of the item's reason (what is
/// missing, how to book again, where the held seat is) on the channel they
/// chose, through the message gateway. `409 no_message_consent` when they
/// chose none.
#[utoipa::path(post, path = "/api/v1/outreach/{id}/messages", params(("id" = i64, Path)),
    responses((status = 202, body = MessageBody), (status = 404, body = super::ErrorBody),
        (status = 409, body = super::ErrorBody)),
    security(("bearer" = [])))]
pub async fn message(api: Api, path: Path<i64>) -> Reply {
    outreach::require_worker(&api.ctx)?;
    let channel = outreach::send_message(&api.ctx, path.into_inner()).await?;
    super::accepted(MessageBody {
        channel: channel.as_str().into(),
    })
}

#[derive(Serialize, ToSchema)]
pub struct FiguresBody {
    pub branch: String,
    #[schema(format = Date)]
    pub date: String,
    /// Items on the list at some time that day.
    pub items: i64,
    /// Attempts made that day.
    pub attempts: i64,
    /// Items whose participant an attempt reached that day.
    pub reached: i64,
    /// Items resolved that day (documents in, booked again, …).
    pub resolved: i64,
    /// Items about that day's sessions resolved before the session began.
    pub resolved_before_session: i64,
    /// That day's bookings whose participant was reached before the
    /// session and came.
    pub no_shows_avoided: i64,
}

/// A branch's outreach figures for a day.
#[utoipa::path(get, path = "/api/v1/outreach/figures", params(BranchQuery),
    responses((status = 200, body = FiguresBody), (status = 403, body = super::ErrorBody),
        (status = 404, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = [])))]
pub async fn figures(api: Api, q: Query<BranchQuery>) -> Reply {
    outreach::require_worker(&api.ctx)?;
    let code = branch_of(&q)?;
    let day = parse_date("date", q.date.as_deref())?;
    let (branch, day, f) = outreach::figures(&api.ctx, code, day).await?;
    ok(FiguresBody {
        branch: branch.code,
        date: day.to_string(),
        items: f.items,
        attempts: f.attempts,
        reached: f.reached,
        resolved: f.resolved,
        resolved_before_session: f.resolved_before_session,
        no_shows_avoided: f.no_shows_avoided,
    })
}
