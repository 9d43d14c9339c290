//! Who is calling: a bearer token (API clients) or the session cookie
//! (browser pages), both JWTs naming a database session; sign-in (its rules
//! are `app::accounts`) issues them.

use std::future::Future;
use std::pin::Pin;

use actix_web::cookie::{time, Cookie, SameSite};
use actix_web::{FromRequest, HttpMessage, HttpRequest};
use chrono::{DateTime, Duration, Utc};

use super::{AppState, State};
pub use crate::app::accounts::Audience;
use crate::app::accounts::{self, Account, Session};
use crate::app::error::AppError;
use crate::db::auth::{self as sessions, AuthSession};
use crate::db::{run, staff};
use crate::domain::role::Role;
use crate::infra::crypto::{TokenClaims, AUDIENCE, ISSUER, SESSION_TTL_SECS, TOKEN_TTL_SECS};

pub const SESSION_COOKIE: &str = "antre_session";
/// A kiosk's or booth computer's device credential.
pub const DEVICE_COOKIE: &str = "antre_device";

#[derive(Clone, Debug)]
pub enum Identity {
    Participant {
        id: i64,
        sid: String,
    },
    Staff {
        id: i64,
        role: Role,
        name: String,
        branch: Option<String>,
        company: Option<String>,
        sid: String,
    },
    /// A kiosk or booth computer of one branch.
    Device {
        id: i64,
        branch: String,
        kind: crate::domain::floor::DeviceKind,
        booth_id: Option<i64>,
    },
}

impl Identity {
    pub fn role(&self) -> Role {
        match self {
            Identity::Participant { .. } => Role::Participant,
            Identity::Staff { role, .. } => *role,
            Identity::Device { .. } => Role::Device,
        }
    }

    pub fn sid(&self) -> &str {
        match self {
            Identity::Participant { sid, .. } | Identity::Staff { sid, .. } => sid,
            Identity::Device { .. } => "",
        }
    }

    /// An HR account's company.
    pub fn company(&self) -> Option<&str> {
        match self {
            Identity::Staff { company, .. } => company.as_deref(),
            _ => None,
        }
    }

    pub fn participant_id(&self) -> Result<i64, AppError> {
        match self {
            Identity::Participant { id, .. } => Ok(*id),
            _ => Err(AppError::forbidden().detail("participants_only")),
        }
    }

    /// Staff member with one of `roles`.
    pub fn require_staff(&self, roles: &[Role]) -> Result<(), AppError> {
        if roles.contains(&self.role()) {
            Ok(())
        } else {
            Err(AppError::forbidden())
        }
    }

    /// May this caller see or manage things at `branch`? Admins and
    /// auditors see every branch; supervisors and CS only their own.
    pub fn staff_covers_branch(&self, branch: &str) -> bool {
        match self {
            Identity::Staff {
                role, branch: own, ..
            } => match role {
                Role::Admin | Role::Auditor => true,
                Role::Supervisor | Role::Cs => own.as_deref() == Some(branch),
                _ => false,
            },
            Identity::Participant { .. } | Identity::Device { .. } => false,
        }
    }
}

/// Where the token came from; cookie-authenticated writes need CSRF proof.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenSource {
    Bearer,
    Cookie,
}

/// A renewed session cookie the response should carry.
#[derive(Clone)]
pub struct RenewCookie(pub Cookie<'static>);

/// The device token this browser holds, if any.
pub fn device_token(req: &HttpRequest) -> Option<String> {
    req.cookie(DEVICE_COOKIE).map(|c| c.value().to_string())
}

fn bearer(req: &HttpRequest) -> Option<String> {
    let h = req.headers().get(actix_web::http::header::AUTHORIZATION)?;
    let v = h.to_str().ok()?;
    let (scheme, token) = v.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_string())
}

pub fn session_cookie(token: String, secure: bool) -> Cookie<'static> {
    Cookie::build(SESSION_COOKIE, token)
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Lax)
        .max_age(time::Duration::seconds(SESSION_TTL_SECS))
        .finish()
}

pub fn clear_session_cookie() -> Cookie<'static> {
    let mut c = Cookie::build(SESSION_COOKIE, "")
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .finish();
    c.make_removal();
    c
}

pub fn secure_cookies(state: &AppState) -> bool {
    state.settings.public_url.starts_with("https://")
}

/// Resolves the caller, or `None` when not signed in.
pub async fn identify(req: &HttpRequest) -> Result<Option<(Identity, TokenSource)>, AppError> {
    let Some(state) = req.app_data::<State>().cloned() else {
        return Err(AppError::internal("application state missing"));
    };
    let device_cookie = req
        .cookie(DEVICE_COOKIE)
        .map(|c| c.value().to_string())
        .filter(|v| v.starts_with(crate::db::devices::TOKEN_PREFIX));
    let (token, source) = match bearer(req) {
        Some(t) => (t, TokenSource::Bearer),
        None => match req.cookie(SESSION_COOKIE) {
            Some(c) if !c.value().is_empty() => (c.value().to_string(), TokenSource::Cookie),
            _ => match device_cookie {
                Some(t) => (t, TokenSource::Cookie),
                None => return Ok(None),
            },
        },
    };
    if token.starts_with(crate::db::devices::TOKEN_PREFIX) {
        let found = run(&state.db, move |db| {
            db.read(|c| -> Result<_, AppError> { Ok(crate::db::devices::by_token(c, &token)?) })
        })
        .await?;
        return Ok(found.map(|d| {
            (
                Identity::Device {
                    id: d.id,
                    branch: d.branch_code,
                    kind: d.kind,
                    booth_id: d.booth_id,
                },
                source,
            )
        }));
    }
    let now = state.clock.now();
    let Some(claims) = state.jwt.verify(&token, now.timestamp()) else {
        return Ok(None);
    };
    let sid = claims.sid.clone();
    let sub = claims.sub.clone();
    let found = run(&state.db, move |db| {
        db.read(|c| -> Result<_, AppError> {
            let Some(session) = sessions::active(c, &sid, now.naive_utc())? else {
                return Ok(None);
            };
            resolve_subject(c, &sub, session)
        })
    })
    .await?;
    let Some(identity) = found else {
        return Ok(None);
    };
    if source == TokenSource::Cookie && claims.exp - now.timestamp() < TOKEN_TTL_SECS / 2 {
        if let Ok((fresh, _)) = issue_token(&state, &identity, now) {
            req.extensions_mut()
                .insert(RenewCookie(session_cookie(fresh, secure_cookies(&state))));
        }
    }
    Ok(Some((identity, source)))
}

/// The participant a bearer token names, on its signature and expiry
/// alone: the session is not read. Only for a use case that checks the
/// session in its own first statement (placing a booking:
/// `db::placing::read`, a revoked or expired session is refused there with
/// 401), which saves the sign-in check's round trip and thread hand-off.
/// `None` for any other token: the caller is then identified in full.
pub fn unchecked_participant(req: &HttpRequest, state: &AppState) -> Option<Identity> {
    let token = bearer(req)?;
    if token.starts_with(crate::db::devices::TOKEN_PREFIX) {
        return None;
    }
    let claims = state.jwt.verify(&token, state.clock.now().timestamp())?;
    let id = claims.sub.strip_prefix("p:")?.parse().ok()?;
    Some(Identity::Participant {
        id,
        sid: claims.sid,
    })
}

fn resolve_subject(
    c: &mut crate::db::DbConnection,
    sub: &str,
    session: AuthSession,
) -> Result<Option<Identity>, AppError> {
    let (kind, id) = sub.split_once(':').unwrap_or(("", ""));
    let Ok(id) = id.parse::<i64>() else {
        return Ok(None);
    };
    match kind {
        // The session row names the participant through a foreign key
        // (enforced on both backends) and participants are never deleted:
        // an active session is proof enough, no second read.
        "p" if session.participant_id == Some(id) => Ok(Some(Identity::Participant {
            id,
            sid: session.id.clone(),
        })),
        "s" if session.staff_id == Some(id) => Ok(staff::find(c, id)?
            .filter(|s| s.active)
            .and_then(|s| Identity::staff(s, session.id.clone()))),
        _ => Ok(None),
    }
}

pub fn issue_token(
    state: &AppState,
    identity: &Identity,
    now: DateTime<Utc>,
) -> Result<(String, DateTime<Utc>), AppError> {
    let exp = now + Duration::seconds(TOKEN_TTL_SECS);
    let sub = match identity {
        Identity::Participant { id, .. } => format!("p:{id}"),
        Identity::Staff { id, .. } => format!("s:{id}"),
        Identity::Device { .. } => return Err(AppError::internal("devices hold no session token")),
    };
    let claims = TokenClaims {
        sub,
        role: identity.role().as_str().to_string(),
        sid: identity.sid().to_string(),
        iss: ISSUER.into(),
        aud: AUDIENCE.into(),
        iat: now.timestamp(),
        exp: exp.timestamp(),
    };
    let token = state.jwt.issue(&claims).map_err(AppError::internal)?;
    Ok((token, exp))
}

/// A signed-in account with its bearer token.
pub struct SignedIn {
    pub identity: Identity,
    pub token: String,
    pub expires_at: DateTime<Utc>,
}

impl Identity {
    /// A signed-in staff member (`None` for an unknown role).
    fn staff(s: staff::Staff, sid: String) -> Option<Identity> {
        Role::parse(&s.role).map(|role| Identity::Staff {
            id: s.id,
            role,
            name: s.name,
            branch: s.branch_code,
            company: s.company_npp,
            sid,
        })
    }

    fn of_session(s: Session) -> Option<Identity> {
        match s.account {
            Account::Participant(id) => Some(Identity::Participant { id, sid: s.sid }),
            Account::Staff(row) => Identity::staff(row, s.sid),
        }
    }
}

/// Signs in through [`accounts::sign_in`] (throttled and audited) and
/// issues the session's token. `channel` is `api` or `page`.
pub async fn sign_in(
    state: &AppState,
    req: &HttpRequest,
    email: &str,
    password: &str,
    audience: Audience,
    channel: &'static str,
) -> Result<SignedIn, AppError> {
    let ctx = super::extract::ctx(state, None, req);
    let session = accounts::sign_in(&ctx, email, password, audience, channel).await?;
    let identity = Identity::of_session(session)
        .ok_or_else(|| AppError::internal("a session of an unknown role"))?;
    let (token, expires_at) = issue_token(state, &identity, ctx.clock.now())?;
    Ok(SignedIn {
        identity,
        token,
        expires_at,
    })
}

/// Extractor for handlers that need a signed-in caller (401 otherwise).
pub struct Authenticated(pub Identity, pub TokenSource);

impl FromRequest for Authenticated {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let (identity, source) = identify(&req)
                .await?
                .ok_or_else(AppError::unauthenticated)?;
            // Cookie-authenticated writes to the API must prove they come
            // from our own pages.
            if source == TokenSource::Cookie
                && !req.method().is_safe()
                && !super::csrf::header_matches(&req)
            {
                return Err(AppError::forbidden().detail("csrf_failed"));
            }
            Ok(Authenticated(identity, source))
        })
    }
}
