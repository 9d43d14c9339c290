//! The booth computer's page `/booth/{code}/{number}`: a supervisor opens
//! it once on the booth's computer and activates it (a booth device
//! credential in an HttpOnly cookie, like the kiosk); from then on it shows
//! the branch and booth number, "please wait to be called" while idle, and
//! the video with the agent while a participant sits there.

use crate::web::body::Form;
use actix_web::web::Path;
use actix_web::HttpResponse;

use super::floor::device_cookie_redirect;
use super::PageCtx;
use crate::app::floor::{self as app, devices};
use crate::domain::floor::DeviceKind;
use crate::views::booth as view;
use crate::web::auth::device_token;
use crate::web::extract::CsrfForm;

pub async fn page(ctx: PageCtx, path: Path<(String, i32)>) -> HttpResponse {
    let (code, number) = path.into_inner();
    ctx.page(async {
        let actx = ctx.app();
        let device = devices::booth(&actx, device_token(&ctx.req)).await?;
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
        Ok(ctx.device(&title, body))
    })
    .await
}

/// A supervisor turns this browser into the booth's computer.
pub async fn activate(
    ctx: PageCtx,
    path: Path<(String, i32)>,
    form: Form<CsrfForm>,
) -> HttpResponse {
    let (code, number) = path.into_inner();
    let ends_session = ctx.own_session();
    ctx.submit(form.csrf.clone(), |actx| async move {
        let r = devices::DeviceRequest {
            kind: DeviceKind::Booth.as_str().into(),
            booth: Some(number),
            label: None,
            ends_session,
        };
        let (_, token) = devices::issue(&actx, code.clone(), r).await?;
        let to = format!("/booth/{code}/{number}");
        Ok(device_cookie_redirect(token, &to))
    })
    .await
}
