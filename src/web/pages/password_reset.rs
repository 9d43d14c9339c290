//! The password-reset pages: `/password-reset` asks for a link (the rules
//! are `app::password_reset`), `/password-reset/{token}` sets the new
//! password and sends its owner to the right sign-in page;
//! `/invitation/{token}` does the same for a new staff account's
//! invitation (`app::staff_admin::invite`).

use crate::web::body::{Form, Query};
use actix_web::http::StatusCode;
use actix_web::web::Path;
use actix_web::HttpResponse;
use serde::Deserialize;

use super::{redirect, Flash, PageCtx};
use crate::app::password_reset::{self, ResetFor};
use crate::app::Code;
use crate::views::components::FieldError;
use crate::views::password_reset::{self as view, Link};

#[derive(Deserialize, Default)]
pub struct RequestForm {
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub email: String,
}

#[derive(Deserialize, Default)]
pub struct NewPasswordForm {
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub password_again: String,
}

/// The email form, or (`?done=sent`) what happens next.
pub async fn request_form(ctx: PageCtx, q: Query<Flash>) -> HttpResponse {
    if q.done.as_deref() == Some("sent") {
        return ctx.ok(ctx.t("reset_sent_title"), view::request_sent(&ctx.frame()));
    }
    let body = view::request_form(&ctx.frame(), "", &[]);
    ctx.ok(ctx.t("reset_title"), body)
}

pub async fn request_submit(ctx: PageCtx, form: Form<RequestForm>) -> HttpResponse {
    if let Err(e) = ctx.check_csrf(&form.csrf) {
        return ctx.error_page(&e);
    }
    if form.email.trim().is_empty() {
        let errors = [FieldError {
            field: "email".into(),
            message: ctx.t("missing_field").into(),
        }];
        let body = view::request_form(&ctx.frame(), "", &errors);
        return ctx.render(StatusCode::UNPROCESSABLE_ENTITY, ctx.t("reset_title"), body);
    }
    match password_reset::request(&ctx.app(), &form.email, "page").await {
        Ok(()) => redirect("/password-reset?done=sent"),
        Err(e) => ctx.error_page(&e),
    }
}

/// The new-password form behind a mailed reset link (or why the link no
/// longer works).
pub async fn new_password_form(ctx: PageCtx, token: Path<String>) -> HttpResponse {
    link_form(&ctx, Link::Reset, &token).await
}

/// A new staff account's invitation: the same form, its own welcome.
pub async fn invitation_form(ctx: PageCtx, token: Path<String>) -> HttpResponse {
    link_form(&ctx, Link::Invitation, &token).await
}

async fn link_form(ctx: &PageCtx, link: Link, token: &str) -> HttpResponse {
    match password_reset::token_usable(&ctx.app(), token).await {
        Ok(true) => {
            let body = view::new_password_form(&ctx.frame(), link, token, &[]);
            ctx.ok(ctx.t(link.title_key()), body)
        }
        Ok(false) => invalid(ctx, link),
        Err(e) => ctx.error_page(&e),
    }
}

fn invalid(ctx: &PageCtx, link: Link) -> HttpResponse {
    let body = view::link_invalid(&ctx.frame(), link);
    ctx.render(
        StatusCode::UNPROCESSABLE_ENTITY,
        ctx.t(link.title_key()),
        body,
    )
}

pub async fn new_password_submit(
    ctx: PageCtx,
    token: Path<String>,
    form: Form<NewPasswordForm>,
) -> HttpResponse {
    link_submit(&ctx, Link::Reset, &token, &form).await
}

pub async fn invitation_submit(
    ctx: PageCtx,
    token: Path<String>,
    form: Form<NewPasswordForm>,
) -> HttpResponse {
    link_submit(&ctx, Link::Invitation, &token, &form).await
}

async fn link_submit(
    ctx: &PageCtx,
    link: Link,
    token: &str,
    form: &NewPasswordForm,
) -> HttpResponse {
    if let Err(e) = ctx.check_csrf(&form.csrf) {
        return ctx.error_page(&e);
    }
    let refuse = |field: &str, message: String| {
        let errors = [FieldError {
            field: field.into(),
            message,
        }];
        let body = view::new_password_form(&ctx.frame(), link, token, &errors);
        ctx.render(
            StatusCode::UNPROCESSABLE_ENTITY,
            ctx.t(link.title_key()),
            body,
        )
    };
    if form.password != form.password_again {
        if !matches!(
            password_reset::token_usable(&ctx.app(), token).await,
            Ok(true)
        ) {
            return invalid(ctx, link);
        }
        return refuse("password_again", ctx.t("password_mismatch").into());
    }
    match password_reset::confirm(&ctx.app(), token, &form.password, "page").await {
        Ok(ResetFor::Participant) => redirect("/login?done=password_reset"),
        Ok(ResetFor::Staff) => redirect("/staff/login?done=password_reset"),
        Err(e) if e.code == Code::InvalidToken => invalid(ctx, link),
        Err(e) if e.field.is_some() => {
            let field = e.field.as_deref().unwrap_or("password").to_string();
            refuse(&field, e.message(ctx.lang))
        }
        Err(e) => ctx.error_page(&e),
    }
}
