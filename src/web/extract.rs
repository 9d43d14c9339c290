//! What handlers take from a request besides its body: the one way to
//! build the audit actor (who, from which address, in which request), the
//! use-case context around it ([`Api`] for signed-in API callers,
//! [`Public`] for anyone), and the CSRF field of a form.

use std::future::Future;
use std::pin::Pin;

use actix_web::{FromRequest, HttpRequest};
use serde::Deserialize;

use crate::app::error::AppError;
use crate::app::Ctx;
use crate::db::audit::Actor;
use crate::domain::role::ActorRole;
use crate::i18n::Lang;
use crate::web::auth::{self, Authenticated, Identity};
use crate::web::{client_ip, lang, AppState, State};

/// The request id the `request_id` middleware settled on.
pub fn request_id(req: &HttpRequest) -> Option<String> {
    req.headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(|s| s.chars().take(64).collect())
}

/// Who acts in this request: the signed-in person or device (with their
/// branch), or an anonymous caller, always with the client address and
/// the request id.
pub fn actor(who: Option<&Identity>, req: &HttpRequest) -> Actor {
    let (id, role, branch) = match who {
        None => (None, ActorRole::Anonymous, None),
        Some(Identity::Participant { id, .. }) => (Some(*id), ActorRole::PARTICIPANT, None),
        Some(Identity::Staff {
            id, role, branch, ..
        }) => (Some(*id), ActorRole::Person(*role), branch.clone()),
        Some(Identity::Device {
            id, kind, branch, ..
        }) => (Some(*id), ActorRole::Device(*kind), Some(branch.clone())),
    };
    Actor {
        id,
        role,
        branch,
        ip: Some(client_ip(req)),
        request_id: request_id(req),
    }
}

/// The use-case context for this request.
pub fn ctx(state: &AppState, who: Option<&Identity>, req: &HttpRequest) -> Ctx {
    Ctx::new(
        state.db.clone(),
        state.clock,
        actor(who, req),
        state.settings.clone(),
    )
}

/// The application state of a request.
pub fn state(req: &HttpRequest) -> Result<State, AppError> {
    req.app_data::<State>()
        .cloned()
        .ok_or_else(|| AppError::internal("application state missing"))
}

type Extracted<T> = Pin<Box<dyn Future<Output = Result<T, AppError>>>>;

/// A signed-in API caller (401 otherwise; cookie-authenticated writes
/// need CSRF proof) with the use-case context of the request, acting as
/// the caller, and the caller's language.
pub struct Api {
    pub who: Identity,
    pub ctx: Ctx,
    pub lang: Lang,
    pub state: State,
}

impl Api {
    /// `who`'s API context for `req`.
    fn of(who: Identity, state: State, req: &HttpRequest) -> Api {
        Api {
            ctx: ctx(&state, Some(&who), req),
            lang: lang::of_request(req),
            who,
            state,
        }
    }

    /// An HR account's company (collective use cases need it).
    pub fn company(&self) -> Option<&str> {
        self.who.company()
    }
}

impl FromRequest for Api {
    type Error = AppError;
    type Future = Extracted<Self>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let who = Authenticated::from_request(req, payload);
        let req = req.clone();
        Box::pin(async move {
            let Authenticated(who, _) = who.await?;
            Ok(Api::of(who, state(&req)?, &req))
        })
    }
}

/// [`Api`] for a route whose use case checks the caller's session in its
/// own first statement (placing a booking): a participant's bearer token
/// is taken on its signature ([`auth::unchecked_participant`]); any other
/// caller is identified in full, as by [`Api`].
pub struct SessionInUseCase(pub Api);

impl FromRequest for SessionInUseCase {
    type Error = AppError;
    type Future = Extracted<Self>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let unchecked = state(req)
            .ok()
            .and_then(|state| Some((auth::unchecked_participant(req, &state)?, state)));
        let Some((who, state)) = unchecked else {
            let api = Api::from_request(req, payload);
            return Box::pin(async move { Ok(SessionInUseCase(api.await?)) });
        };
        let api = Api::of(who, state, req);
        Box::pin(async move { Ok(SessionInUseCase(api)) })
    }
}

/// Any API caller, signed in or not: the use-case context with an
/// anonymous actor (public reads: branches, sessions, the board).
pub struct Public {
    pub ctx: Ctx,
    /// The caller's language.
    pub lang: Lang,
    pub state: State,
}

impl FromRequest for Public {
    type Error = AppError;
    type Future = std::future::Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        std::future::ready(state(req).map(|state| Public {
            ctx: ctx(&state, None, req),
            lang: lang::of_request(req),
            state,
        }))
    }
}

/// A page form that carries nothing but its CSRF token.
#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    pub csrf: String,
}
