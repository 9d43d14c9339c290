//! Registration, sign-in (participants and staff), sign-out, language.

use crate::web::body::{Form, Query};
use actix_web::web::Path;
use actix_web::{HttpRequest, HttpResponse};
use serde::Deserialize;

use super::{redirect, safe_next, PageCtx};
use crate::app::accounts::{self, Registration};
use crate::views::account as view;
use crate::views::components::FieldError;
use crate::web::auth::{self, Audience, Identity};
use crate::web::extract::CsrfForm;
use crate::web::lang;

#[derive(Deserialize)]
pub struct NextQuery {
    pub next: Option<String>,
    /// `password_reset` after a new password was set.
    pub done: Option<String>,
}

pub async fn switch_lang(
    req: HttpRequest,
    path: Path<String>,
    q: Query<NextQuery>,
) -> HttpResponse {
    let code = crate::i18n::Lang::parse(&path).unwrap_or_default().code();
    let next = safe_next(q.next.as_deref()).unwrap_or_else(|| "/".into());
    let _ = req;
    let cookie = actix_web::cookie::Cookie::build(lang::COOKIE, code)
        .path("/")
        .same_site(actix_web::cookie::SameSite::Lax)
        .max_age(actix_web::cookie::time::Duration::days(365))
        .finish();
    let mut res = redirect(&next);
    let _ = res.add_cookie(&cookie);
    res
}

#[derive(Deserialize, Default)]
pub struct RegisterForm {
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub nik: String,
    #[serde(default)]
    pub kpj: String,
    #[serde(default)]
    pub full_name: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub messages: String,
    #[serde(default)]
    pub password: String,
}

pub async fn register_form(ctx: PageCtx) -> HttpResponse {
    let body = view::register(&ctx.frame(), &view::RegisterValues::default(), &[]);
    ctx.ok(ctx.t("register_title"), body)
}

pub async fn register_submit(ctx: PageCtx, form: Form<RegisterForm>) -> HttpResponse {
    if let Err(e) = ctx.check_csrf(&form.csrf) {
        return ctx.error_page(&e);
    }
    let f = form.into_inner();
    let input = Registration {
        nik: f.nik,
        kpj: f.kpj,
        full_name: f.full_name,
        email: f.email,
        phone: f.phone,
        password: f.password.clone(),
        messages: Some(f.messages).filter(|m| !m.trim().is_empty()),
        language: None,
    };
    match accounts::register(&ctx.app(), input.clone(), ctx.lang).await {
        Ok(_) => {
            // Straight in: a new member's next step is their claim.
            let audience = Audience::Participants;
            match auth::sign_in(
                &ctx.state,
                &ctx.req,
                &input.email,
                &f.password,
                audience,
                "page",
            )
            .await
            {
                Ok(s) => signed_in_redirect(&ctx, s.token, "/claims/new?welcome=1"),
                Err(_) => redirect("/login"),
            }
        }
        Err(errors) => {
            let errors: Vec<FieldError> = errors
                .iter()
                .map(|e| FieldError {
                    field: e.field.as_deref().unwrap_or("form").to_string(),
                    message: e.message(ctx.lang),
                })
                .collect();
            let shown = view::RegisterValues {
                nik: &input.nik,
                kpj: &input.kpj,
                full_name: &input.full_name,
                email: &input.email,
                phone: &input.phone,
                messages: input.messages.as_deref().unwrap_or(""),
            };
            let body = view::register(&ctx.frame(), &shown, &errors);
            ctx.render(
                actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
                ctx.t("register_title"),
                body,
            )
        }
    }
}

fn signed_in_redirect(ctx: &PageCtx, token: String, to: &str) -> HttpResponse {
    let mut res = redirect(to);
    let secure = auth::secure_cookies(&ctx.state);
    let _ = res.add_cookie(&auth::session_cookie(token, secure));
    res
}

#[derive(Deserialize, Default)]
pub struct LoginForm {
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub password: String,
    pub next: Option<String>,
}

fn login_page(ctx: &PageCtx, q: &NextQuery, staff: bool) -> HttpResponse {
    let done = (q.done.as_deref() == Some("password_reset")).then(|| ctx.t("login_reset_done"));
    let state = view::LoginState {
        next: q.next.as_deref(),
        done,
        ..Default::default()
    };
    let body = view::login(&ctx.frame(), staff, &state);
    let title = if staff {
        "staff_login_title"
    } else {
        "login_title"
    };
    ctx.ok(ctx.t(title), body)
}

pub async fn login_form(ctx: PageCtx, q: Query<NextQuery>) -> HttpResponse {
    login_page(&ctx, &q, false)
}

pub async fn staff_login_form(ctx: PageCtx, q: Query<NextQuery>) -> HttpResponse {
    login_page(&ctx, &q, true)
}

pub async fn login_submit(ctx: PageCtx, form: Form<LoginForm>) -> HttpResponse {
    login_with(ctx, form.into_inner(), false).await
}

pub async fn staff_login_submit(ctx: PageCtx, form: Form<LoginForm>) -> HttpResponse {
    login_with(ctx, form.into_inner(), true).await
}

async fn login_with(ctx: PageCtx, form: LoginForm, staff: bool) -> HttpResponse {
    if let Err(e) = ctx.check_csrf(&form.csrf) {
        return ctx.error_page(&e);
    }
    let audience = if staff {
        Audience::Staff
    } else {
        Audience::Participants
    };
    let (email, password) = (&form.email, &form.password);
    match auth::sign_in(&ctx.state, &ctx.req, email, password, audience, "page").await {
        Ok(s) => {
            let home = match s.identity {
                Identity::Participant { .. } => "/me",
                ref who => crate::views::layout::home(who.role()),
            };
            let to = safe_next(form.next.as_deref()).unwrap_or_else(|| home.into());
            signed_in_redirect(&ctx, s.token, &to)
        }
        Err(e) => {
            let msg = e.message(ctx.lang);
            let state = view::LoginState {
                typed: &form.email,
                next: form.next.as_deref(),
                error: Some(&msg),
                done: None,
            };
            let body = view::login(&ctx.frame(), staff, &state);
            let title = if staff {
                "staff_login_title"
            } else {
                "login_title"
            };
            ctx.render(crate::web::error::http_status(e.status), ctx.t(title), body)
        }
    }
}

pub async fn logout(ctx: PageCtx, form: Form<CsrfForm>) -> HttpResponse {
    if let Err(e) = ctx.check_csrf(&form.csrf) {
        return ctx.error_page(&e);
    }
    if let Some(who) = &ctx.who {
        if let Err(e) = accounts::sign_out(&ctx.app(), who.sid().to_string()).await {
            return ctx.error_page(&e);
        }
    }
    let mut res = redirect("/");
    let _ = res.add_cookie(&auth::clear_session_cookie());
    res
}
