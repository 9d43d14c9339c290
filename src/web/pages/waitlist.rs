//! A participant's place in a waiting line (the offer mail links here):
//! see it, accept the held seat, decline it or leave the line.

use crate::web::body::Form;
use actix_web::web::Path;
use actix_web::HttpResponse;

use super::{redirect, PageCtx};
use crate::app::error::{AppError, AppResult};
use crate::app::{read_db, waitlist};
use crate::db::branches;
use crate::domain::Code;
use crate::views::waitlist as view;
use crate::web::extract::CsrfForm;

pub async fn show(ctx: PageCtx, path: Path<i64>) -> HttpResponse {
    ctx.page(async {
        let pid = ctx.participant()?;
        let actx = ctx.app();
        let place = waitlist::get(&actx, pid, path.into_inner()).await?;
        let (code, slot_id) = (place.entry.branch_code.clone(), place.entry.slot_id);
        let (branch, slot) = read_db(&ctx.state.db, move |c| -> AppResult<_> {
            let b = branches::find(c, &code)?
                .ok_or_else(|| AppError::not_found(Code::WaitlistNotFound))?;
            let s = match slot_id {
                Some(id) => branches::find_slot(c, id)?,
                None => None,
            };
            Ok((b, s))
        })
        .await?;
        let body = view::page(
            &ctx.frame(),
            &view::Place {
                entry: &place.entry,
                position: place.position,
                branch: &branch,
                slot: slot.as_ref(),
            },
        );
        Ok(ctx.ok(ctx.t("waitlist_title"), body))
    })
    .await
}

pub async fn accept_submit(ctx: PageCtx, path: Path<i64>, form: Form<CsrfForm>) -> HttpResponse {
    ctx.submit_own(form.csrf.clone(), |actx, pid| async move {
        waitlist::accept(&actx, pid, path.into_inner()).await?;
        Ok(redirect("/me/booking?done=booked"))
    })
    .await
}

pub async fn withdraw_submit(ctx: PageCtx, path: Path<i64>, form: Form<CsrfForm>) -> HttpResponse {
    let id = path.into_inner();
    ctx.submit_own(form.csrf.clone(), |actx, pid| async move {
        waitlist::withdraw(&actx, pid, id).await?;
        Ok(redirect(&format!("/waitlist/{id}")))
    })
    .await
}

#[derive(serde::Deserialize)]
pub struct JoinForm {
    #[serde(default)]
    pub csrf: String,
    pub branch: String,
    pub date: String,
    pub claim_id: i64,
}

/// Joins the waiting line of a full day (the button on the day view).
pub async fn join_submit(ctx: PageCtx, form: Form<JoinForm>) -> HttpResponse {
    ctx.submit_own(form.csrf.clone(), |actx, pid| async move {
        let day = chrono::NaiveDate::parse_from_str(form.date.trim(), "%Y-%m-%d")
            .map_err(|_| AppError::bad_request(Code::InvalidDate).field("date"))?;
        let place = waitlist::join(&actx, pid, form.branch.clone(), day, form.claim_id).await?;
        Ok(redirect(&format!("/waitlist/{}", place.entry.id)))
    })
    .await
}
