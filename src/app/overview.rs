//! The head office overview (issue 17): every branch's floor on one page
//! for admins and auditors (see `domain::overview`).

use serde::Serialize;
use utoipa::ToSchema;

use super::{read_db, AppError, AppResult, Ctx};
use crate::domain::overview::{self as rules, BranchFigures, Totals};
use crate::domain::role::Role;
use crate::domain::Code;

/// Every branch at one moment.
#[derive(Serialize, ToSchema)]
pub struct Overview {
    /// The wait (minutes) at which a branch is flagged.
    pub threshold_minutes: u32,
    /// RFC 3339 instant of the figures.
    pub at: String,
    pub totals: Totals,
    pub branches: Vec<BranchFigures>,
}

/// Admins and auditors only; anyone else `403`.
pub fn require_head_office(ctx: &Ctx) -> AppResult<()> {
    super::dossier::require_staff(&ctx.actor, &[Role::Admin, Role::Auditor])
}

/// The threshold asked for (blank: the default); not a whole number
/// within 1–600 is `422` naming `threshold_minutes`.
pub fn parse_threshold(asked: Option<&str>) -> AppResult<u32> {
    let asked = match asked.map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(s.parse::<i64>().map_err(|_| bad_threshold())?),
    };
    rules::threshold(asked).ok_or_else(bad_threshold)
}

fn bad_threshold() -> AppError {
    AppError::unprocessable(Code::InvalidField).field("threshold_minutes")
}

/// The figures of every branch now, flagged against the threshold asked
/// for ([`parse_threshold`]).
pub async fn overview(ctx: &Ctx, threshold: Option<&str>) -> AppResult<Overview> {
    require_head_office(ctx)?;
    let threshold = parse_threshold(threshold)?;
    let now = ctx.clock.now();
    let branches = read_db(&ctx.db, move |c| {
        crate::db::overview::figures(c, now, threshold)
    })
    .await?;
    Ok(Overview {
        threshold_minutes: threshold,
        at: now.to_rfc3339(),
        totals: rules::totals(&branches),
        branches,
    })
}
