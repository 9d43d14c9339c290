//! Staff administration (admins: every account; supervisors: their
//! branch's CS agents): list, invite, read one, change role, branch or
//! standing. The rules are `app::staff_admin`.

use crate::web::body::Json;
use actix_web::web::Path;
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::ToSchema;

use super::{accepted, created, ok, vocab, Reply};
use crate::app::staff_admin::{self as app, StaffEntry};
use crate::web::extract::Api;

/// A staff account.
#[derive(Serialize, ToSchema)]
pub struct StaffBody {
    pub id: i64,
    pub name: String,
    pub email: String,
    #[schema(value_type = vocab::StaffRole)]
    pub role: String,
    pub branch: Option<String>,
    /// An HR account's company (NPP).
    pub company: Option<String>,
    pub active: bool,
    /// False while an invited account has not set its password yet.
    pub password_set: bool,
    /// RFC 3339 (UTC) of the last sign-in; null when never or not known.
    #[schema(format = DateTime)]
    pub last_sign_in_at: Option<String>,
    #[schema(format = DateTime)]
    pub created_at: String,
}

fn utc(t: chrono::NaiveDateTime) -> String {
    t.and_utc()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

pub fn staff_body(e: StaffEntry) -> StaffBody {
    let s = e.staff;
    StaffBody {
        id: s.id,
        name: s.name,
        email: s.email,
        role: s.role,
        branch: s.branch_code,
        company: s.company_npp,
        active: s.active,
        password_set: e.password_set,
        last_sign_in_at: e.last_sign_in.map(utc),
        created_at: utc(s.created_at),
    }
}

/// The accounts the caller manages, by name.
#[utoipa::path(get, path = "/api/v1/staff",
    responses((status = 200, body = [StaffBody]), (status = 401, body = super::ErrorBody), (status = 403, body = super::ErrorBody)),
    security(("bearer" = [])))]
pub async fn list(api: Api) -> Reply {
    let rows = app::list(&api.ctx).await?;
    ok(rows.into_iter().map(staff_body).collect::<Vec<_>>())
}

/// The body of `POST /api/v1/staff`.
pub use crate::app::staff_admin::Invitation as InvitationRequest;

/// Invites a new staff account: it is made without a password and its
/// owner is mailed a single-use link (valid 7 days) to set one; the
/// link's token is also accepted by `POST /api/v1/auth/password-reset/confirm`.
#[utoipa::path(post, path = "/api/v1/staff", request_body = InvitationRequest,
    responses((status = 201, body = StaffBody), (status = 403, body = super::ErrorBody), (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = [])))]
pub async fn invite(api: Api, body: Json<InvitationRequest>) -> Reply {
    let entry = app::invite(&api.ctx, body.into_inner()).await?;
    created(staff_body(entry))
}

/// One account the caller manages.
#[utoipa::path(get, path = "/api/v1/staff/{id}", params(("id" = i64, Path)),
    responses((status = 200, body = StaffBody), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody)),
    security(("bearer" = [])))]
pub async fn get(api: Api, path: Path<i64>) -> Reply {
    ok(staff_body(app::get(&api.ctx, path.into_inner()).await?))
}

/// A present field, `null` included (absent stays `None`).
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

/// The body of `PATCH /api/v1/staff/{id}`: only the fields to change.
#[derive(Deserialize, ToSchema)]
pub struct StaffChange {
    #[schema(value_type = Option<vocab::AssignableRole>)]
    pub role: Option<String>,
    /// A branch code; null for none (admins, auditors).
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub branch: Option<Option<String>>,
    /// false deactivates the account (every session ends at once), true
    /// reactivates it.
    pub active: Option<bool>,
}

/// Changes an account's role, branch or standing; each change is audited
/// on its own with the old and new values. Nobody changes their own
/// account (`409 own_account`) and the last active admin stays one
/// (`409 last_admin`).
#[utoipa::path(patch, path = "/api/v1/staff/{id}", params(("id" = i64, Path)), request_body = StaffChange,
    responses((status = 200, body = StaffBody), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = [])))]
pub async fn change(api: Api, path: Path<i64>, body: Json<StaffChange>) -> Reply {
    let b = body.into_inner();
    let asked = app::Change {
        role: b.role,
        branch: b.branch,
        active: b.active,
    };
    ok(staff_body(
        app::change(&api.ctx, path.into_inner(), asked).await?,
    ))
}

/// Sends an invited account a new set-password link (valid 7 days); the
/// older links stop working. `409 password_already_set` once the owner has
/// set a password (they use password reset), `409 account_inactive` for a
/// switched-off account.
#[utoipa::path(post, path = "/api/v1/staff/{id}/invitation", params(("id" = i64, Path)),
    responses((status = 202, body = StaffBody), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody)),
    security(("bearer" = [])))]
pub async fn reinvite(api: Api, path: Path<i64>) -> Reply {
    let entry = app::reinvite(&api.ctx, path.into_inner()).await?;
    accepted(staff_body(entry))
}
