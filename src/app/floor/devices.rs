//! Kiosk and booth computers: a supervisor issues a device credential (the
//! token is shown once and kept in the browser's cookie); each request
//! from that browser finds its device by the token.

use super::{branch_subject, manager_of, AppError, AppResult, Ctx};
use crate::app::{read_db, write_db};
use crate::db::devices::{self, Device};
use crate::db::{audit, auth as sessions, branches::Branch, floor};
use crate::domain::floor::DeviceKind;
use crate::domain::Code;

/// Which device a credential is for.
pub struct DeviceRequest {
    /// `kiosk` or `booth`, as typed (an unknown word is refused).
    pub kind: String,
    /// For a booth computer: its booth number.
    pub booth: Option<i32>,
    pub label: Option<String>,
    /// The session of the person activating the device in its own browser
    /// (a kiosk or booth page): it ends with the activation, in the same
    /// transaction, so the shared device never carries that person's
    /// access. `None` when the token is fetched for another browser (API).
    pub ends_session: Option<String>,
}

/// Issues a device credential for a kiosk or booth computer of the branch
/// (its supervisor, or an admin): the device and its one-time token.
pub async fn issue(ctx: &Ctx, code: String, r: DeviceRequest) -> AppResult<(Device, String)> {
    manager_of(&ctx.actor, &code)?;
    // An unknown branch is 404 before anything about the request body.
    let branch = super::super::branches::find(ctx, code).await?;
    let DeviceRequest {
        kind,
        booth,
        label,
        ends_session,
    } = r;
    let kind = DeviceKind::parse(kind.trim())
        .map_err(|_| AppError::unprocessable(Code::InvalidDeviceKind).field("kind"))?;
    let creator = ctx.actor.id.ok_or_else(AppError::forbidden)?;
    let (actor, now) = (ctx.actor.clone(), ctx.clock.now_naive());
    write_db(&ctx.db, move |c| -> AppResult<_> {
        floor::ensure_booths(c, &branch)?;
        let unknown = || AppError::unprocessable(Code::UnknownBooth).field("booth");
        let booth_id = match (kind, booth) {
            (DeviceKind::Booth, Some(n)) => Some(
                floor::booths_of(c, &branch.code)?
                    .into_iter()
                    .find(|b| b.number == n)
                    .ok_or_else(unknown)?
                    .id,
            ),
            (DeviceKind::Booth, None) => return Err(unknown()),
            (DeviceKind::Kiosk, _) => None,
        };
        let label = label.unwrap_or_else(|| match booth {
            Some(n) => format!("Bilik {n}"),
            None => "Kios".into(),
        });
        let label: String = label.chars().take(60).collect();
        let issued = devices::issue(c, &branch.code, kind, booth_id, &label, creator, now)?;
        if let Some(sid) = &ends_session {
            sessions::revoke(c, sid, now)?;
        }
        let detail = serde_json::json!({
            "device": issued.0.id,
            "kind": kind,
            "session_ended": ends_session.is_some(),
        });
        let subject = branch_subject(&branch.code);
        audit::record(c, now, &actor, "device_issued", &subject, detail)?;
        Ok(issued)
    })
    .await
}

async fn by_token(ctx: &Ctx, token: String) -> AppResult<Option<Device>> {
    read_db(&ctx.db, move |c| devices::by_token(c, &token)).await
}

/// The kiosk a browser's device token names, when it belongs to `branch`.
pub async fn kiosk(ctx: &Ctx, token: Option<String>, branch: &str) -> AppResult<Option<Device>> {
    let Some(token) = token else { return Ok(None) };
    let d = by_token(ctx, token).await?;
    Ok(d.filter(|d| d.branch_code == branch && d.kind == DeviceKind::Kiosk))
}

/// The booth computer a browser's device token names.
pub async fn booth(ctx: &Ctx, token: Option<String>) -> AppResult<Option<Device>> {
    let Some(token) = token.filter(|v| v.starts_with(devices::TOKEN_PREFIX)) else {
        return Ok(None);
    };
    let d = by_token(ctx, token).await?;
    Ok(d.filter(|d| d.kind == DeviceKind::Booth && d.booth_id.is_some()))
}

/// What a booth's screen shows: the branch, whether this computer is the
/// booth's, and the open session in the booth (id and ticket number).
pub struct BoothState {
    pub branch: Branch,
    pub active: bool,
    pub session: Option<(i64, String)>,
}

/// Booth `number` of branch `code` as seen from a browser holding `device`.
pub async fn booth_state(
    ctx: &Ctx,
    code: String,
    number: i32,
    device: Option<Device>,
) -> AppResult<BoothState> {
    read_db(&ctx.db, move |c| -> AppResult<_> {
        let branch = crate::db::branches::find(c, &code)?
            .filter(|b| (1..=b.booths.max(1)).contains(&number))
            .ok_or_else(|| AppError::not_found(Code::UnknownBooth))?;
        let booth = floor::booths_of(c, &branch.code)?
            .into_iter()
            .find(|b| b.number == number);
        let active = match (&device, &booth) {
            (Some(d), Some(b)) => d.branch_code == branch.code && d.booth_id == Some(b.id),
            _ => false,
        };
        let session = match (&booth, active) {
            (Some(b), true) => crate::db::video::session_in_booth(c, b.id)?,
            _ => None,
        };
        Ok(BoothState {
            branch,
            active,
            session,
        })
    })
    .await
}
