//! Video over HTTP: the ICE servers browsers use (a setting), and the still
//! an agent takes from the participant's video as identity evidence,
//! stored like any claim document (kind `identity_photo`, through the same
//! upload checks and document store) and written to the audit log.

use actix_multipart::Multipart;
use actix_web::web::Path;
use actix_web::{HttpRequest, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

use super::documents::DocumentBody;
use super::{created, Reply};
use crate::app::error::AppError;
use crate::app::floor::devices;
use crate::app::video as app;
use crate::domain::video::IceServer;
use crate::web::auth::{device_token, identify};
use crate::web::extract::{Api, Public};
use crate::web::files::read_upload;

#[derive(Serialize, ToSchema)]
pub struct IceConfig {
    /// `RTCIceServer` entries (`urls`, and for TURN `username` and
    /// `credential`); empty on a branch LAN, where host candidates suffice.
    #[schema(value_type = Vec<Object>)]
    pub ice_servers: Vec<IceServer>,
}

/// The ICE servers for video (signed-in callers and booth computers).
#[utoipa::path(get, path = "/api/v1/video/ice",
    responses((status = 200, body = IceConfig), (status = 401, body = super::ErrorBody)),
    security(("bearer" = [])))]
pub async fn ice(req: HttpRequest, public: Public) -> Reply {
    let token = device_token(&req);
    let known =
        identify(&req).await?.is_some() || devices::booth(&public.ctx, token).await?.is_some();
    if !known {
        return Err(AppError::unauthenticated());
    }
    Ok(HttpResponse::Ok()
        .insert_header(("cache-control", "no-store"))
        .json(IceConfig {
            ice_servers: public.ctx.settings.ice_servers.clone(),
        }))
}

/// Stores a still from the participant's video (multipart field `file`,
/// JPEG or PNG) as the claim's `identity_photo` document (the agent of the
/// open session only). Checked like every upload; metadata is stripped.
#[utoipa::path(post, path = "/api/v1/video/sessions/{id}/still", params(("id" = i64, Path)),
    request_body(content_type = "multipart/form-data", description = "field: file (JPEG or PNG)"),
    responses((status = 201, body = DocumentBody), super::ClaimUploadErrors),
    security(("bearer" = [])))]
pub async fn still(req: HttpRequest, api: Api, path: Path<i64>, payload: Multipart) -> Reply {
    // Refuse before reading the body when the session is not theirs.
    let target = app::still_target(&api.ctx, path.into_inner()).await?;
    let form = read_upload(&req, payload, api.ctx.settings.max_upload_bytes)
        .await?
        .require_file()?;
    let store = api.state.store.clone();
    let doc = app::store_still(&api.ctx, store, target, form.file_name, form.bytes).await?;
    created(DocumentBody::from(&doc))
}
