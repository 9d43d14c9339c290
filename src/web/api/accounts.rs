//! Sign-in, sign-out and participant registration.

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::app::accounts;
use crate::app::error::{AppError, AppResult};
use crate::db::participants::{self, Participant};
use crate::db::{audit, run};
use crate::domain::nik;
use crate::web::auth::{self, Audience, Authenticated, Identity};
use crate::web::{client_ip, State};

#[derive(Deserialize, ToSchema)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

#[derive(Serialize, ToSchema)]
pub struct LoginResponse {
    pub token: String,
    /// participant, admin, supervisor, cs, auditor or hr.
    pub role: String,
    pub expires_at: String,
}

/// Signs in through [`auth::sign_in`] and writes the verification-log
/// entry: `signed_in` with the account as actor, or `sign_in_failed` with
/// the typed identifier masked (people type passwords into the email field)
/// and the reason. A success whose entry cannot be written is undone (the
/// session is revoked) and fails: no sign-in without its entry.
/// `channel` is `api` or `page`.
pub async fn sign_in_audited(
    state: &State,
    req: &HttpRequest,
    email: &str,
    password: &str,
    audience: Audience,
    channel: &'static str,
) -> AppResult<auth::SignedIn> {
    let ip = client_ip(req);
    let result = auth::sign_in(state, email, password, &ip, audience).await;
    let now = state.clock.now_naive();
    let audience_name = match audience {
        Audience::Participants => "participants",
        Audience::Staff => "staff",
        Audience::Any => "any",
    };
    match result {
        Ok(s) => {
            let actor = crate::web::extract::actor(Some(&s.identity), req);
            let subject = match &s.identity {
                Identity::Participant { id, .. } => audit::Subject {
                    participant_id: Some(*id),
                    ..Default::default()
                },
                Identity::Staff { branch, .. } => audit::Subject {
                    branch_code: branch.clone(),
                    ..Default::default()
                },
                Identity::Device { .. } => audit::Subject::default(),
            };
            let details = serde_json::json!({"channel": channel, "audience": audience_name});
            let written = run(&state.db, move |db| {
                db.write(|c| audit::record(c, now, &actor, "signed_in", &subject, details))
            })
            .await;
            if let Err(e) = written {
                let _ = auth::sign_out(state, &s.identity).await;
                return Err(AppError::internal(e));
            }
            Ok(s)
        }
        // Attempts the throttle refuses cost no password check, so they
        // come fast: logging each would let one address flood the chain
        // (every entry is a serialized, synced write). The failures that
        // set the throttle off are in the log.
        Err(e) if e.code == "rate_limited" => Err(e),
        Err(e) => {
            let actor = crate::web::extract::actor(None, req);
            let details = serde_json::json!({
                "channel": channel,
                "audience": audience_name,
                "identifier": audit::mask_identifier(email),
                "reason": e.code,
            });
            let written = run(&state.db, move |db| {
                db.write(|c| {
                    audit::record(
                        c,
                        now,
                        &actor,
                        "sign_in_failed",
                        &audit::Subject::default(),
                        details,
                    )
                })
            })
            .await;
            if let Err(w) = written {
                tracing::error!("cannot record a failed sign-in: {w}");
            }
            Err(e)
        }
    }
}

/// Signs in and returns a bearer token.
#[utoipa::path(post, path = "/api/v1/auth/login", request_body = LoginRequest,
    responses((status = 200, body = LoginResponse), (status = 401, body = super::ErrorBody), (status = 429, body = super::ErrorBody)))]
pub async fn login(
    state: State,
    req: HttpRequest,
    body: web::Json<LoginRequest>,
) -> AppResult<HttpResponse> {
    let s = sign_in_audited(
        &state,
        &req,
        &body.email,
        &body.password,
        Audience::Any,
        "api",
    )
    .await?;
    Ok(HttpResponse::Ok().json(LoginResponse {
        token: s.token,
        role: s.identity.role().as_str().into(),
        expires_at: s
            .expires_at
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    }))
}

/// Ends the session: the token stops working at once.
#[utoipa::path(post, path = "/api/v1/auth/logout", responses((status = 200)), security(("bearer" = [])))]
pub async fn logout(state: State, who: Authenticated) -> AppResult<HttpResponse> {
    auth::sign_out(&state, &who.0).await?;
    Ok(HttpResponse::Ok()
        .cookie(auth::clear_session_cookie())
        .json(serde_json::json!({"status": "signed_out"})))
}

pub use crate::app::accounts::Registration as RegisterRequest;

#[derive(Serialize, ToSchema)]
pub struct RegisterResponse {
    pub id: i64,
    pub birth_date: String,
    /// male or female, from the NIK.
    pub sex: String,
}

/// Registers through [`accounts::register`] with this request's context.
pub async fn register_participant(
    state: &State,
    r: RegisterRequest,
) -> Result<Participant, Vec<AppError>> {
    let ctx = crate::app::Ctx::new(
        state.db.clone(),
        state.clock,
        crate::db::audit::Actor::default(),
        state.settings.clone(),
    );
    accounts::register(&ctx, r).await
}

/// Registers a participant (birth date and sex are derived from the NIK).
#[utoipa::path(post, path = "/api/v1/participants", request_body = RegisterRequest,
    responses((status = 201, body = RegisterResponse), (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn register(state: State, body: web::Json<RegisterRequest>) -> AppResult<HttpResponse> {
    match register_participant(&state, body.into_inner()).await {
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
    pub nik_masked: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub branch: Option<String>,
    pub company: Option<String>,
}

/// The signed-in account.
#[utoipa::path(get, path = "/api/v1/me", responses((status = 200, body = MeResponse), (status = 401, body = super::ErrorBody)), security(("bearer" = [])))]
pub async fn me(state: State, who: Authenticated) -> AppResult<HttpResponse> {
    let body = match who.0 {
        Identity::Participant { id, .. } => {
            let p = run(&state.db, move |db| {
                db.read(|c| -> AppResult<_> { Ok(participants::find(c, id)?) })
            })
            .await?
            .ok_or_else(AppError::unauthenticated)?;
            let masked = nik::mask_str(&p.nik);
            MeResponse {
                role: "participant".into(),
                id: p.id,
                name: p.full_name,
                email: Some(p.email),
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
            name: kind,
            email: None,
            nik_masked: None,
            birth_date: None,
            branch: Some(branch),
            company: None,
        },
    };
    Ok(HttpResponse::Ok().json(body))
}
