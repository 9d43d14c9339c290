//! Collective-claim pages: the HR representative's home (`/hr`), the batch
//! report (`/hr/batches/{id}`) and the staff's batch view
//! (`/staff/batches/{id}`). Forms post multipart with the CSRF field first.

use actix_multipart::Multipart;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use super::{redirect, PageCtx};
use crate::app::collective::{explanation, stored_errors, worker_statuses};
use crate::app::error::{AppError, AppResult};
use crate::db::collective_staff::current_letter;
use crate::db::{collective as store, run, staff};
use crate::domain::collective::zip::MAX_ZIP_BYTES;
use crate::views::collective as view;
use crate::web::api::collective::{accept_batch, hr_of, visible_batch, MAX_BATCH_BYTES};
use crate::web::api::collective_documents::accept_zip;
use crate::web::api::collective_letter::accept_letter;
use crate::web::api::collective_submit::submit_batch;
use crate::web::api::documents::read_upload;
use crate::web::api::representatives::accept_representative_document;
use crate::web::auth::Identity;
use crate::web::State;

#[derive(Deserialize)]
pub struct Flash {
    pub done: Option<String>,
    pub error: Option<String>,
}

fn who(ctx: &PageCtx) -> AppResult<Identity> {
    ctx.who.clone().ok_or_else(AppError::unauthenticated)
}

/// Only catalog codes from the query are shown, never raw text.
fn flash_error(ctx: &PageCtx, code: Option<&str>) -> Option<String> {
    code.filter(|c| crate::i18n::has(c)).map(|c| {
        ctx.t(c)
            .replace("{max_mb}", &(MAX_BATCH_BYTES >> 20).to_string())
    })
}

pub async fn home(req: HttpRequest, state: State, q: web::Query<Flash>) -> HttpResponse {
    let ctx = PageCtx::new(&req).await;
    let r = async {
        let (sid, npp) = hr_of(&who(&ctx)?)?;
        let data = run(&state.db, move |db| {
            db.read(|c| -> AppResult<_> {
                let company = staff::find_company(c, &npp)?
                    .ok_or_else(|| AppError::not_found("company_not_found"))?;
                let me = staff::find(c, sid)?.ok_or_else(AppError::unauthenticated)?;
                Ok((
                    company,
                    me.approved,
                    store::representative_documents(c, sid)?,
                    store::headcount_history(c, &npp)?,
                    store::batches_of(c, &npp)?,
                ))
            })
        })
        .await?;
        let (company, approved, documents, history, batches) = data;
        let body = view::hr_home(
            &ctx.frame(),
            &view::HrHome {
                company: &company,
                approved,
                documents: &documents,
                history: &history,
                batches: &batches,
                flash: q.done.as_deref(),
                error: flash_error(&ctx, q.error.as_deref()),
                max_mb: MAX_BATCH_BYTES >> 20,
            },
        );
        Ok(ctx.ok(ctx.t("hr_title"), body))
    }
    .await;
    ctx.finish(r)
}

/// A refused upload goes back to the form with its message; other
/// errors are error pages.
fn back_with(ctx: &PageCtx, to: &str, e: AppError) -> HttpResponse {
    if e.status.is_client_error() && e.field.is_some() {
        redirect(&format!("{to}?error={}", e.detail))
    } else {
        ctx.error_page(&e)
    }
}

pub async fn upload_batch(req: HttpRequest, state: State, payload: Multipart) -> HttpResponse {
    let ctx = PageCtx::new(&req).await;
    let form = match read_upload(&req, payload, MAX_BATCH_BYTES).await {
        Ok(f) => f,
        Err(e) if e.code == "file_too_large" => return redirect("/hr?error=file_too_large"),
        Err(e) => return ctx.error_page(&e),
    };
    let r = async {
        ctx.check_csrf(&form.csrf)?;
        let who = who(&ctx)?;
        if !form.has_file {
            return Err(AppError::unprocessable("missing_file").field("file"));
        }
        accept_batch(
            &state,
            &who,
            crate::web::extract::actor(Some(&who), &req),
            form.file_name,
            form.bytes,
        )
        .await
    }
    .await;
    match r {
        Ok(up) => redirect(&format!("/hr/batches/{}", up.batch.id)),
        Err(e) => back_with(&ctx, "/hr", e),
    }
}

pub async fn upload_document(req: HttpRequest, state: State, payload: Multipart) -> HttpResponse {
    let ctx = PageCtx::new(&req).await;
    let form = match read_upload(&req, payload, state.settings.max_upload_bytes).await {
        Ok(f) => f,
        Err(e) if e.code == "file_too_large" => return redirect("/hr?error=file_too_large"),
        Err(e) => return ctx.error_page(&e),
    };
    let r = async {
        ctx.check_csrf(&form.csrf)?;
        let who = who(&ctx)?;
        accept_representative_document(
            &state,
            &who,
            crate::web::extract::actor(Some(&who), &req),
            form.kind,
            form.file_name,
            form.bytes,
        )
        .await
    }
    .await;
    match r {
        Ok(_) => redirect("/hr?done=document"),
        Err(e) => back_with(&ctx, "/hr", e),
    }
}

async fn render_batch(
    ctx: &PageCtx,
    state: &State,
    id: i64,
    staff_view: bool,
    q: &Flash,
) -> AppResult<HttpResponse> {
    let who = who(ctx)?;
    let is_staff = matches!(who, Identity::Staff { .. }) && hr_of(&who).is_err();
    if staff_view != is_staff {
        return Err(AppError::not_found("batch_not_found"));
    }
    let batch = visible_batch(state, &who, id).await?;
    let (workers, letter) = run(&state.db, move |db| {
        db.read(|c| -> AppResult<_> { Ok((worker_statuses(c, id)?, current_letter(c, id)?)) })
    })
    .await?;
    let errors = stored_errors(&batch);
    let body = view::batch_page(
        &ctx.frame(),
        &view::BatchPage {
            batch: &batch,
            explanation: explanation(&batch, ctx.lang),
            errors: &errors,
            workers: &workers,
            staff: staff_view,
            letter: letter.as_ref(),
            flash: q.done.as_deref(),
            error: flash_error(ctx, q.error.as_deref()),
        },
    );
    Ok(ctx.ok(ctx.t("batch_title"), body))
}

pub async fn hr_batch(
    req: HttpRequest,
    state: State,
    path: web::Path<i64>,
    q: web::Query<Flash>,
) -> HttpResponse {
    let ctx = PageCtx::new(&req).await;
    let r = render_batch(&ctx, &state, path.into_inner(), false, &q).await;
    ctx.finish(r)
}

pub async fn staff_batch(
    req: HttpRequest,
    state: State,
    path: web::Path<i64>,
    q: web::Query<Flash>,
) -> HttpResponse {
    let ctx = PageCtx::new(&req).await;
    let r = render_batch(&ctx, &state, path.into_inner(), true, &q).await;
    ctx.finish(r)
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    pub csrf: String,
}

pub async fn submit(
    req: HttpRequest,
    state: State,
    path: web::Path<i64>,
    form: web::Form<CsrfForm>,
) -> HttpResponse {
    let ctx = PageCtx::new(&req).await;
    let id = path.into_inner();
    let r = async {
        ctx.check_csrf(&form.csrf)?;
        let who = who(&ctx)?;
        submit_batch(
            &state,
            &who,
            crate::web::extract::actor(Some(&who), &req),
            id,
            ctx.lang,
        )
        .await
    }
    .await;
    match r {
        Ok(_) => redirect(&format!("/hr/batches/{id}?done=submitted")),
        Err(e) if e.code == "not_eligible" => {
            let mut page = ctx.error_page(&e);
            *page.status_mut() = actix_web::http::StatusCode::UNPROCESSABLE_ENTITY;
            page
        }
        Err(e) => ctx.error_page(&e),
    }
}

/// The per-worker documents ZIP of a submitted batch; the answer is the
/// per-entry report.
pub async fn upload_documents(
    req: HttpRequest,
    state: State,
    path: web::Path<i64>,
    payload: Multipart,
) -> HttpResponse {
    let ctx = PageCtx::new(&req).await;
    let id = path.into_inner();
    let back = format!("/hr/batches/{id}");
    let form = match read_upload(&req, payload, MAX_ZIP_BYTES).await {
        Ok(f) => f,
        Err(e) if e.code == "file_too_large" => {
            return redirect(&format!("{back}?error=zip_file_too_large"))
        }
        Err(e) => return ctx.error_page(&e),
    };
    let r = async {
        ctx.check_csrf(&form.csrf)?;
        let who = who(&ctx)?;
        if !form.has_file {
            return Err(AppError::unprocessable("missing_file").field("file"));
        }
        accept_zip(&state, &who, id, form.bytes, ctx.lang).await
    }
    .await;
    match r {
        Ok(report) => {
            let body = view::zip_report(&ctx.frame(), id, &report);
            ctx.ok(ctx.t("batch_documents"), body)
        }
        Err(e) => back_with(&ctx, &back, e),
    }
}

/// The batch's mass termination letter (HR).
pub async fn upload_letter(
    req: HttpRequest,
    state: State,
    path: web::Path<i64>,
    payload: Multipart,
) -> HttpResponse {
    let ctx = PageCtx::new(&req).await;
    let id = path.into_inner();
    let back = format!("/hr/batches/{id}");
    let form = match read_upload(&req, payload, state.settings.max_upload_bytes).await {
        Ok(f) => f,
        Err(e) if e.code == "file_too_large" => {
            return redirect(&format!("{back}?error=letter_file_too_large"))
        }
        Err(e) => return ctx.error_page(&e),
    };
    let r = async {
        ctx.check_csrf(&form.csrf)?;
        let who = who(&ctx)?;
        if !form.has_file {
            return Err(AppError::unprocessable("missing_file").field("file"));
        }
        accept_letter(
            &state,
            &who,
            crate::web::extract::actor(Some(&who), &req),
            id,
            form.file_name,
            form.bytes,
        )
        .await
    }
    .await;
    match r {
        Ok(_) => redirect(&format!("{back}?done=letter")),
        Err(e) => back_with(&ctx, &back, e),
    }
}
