//! The outreach worklist page (CS, supervisors of the branch; admins):
//! the list, taking and giving back an item, recording an attempt.

use crate::web::body::{Form, Query};
use actix_web::web::Path;
use actix_web::HttpResponse;
use serde::Deserialize;

use super::{redirect, Flash, PageCtx};
use crate::app::error::{AppError, AppResult};
use crate::app::outreach::{self, AttemptInput};
use crate::app::{read_db, Status};
use crate::db::branches;
use crate::domain::role::Role;
use crate::views::outreach as view;
use crate::web::auth::Identity;

#[derive(Deserialize)]
pub struct ListQuery {
    pub branch: Option<String>,
    #[serde(flatten)]
    pub flash: Flash,
}

pub async fn list(ctx: PageCtx, q: Query<ListQuery>) -> HttpResponse {
    ctx.page(async {
        let (role, own) = match ctx.who()? {
            Identity::Staff { role, branch, .. } => (*role, branch.clone()),
            _ => return Err(AppError::forbidden().detail("staff_only")),
        };
        let actx = ctx.app();
        outreach::require_worker(&actx)?;
        let all = read_db(&ctx.state.db, branches::list).await?;
        let code = match role {
            Role::Admin => q
                .branch
                .clone()
                .or_else(|| all.first().map(|b| b.code.clone())),
            _ => own,
        }
        .unwrap_or_default();
        let list = outreach::worklist(&actx, code.clone()).await?;
        let (_, _, figures) = outreach::figures(&actx, code, None).await?;
        let rows = list
            .items
            .iter()
            .map(|i| view::Row {
                id: i.item.id,
                reason: i.reason,
                name: &i.name,
                phone: &i.phone,
                call: i.call.as_deref(),
                booking_code: i.booking_code.as_deref(),
                due_at: i.item.due_at,
                missing: &i.missing,
                claimed_by: i.claimed_by.as_ref().map(|(_, n)| n.as_str()),
                mine: i.mine,
                attempts: &i.attempts,
            })
            .collect();
        let body = view::page(
            &ctx.frame(),
            &view::Page {
                role,
                branches: &all,
                branch: &list.branch,
                rows,
                figures,
                flash: q.flash.done.as_deref().filter(|d| DONE.contains(d)),
                error: q.flash.error_key(),
            },
        );
        Ok(ctx.ok(ctx.t("outreach_title"), body))
    })
    .await
}

/// What a form post may report back as done.
const DONE: [&str; 4] = ["claimed", "released", "recorded", "sent"];

#[derive(Deserialize)]
pub struct BackQuery {
    pub branch: Option<String>,
}

/// Back to the list (at the item), with what happened.
fn back(q: &BackQuery, id: i64, r: AppResult<&str>) -> AppResult<HttpResponse> {
    let branch = super::urlencode(q.branch.as_deref().unwrap_or_default());
    let result = match r {
        Ok(done) => format!("done={done}"),
        // A refusal the agent can act on is shown on the list.
        Err(e) if matches!(e.status, Status::Conflict | Status::Unprocessable) => {
            format!("error={}", e.code)
        }
        Err(e) => return Err(e),
    };
    Ok(redirect(&format!(
        "/staff/outreach?branch={branch}&{result}#item-{id}"
    )))
}

pub async fn claim_submit(
    ctx: PageCtx,
    path: Path<i64>,
    q: Query<BackQuery>,
    form: Form<crate::web::extract::CsrfForm>,
) -> HttpResponse {
    let id = path.into_inner();
    ctx.submit(form.csrf.clone(), |actx| async move {
        let r = outreach::claim(&actx, id).await.map(|_| "claimed");
        back(&q, id, r)
    })
    .await
}

pub async fn release_submit(
    ctx: PageCtx,
    path: Path<i64>,
    q: Query<BackQuery>,
    form: Form<crate::web::extract::CsrfForm>,
) -> HttpResponse {
    let id = path.into_inner();
    ctx.submit(form.csrf.clone(), |actx| async move {
        let r = outreach::release(&actx, id).await.map(|_| "released");
        back(&q, id, r)
    })
    .await
}

#[derive(Deserialize)]
pub struct AttemptForm {
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub channel: String,
    #[serde(default)]
    pub outcome: String,
    pub note: Option<String>,
}

pub async fn attempt_submit(
    ctx: PageCtx,
    path: Path<i64>,
    q: Query<BackQuery>,
    form: Form<AttemptForm>,
) -> HttpResponse {
    let id = path.into_inner();
    let form = form.into_inner();
    ctx.submit(form.csrf.clone(), |actx| async move {
        let input = AttemptInput {
            channel: form.channel,
            outcome: form.outcome,
            note: form.note,
        };
        let r = outreach::attempt(&actx, id, input)
            .await
            .map(|_| "recorded");
        back(&q, id, r)
    })
    .await
}

/// "Send a message": the text of the item's reason through the gateway.
pub async fn message_submit(
    ctx: PageCtx,
    path: Path<i64>,
    q: Query<BackQuery>,
    form: Form<crate::web::extract::CsrfForm>,
) -> HttpResponse {
    let id = path.into_inner();
    ctx.submit(form.csrf.clone(), |actx| async move {
        let r = outreach::send_message(&actx, id).await.map(|_| "sent");
        back(&q, id, r)
    })
    .await
}
