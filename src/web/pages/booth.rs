//! The booth computer's page `/booth/{code}/{number}`: a supervisor opens
//! it once on the booth's computer and activates it (a booth device
//! credential in an HttpOnly cookie, like the kiosk); from then on it shows
//! the branch and booth number, "please wait to be called" while idle, and
//! the video with the agent while a participant sits there.

use actix_web::cookie::{time, Cookie, SameSite};
use actix_web::{web, HttpRequest, HttpResponse};

use super::floor::CsrfForm;
use super::{redirect, PageCtx};
use crate::app::error::{AppError, AppResult};
use crate::db::devices::Device;
use crate::db::{branches, floor, run};
use crate::domain::role::Role;
use crate::views::booth as view;
use crate::web::api::floor as api;
use crate::web::auth::DEVICE_COOKIE;
use crate::web::State;

/// The booth device credential this browser holds, if any.
pub async fn booth_device(state: &State, req: &HttpRequest) -> AppResult<Option<Device>> {
    let Some(token) = req
        .cookie(DEVICE_COOKIE)
        .map(|c| c.value().to_string())
        .filter(|v| v.starts_with(crate::db::devices::TOKEN_PREFIX))
    else {
        return Ok(None);
    };
    run(&state.db, move |db| {
        db.read(|c| -> AppResult<_> { Ok(crate::db::devices::by_token(c, &token)?) })
    })
    .await
    .map(|d| d.filter(|d| d.kind == "booth" && d.booth_id.is_some()))
}

pub async fn page(req: HttpRequest, state: State, path: web::Path<(String, i32)>) -> HttpResponse {
    let ctx = PageCtx::new(&req).await;
    let (code, number) = path.into_inner();
    let r = async {
        let device = booth_device(&state, &req).await?;
        let (branch, session, active) = run(&state.db, move |db| {
            db.read(|c| -> AppResult<_> {
                let branch = branches::find(c, &code)?
                    .filter(|b| (1..=b.booths.max(1)).contains(&number))
                    .ok_or_else(|| AppError::not_found("unknown_booth"))?;
                let booth = floor::booths_of(c, &branch.code)?
                    .into_iter()
                    .find(|b| b.number == number);
                let active = match (&device, &booth) {
                    (Some(d), Some(b)) => d.branch_code == branch.code && d.booth_id == Some(b.id),
                    _ => false,
                };
                let session = match (&booth, active) {
                    (Some(b), true) => crate::db::signal::session_in_booth(c, b.id)?,
                    _ => None,
                };
                Ok((branch, session, active))
            })
        })
        .await?;
        let can_activate = ctx.who.as_ref().is_some_and(|w| {
            w.staff_covers_branch(&branch.code)
                && w.require_staff(&[Role::Admin, Role::Supervisor]).is_ok()
        });
        let body = view::booth(
            &ctx.frame(),
            &view::BoothScreen {
                branch: &branch,
                number,
                active,
                can_activate,
                session: session.as_ref(),
            },
        );
        let title = format!("{} {} · {}", ctx.t("booth"), number, branch.name);
        Ok(ctx.ok(&title, body))
    }
    .await;
    ctx.finish(r)
}

/// A supervisor turns this browser into the booth's computer.
pub async fn activate(
    req: HttpRequest,
    state: State,
    path: web::Path<(String, i32)>,
    form: web::Form<CsrfForm>,
) -> HttpResponse {
    let ctx = PageCtx::new(&req).await;
    let (code, number) = path.into_inner();
    let r = async {
        ctx.check_csrf(&form.csrf)?;
        let who = ctx.who.clone().ok_or_else(AppError::unauthenticated)?;
        let (_, token) = api::new_device(
            &state,
            &req,
            &who,
            code.clone(),
            "booth".into(),
            Some(number),
            None,
        )
        .await?;
        let cookie = Cookie::build(DEVICE_COOKIE, token)
            .path("/")
            .http_only(true)
            .same_site(SameSite::Strict)
            .max_age(time::Duration::days(365))
            .finish();
        let mut res = redirect(&format!("/booth/{code}/{number}"));
        let _ = res.add_cookie(&cookie);
        Ok(res)
    }
    .await;
    ctx.finish(r)
}
