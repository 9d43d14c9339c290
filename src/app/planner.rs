//! The capacity planner: simulates a branch day for a supervisor or an
//! admin. Nothing is read or written; the simulation is CPU work, run off
//! the async executor.

use super::dossier::require_staff;
use super::{blocking, AppResult, Ctx};
use crate::domain::planner::{self, Forecast, Plan, PlanRequest};
use crate::domain::role::Role;

/// Checks the request, then simulates its day `runs` times (and searches
/// the staffing when it names a target wait).
pub async fn simulate(ctx: &Ctx, request: PlanRequest) -> AppResult<Forecast> {
    require_staff(&ctx.actor, &[Role::Supervisor, Role::Admin])?;
    let plan = Plan::parse(&request)?;
    blocking(move || planner::forecast(&plan)).await
}
