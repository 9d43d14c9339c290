//! Sign-in, sign-out and participant registration.

use crate::web::body::Json;
use actix_web::{HttpRequest, HttpResponse};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{ok, vocab, Reply};
use crate::app::accounts;
use crate::app::error::{AppError, AppResult};
use crate::app::password_reset;
use crate::domain::nik;
use crate::domain::recovery::SignInName;
use crate::domain::Code;
use crate::web::auth::{self, Audience, Identity};
use crate::web::extract::{Api, Public};
use crate::web::State;

/// An email (any account) or a NIK (participants): one of the two.
#[derive(Deserialize, ToSchema)]
pub struct LoginRequest {
    pub email: Option<String>,
    /// A participant's 16-digit NIK, instead of the email.
    pub nik: Option<String>,
    pub password: String,
}

#[derive(Serialize, ToSchema)]
pub struct LoginResponse {
    pub token: String,
    #[schema(value_type = vocab::Role)]
    pub role: String,
    #[schema(format = DateTime)]
    pub expires_at: String,
}

/// Signs in and returns a bearer token.
#[utoipa::path(post, path = "/api/v1/auth/login", request_body = LoginRequest,
    responses((status = 200, body = LoginResponse), (status = 401, body = super::ErrorBody), (status = 429, body = super::ErrorBody)))]
pub async fn login(state: State, req: HttpRequest, body: Json<LoginRequest>) -> Reply {
    let typed = email_or_nik(&body.email, &body.nik)?;
    let password = &body.password;
    let s = auth::sign_in(&state, &req, typed, password, Audience::Any, "api").await?;
    ok(LoginResponse {
        token: s.token,
        role: s.identity.role().as_str().into(),
        expires_at: s
            .expires_at
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    })
}

/// What a request names an account by: its email, else a participant's
/// NIK (`422 invalid_nik` for one that is not 16 digits); neither is
/// `422 missing_field` naming `email`.
fn email_or_nik<'a>(email: &'a Option<String>, nik: &'a Option<String>) -> AppResult<&'a str> {
    match (email, nik) {
        (Some(email), _) => Ok(email),
        (None, Some(nik)) if SignInName::classify(nik).is_nik() => Ok(nik),
        (None, Some(_)) => Err(AppError::unprocessable(Code::InvalidNik).field("nik")),
        (None, None) => Err(AppError::unprocessable(Code::MissingField).field("email")),
    }
}

/// Ends the session: the token stops working at once.
#[utoipa::path(post, path = "/api/v1/auth/logout", responses((status = 200)), security(("bearer" = [])))]
pub async fn logout(api: Api) -> Reply {
    accounts::sign_out(&api.ctx, api.who.sid().to_string()).await?;
    Ok(HttpResponse::Ok()
        .cookie(auth::clear_session_cookie())
        .json(serde_json::json!({"status": "signed_out"})))
}

/// An email (any account) or a NIK (participants): one of the two.
#[derive(Deserialize, ToSchema)]
pub struct PasswordResetRequest {
    pub email: Option<String>,
    /// A participant's 16-digit NIK, instead of the email.
    pub nik: Option<String>,
}

#[derive(Deserialize, ToSchema)]
pub struct PasswordResetConfirm {
    /// The token of the mailed link (`/password-reset/{token}`).
    pub token: String,
    pub password: String,
}

#[derive(Serialize, ToSchema)]
pub struct StatusBody {
    pub status: String,
}

/// Asks for a password-reset link by email, or by a participant's NIK.
/// The answer is the same whether or not there is such an account; the
/// link (valid 30 minutes, single use) is mailed only if there is — or,
/// to a participant whose address receives no mail, sent by the WhatsApp
/// or SMS they chose. An address that asks too often gets 429.
#[utoipa::path(post, path = "/api/v1/auth/password-reset", request_body = PasswordResetRequest,
    responses((status = 202, body = StatusBody), (status = 429, body = super::ErrorBody)))]
pub async fn password_reset(public: Public, body: Json<PasswordResetRequest>) -> Reply {
    let typed = email_or_nik(&body.email, &body.nik)?;
    password_reset::request(&public.ctx, typed, "api").await?;
    Ok(HttpResponse::Accepted().json(StatusBody {
        status: "requested".into(),
    }))
}

/// Sets a new password with the mailed token; every session of the
/// account ends. A used, expired or unknown token is `422 invalid_token`.
#[utoipa::path(post, path = "/api/v1/auth/password-reset/confirm", request_body = PasswordResetConfirm,
    responses((status = 200, body = StatusBody), (status = 422, body = super::ErrorBody)))]
pub async fn password_reset_confirm(public: Public, body: Json<PasswordResetConfirm>) -> Reply {
    let (token, password) = (&body.token, &body.password);
    password_reset::confirm(&public.ctx, token, password, "api").await?;
    ok(StatusBody {
        status: "password_changed".into(),
    })
}

pub use crate::app::accounts::Registration as RegisterRequest;

#[derive(Serialize, ToSchema)]
pub struct RegisterResponse {
    pub id: i64,
    #[schema(format = Date)]
    pub birth_date: String,
    /// From the NIK.
    #[schema(value_type = vocab::Sex)]
    pub sex: String,
}

/// Registers a participant (birth date and sex are derived from the NIK).
#[utoipa::path(post, path = "/api/v1/participants", request_body = RegisterRequest,
    responses((status = 201, body = RegisterResponse), (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn register(public: Public, body: Json<RegisterRequest>) -> Reply {
    match accounts::register(&public.ctx, body.into_inner(), public.lang).await {
        Ok(p) => Ok(HttpResponse::Created().json(RegisterResponse {
            id: p.id,
            birth_date: p.birth_date.format("%Y-%m-%d").to_string(),
            sex: p.sex,
        })),
        // The API answers with the first problem; conflicts win over
        // format errors so a client can tell "taken" from "malformed".
        Err(mut errors) => {
            errors.sort_by_key(|e| e.status != crate::app::Status::Conflict);
            Err(errors
                .into_iter()
                .next()
                .unwrap_or_else(|| AppError::internal("no error")))
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct MeResponse {
    pub role: String,
    pub id: i64,
    pub name: String,
    pub email: Option<String>,
    /// Participants: whether the email was verified by its link.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_verified: Option<bool>,
    /// Participants: where they want messages besides email.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<vocab::MessageChannel>)]
    pub messages: Option<String>,
    /// Participants: the language of those messages.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<vocab::MessageLanguage>)]
    pub messages_language: Option<String>,
    pub nik_masked: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub branch: Option<String>,
    pub company: Option<String>,
}

/// The signed-in account.
#[utoipa::path(get, path = "/api/v1/me", responses((status = 200, body = MeResponse), (status = 401, body = super::ErrorBody)), security(("bearer" = [])))]
pub async fn me(api: Api) -> Reply {
    let body = match api.who {
        Identity::Participant { id, .. } => {
            let p = accounts::participant(&api.ctx, id).await?;
            let masked = nik::mask_str(&p.nik);
            let verified = crate::app::contact::email_verified(&api.ctx, id).await?;
            let (channel, lang) = crate::app::messages::own_channel(&api.ctx, id).await?;
            MeResponse {
                role: "participant".into(),
                id: p.id,
                name: p.full_name,
                email: Some(p.email),
                email_verified: Some(verified),
                messages: Some(channel.as_str().into()),
                messages_language: Some(lang.unwrap_or_default().code().into()),
                nik_masked: Some(masked),
                birth_date: Some(p.birth_date),
                branch: None,
                company: None,
            }
        }
        Identity::Staff {
            id,
            role,
            name,
            branch,
            company,
            ..
        } => MeResponse {
            role: role.as_str().into(),
            id,
            name,
            email: None,
            email_verified: None,
            messages: None,
            messages_language: None,
            nik_masked: None,
            birth_date: None,
            branch,
            company,
        },
        Identity::Device {
            id, branch, kind, ..
        } => MeResponse {
            role: format!("device:{kind}"),
            id,
            name: kind.as_str().to_string(),
            email: None,
            email_verified: None,
            messages: None,
            messages_language: None,
            nik_masked: None,
            birth_date: None,
            branch: Some(branch),
            company: None,
        },
    };
    ok(body)
}
