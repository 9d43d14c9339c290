//! Branch finder and a branch's day of sessions.

use crate::web::body::Query;
use actix_web::web::Path;
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
    let closures = if slots.iter().any(|s| s.closure_id.is_some()) {
        app::closures::on_day(&app, branch.code.clone(), date).await?
    } else {
        Vec::new()
    };
    // What the caller can do here: book with their open claim, or move
    // their booking.
    let mut who_state = view::Booker::Anonymous;
    if let Some(Identity::Participant { id, .. }) = &ctx.who {
        who_state = booker(&app, *id, q.reschedule.as_deref()).await?;
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
            closures: &closures,
        },
    );
    Ok(ctx.ok(&branch.name, body))
}

/// What a participant may do on a page of sessions: book with their open
/// claim, move their booking (`reschedule`: its code), or nothing yet.
async fn booker(app: &app::Ctx, pid: i64, reschedule: Option<&str>) -> AppResult<view::Booker> {
    Ok(match app::branches::participant_standing(app, pid).await? {
        (_, Some(b), _) if reschedule == Some(b.code.as_str()) => view::Booker::Rescheduling {
            code: b.code,
            current_slot: b.slot_id,
        },
        (_, Some(b), _) => view::Booker::HasBooking { code: b.code },
        (Some(cl), None, w) if cl.status == crate::domain::claim::ClaimStatus::Open => {
            view::Booker::CanBook {
                claim_id: cl.id,
                waiting: w.map(|e| (e.id, e.branch_code, e.local_date)),
            }
        }
        _ => view::Booker::NoClaim,
    })
}

#[derive(Deserialize)]
pub struct FirstFreeQuery {
    pub from: Option<String>,
    pub province: Option<String>,
    pub timezone: Option<String>,
}

/// "Cari jadwal terdekat": the earliest free seats across branches.
pub async fn first_free(ctx: PageCtx, q: Query<FirstFreeQuery>) -> HttpResponse {
    ctx.page(async {
        let app = ctx.app();
        let today = app
            .clock
            .now()
            .with_timezone(&chrono_tz::Asia::Jakarta)
            .date_naive();
        let from = match q.from.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
            Some(d) => NaiveDate::parse_from_str(d, "%Y-%m-%d")
                .map_err(|_| AppError::bad_request(Code::InvalidDate).field("from"))?,
            None => today,
        };
        let pick = |v: &Option<String>| v.as_deref().map(str::trim).unwrap_or("").to_string();
        let (province, zone) = (pick(&q.province), pick(&q.timezone));
        let mut provinces: Vec<String> = app::branches::list(&app)
            .await?
            .into_iter()
            .map(|b| b.province)
            .collect();
        provinces.sort();
        provinces.dedup();
        // Only what the lists offer: anything else would match nothing.
        let province = if provinces.contains(&province) {
            province
        } else {
            String::new()
        };
        let zone = if crate::views::first_free::ZONES.contains(&zone.as_str()) {
            zone
        } else {
            String::new()
        };
        let some = |s: &String| (!s.is_empty()).then(|| s.clone());
        let found =
            app::branches::first_free(&app, Some(from), some(&province), some(&zone), 20).await?;
        let who_state = match &ctx.who {
            Some(Identity::Participant { id, .. }) => booker(&app, *id, None).await?,
            Some(_) => view::Booker::Staff,
            None => view::Booker::Anonymous,
        };
        let body = crate::views::first_free::page(
            &ctx.frame(),
            &crate::views::first_free::Search {
                provinces: &provinces,
                province: &province,
                zone: &zone,
                from,
                found: &found,
                booker: &who_state,
            },
        );
        Ok(ctx.ok(ctx.t("first_free_title"), body))
    })
    .await
}
