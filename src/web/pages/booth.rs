//! The booth computer's page `/booth/{code}/{number}`: a supervisor opens
//! it once on the booth's computer and activates it (a booth device
//! credential in an HttpOnly cookie, like the kiosk); from then on it shows
//! the branch and booth number, "please wait to be called" while idle, and
//! the video with the agent while a participant sits there.

use actix_web::{web, HttpRequest, HttpResponse};

use super::floor::{device_cookie_redirect, device_token, CsrfForm};
use super::PageCtx;
use crate::app::error::AppError;
use crate::app::floor::{self as app, devices};
use crate::views::booth as view;
use crate::web::State;

pub async fn page(req: HttpRequest, state: State, path: web::Path<(String, i32)>) -> HttpResponse {
    let ctx = PageCtx::new(&req).await;
    let (code, number) = path.into_inner();
    let r = async {
        let actx = crate::web::extract::ctx(&state, ctx.who.as_ref(), &req);
        let device = devices::booth(&actx, device_token(&req)).await?;
        let booth = devices::booth_state(&actx, code, number, device).await?;
        let branch = &booth.branch;
        let can_activate = app::may_manage(&actx.actor, &branch.code);
        let body = view::booth(
            &ctx.frame(),
            &view::BoothScreen {
                branch,
                number,
                active: booth.active,
                can_activate,
                session: booth.session.as_ref(),
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
        ctx.who.as_ref().ok_or_else(AppError::unauthenticated)?;
        let actx = crate::web::extract::ctx(&state, ctx.who.as_ref(), &req);
        let r = devices::DeviceRequest {
            kind: "booth".into(),
            booth: Some(number),
            label: None,
        };
        let (_, token) = devices::issue(&actx, code.clone(), r).await?;
        Ok(device_cookie_redirect(
            token,
            &format!("/booth/{code}/{number}"),
        ))
    }
    .await;
    ctx.finish(r)
}
