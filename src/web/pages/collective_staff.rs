//! Collective claims from the staff's side: the list of batches
//! (`/staff/batches`: admins and auditors see all, supervisors and CS
//! agents their branch's companies) and a company's page
//! (`/staff/companies/{npp}`) where admins and supervisors set the
//! registered headcount and approve HR representatives.

use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use super::{redirect, PageCtx};
use crate::app::error::{AppError, AppResult};
use crate::db::{collective as store, collective_staff as listing, run, staff};
use crate::domain::role::Role;
use crate::views::collective_staff as view;
use crate::web::api::representatives::{approve_representative, change_headcount};
use crate::web::auth::Identity;
use crate::web::State;

/// Most batches listed.
const LIST_LIMIT: i64 = 200;

#[derive(Deserialize)]
pub struct Flash {
    pub done: Option<String>,
}

/// The caller as staff who may see collective batches: their identity
/// and the branch they are limited to (`None`: every branch).
fn staff_scope(ctx: &PageCtx) -> AppResult<(Identity, Option<String>)> {
    let who = ctx.who.clone().ok_or_else(AppError::unauthenticated)?;
    let scope = match &who {
        Identity::Staff {
            role: Role::Admin | Role::Auditor,
            ..
        } => None,
        Identity::Staff {
            role: Role::Supervisor | Role::Cs,
            branch,
            ..
        } => Some(branch.clone().unwrap_or_default()),
        _ => return Err(AppError::forbidden().detail("staff_only")),
    };
    Ok((who, scope))
}

pub async fn batches(req: HttpRequest, state: State) -> HttpResponse {
    let ctx = PageCtx::new(&req).await;
    let r = async {
        let (_, scope) = staff_scope(&ctx)?;
        let rows = run(&state.db, move |db| {
            db.read(|c| -> AppResult<_> {
                Ok(listing::batches_for(c, scope.as_deref(), LIST_LIMIT)?)
            })
        })
        .await?;
        let body = view::batch_list(&ctx.frame(), &rows);
        Ok(ctx.ok(ctx.t("staff_collective_batches"), body))
    }
    .await;
    ctx.finish(r)
}

pub async fn company(
    req: HttpRequest,
    state: State,
    path: web::Path<String>,
    q: web::Query<Flash>,
) -> HttpResponse {
    let ctx = PageCtx::new(&req).await;
    let npp = path.into_inner();
    let r = async {
        let (who, scope) = staff_scope(&ctx)?;
        let data = run(&state.db, move |db| {
            db.read(|c| -> AppResult<_> {
                let company = staff::find_company(c, &npp)?
                    .filter(|co| scope.is_none() || co.branch_code == scope)
                    .ok_or_else(|| AppError::not_found("company_not_found"))?;
                let mut reps = Vec::new();
                for rep in listing::representatives_of(c, &npp)? {
                    let docs = store::representative_documents(c, rep.id)?;
                    reps.push((rep, docs));
                }
                Ok((
                    store::headcount_history(c, &npp)?,
                    store::batches_of(c, &npp)?,
                    company,
                    reps,
                ))
            })
        })
        .await?;
        let (history, batches, company, reps) = data;
        let can_manage = who.require_staff(&[Role::Admin, Role::Supervisor]).is_ok();
        let body = view::company_page(
            &ctx.frame(),
            &view::CompanyPage {
                company: &company,
                history: &history,
                representatives: &reps,
                batches: &batches,
                can_manage,
                today: state
                    .clock
                    .now()
                    .with_timezone(&chrono_tz::Asia::Jakarta)
                    .date_naive(),
                flash: q.done.as_deref(),
            },
        );
        Ok(ctx.ok(&company.name, body))
    }
    .await;
    ctx.finish(r)
}

#[derive(Deserialize)]
pub struct HeadcountForm {
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub headcount: String,
    #[serde(default)]
    pub reference_date: String,
}

pub async fn set_headcount(
    req: HttpRequest,
    state: State,
    path: web::Path<String>,
    form: web::Form<HeadcountForm>,
) -> HttpResponse {
    let ctx = PageCtx::new(&req).await;
    let npp = path.into_inner();
    let r = async {
        ctx.check_csrf(&form.csrf)?;
        let who = ctx.who.clone().ok_or_else(AppError::unauthenticated)?;
        let headcount = form
            .headcount
            .trim()
            .parse::<i32>()
            .map_err(|_| AppError::unprocessable("invalid_headcount").field("headcount"))?;
        change_headcount(
            &state,
            &who,
            crate::web::extract::actor(Some(&who), &req),
            npp,
            headcount,
            form.reference_date.trim(),
        )
        .await
    }
    .await;
    match r {
        Ok((npp, ..)) => redirect(&format!("/staff/companies/{npp}?done=headcount")),
        Err(e) => ctx.error_page(&e),
    }
}

#[derive(Deserialize)]
pub struct ApproveForm {
    #[serde(default)]
    pub csrf: String,
}

pub async fn approve(
    req: HttpRequest,
    state: State,
    path: web::Path<i64>,
    form: web::Form<ApproveForm>,
) -> HttpResponse {
    let ctx = PageCtx::new(&req).await;
    let id = path.into_inner();
    let r = async {
        ctx.check_csrf(&form.csrf)?;
        let who = ctx.who.clone().ok_or_else(AppError::unauthenticated)?;
        approve_representative(
            &state,
            &who,
            crate::web::extract::actor(Some(&who), &req),
            id,
        )
        .await?;
        let npp = run(&state.db, move |db| {
            db.read(|c| -> AppResult<_> { Ok(staff::find(c, id)?.and_then(|s| s.company_npp)) })
        })
        .await?;
        Ok::<_, AppError>(npp.unwrap_or_default())
    }
    .await;
    match r {
        Ok(npp) => redirect(&format!("/staff/companies/{npp}?done=approved")),
        Err(e) => ctx.error_page(&e),
    }
}
