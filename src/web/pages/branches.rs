//! Branch finder and a branch's day of sessions.

use actix_web::web::{Path, Query};
use actix_web::HttpResponse;
use chrono::NaiveDate;
use serde::Deserialize;

use super::PageCtx;
use crate::app::{self, AppError, AppResult};
use crate::domain::Code;
use crate::views::branches as view;
use crate::web::auth::Identity;

#[derive(Deserialize)]
pub struct FinderQuery {
    pub q: Option<String>,
}

pub async fn finder(ctx: PageCtx, q: Query<FinderQuery>) -> HttpResponse {
    ctx.page(async {
        let all = app::branches::list(&ctx.app()).await?;
        let query = q.q.clone().unwrap_or_default();
        let needle = query.trim().to_lowercase();
        let shown: Vec<_> = all
            .into_iter()
            .filter(|b| {
                needle.is_empty()
                    || [&b.name, &b.city, &b.province, &b.code]
                        .iter()
                        .any(|s| s.to_lowercase().contains(&needle))
            })
            .collect();
        let body = view::finder(&ctx.frame(), &query, &shown);
        Ok(ctx.ok(ctx.t("finder_title"), body))
    })
    .await
}

#[derive(Deserialize)]
pub struct DayQuery {
    pub date: Option<String>,
    pub reschedule: Option<String>,
}

pub async fn day_view(ctx: PageCtx, path: Path<String>, q: Query<DayQuery>) -> HttpResponse {
    ctx.page(render_day(&ctx, path.into_inner(), q.into_inner()))
        .await
}

async fn render_day(ctx: &PageCtx, code: String, q: DayQuery) -> AppResult<HttpResponse> {
    let app = ctx.app();
    let now = app.clock.now();
    let branch = app::branches::find(&app, code.clone()).await?;
    let today = now.with_timezone(&branch.tz()).date_naive();
    let date = match q.date.as_deref() {
        Some(d) => NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .map_err(|_| AppError::bad_request(Code::InvalidDate).field("date"))?,
        None => today,
    };
    let (branch, slots, holiday) = app::branches::day(&app, code, date).await?;
    // What the caller can do here: book with their open claim, or move
    // their booking.
    let mut who_state = view::Booker::Anonymous;
    if let Some(Identity::Participant { id, .. }) = &ctx.who {
        let reschedule = q.reschedule.as_deref();
        who_state = match app::branches::participant_standing(&app, *id).await? {
            (_, Some(b)) if reschedule == Some(b.code.as_str()) => view::Booker::Rescheduling {
                code: b.code,
                current_slot: b.slot_id,
            },
            (_, Some(b)) => view::Booker::HasBooking { code: b.code },
            (Some(cl), None) if cl.status == crate::domain::claim::ClaimStatus::Open => {
                view::Booker::CanBook { claim_id: cl.id }
            }
            _ => view::Booker::NoClaim,
        };
    } else if ctx.who.is_some() {
        who_state = view::Booker::Staff;
    }
    let body = view::day(
        &ctx.frame(),
        &view::DayData {
            branch: &branch,
            date,
            today,
            now,
            slots: &slots,
            holiday: holiday.as_ref(),
            booker: &who_state,
        },
    );
    Ok(ctx.ok(&branch.name, body))
}
