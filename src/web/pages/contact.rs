//! Pages for a participant's contact details: the mailed verification
//! link, resending it, changing the email or phone, where messages go,
//! and the stop link every message carries.

use crate::web::body::{Form, Query};
use actix_web::web::Path;
use actix_web::HttpResponse;
use serde::Deserialize;

use super::{redirect, PageCtx};
use crate::app::error::{AppError, AppResult, Status};
use crate::app::{accounts, contact, messages};
use crate::i18n::Lang;
use crate::views::components::FieldError;
use crate::views::contact as view;

#[derive(Deserialize)]
pub struct CsrfOnly {
    #[serde(default)]
    pub csrf: String,
}

pub async fn verify_form(ctx: PageCtx, token: Path<String>) -> HttpResponse {
    ctx.ok(
        ctx.t("verify_title"),
        view::verify_page(&ctx.frame(), &token),
    )
}

pub async fn verify_submit(
    ctx: PageCtx,
    token: Path<String>,
    form: Form<CsrfOnly>,
) -> HttpResponse {
    if let Err(e) = ctx.check_csrf(&form.csrf) {
        return ctx.error_page(&e);
    }
    match contact::confirm(&ctx.app(), &token).await {
        Ok(_) => redirect("/me?done=email_verified"),
        Err(e) => ctx.error_page(&e),
    }
}

pub async fn resend_submit(ctx: PageCtx, form: Form<CsrfOnly>) -> HttpResponse {
    ctx.submit_own(form.csrf.clone(), |actx, pid| async move {
        contact::resend(&actx, pid).await?;
        Ok(redirect("/me?done=verification_sent"))
    })
    .await
}

#[derive(Deserialize)]
pub struct Done {
    pub done: Option<String>,
}

pub async fn contact_form(ctx: PageCtx, q: Query<Done>) -> HttpResponse {
    let flash = match q.done.as_deref() {
        Some("email") => Some("contact_link_sent"),
        Some("phone") => Some("contact_phone_saved"),
        Some("messages") => Some("messages_saved"),
        _ => None,
    };
    ctx.page(async {
        let pid = ctx.participant()?;
        let (email, phone, channel) = on_file(&ctx, pid).await?;
        let body = view::contact_forms(
            &ctx.frame(),
            ("", ""),
            (&email, &phone),
            (&channel.0, channel.1),
            &[],
            "",
            flash,
        );
        Ok(ctx.ok(ctx.t("contact_title"), body))
    })
    .await
}

/// The participant's email, phone, message channel and its language as
/// they stand (the page's language when never chosen).
async fn on_file(ctx: &PageCtx, pid: i64) -> AppResult<(String, String, (String, Lang))> {
    let p = accounts::participant(&ctx.app(), pid).await?;
    let (channel, lang) = messages::own_channel(&ctx.app(), pid).await?;
    let channel = (channel.as_str().to_string(), lang.unwrap_or(ctx.lang));
    Ok((p.email, p.phone, channel))
}

#[derive(Deserialize)]
pub struct EmailForm {
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub email_password: String,
}

#[derive(Deserialize)]
pub struct PhoneForm {
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub phone_password: String,
}

/// The form sent back with the refusal on its field (`password` is the
/// form's own password field).
async fn refused(ctx: &PageCtx, e: &AppError, which: &str, typed: (&str, &str)) -> HttpResponse {
    let field = match e.field.as_deref() {
        Some("password") | None => format!("{which}_password"),
        Some(f) => f.to_string(),
    };
    let errors = [FieldError {
        field,
        message: e.message(ctx.lang),
    }];
    let now = match ctx.participant() {
        Ok(pid) => on_file(ctx, pid).await.ok(),
        Err(_) => None,
    };
    let (email, phone, channel) = now.unwrap_or_default();
    let body = view::contact_forms(
        &ctx.frame(),
        typed,
        (&email, &phone),
        (&channel.0, channel.1),
        &errors,
        which,
        None,
    );
    ctx.render(
        crate::web::error::http_status(e.status),
        ctx.t("contact_title"),
        body,
    )
}

pub async fn email_submit(ctx: PageCtx, form: Form<EmailForm>) -> HttpResponse {
    let r = async {
        ctx.check_csrf(&form.csrf)?;
        let pid = ctx.participant()?;
        contact::change_email(&ctx.app(), pid, &form.email, &form.email_password).await
    }
    .await;
    match r {
        Ok(()) => redirect("/me/contact?done=email"),
        Err(e) if matches!(e.status, Status::Unprocessable | Status::Conflict) => {
            refused(&ctx, &e, "email", (&form.email, "")).await
        }
        Err(e) => ctx.error_page(&e),
    }
}

pub async fn phone_submit(ctx: PageCtx, form: Form<PhoneForm>) -> HttpResponse {
    let r = async {
        ctx.check_csrf(&form.csrf)?;
        let pid = ctx.participant()?;
        contact::change_phone(&ctx.app(), pid, &form.phone, &form.phone_password).await
    }
    .await;
    match r {
        Ok(()) => redirect("/me/contact?done=phone"),
        Err(e) if matches!(e.status, Status::Unprocessable | Status::Conflict) => {
            refused(&ctx, &e, "phone", ("", &form.phone)).await
        }
        Err(e) => ctx.error_page(&e),
    }
}

#[derive(Deserialize)]
pub struct MessagesForm {
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub channel: String,
    /// The messages' language (`id`, `en`); blank: as it was.
    #[serde(default)]
    pub language: String,
}

pub async fn messages_submit(ctx: PageCtx, form: Form<MessagesForm>) -> HttpResponse {
    ctx.submit_own(form.csrf.clone(), |actx, pid| async move {
        let lang = Some(form.language.as_str()).filter(|l| !l.trim().is_empty());
        messages::set_own(&actx, pid, &form.channel, lang).await?;
        Ok(redirect("/me/contact?done=messages"))
    })
    .await
}

/// A stop link's pages are in the language of the messages it stops,
/// unless the browser chose one: the link is opened from a message, often
/// in a browser that never saw Antre.
fn speak_messages_language(ctx: &mut PageCtx, lang: Lang) {
    if ctx.req.cookie(crate::web::lang::COOKIE).is_none() {
        ctx.lang = lang;
    }
}

pub async fn stop_form(mut ctx: PageCtx, token: Path<String>) -> HttpResponse {
    match messages::stop_link(&ctx.app(), token.to_string()).await {
        Ok((channel, lang)) => {
            speak_messages_language(&mut ctx, lang);
            let stopped = channel.gateway().is_none();
            let body = view::stop_page(&ctx.frame(), &token, stopped);
            ctx.ok(ctx.t("messages_stop_title"), body)
        }
        Err(e) => ctx.error_page(&e),
    }
}

pub async fn stop_submit(
    mut ctx: PageCtx,
    token: Path<String>,
    form: Form<CsrfOnly>,
) -> HttpResponse {
    if let Err(e) = ctx.check_csrf(&form.csrf) {
        return ctx.error_page(&e);
    }
    match messages::stop(&ctx.app(), token.to_string()).await {
        Ok(lang) => {
            speak_messages_language(&mut ctx, lang);
            let body = view::stop_page(&ctx.frame(), &token, true);
            ctx.ok(ctx.t("messages_stop_title"), body)
        }
        Err(e) => ctx.error_page(&e),
    }
}
