//! Collective claims from the staff's side: the list of batches
//! (`/staff/batches`: admins and auditors see all, supervisors and CS
//! agents their branch's companies) and a company's page
//! (`/staff/companies/{npp}`) where admins and supervisors set the
//! registered headcount and approve HR representatives.

use crate::web::body::{Form, Query};
use actix_web::web::Path;
use actix_web::HttpResponse;
use serde::Deserialize;

use super::{redirect, Flash, PageCtx};
use crate::app::collective::{self as app, representatives};
use crate::app::error::AppError;
use crate::domain::role::Role;
use crate::domain::Code;
use crate::views::collective_staff as view;
use crate::web::extract::CsrfForm;

/// Most batches listed.
const LIST_LIMIT: i64 = 200;

pub async fn batches(ctx: PageCtx) -> HttpResponse {
    ctx.page(async {
        ctx.who()?;
        let rows = app::batch_list(&ctx.app(), LIST_LIMIT).await?;
        let body = view::batch_list(&ctx.frame(), &rows);
        Ok(ctx.ok(ctx.t("staff_collective_batches"), body))
    })
    .await
}

pub async fn company(ctx: PageCtx, path: Path<String>, q: Query<Flash>) -> HttpResponse {
    ctx.page(async {
        let who = ctx.who()?;
        let actx = ctx.app();
        let (file, reps) = app::company(&actx, path.into_inner()).await?;
        let can_manage = who.require_staff(&[Role::Admin, Role::Supervisor]).is_ok();
        let body = view::company_page(
            &ctx.frame(),
            &view::CompanyPage {
                company: &file.company,
                history: &file.history,
                representatives: &reps,
                batches: &file.batches,
                can_manage,
                today: app::today(&actx),
                flash: q.done.as_deref(),
            },
        );
        Ok(ctx.ok(&file.company.name, body))
    })
    .await
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
    ctx: PageCtx,
    path: Path<String>,
    form: Form<HeadcountForm>,
) -> HttpResponse {
    ctx.submit(form.csrf.clone(), |actx| async move {
        let headcount = form
            .headcount
            .trim()
            .parse::<i32>()
            .map_err(|_| AppError::unprocessable(Code::InvalidHeadcount).field("headcount"))?;
        let date = form.reference_date.trim();
        let h =
            representatives::change_headcount(&actx, path.into_inner(), headcount, date).await?;
        Ok(redirect(&format!(
            "/staff/companies/{}?done=headcount",
            h.npp
        )))
    })
    .await
}

pub async fn approve(ctx: PageCtx, path: Path<i64>, form: Form<CsrfForm>) -> HttpResponse {
    ctx.submit(form.csrf.clone(), |actx| async move {
        let npp = representatives::approve(&actx, path.into_inner()).await?;
        let npp = npp.unwrap_or_default();
        Ok(redirect(&format!("/staff/companies/{npp}?done=approved")))
    })
    .await
}
