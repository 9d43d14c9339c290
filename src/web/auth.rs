//! Who is calling: a bearer token (API clients) or the session cookie
//! (browser pages), both JWTs naming a database session. Sign-in with rate
//! limiting per account and per address.

use std::future::Future;
use std::pin::Pin;

use actix_web::cookie::{time, Cookie, SameSite};
use actix_web::{FromRequest, HttpMessage, HttpRequest};
use chrono::{DateTime, Duration, Utc};

use super::{AppState, State};
use crate::app::error::AppError;
use crate::db::auth::{self as sessions, AuthSession};
use crate::db::{participants, run, staff};
use crate::domain::role::Role;
use crate::infra::crypto::{
    self as creds, TokenClaims, AUDIENCE, ISSUER, SESSION_TTL_SECS, TOKEN_TTL_SECS,
};

pub const SESSION_COOKIE: &str = "antre_session";
/// A kiosk's or booth computer's device credential.
pub const DEVICE_COOKIE: &str = "antre_device";
/// Failed sign-ins allowed per account, and per client address, within
/// [`THROTTLE_WINDOW_MINUTES`] before further attempts are refused.
pub const MAX_FAILURES_PER_ACCOUNT: i64 = 5;
pub const MAX_FAILURES_PER_ADDRESS: i64 = 20;
pub const THROTTLE_WINDOW_MINUTES: i64 = 15;

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
        kind: String,
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
        "p" if session.participant_id == Some(id) => {
            Ok(participants::find(c, id)?.map(|p| Identity::Participant {
                id: p.id,
                sid: session.id.clone(),
            }))
        }
        "s" if session.staff_id == Some(id) => {
            Ok(staff::find(c, id)?.filter(|s| s.active).and_then(|s| {
                Role::parse(&s.role).map(|role| Identity::Staff {
                    id: s.id,
                    role,
                    name: s.name,
                    branch: s.branch_code,
                    company: s.company_npp,
                    sid: session.id.clone(),
                })
            }))
        }
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

/// Which accounts a sign-in form may open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Audience {
    Participants,
    Staff,
    Any,
}

pub struct SignedIn {
    pub identity: Identity,
    pub token: String,
    pub expires_at: DateTime<Utc>,
}

/// Checks the throttle, the password (off the async threads), records the
/// attempt and opens a database session.
pub async fn sign_in(
    state: &AppState,
    email: &str,
    password: &str,
    ip: &str,
    audience: Audience,
) -> Result<SignedIn, AppError> {
    let email = email.trim().to_lowercase();
    let password = password.to_string();
    let ip = ip.to_string();
    let now = state.clock.now();
    let since = now.naive_utc() - Duration::minutes(THROTTLE_WINDOW_MINUTES);
    let _permit = creds::hashing_permit().await;
    let identity = run(&state.db, move |db| -> Result<Option<Identity>, AppError> {
        let ts = now.naive_utc();
        // The attempt takes its place in line (recorded as a failure)
        // before the password is checked, so simultaneous guesses count
        // against each other instead of all seeing a clean slate.
        let attempt = db.write(|c| -> Result<i64, AppError> {
            let id = sessions::begin_attempt(c, &email, &ip, ts)?;
            let (acct, addr) = sessions::failures_before(c, id, &email, &ip, since)?;
            if acct >= MAX_FAILURES_PER_ACCOUNT || addr >= MAX_FAILURES_PER_ADDRESS {
                // A refused attempt is not a guess: it must not prolong
                // the lock-out.
                sessions::forget_attempt(c, id)?;
                return Err(AppError::rate_limited());
            }
            Ok(id)
        })?;
        let (p, s) = db.read(|c| -> Result<_, AppError> {
            let p = match audience {
                Audience::Staff => None,
                _ => participants::find_by_email(c, &email)?,
            };
            let s = match audience {
                Audience::Participants => None,
                _ => staff::find_by_email(c, &email)?.filter(|s| s.active),
            };
            Ok((p, s))
        })?;
        if p.is_none() && s.is_none() {
            // Same work as a real check, so timing does not tell which
            // emails have accounts.
            let _ = creds::verify_password(creds::dummy_hash(), &password);
        }
        let p = p.filter(|p| creds::verify_password(&p.password_hash, &password));
        let s = if p.is_none() {
            s.filter(|s| creds::verify_password(&s.password_hash, &password))
        } else {
            None
        };
        if p.is_none() && s.is_none() {
            return Ok(None);
        }
        let sid = creds::random_token(24);
        db.write(|c| -> Result<Option<Identity>, AppError> {
            sessions::mark_success(c, attempt)?;
            let session = AuthSession {
                id: sid.clone(),
                participant_id: p.as_ref().map(|p| p.id),
                staff_id: s.as_ref().map(|s| s.id),
                created_at: ts,
                expires_at: ts + Duration::seconds(SESSION_TTL_SECS),
                revoked_at: None,
            };
            sessions::create(c, &session)?;
            Ok(match (&p, &s) {
                (Some(p), _) => Some(Identity::Participant {
                    id: p.id,
                    sid: sid.clone(),
                }),
                (None, Some(s)) => Role::parse(&s.role).map(|role| Identity::Staff {
                    id: s.id,
                    role,
                    name: s.name.clone(),
                    branch: s.branch_code.clone(),
                    company: s.company_npp.clone(),
                    sid: sid.clone(),
                }),
                (None, None) => None,
            })
        })
    })
    .await?
    .ok_or_else(|| AppError::new(crate::app::Status::Unauthenticated, "invalid_credentials"))?;
    let (token, expires_at) = issue_token(state, &identity, now)?;
    Ok(SignedIn {
        identity,
        token,
        expires_at,
    })
}

pub async fn sign_out(state: &AppState, identity: &Identity) -> Result<(), AppError> {
    let sid = identity.sid().to_string();
    let now = state.clock.now_naive();
    run(&state.db, move |db| {
        db.write(|c| sessions::revoke(c, &sid, now))
    })
    .await?;
    Ok(())
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

/// Extractor for pages: the caller if signed in.
pub struct MaybeSignedIn(pub Option<Identity>);

impl FromRequest for MaybeSignedIn {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { Ok(MaybeSignedIn(identify(&req).await?.map(|(i, _)| i))) })
    }
}
