//! What handlers take from a request besides its body: the one way to
//! build the audit actor (who, from which address, in which request) and
//! the use-case context around it.

use actix_web::HttpRequest;

use crate::app::Ctx;
use crate::db::audit::Actor;
use crate::web::auth::Identity;
use crate::web::{client_ip, AppState};

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
        None => (None, "anonymous".to_string(), None),
        Some(Identity::Participant { id, .. }) => (Some(*id), "participant".to_string(), None),
        Some(Identity::Staff {
            id, role, branch, ..
        }) => (Some(*id), role.as_str().to_string(), branch.clone()),
        Some(Identity::Device {
            id, kind, branch, ..
        }) => (Some(*id), kind.clone(), Some(branch.clone())),
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
