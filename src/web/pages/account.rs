//! Registration, sign-in (participants and staff), sign-out, language.

use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use super::{redirect, safe_next, PageCtx};
use crate::views::account as view;
use crate::views::components::FieldError;
use crate::web::api::accounts::{register_participant, sign_in_audited, RegisterRequest};
use crate::web::auth::{self, Audience, Identity};
use crate::web::{lang, State};

#[derive(Deserialize)]
pub struct NextQuery {
    pub next: Option<String>,
}

pub async fn switch_lang(
    req: HttpRequest,
    path: web::Path<String>,
    q: web::Query<NextQuery>,
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
    pub password: String,
}

pub async fn register_form(req: HttpRequest) -> HttpResponse {
    let ctx = PageCtx::new(&req).await;
    let body = view::register(&ctx.frame(), &view::RegisterValues::default(), &[]);
    ctx.ok(ctx.t("register_title"), body)
}

pub async fn register_submit(
    req: HttpRequest,
    state: State,
    form: web::Form<RegisterForm>,
) -> HttpResponse {
    let ctx = PageCtx::new(&req).await;
    if let Err(e) = ctx.check_csrf(&form.csrf) {
        return ctx.error_page(&e);
    }
    let f = form.into_inner();
    let input = RegisterRequest {
        nik: f.nik,
        kpj: f.kpj,
        full_name: f.full_name,
        email: f.email,
        phone: f.phone,
        password: f.password.clone(),
    };
    match register_participant(&state, input.clone()).await {
        Ok(_) => {
            // Straight in: a new member's next step is their claim.
            match sign_in_audited(
                &state,
                &req,
                &input.email,
                &f.password,
                Audience::Participants,
                "page",
            )
            .await
            {
                Ok(s) => signed_in_redirect(&state, s.token, "/claims/new?welcome=1"),
                Err(_) => redirect("/login"),
            }
        }
        Err(errors) => {
            let errors: Vec<FieldError> = errors
                .iter()
                .map(|e| FieldError {
                    field: e.field.unwrap_or("form").to_string(),
                    message: e.message(ctx.lang),
                })
                .collect();
            let shown = view::RegisterValues {
                nik: &input.nik,
                kpj: &input.kpj,
                full_name: &input.full_name,
                email: &input.email,
                phone: &input.phone,
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

fn signed_in_redirect(state: &State, token: String, to: &str) -> HttpResponse {
    let mut res = redirect(to);
    let _ = res.add_cookie(&auth::session_cookie(token, auth::secure_cookies(state)));
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

pub async fn login_form(req: HttpRequest, q: web::Query<NextQuery>) -> HttpResponse {
    let ctx = PageCtx::new(&req).await;
    let body = view::login(&ctx.frame(), false, "", q.next.as_deref(), None);
    ctx.ok(ctx.t("login_title"), body)
}

pub async fn staff_login_form(req: HttpRequest, q: web::Query<NextQuery>) -> HttpResponse {
    let ctx = PageCtx::new(&req).await;
    let body = view::login(&ctx.frame(), true, "", q.next.as_deref(), None);
    ctx.ok(ctx.t("staff_login_title"), body)
}

pub async fn login_submit(
    req: HttpRequest,
    state: State,
    form: web::Form<LoginForm>,
) -> HttpResponse {
    login_with(req, state, form.into_inner(), false).await
}

pub async fn staff_login_submit(
    req: HttpRequest,
    state: State,
    form: web::Form<LoginForm>,
) -> HttpResponse {
    login_with(req, state, form.into_inner(), true).await
}

async fn login_with(req: HttpRequest, state: State, form: LoginForm, staff: bool) -> HttpResponse {
    let ctx = PageCtx::new(&req).await;
    if let Err(e) = ctx.check_csrf(&form.csrf) {
        return ctx.error_page(&e);
    }
    let audience = if staff {
        Audience::Staff
    } else {
        Audience::Participants
    };
    match sign_in_audited(&state, &req, &form.email, &form.password, audience, "page").await {
        Ok(s) => {
            let home = match s.identity {
                Identity::Participant { .. } => "/me",
                _ => "/staff",
            };
            let to = safe_next(form.next.as_deref()).unwrap_or_else(|| home.into());
            signed_in_redirect(&state, s.token, &to)
        }
        Err(e) => {
            let msg = e.message(ctx.lang);
            let body = view::login(
                &ctx.frame(),
                staff,
                &form.email,
                form.next.as_deref(),
                Some(&msg),
            );
            let title = if staff {
                "staff_login_title"
            } else {
                "login_title"
            };
            ctx.render(crate::web::error::http_status(e.status), ctx.t(title), body)
        }
    }
}

#[derive(Deserialize)]
pub struct CsrfOnly {
    #[serde(default)]
    pub csrf: String,
}

pub async fn logout(req: HttpRequest, state: State, form: web::Form<CsrfOnly>) -> HttpResponse {
    let ctx = PageCtx::new(&req).await;
    if let Err(e) = ctx.check_csrf(&form.csrf) {
        return ctx.error_page(&e);
    }
    if let Some(who) = &ctx.who {
        if let Err(e) = auth::sign_out(&state, who).await {
            return ctx.error_page(&e);
        }
    }
    let mut res = redirect("/");
    let _ = res.add_cookie(&auth::clear_session_cookie());
    res
}
