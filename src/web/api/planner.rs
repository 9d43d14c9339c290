//! The capacity planner (supervisor, admin): a simulated branch day.

use crate::web::body::Json;

use super::{ok, Reply};
use crate::app;
use crate::web::extract::Api;

/// The body of `POST /api/v1/planner/simulate`.
pub use crate::domain::planner::PlanRequest as PlannerRequest;

/// Simulates one branch day `runs` times: Poisson walk-ins per opening
/// hour (or a recorded day), bookings, agents with seats, a service time
/// distribution and the concurrency model. With one seat per agent and
/// exponential service it is an M/M/c queue. 422 `invalid_plan` names the
/// field refused.
#[utoipa::path(post, path = "/api/v1/planner/simulate", request_body = PlannerRequest,
    responses((status = 200, body = crate::domain::planner::Forecast), (status = 401, body = super::ErrorBody),
        (status = 403, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = [])))]
pub async fn simulate(api: Api, body: Json<PlannerRequest>) -> Reply {
    ok(app::planner::simulate(&api.ctx, body.into_inner()).await?)
}
