//! Collective-claim pages: the HR representative's home (`/hr`), the batch
//! report (`/hr/batches/{id}`) and the staff's batch view
//! (`/staff/batches/{id}`). Forms post multipart with the CSRF field first;
//! the use cases are `app::collective`.

use std::sync::Arc;

use crate::web::body::{Form, Query};
use actix_multipart::Multipart;
use actix_web::web::Path;
use actix_web::HttpResponse;

use super::{redirect, Flash, PageCtx, Rendering};
use crate::app::collective::{
    self as app, batch, documents, explanation, hr_of, representatives, stored_errors,
    MAX_BATCH_BYTES,
};
use crate::app::error::{AppError, AppResult};
use crate::app::Status;
use crate::domain::collective::zip::MAX_ZIP_BYTES;
use crate::domain::Code;
use crate::infra::storage::DocumentStore;
use crate::views::collective as view;
use crate::web::auth::Identity;
use crate::web::extract::CsrfForm;
use crate::web::files::{read_upload, UploadForm};

/// The refusal shown on a page with an upload form.
fn flash_error(ctx: &PageCtx, q: &Flash) -> Option<String> {
    let max_mb = (MAX_BATCH_BYTES >> 20).to_string();
    q.error_key().map(|c| ctx.t(c).replace("{max_mb}", &max_mb))
}

pub async fn home(ctx: PageCtx, q: Query<Flash>) -> HttpResponse {
    ctx.page(async {
        ctx.who()?;
        let (file, approved, documents) = app::hr_home(&ctx.app(), ctx.company()).await?;
        let body = view::hr_home(
            &ctx.frame(),
            &view::HrHome {
                company: &file.company,
                approved,
                documents: &documents,
                history: &file.history,
                batches: &file.batches,
                flash: q.done.as_deref(),
                error: flash_error(&ctx, &q),
                max_mb: MAX_BATCH_BYTES >> 20,
            },
        );
        Ok(ctx.ok(ctx.t("hr_title"), body))
    })
    .await
}

/// Where a refused upload goes back to: the form's page, and the catalog
/// key shown for a file over `max` bytes.
struct Back {
    to: String,
    too_large: &'static str,
    max: u64,
}

/// Reads an upload form with its file and runs `f` on it (with the
/// document store) once its CSRF token holds. A refused upload goes back
/// with its message; other errors are error pages.
async fn upload<R: Rendering>(
    ctx: &PageCtx,
    payload: Multipart,
    back: Back,
    f: impl FnOnce(UploadForm, Arc<dyn DocumentStore>) -> R,
) -> HttpResponse {
    let form = match read_upload(&ctx.req, payload, back.max).await {
        Ok(f) => f,
        Err(e) if e.code == Code::FileTooLarge => {
            return redirect(&format!("{}?error={}", back.to, back.too_large));
        }
        Err(e) => return ctx.error_page(&e),
    };
    let r = async {
        ctx.check_csrf(&form.csrf)?;
        ctx.who()?;
        f(form.require_file()?, ctx.state.store.clone()).await
    }
    .await;
    match r {
        Ok(res) => res,
        Err(e) if e.status.is_client_error() && e.field.is_some() => {
            redirect(&format!("{}?error={}", back.to, e.detail))
        }
        Err(e) => ctx.error_page(&e),
    }
}

/// Back to the HR home with a file of at most `max` bytes.
fn home_form(max: u64) -> Back {
    let to = "/hr".to_string();
    let too_large = "file_too_large";
    Back { to, too_large, max }
}

/// Back to a batch's page with a file of at most `max` bytes.
fn batch_form(id: i64, too_large: &'static str, max: u64) -> Back {
    let to = format!("/hr/batches/{id}");
    Back { to, too_large, max }
}

pub async fn upload_batch(ctx: PageCtx, payload: Multipart) -> HttpResponse {
    upload(&ctx, payload, home_form(MAX_BATCH_BYTES), |form, _| async {
        let up = batch::accept(&ctx.app(), ctx.company(), form.file_name, form.bytes).await?;
        Ok(redirect(&format!("/hr/batches/{}", up.batch.id)))
    })
    .await
}

pub async fn upload_document(ctx: PageCtx, payload: Multipart) -> HttpResponse {
    let back = home_form(ctx.state.settings.max_upload_bytes);
    upload(&ctx, payload, back, |form, store| async {
        representatives::accept_document(&ctx.app(), store, ctx.company(), form.into()).await?;
        Ok(redirect("/hr?done=document"))
    })
    .await
}

async fn render_batch(
    ctx: &PageCtx,
    id: i64,
    staff_view: bool,
    q: &Flash,
) -> AppResult<HttpResponse> {
    let actx = ctx.app();
    let who = ctx.who()?;
    let is_staff = matches!(who, Identity::Staff { .. }) && hr_of(&actx, ctx.company()).is_err();
    if staff_view != is_staff {
        return Err(AppError::not_found(Code::BatchNotFound));
    }
    let report = app::report(&actx, ctx.company(), id).await?;
    let batch = &report.batch;
    let errors = stored_errors(batch);
    let body = view::batch_page(
        &ctx.frame(),
        &view::BatchPage {
            batch,
            explanation: explanation(batch, ctx.lang),
            errors: &errors,
            workers: &report.workers,
            staff: staff_view,
            letter: report.letter.as_ref(),
            branch: report.branch.as_ref(),
            flash: q.done.as_deref(),
            error: flash_error(ctx, q),
        },
    );
    Ok(ctx.ok(ctx.t("batch_title"), body))
}

pub async fn hr_batch(ctx: PageCtx, path: Path<i64>, q: Query<Flash>) -> HttpResponse {
    ctx.page(render_batch(&ctx, path.into_inner(), false, &q))
        .await
}

pub async fn staff_batch(ctx: PageCtx, path: Path<i64>, q: Query<Flash>) -> HttpResponse {
    ctx.page(render_batch(&ctx, path.into_inner(), true, &q))
        .await
}

pub async fn submit(ctx: PageCtx, path: Path<i64>, form: Form<CsrfForm>) -> HttpResponse {
    let id = path.into_inner();
    let r = async {
        ctx.check_csrf(&form.csrf)?;
        ctx.who()?;
        app::submit::submit(&ctx.app(), ctx.company(), id, ctx.lang).await
    }
    .await;
    match r {
        Ok(_) => redirect(&format!("/hr/batches/{id}?done=submitted")),
        Err(e) if e.code == Code::NotEligible => {
            let mut page = ctx.error_page(&e);
            *page.status_mut() = crate::web::error::http_status(Status::Unprocessable);
            page
        }
        Err(e) => ctx.error_page(&e),
    }
}

/// The per-worker documents ZIP of a submitted batch; the answer is the
/// per-entry report.
pub async fn upload_documents(ctx: PageCtx, path: Path<i64>, payload: Multipart) -> HttpResponse {
    let id = path.into_inner();
    let back = batch_form(id, "zip_file_too_large", MAX_ZIP_BYTES);
    upload(&ctx, payload, back, |form, store| async {
        let (app, company, lang) = (ctx.app(), ctx.company(), ctx.lang);
        let report = documents::accept_zip(&app, store, company, id, form.bytes, lang).await?;
        let body = view::zip_report(&ctx.frame(), id, &report);
        Ok(ctx.ok(ctx.t("batch_documents"), body))
    })
    .await
}

/// The batch's mass termination letter (HR).
pub async fn upload_letter(ctx: PageCtx, path: Path<i64>, payload: Multipart) -> HttpResponse {
    let id = path.into_inner();
    let max = ctx.state.settings.max_upload_bytes;
    let back = batch_form(id, "letter_file_too_large", max);
    upload(&ctx, payload, back, |form, store| async {
        documents::accept_letter(&ctx.app(), store, ctx.company(), id, form.into()).await?;
        Ok(redirect(&format!("/hr/batches/{id}?done=letter")))
    })
    .await
}
