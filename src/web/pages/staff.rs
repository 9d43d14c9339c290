//! Staff home: a branch's day (sessions, capacity, bookings). Supervisors
//! and admins change capacity here.

use crate::web::body::{Form, Query};
use actix_web::web::Path;
use actix_web::HttpResponse;
use chrono::NaiveDate;
use serde::Deserialize;

use super::{redirect, urlencode, Flash, PageCtx};
use crate::app::admin;
use crate::app::claims as app_claims;
use crate::app::dossier;
use crate::app::error::{AppError, AppResult};
use crate::app::read_db;
use crate::db::{bookings, branches, staff};
use crate::domain::claim::ClaimStatus;
use crate::domain::role::Role;
use crate::domain::Code;
use crate::views::staff as view;
use crate::web::auth::Identity;

#[derive(Deserialize)]
pub struct DashQuery {
    pub branch: Option<String>,
    pub date: Option<String>,
    #[serde(flatten)]
    pub flash: Flash,
}

pub async fn dashboard(ctx: PageCtx, q: Query<DashQuery>) -> HttpResponse {
    ctx.page(async {
        let who = ctx.who()?.clone();
        let Identity::Staff {
            role,
            branch: own_branch,
            company,
            name,
            ..
        } = &who
        else {
            return Err(AppError::forbidden().detail("staff_only"));
        };
        let all = read_db(&ctx.state.db, branches::list).await?;
        let company = match company.clone() {
            Some(npp) => read_db(&ctx.state.db, move |c| staff::find_company(c, &npp)).await?,
            None => None,
        };
        let chosen = match role {
            Role::Supervisor | Role::Cs => own_branch.clone(),
            Role::Admin | Role::Auditor => q
                .branch
                .clone()
                .or_else(|| all.first().map(|b| b.code.clone())),
            _ => None,
        };
        let branch = chosen.and_then(|c| all.iter().find(|b| b.code == c).cloned());
        let mut day = None;
        if let Some(b) = &branch {
            let today = ctx.state.clock.now().with_timezone(&b.tz()).date_naive();
            let date = q
                .date
                .as_deref()
                .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
                .unwrap_or(today);
            let (_, slots, holiday) =
                crate::app::branches::day(&ctx.app(), b.code.clone(), date).await?;
            let ids: Vec<i64> = slots.iter().map(|s| s.id).collect();
            let people = read_db(&ctx.state.db, move |c| -> AppResult<_> {
                let mut out = Vec::new();
                for id in ids {
                    out.push((id, bookings::for_slot(c, id)?));
                }
                Ok(out)
            })
            .await?;
            day = Some(view::Day {
                date,
                slots,
                holiday,
                people,
            });
        }
        let body = view::dashboard(
            &ctx.frame(),
            &view::Dashboard {
                name,
                role: *role,
                branches: &all,
                branch: branch.as_ref(),
                company: company.as_ref(),
                day: day.as_ref(),
                flash: q.flash.done.as_deref(),
                error: q.flash.error.as_deref(),
            },
        );
        Ok(ctx.ok(ctx.t("staff_title"), body))
    })
    .await
}

#[derive(Deserialize)]
pub struct CapacityForm {
    #[serde(default)]
    pub csrf: String,
    pub capacity: String,
    pub branch: String,
    pub date: String,
}

pub async fn capacity_submit(
    ctx: PageCtx,
    path: Path<i64>,
    form: Form<CapacityForm>,
) -> HttpResponse {
    ctx.submit(form.csrf.clone(), |actx| async move {
        let capacity: i32 = form
            .capacity
            .trim()
            .parse()
            .map_err(|_| AppError::unprocessable(Code::InvalidCapacity).field("capacity"))?;
        let back = format!(
            "/staff?branch={}&date={}",
            urlencode(&form.branch),
            urlencode(&form.date)
        );
        match admin::change_capacity(&actx, path.into_inner(), capacity).await {
            Ok(_) => Ok(redirect(&format!("{back}&done=capacity"))),
            Err(e) if e.code == Code::CapacityBelowBooked || e.code == Code::InvalidCapacity => {
                Ok(redirect(&format!("{back}&error={}", e.code)))
            }
            Err(e) => Err(e),
        }
    })
    .await
}

#[derive(Deserialize)]
pub struct ClosureForm {
    #[serde(default)]
    pub csrf: String,
    pub branch: String,
    pub date: String,
    pub from: Option<String>,
    pub until: Option<String>,
    #[serde(default)]
    pub reason: String,
}

/// Closes the day shown (or the hours given) at the supervisor's branch.
pub async fn closure_submit(ctx: PageCtx, form: Form<ClosureForm>) -> HttpResponse {
    ctx.submit(form.csrf.clone(), |actx| async move {
        let back = format!(
            "/staff?branch={}&date={}",
            urlencode(&form.branch),
            urlencode(&form.date)
        );
        let input = crate::app::closures::ClosureInput {
            date: form.date.clone(),
            from: form.from.clone(),
            until: form.until.clone(),
            reason: form.reason.clone(),
        };
        match crate::app::closures::close(&actx, form.branch.clone(), input).await {
            Ok(_) => Ok(redirect(&format!("{back}&done=closure"))),
            Err(e) if e.status == crate::app::Status::Unprocessable => {
                Ok(redirect(&format!("{back}&error={}", e.detail)))
            }
            Err(e) => Err(e),
        }
    })
    .await
}

/// One claim's dossier for review.
pub async fn claim_review(ctx: PageCtx, path: Path<i64>, q: Query<Flash>) -> HttpResponse {
    ctx.page(async {
        let who = ctx.who()?.clone();
        if !matches!(who, Identity::Staff { .. }) {
            return Err(AppError::forbidden().detail("staff_only"));
        }
        let crate::app::dossier::ForReview {
            dossier,
            participant,
            can_review,
        } = dossier::for_review(&ctx.app(), path.into_inner()).await?;
        let email_verified =
            crate::app::contact::email_verified(&ctx.app(), participant.id).await?;
        let today = ctx.state.clock.now().date_naive();
        let error = q.error_key().map(|code| ctx.t(code).to_string());
        let body = crate::views::review::review(
            &ctx.frame(),
            &crate::views::review::Review {
                age: today.years_since(participant.birth_date).unwrap_or(0),
                dossier: &dossier,
                participant: &participant,
                can_review,
                flash: q.done.as_deref(),
                error,
                email_verified,
            },
        );
        Ok(ctx.ok(ctx.t("review_title"), body))
    })
    .await
}

#[derive(Deserialize)]
pub struct ReviewForm {
    #[serde(default)]
    pub csrf: String,
    pub decision: String,
    pub reason: Option<String>,
    pub note: Option<String>,
    /// Where to return (the console reviews from its panes).
    pub back: Option<String>,
}

pub async fn review_submit(ctx: PageCtx, path: Path<i64>, form: Form<ReviewForm>) -> HttpResponse {
    let f = form.into_inner();
    ctx.submit(f.csrf, |actx| async move {
        let back = f.back.clone();
        let verdict = dossier::Verdict {
            decision: f.decision,
            reason: f.reason,
            note: f.note,
        };
        let doc_id = path.into_inner();
        match dossier::review(&actx, doc_id, verdict).await {
            Ok(doc) => Ok(match super::safe_next(back.as_deref()) {
                Some(to) => redirect(&to),
                None => redirect(&format!(
                    "/staff/claims/{}?done=reviewed#item-{}",
                    doc.claim_id, doc.kind
                )),
            }),
            Err(e)
                if e.status == crate::app::Status::Unprocessable
                    || e.code == Code::DocumentReplaced =>
            {
                let claim = read_db(&actx.db, move |c| crate::db::documents::find(c, doc_id))
                    .await?
                    .map(|d| d.claim_id)
                    .ok_or(e.clone())?;
                Ok(redirect(&format!(
                    "/staff/claims/{claim}?error={}",
                    e.detail
                )))
            }
            Err(e) => Err(e),
        }
    })
    .await
}

#[derive(Deserialize)]
pub struct DecisionForm {
    #[serde(default)]
    pub csrf: String,
    pub reason: Option<String>,
    pub note: Option<String>,
}

pub async fn verify_submit(
    ctx: PageCtx,
    path: Path<i64>,
    form: Form<DecisionForm>,
) -> HttpResponse {
    let outcome = ClaimStatus::Verified;
    decision_submit(ctx, path.into_inner(), form.into_inner(), outcome).await
}

pub async fn reject_submit(
    ctx: PageCtx,
    path: Path<i64>,
    form: Form<DecisionForm>,
) -> HttpResponse {
    let outcome = ClaimStatus::Rejected;
    decision_submit(ctx, path.into_inner(), form.into_inner(), outcome).await
}

async fn decision_submit(
    ctx: PageCtx,
    claim_id: i64,
    f: DecisionForm,
    outcome: ClaimStatus,
) -> HttpResponse {
    ctx.submit(f.csrf, |actx| async move {
        match app_claims::decide(&actx, claim_id, outcome, f.reason, f.note).await {
            Ok(_) => Ok(redirect(&format!(
                "/staff/claims/{claim_id}?done=claim_{outcome}"
            ))),
            Err(e)
                if e.status == crate::app::Status::Unprocessable
                    || e.code == Code::DocumentsNotAccepted =>
            {
                Ok(redirect(&format!(
                    "/staff/claims/{claim_id}?error={}",
                    e.detail
                )))
            }
            Err(e) => Err(e),
        }
    })
    .await
}
