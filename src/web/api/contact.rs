//! A participant's contact details: email verification, changing the
//! email or phone, choosing where messages go.

use crate::web::body::Json;
use actix_web::HttpResponse;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::accounts::StatusBody;
use super::{ok, vocab, Reply};
use crate::app::contact;
use crate::web::extract::{Api, Public};

#[derive(Deserialize, ToSchema)]
pub struct VerifyEmailRequest {
    pub token: String,
}

#[derive(Serialize, ToSchema)]
pub struct VerifiedBody {
    pub status: String,
    /// The address now verified (the account's email).
    pub email: String,
}

/// Follows a mailed verification link: the address is verified, and when
/// it was an email change it becomes the account's email. A used, expired
/// or unknown token is `422 invalid_token`.
#[utoipa::path(post, path = "/api/v1/auth/verify-email", request_body = VerifyEmailRequest,
    responses((status = 200, body = VerifiedBody), (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn verify_email(public: Public, body: Json<VerifyEmailRequest>) -> Reply {
    let email = contact::confirm(&public.ctx, &body.token).await?;
    ok(VerifiedBody {
        status: "verified".into(),
        email,
    })
}

fn accepted(status: &str) -> Reply {
    Ok(HttpResponse::Accepted().json(StatusBody {
        status: status.into(),
    }))
}

/// Mails a new verification link for the participant's email (at most 3
/// an hour, then 429).
#[utoipa::path(post, path = "/api/v1/me/email/verification",
    responses((status = 202, body = StatusBody), (status = 429, body = super::ErrorBody)), security(("bearer" = [])))]
pub async fn resend(api: Api) -> Reply {
    let pid = api.who.participant_id()?;
    contact::resend(&api.ctx, pid).await?;
    accepted("sent")
}

#[derive(Deserialize, ToSchema)]
pub struct ChangeEmailRequest {
    pub email: String,
    /// The current password.
    pub password: String,
}

/// Starts an email change: a link goes to the new address, which becomes
/// the account's once followed; the old address is told.
#[utoipa::path(post, path = "/api/v1/me/email", request_body = ChangeEmailRequest,
    responses((status = 202, body = StatusBody), (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)), security(("bearer" = [])))]
pub async fn change_email(api: Api, body: Json<ChangeEmailRequest>) -> Reply {
    let pid = api.who.participant_id()?;
    contact::change_email(&api.ctx, pid, &body.email, &body.password).await?;
    accepted("verification_sent")
}

#[derive(Deserialize, ToSchema)]
pub struct ChangePhoneRequest {
    pub phone: String,
    /// The current password.
    pub password: String,
}

/// Changes the phone number; the email is told.
#[utoipa::path(put, path = "/api/v1/me/phone", request_body = ChangePhoneRequest,
    responses((status = 200, body = StatusBody), (status = 422, body = super::ErrorBody)), security(("bearer" = [])))]
pub async fn change_phone(api: Api, body: Json<ChangePhoneRequest>) -> Reply {
    let pid = api.who.participant_id()?;
    contact::change_phone(&api.ctx, pid, &body.phone, &body.password).await?;
    ok(StatusBody {
        status: "changed".into(),
    })
}

#[derive(Deserialize, ToSchema)]
pub struct MessagesRequest {
    /// `none` (or blank): email only.
    #[schema(value_type = vocab::MessageChannelChoice)]
    pub channel: String,
    /// The messages' language, `id` or `en`; absent: as it was (Bahasa
    /// Indonesia for a first choice).
    #[serde(default)]
    #[schema(value_type = Option<vocab::MessageLanguage>)]
    pub language: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct MessagesBody {
    #[schema(value_type = vocab::MessageChannel)]
    pub channel: String,
    /// The language the messages are written in.
    #[schema(value_type = vocab::MessageLanguage)]
    pub language: String,
}

/// Chooses where reminders, waiting-line offers and closure notices go
/// besides email: WhatsApp, SMS, or nowhere else (`none`), and the
/// language they are written in. Audited.
#[utoipa::path(put, path = "/api/v1/me/messages", request_body = MessagesRequest,
    responses((status = 200, body = MessagesBody), (status = 422, body = super::ErrorBody)), security(("bearer" = [])))]
pub async fn set_messages(api: Api, body: Json<MessagesRequest>) -> Reply {
    let pid = api.who.participant_id()?;
    let (channel, lang) =
        crate::app::messages::set_own(&api.ctx, pid, &body.channel, body.language.as_deref())
            .await?;
    ok(MessagesBody {
        channel: channel.as_str().into(),
        language: lang.code().into(),
    })
}
