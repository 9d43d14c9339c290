//! The participant's own pages: claim, booking (code, QR, reschedule,
//! cancel) and the forms that change them.

use crate::web::body::{Form, Query};
use actix_web::web::Path;
use actix_web::HttpResponse;
use serde::Deserialize;

use super::{redirect, PageCtx};
use crate::app::claims::{self as app_claims, ClaimInput};
use crate::app::error::{AppError, AppResult};
use crate::app::{booking, dossier, read_db};
use crate::db::{bookings, claims, participants};
use crate::domain::booking_code;
use crate::domain::Code;
use crate::views::components::FieldError;
use crate::views::me::{self as view, ClaimForm};
use crate::web::extract::CsrfForm;
use crate::web::files::read_upload;

#[derive(Deserialize)]
pub struct Flash {
    pub done: Option<String>,
    pub welcome: Option<String>,
    /// A refused upload's error code and the checklist item it was for.
    pub upload_error: Option<String>,
    pub item: Option<String>,
}

pub async fn overview(ctx: PageCtx, q: Query<Flash>) -> HttpResponse {
    ctx.page(async {
        let pid = ctx.participant()?;
        let data = read_db(&ctx.state.db, move |c| -> AppResult<_> {
            let p = participants::find(c, pid)?.ok_or_else(AppError::unauthenticated)?;
            let claim = claims::open_claim_of(c, pid)?;
            let history = claims::latest_of(c, pid)?;
            let booking = match bookings::active_of(c, pid)? {
                Some(b) => bookings::view(c, b)?,
                None => None,
            };
            let dossier = match &claim {
                Some(cl) => Some(crate::db::documents::dossier(c, cl.clone())?),
                None => None,
            };
            let queue = queue_of(c, pid)?;
            let verified = crate::db::email_verifications::is_verified(c, pid, &p.email)?;
            Ok((p, claim, history, booking, dossier, (queue, verified)))
        })
        .await?;
        let (p, claim, history, booking, dossier, ((waiting, draw), email_verified)) = data;
        let max_upload_mb = ctx.state.settings.max_upload_bytes / (1024 * 1024);
        // Only codes from the catalog are shown, never raw query text.
        let upload_error = match (&q.upload_error, &q.item) {
            (Some(code), Some(item)) if crate::i18n::has(code) => Some((
                crate::i18n::t(ctx.lang, code).replace("{max_mb}", &max_upload_mb.to_string()),
                item.clone(),
            )),
            _ => None,
        };
        let body = view::overview(
            &ctx.frame(),
            &view::Overview {
                participant: &p,
                claim: claim.as_ref(),
                history: &history,
                booking: booking.as_ref(),
                flash: q.done.as_deref(),
                today: ctx.state.clock.now().date_naive(),
                dossier: dossier.as_ref(),
                upload_error,
                max_upload_mb,
                waiting,
                draw,
                email_verified,
            },
        );
        Ok(ctx.ok(ctx.t("me_title"), body))
    })
    .await
}

pub async fn claim_form(ctx: PageCtx, q: Query<Flash>) -> HttpResponse {
    ctx.page(async {
        let pid = ctx.participant()?;
        // A claim in progress is carried on from the participant's page: a
        // second one would be refused only once this form is filled in.
        if app_claims::has_open(&ctx.app(), pid).await? {
            return Ok(redirect("/me?done=claim_in_progress"));
        }
        let body = view::claim_form(
            &ctx.frame(),
            &ClaimForm::default(),
            &[],
            q.welcome.is_some(),
        );
        Ok(ctx.ok(ctx.t("claim_new_title"), body))
    })
    .await
}

fn opt(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_string())
}

/// The confirmation of the participant's booking (where booking and
/// rescheduling lead): code, QR, time, the day's instruction, what next.
pub async fn booking_page(ctx: PageCtx, q: Query<Flash>) -> HttpResponse {
    ctx.page(async {
        let pid = ctx.participant()?;
        let found = read_db(&ctx.state.db, move |c| -> AppResult<_> {
            let Some(b) = bookings::active_of(c, pid)? else {
                return Ok(None);
            };
            let Some(v) = bookings::view(c, b)? else {
                return Ok(None);
            };
            let ready = match claims::open_claim_of(c, pid)? {
                Some(cl) => crate::db::documents::dossier(c, cl)?.ready,
                None => false,
            };
            Ok(Some((v, ready)))
        })
        .await?;
        let Some((v, ready)) = found else {
            return Ok(redirect("/me"));
        };
        let qr = view::qr_svg(&v.booking.code);
        let body =
            crate::views::journey::confirmation(&ctx.frame(), &v, &qr, ready, q.done.as_deref());
        Ok(ctx.ok(ctx.t("confirm_title"), body))
    })
    .await
}

pub async fn claim_submit(ctx: PageCtx, form: Form<ClaimForm>) -> HttpResponse {
    let f = form.into_inner();
    let r: AppResult<HttpResponse> = async {
        ctx.check_csrf(&f.csrf)?;
        let pid = ctx.participant()?;
        let balance =
            match opt(&f.balance) {
                None => None,
                Some(b) => {
                    let digits: String = b
                        .chars()
                        .filter(|c| !matches!(c, '.' | ',' | ' '))
                        .collect();
                    let digits = digits.trim_start_matches("Rp").trim_start_matches("rp");
                    Some(digits.parse::<i64>().map_err(|_| {
                        AppError::unprocessable(Code::InvalidBalance).field("balance")
                    })?)
                }
            };
        let input = ClaimInput {
            reason: f.reason.clone(),
            last_working_day: opt(&f.last_working_day),
            termination_date: opt(&f.termination_date),
            contract_end_date: opt(&f.contract_end_date),
            membership_start_date: opt(&f.membership_start_date),
            departure_date: opt(&f.departure_date),
            date_of_death: opt(&f.date_of_death),
            balance,
            heir_is_child: Some(f.heir_is_child.is_some()),
            heir_is_minor: Some(f.heir_is_minor.is_some()),
        };
        app_claims::open(&ctx.app(), pid, input).await?;
        Ok(redirect("/me?done=claim_opened"))
    }
    .await;
    match r {
        Ok(res) => res,
        Err(e) if e.status == crate::app::Status::Unprocessable || e.code == Code::ClaimOpen => {
            let errors = vec![FieldError {
                field: e.field.as_deref().unwrap_or("reason").to_string(),
                message: e.message(ctx.lang),
            }];
            let body = view::claim_form(&ctx.frame(), &f, &errors, false);
            ctx.render(
                crate::web::error::http_status(e.status),
                ctx.t("claim_new_title"),
                body,
            )
        }
        Err(e) => ctx.error_page(&e),
    }
}

#[derive(Deserialize)]
pub struct BookForm {
    #[serde(default)]
    pub csrf: String,
    pub slot_id: i64,
    pub claim_id: i64,
}

pub async fn book_submit(ctx: PageCtx, form: Form<BookForm>) -> HttpResponse {
    let sid = ctx.own_session().unwrap_or_default();
    ctx.submit_own(form.csrf.clone(), |actx, pid| async move {
        // The form's token doubles as an idempotency key: a double click
        // or a resubmitted form books once.
        let key = format!(
            "form:{}:{}",
            form.slot_id,
            &form.csrf[..form.csrf.len().min(24)]
        );
        match booking::place(&actx, pid, sid, form.claim_id, form.slot_id, Some(key)).await? {
            booking::Placed::InDraw(_) => Ok(redirect("/me?done=in_draw")),
            _ => Ok(redirect("/me/booking?done=booked")),
        }
    })
    .await
}

#[derive(Deserialize)]
pub struct SlotForm {
    #[serde(default)]
    pub csrf: String,
    pub slot_id: i64,
}

pub async fn reschedule_submit(
    ctx: PageCtx,
    path: Path<String>,
    form: Form<SlotForm>,
) -> HttpResponse {
    ctx.submit_own(form.csrf.clone(), |actx, pid| async move {
        let code = booking_code::normalize(&path)
            .ok_or_else(|| AppError::not_found(Code::BookingNotFound))?;
        booking::reschedule(&actx, pid, code, form.slot_id).await?;
        Ok(redirect("/me/booking?done=rescheduled"))
    })
    .await
}

pub async fn cancel_submit(ctx: PageCtx, path: Path<String>, form: Form<CsrfForm>) -> HttpResponse {
    ctx.submit_own(form.csrf.clone(), |actx, pid| async move {
        let code = booking_code::normalize(&path)
            .ok_or_else(|| AppError::not_found(Code::BookingNotFound))?;
        booking::cancel(&actx, pid, code).await?;
        Ok(redirect("/me?done=cancelled"))
    })
    .await
}

/// A document upload from the claim page (multipart, CSRF field first).
pub async fn upload_submit(
    ctx: PageCtx,
    path: Path<i64>,
    payload: actix_multipart::Multipart,
) -> HttpResponse {
    let claim_id = path.into_inner();
    let form = match read_upload(&ctx.req, payload, ctx.state.settings.max_upload_bytes).await {
        Ok(f) => f,
        Err(e) if e.code == Code::FileTooLarge => {
            return redirect("/me?upload_error=file_too_large&item=#documents");
        }
        Err(e) => return ctx.error_page(&e),
    };
    let item: String = form
        .item
        .chars()
        .filter(|c| c.is_ascii_lowercase() || *c == '_')
        .take(40)
        .collect();
    let r = async {
        ctx.check_csrf(&form.csrf)?;
        let pid = ctx.participant()?;
        let store = ctx.state.store.clone();
        dossier::upload(
            &ctx.app(),
            store,
            dossier::Uploader::Participant(pid),
            claim_id,
            form.into(),
        )
        .await
    }
    .await;
    match r {
        Ok(_) => redirect(&format!("/me?done=uploaded#item-{item}")),
        Err(e)
            if (e.status.is_client_error() && e.field.is_some())
                || matches!(e.code, Code::TooManyFiles | Code::ClaimStorageFull) =>
        {
            redirect(&format!(
                "/me?upload_error={}&item={item}#item-{item}",
                e.detail
            ))
        }
        Err(e) => ctx.error_page(&e),
    }
}

pub async fn delete_submit(
    ctx: PageCtx,
    path: Path<(i64, i64)>,
    form: Form<CsrfForm>,
) -> HttpResponse {
    let (claim_id, doc_id) = path.into_inner();
    ctx.submit_own(form.csrf.clone(), |actx, pid| async move {
        dossier::remove(&actx, pid, claim_id, doc_id).await?;
        Ok(redirect("/me?done=document_deleted#documents"))
    })
    .await
}

type Queue = (
    Option<(i64, String, chrono::NaiveDate, i64)>,
    Option<(String, chrono::NaiveDate, String)>,
);

/// The participant's place in a waiting line and pending draw request,
/// with branch names and the draw's branch-local time.
fn queue_of(c: &mut crate::db::DbConnection, pid: i64) -> AppResult<Queue> {
    let waiting = match crate::db::waitlist::active_of(c, pid)? {
        Some(e) => {
            let position = crate::db::waitlist::position(c, &e)?;
            let name = crate::db::branches::find(c, &e.branch_code)?
                .map_or(e.branch_code.clone(), |b| b.name);
            Some((e.id, name, e.local_date, position))
        }
        None => None,
    };
    let draw = match crate::db::draws::pending_of(c, pid)? {
        Some(r) => crate::db::branches::find(c, &r.branch_code)?.map(|b| {
            let at = crate::domain::schedule::to_local(b.tz(), r.draw_at);
            (
                b.name.clone(),
                r.local_date,
                format!("{} {}", at.format("%H:%M"), b.zone_label()),
            )
        }),
        None => None,
    };
    Ok((waiting, draw))
}
