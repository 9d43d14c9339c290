//! Branches and their sessions, in each branch's own time zone.

use crate::web::body::Query;
use actix_web::web::Path;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{ok, vocab, Reply};
use crate::app;
use crate::app::claims::parse_date;
use crate::db::branches::{Branch, Slot};
use crate::domain::schedule::to_local;
use crate::web::extract::Public;

#[derive(Serialize, ToSchema)]
pub struct BranchBody {
    pub code: String,
    pub name: String,
    pub city: String,
    pub province: String,
    pub address: String,
    /// IANA zone name, e.g. Asia/Makassar.
    pub timezone: String,
    /// WIB, WITA or WIT.
    pub zone: String,
    #[schema(value_type = vocab::BranchKind)]
    pub kind: String,
    pub one_to_many: bool,
    pub booking_horizon_days: i32,
}

impl From<Branch> for BranchBody {
    fn from(b: Branch) -> Self {
        Self {
            zone: b.zone_label().into(),
            code: b.code,
            name: b.name,
            city: b.city,
            province: b.province,
            address: b.address,
            timezone: b.timezone,
            kind: b.kind,
            one_to_many: b.one_to_many,
            booking_horizon_days: b.booking_horizon_days,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct SlotBody {
    pub id: i64,
    /// RFC 3339 in the branch's own offset.
    #[schema(format = DateTime)]
    pub starts_at: String,
    #[schema(format = DateTime)]
    pub ends_at: String,
    pub capacity: i32,
    pub booked: i32,
    pub available: i32,
    /// Set when the branch closed the session (flood, outage): its reason.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closed_reason: Option<String>,
}

pub fn slot_body(branch: &Branch, s: &Slot) -> SlotBody {
    let tz = branch.tz();
    SlotBody {
        id: s.id,
        starts_at: to_local(tz, s.starts_at).to_rfc3339(),
        ends_at: to_local(tz, s.ends_at).to_rfc3339(),
        capacity: s.capacity,
        booked: s.booked,
        available: s.available(),
        closed_reason: None,
    }
}

/// Every branch.
#[utoipa::path(get, path = "/api/v1/branches", responses((status = 200, body = [BranchBody])))]
pub async fn list(public: Public) -> Reply {
    let all = app::branches::list(&public.ctx).await?;
    ok(all.into_iter().map(BranchBody::from).collect::<Vec<_>>())
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct SlotsQuery {
    /// YYYY-MM-DD, the branch-local date.
    #[param(format = Date)]
    pub date: Option<String>,
}

/// Sessions of a branch on a date (default: today at the branch).
#[utoipa::path(get, path = "/api/v1/branches/{code}/slots", params(("code" = String, Path), SlotsQuery),
    responses((status = 200, body = [SlotBody]), (status = 404, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn slots(public: Public, path: Path<String>, q: Query<SlotsQuery>) -> Reply {
    let ctx = &public.ctx;
    let date = match parse_date("date", q.date.as_deref())? {
        Some(d) => d,
        None => ctx
            .clock
            .now()
            .with_timezone(&chrono_tz::Asia::Jakarta)
            .date_naive(),
    };
    let (branch, slots, _) = app::branches::day(ctx, path.into_inner(), date).await?;
    let closures = if slots.iter().any(|s| s.closure_id.is_some()) {
        app::closures::on_day(ctx, branch.code.clone(), date).await?
    } else {
        Vec::new()
    };
    ok(slots
        .iter()
        .map(|s| SlotBody {
            closed_reason: s
                .closure_id
                .and_then(|id| closures.iter().find(|c| c.id == id))
                .map(|c| c.reason.clone()),
            ..slot_body(&branch, s)
        })
        .collect::<Vec<_>>())
}
