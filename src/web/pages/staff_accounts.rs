//! Staff administration pages (the rules are `app::staff_admin`):
//! `/staff/accounts` lists the accounts the caller manages with the
//! invitation form; `/staff/accounts/{id}` shows one, with the role and
//! branch form (admins) and the switch that deactivates or reactivates it.

use crate::web::body::{Form, Query};
use actix_web::http::StatusCode;
use actix_web::web::Path;
use actix_web::HttpResponse;
use serde::Deserialize;

use super::{redirect, Flash, PageCtx};
use crate::app::error::{AppError, AppResult, Status};
use crate::app::staff_admin::{self as app, StaffEntry};
use crate::app::{branches, Ctx};
use crate::views::components::FieldError;
use crate::views::staff_accounts::{self as view, Draft, Entry};

fn entry(e: &StaffEntry) -> Entry<'_> {
    Entry {
        staff: &e.staff,
        last_sign_in: e.last_sign_in,
        password_set: e.password_set,
    }
}

/// The flash of a `?done=` word this page sets.
fn flash(q: &Flash) -> Option<String> {
    let done = q.done.as_deref()?;
    [
        "invited",
        "changed",
        "deactivated",
        "reactivated",
        "reinvited",
    ]
    .contains(&done)
    .then(|| format!("flash_staff_{done}"))
}

#[derive(Deserialize, Default)]
pub struct InviteForm {
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub branch: String,
}

/// The list and the invitation form (`errors` and `draft` after a refusal).
async fn list_page(
    ctx: &PageCtx,
    actx: &Ctx,
    form: Option<&InviteForm>,
    errors: &[FieldError],
    flash: Option<&str>,
) -> AppResult<HttpResponse> {
    let manager = app::manager(&actx.actor)?.role;
    let rows = app::list(actx).await?;
    let branches = branches::list(actx).await?;
    let entries: Vec<Entry<'_>> = rows.iter().map(entry).collect();
    let draft = form.map_or_else(Draft::default, |f| Draft {
        email: &f.email,
        name: &f.name,
        role: &f.role,
        branch: &f.branch,
    });
    let body = view::list_page(
        &ctx.frame(),
        &view::ListPage {
            manager,
            rows: &entries,
            branches: &branches,
            draft,
            errors,
            flash,
        },
    );
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(ctx.render(status, ctx.t("staff_accounts_title"), body))
}

pub async fn list(ctx: PageCtx, q: Query<Flash>) -> HttpResponse {
    ctx.page(async {
        ctx.who()?;
        let flash = flash(&q);
        list_page(&ctx, &ctx.app(), None, &[], flash.as_deref()).await
    })
    .await
}

/// A refusal naming a field, as that field's error on the form.
fn field_error(ctx: &PageCtx, e: &AppError) -> Option<FieldError> {
    let field = e.field.as_deref()?;
    (e.status == Status::Unprocessable || e.status == Status::Conflict).then(|| FieldError {
        field: field.to_string(),
        message: e.message(ctx.lang),
    })
}

pub async fn invite(ctx: PageCtx, form: Form<InviteForm>) -> HttpResponse {
    let page = &ctx;
    ctx.submit(form.csrf.clone(), |actx| async move {
        let asked = app::Invitation {
            email: form.email.clone(),
            name: form.name.clone(),
            role: form.role.clone(),
            branch: Some(form.branch.clone()),
        };
        match app::invite(&actx, asked).await {
            Ok(_) => Ok(redirect("/staff/accounts?done=invited")),
            Err(e) => match field_error(page, &e) {
                Some(fe) => list_page(page, &actx, Some(&*form), &[fe], None).await,
                None => Err(e),
            },
        }
    })
    .await
}

/// One account's page (`errors` after a refused change).
async fn account_page(
    ctx: &PageCtx,
    actx: &Ctx,
    id: i64,
    errors: &[FieldError],
    flash: Option<&str>,
) -> AppResult<HttpResponse> {
    let manager = app::manager(&actx.actor)?.role;
    let e = app::get(actx, id).await?;
    // Admins move an account between branches; everyone reads its last
    // sign-in in its branch's zone.
    let branches = branches::list(actx).await?;
    let body = view::account_page(
        &ctx.frame(),
        &view::AccountPage {
            manager,
            entry: entry(&e),
            branches: &branches,
            errors,
            flash,
        },
    );
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(ctx.render(status, &e.staff.name, body))
}

pub async fn account(ctx: PageCtx, path: Path<i64>, q: Query<Flash>) -> HttpResponse {
    ctx.page(async {
        ctx.who()?;
        let flash = flash(&q);
        account_page(&ctx, &ctx.app(), path.into_inner(), &[], flash.as_deref()).await
    })
    .await
}

#[derive(Deserialize, Default)]
pub struct ChangeForm {
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub branch: String,
}

/// The role and branch form (admins).
pub async fn change(ctx: PageCtx, path: Path<i64>, form: Form<ChangeForm>) -> HttpResponse {
    let (id, page) = (path.into_inner(), &ctx);
    ctx.submit(form.csrf.clone(), |actx| async move {
        let asked = app::Change {
            role: Some(form.role.clone()),
            branch: Some(Some(form.branch.clone())),
            active: None,
        };
        match app::change(&actx, id, asked).await {
            Ok(_) => Ok(redirect(&format!("/staff/accounts/{id}?done=changed"))),
            Err(e) => match field_error(page, &e) {
                Some(fe) => account_page(page, &actx, id, &[fe], None).await,
                None => Err(e),
            },
        }
    })
    .await
}

#[derive(Deserialize, Default)]
pub struct ActiveForm {
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub active: String,
}

/// The switch: `active=false` deactivates, `active=true` reactivates.
pub async fn set_active(ctx: PageCtx, path: Path<i64>, form: Form<ActiveForm>) -> HttpResponse {
    let id = path.into_inner();
    ctx.submit(form.csrf.clone(), |actx| async move {
        let on = form.active == "true";
        let asked = app::Change {
            active: Some(on),
            ..Default::default()
        };
        app::change(&actx, id, asked).await?;
        let done = if on { "reactivated" } else { "deactivated" };
        Ok(redirect(&format!("/staff/accounts/{id}?done={done}")))
    })
    .await
}

#[derive(Deserialize, Default)]
pub struct CsrfForm {
    #[serde(default)]
    pub csrf: String,
}

/// "Send the invitation again" (an account without a password).
pub async fn reinvite(ctx: PageCtx, path: Path<i64>, form: Form<CsrfForm>) -> HttpResponse {
    let id = path.into_inner();
    ctx.submit(form.csrf.clone(), |actx| async move {
        app::reinvite(&actx, id).await?;
        Ok(redirect(&format!("/staff/accounts/{id}?done=reinvited")))
    })
    .await
}
