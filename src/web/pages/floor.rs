//! Floor pages: the kiosk, the display board and the CS console (the
//! supervisor's floor view is `supervisor`). Each handler reads its form, calls
//! `app::floor` (the same use cases the JSON API calls) and renders.

use crate::web::body::{Form, Query};
use actix_web::cookie::{time, Cookie, SameSite};
use actix_web::web::Path;
use actix_web::HttpResponse;
use serde::Deserialize;

use super::{redirect, Flash, PageCtx};
use crate::app::claims::ClaimInput;
use crate::app::dossier;
use crate::app::error::AppError;
use crate::app::floor::{self as app, console, devices, walkin};
use crate::app::Status;
use crate::domain::floor::DeviceKind;
use crate::domain::Code;
use crate::views::floor as view;
use crate::web::auth::{device_token, Identity, DEVICE_COOKIE};
use crate::web::extract::{self, CsrfForm};
use crate::web::files::read_upload;

/// Stores a freshly issued device token in this browser and goes to `to`.
/// After a device is activated in this browser: the device's cookie set,
/// the activating person's session cookie cleared (the session itself was
/// ended with the activation).
pub(super) fn device_cookie_redirect(token: String, to: &str) -> HttpResponse {
    let cookie = Cookie::build(DEVICE_COOKIE, token)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .max_age(time::Duration::days(365))
        .finish();
    let mut res = redirect(to);
    let _ = res.add_cookie(&cookie);
    let _ = res.add_cookie(&crate::web::auth::clear_session_cookie());
    res
}

pub async fn kiosk(ctx: PageCtx, path: Path<String>) -> HttpResponse {
    ctx.page(async {
        let actx = ctx.app();
        let branch = crate::app::branches::find(&actx, path.into_inner()).await?;
        let device = devices::kiosk(&actx, device_token(&ctx.req), &branch.code).await?;
        let can_activate = app::may_manage(&actx.actor, &branch.code);
        let queue = app::board(&actx, branch.code.clone()).await?.1;
        let f = ctx.frame();
        let body = view::kiosk(&f, &branch, device.is_some(), can_activate, None, &queue);
        Ok(ctx.device(&branch.name, body))
    })
    .await
}

pub async fn kiosk_activate(
    ctx: PageCtx,
    path: Path<String>,
    form: Form<CsrfForm>,
) -> HttpResponse {
    let code = path.into_inner();
    let ends_session = ctx.own_session();
    ctx.submit(form.csrf.clone(), |actx| async move {
        let r = devices::DeviceRequest {
            kind: DeviceKind::Kiosk.as_str().into(),
            booth: None,
            label: Some("Kios".into()),
            ends_session,
        };
        let (_, token) = devices::issue(&actx, code.clone(), r).await?;
        Ok(device_cookie_redirect(token, &format!("/kiosk/{code}")))
    })
    .await
}

#[derive(Deserialize)]
pub struct KioskForm {
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub nik: String,
}

pub async fn kiosk_submit(ctx: PageCtx, path: Path<String>, form: Form<KioskForm>) -> HttpResponse {
    ctx.page(async {
        ctx.check_csrf(&form.csrf)?;
        let actx = ctx.app();
        let branch = crate::app::branches::find(&actx, path.into_inner()).await?;
        let device = devices::kiosk(&actx, device_token(&ctx.req), &branch.code)
            .await?
            .ok_or_else(|| AppError::forbidden().detail("kiosk_not_active"))?;
        // The ticket is issued by this kiosk, whoever is signed in here.
        let kiosk = Identity::Device {
            id: device.id,
            branch: device.branch_code.clone(),
            kind: device.kind,
            booth_id: None,
        };
        let kctx = extract::ctx(&ctx.state, Some(&kiosk), &ctx.req);
        let body = match app::arrive(&kctx, branch.code.clone(), &form.nik, None).await {
            Ok(a) => {
                let path = view::ticket_path(&branch, a.ticket.local_date, &a.ticket.number);
                let url = format!(
                    "{}{path}",
                    ctx.state.settings.public_url.trim_end_matches('/')
                );
                view::kiosk_ticket(&ctx.frame(), &branch, &a, &url)
            }
            Err(e) if e.status.is_client_error() => {
                let msg = e.message(ctx.lang);
                let queue = app::board(&actx, branch.code.clone()).await?.1;
                view::kiosk(&ctx.frame(), &branch, true, false, Some(&msg), &queue)
            }
            Err(e) => return Err(e),
        };
        Ok(ctx.device(&branch.name, body))
    })
    .await
}

/// A ticket's live status on the holder's phone (the kiosk's QR code).
pub async fn ticket_page(ctx: PageCtx, path: Path<(String, String, String)>) -> HttpResponse {
    ctx.page(async {
        let (code, day, number) = path.into_inner();
        let day = chrono::NaiveDate::parse_from_str(&day, "%Y-%m-%d")
            .map_err(|_| AppError::not_found(Code::TicketNotFound))?;
        let (branch, live) = app::ticket_live(&ctx.app(), code, day, number).await?;
        let body = view::ticket_live(&ctx.frame(), &branch, &live);
        Ok(ctx.ok(ctx.t("ticket_live_title"), body))
    })
    .await
}

pub async fn board(ctx: PageCtx, path: Path<String>) -> HttpResponse {
    ctx.page(async {
        let actx = ctx.app();
        let (branch, b) = app::board(&actx, path.into_inner()).await?;
        let body = view::board(&ctx.frame(), &branch, &b, actx.clock.now());
        Ok(ctx.device(&branch.name, body))
    })
    .await
}

pub async fn console(ctx: PageCtx, q: Query<Flash>) -> HttpResponse {
    ctx.page(async {
        ctx.who()?;
        let c = console::console(&ctx.app()).await?;
        let error = q.error_key();
        let body = view::console(
            &ctx.frame(),
            &view::Console {
                branch: &c.branch,
                agent: c.agent.as_ref(),
                sessions: &c.sessions,
                dossiers: &c.dossiers,
                peers: &c.peers,
                confirmed: &c.confirmed,
                error: error.map(|e| ctx.t(e)),
            },
        );
        Ok(ctx.ok(ctx.t("console_title"), body))
    })
    .await
}

#[derive(Deserialize)]
pub struct StatusForm {
    #[serde(default)]
    pub csrf: String,
    pub status: String,
}

pub async fn console_status(ctx: PageCtx, form: Form<StatusForm>) -> HttpResponse {
    ctx.submit(form.csrf.clone(), |actx| async move {
        console::own_status(&actx, &form.status).await?;
        Ok(redirect("/console"))
    })
    .await
}

#[derive(Deserialize)]
pub struct FinishForm {
    #[serde(default)]
    pub csrf: String,
    pub outcome: String,
    pub to_agent: Option<i64>,
    /// For `rejected`: the review reason code and a note.
    pub reason: Option<String>,
    pub note: Option<String>,
}

/// Back to the console with a refusal shown at the session.
fn console_error(code: &str, session: i64) -> HttpResponse {
    redirect(&format!("/console?error={code}#session-{session}"))
}

pub async fn console_finish(ctx: PageCtx, path: Path<i64>, form: Form<FinishForm>) -> HttpResponse {
    let session = path.into_inner();
    let form = form.into_inner();
    ctx.submit(form.csrf.clone(), |actx| async move {
        if form.outcome.parse() == Ok(crate::domain::floor::Outcome::Transferred) {
            let to = form
                .to_agent
                .ok_or_else(|| AppError::unprocessable(Code::AgentNotFound))?;
            console::transfer(&actx, session, to).await?;
            return Ok(redirect("/console"));
        }
        let outcome = console::parse_outcome(&form.outcome)?;
        if outcome == crate::domain::floor::Outcome::Rejected {
            // The claim is rejected with its reason first; the session
            // then closes with that outcome.
            match console::reject_claim(&actx, session, form.reason, form.note).await {
                Err(e) if e.status == Status::Unprocessable => {
                    return Ok(console_error(e.detail, session))
                }
                r => r?,
            }
        }
        match console::finish(&actx, session, outcome).await {
            Err(e) if e.code == Code::DocumentsNotAccepted || e.code == Code::NoClaim => {
                Ok(console_error(e.code.as_str(), session))
            }
            r => r.map(|_| redirect("/console")),
        }
    })
    .await
}

/// The participant's session page for an online booking.
pub async fn session_page(ctx: PageCtx, path: Path<String>) -> HttpResponse {
    ctx.page(async {
        ctx.who()?;
        let actx = ctx.app();
        let (booking, ticket, window) = app::online_session(&actx, path.into_inner()).await?;
        let body = view::session(&ctx.frame(), &booking, ticket.as_ref(), window);
        Ok(ctx.ok(ctx.t("session_title"), body))
    })
    .await
}

pub async fn session_join(ctx: PageCtx, path: Path<String>, form: Form<CsrfForm>) -> HttpResponse {
    let code = path.into_inner();
    ctx.submit(form.csrf.clone(), |actx| async move {
        app::join_online(&actx, code.clone()).await?;
        Ok(redirect(&format!("/session/{code}")))
    })
    .await
}

pub async fn console_identity(ctx: PageCtx, path: Path<i64>, form: Form<CsrfForm>) -> HttpResponse {
    let session = path.into_inner();
    ctx.submit(form.csrf.clone(), |actx| async move {
        console::confirm_identity(&actx, session).await?;
        Ok(redirect(&format!("/console#session-{session}")))
    })
    .await
}

/// A refusal the agent can act on goes back to the pane with its
/// sentence; anything else is an error page.
fn back_to_pane(r: Result<(), AppError>, session: i64) -> Result<HttpResponse, AppError> {
    match r {
        Ok(()) => Ok(redirect(&format!("/console#session-{session}"))),
        Err(e) if e.status.is_client_error() && e.status != Status::Forbidden => {
            Ok(console_error(e.code.as_str(), session))
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
pub struct WalkInForm {
    #[serde(default)]
    pub csrf: String,
    #[serde(flatten)]
    pub person: walkin::WalkIn,
}

/// The agent registers the walk-in of a session.
pub async fn console_register(
    ctx: PageCtx,
    path: Path<i64>,
    form: Form<WalkInForm>,
) -> HttpResponse {
    let session = path.into_inner();
    let form = form.into_inner();
    ctx.submit(form.csrf.clone(), |actx| async move {
        back_to_pane(
            walkin::register(&actx, session, form.person)
                .await
                .map(|_| ()),
            session,
        )
    })
    .await
}

#[derive(Deserialize)]
pub struct WalkInClaimForm {
    #[serde(default)]
    pub csrf: String,
    pub reason: String,
    /// The date the reason requires (last working day, termination…).
    pub date: Option<String>,
}

/// The agent opens the claim of the session's participant.
pub async fn console_claim(
    ctx: PageCtx,
    path: Path<i64>,
    form: Form<WalkInClaimForm>,
) -> HttpResponse {
    let session = path.into_inner();
    let form = form.into_inner();
    ctx.submit(form.csrf.clone(), |actx| async move {
        back_to_pane(
            walkin::open_claim(
                &actx,
                session,
                ClaimInput::with_reason_date(form.reason, form.date),
            )
            .await
            .map(|_| ()),
            session,
        )
    })
    .await
}

/// The agent adds a document (a scan) to the claim of the session's
/// participant (multipart, CSRF field first).
pub async fn console_document(
    ctx: PageCtx,
    path: Path<i64>,
    payload: actix_multipart::Multipart,
) -> HttpResponse {
    let session = path.into_inner();
    let form = match read_upload(&ctx.req, payload, ctx.state.settings.max_upload_bytes).await {
        Ok(f) => f,
        Err(e) if e.status.is_client_error() => return console_error(e.code.as_str(), session),
        Err(e) => return ctx.error_page(&e),
    };
    let r = async {
        ctx.check_csrf(&form.csrf)?;
        ctx.who()?;
        let actx = ctx.app();
        let claim = console::sessions(&actx)
            .await?
            .into_iter()
            .find(|s| s.id == session)
            .and_then(|s| s.claim_id)
            .ok_or_else(|| AppError::conflict(Code::NoClaim))?;
        let by = dossier::Uploader::of(&actx.actor)?;
        let store = ctx.state.store.clone();
        back_to_pane(
            dossier::upload(&actx, store, by, claim, form.into())
                .await
                .map(|_| ()),
            session,
        )
    }
    .await;
    ctx.page(async { r }).await
}
