//! The capacity planner: simulates a branch day for a supervisor or an
//! admin, as the API's one request or as the planner page's comparison of
//! configurations. Nothing is written; the simulation is CPU work, run off
//! the async executor.

use chrono::NaiveDate;

use super::dossier::require_staff;
use super::{blocking, read_db, AppError, AppResult, Ctx};
use crate::db::branches::Branch;
use crate::db::floor;
use crate::domain::planner::calibrate::{calibrate, Calibration};
use crate::domain::planner::form::{FormError, PlannerForm};
use crate::domain::planner::{self, Forecast, Plan, PlanRequest, RecordedDay};
use crate::domain::role::Role;
use crate::domain::schedule::day_sessions_utc;
use crate::domain::Code;

/// Checks the request, then simulates its day `runs` times (and searches
/// the staffing when it names a target wait).
pub async fn simulate(ctx: &Ctx, request: PlanRequest) -> AppResult<Forecast> {
    require_staff(&ctx.actor, &[Role::Supervisor, Role::Admin])?;
    let plan = Plan::parse(&request)?;
    blocking(move || planner::forecast(&plan)).await
}

/// What the planner page shows.
pub struct Comparison {
    /// The branch whose floor and recorded days the page starts from.
    pub branch: Branch,
    /// Every branch, for an admin to pick one (empty for a supervisor).
    pub branches: Vec<Branch>,
    pub form: PlannerForm,
    pub errors: Vec<FormError>,
    /// The forecast of each configuration compared (its number, 1-based).
    pub results: Vec<(usize, Forecast)>,
    /// The recorded day replayed, with what really happened that day.
    pub recorded: Option<(NaiveDate, RecordedDay)>,
    /// The concurrency model simulated: calibrated from the branch's
    /// recorded sessions, or the default.
    pub calibration: Calibration,
}

/// The planner page: an empty form starts from the branch's floor as it
/// is; a filled one is checked field by field and each configuration
/// simulated on the same seed.
pub async fn compare(ctx: &Ctx, form: PlannerForm) -> AppResult<Comparison> {
    require_staff(&ctx.actor, &[Role::Supervisor, Role::Admin])?;
    let admin = ctx.actor.role.is(Role::Admin);
    let branches = if admin {
        super::branches::list(ctx).await?
    } else {
        Vec::new()
    };
    let code = if admin {
        Some(form.branch.trim())
            .filter(|b| !b.is_empty())
            .map(str::to_string)
            .or_else(|| branches.first().map(|b| b.code.clone()))
    } else {
        ctx.actor.branch.clone()
    };
    let code = code.ok_or_else(|| AppError::not_found(Code::BranchNotFound))?;
    let branch = super::branches::find(ctx, code).await?;
    let calibration = calibration(ctx, &branch).await?;
    let mut page = Comparison {
        branch,
        branches,
        form,
        errors: Vec::new(),
        results: Vec::new(),
        recorded: None,
        calibration,
    };
    if !page.form.submitted() {
        let b = page.branch.code.clone();
        let agents = read_db(&ctx.db, move |c| floor::agents_of(c, &b))
            .await?
            .len();
        page.form = PlannerForm {
            branch: page.form.branch.clone(),
            ..PlannerForm::suggested(
                u32::try_from(agents).unwrap_or(1),
                u32::try_from(page.branch.seats_per_agent).unwrap_or(1),
                page.branch.walk_in_cap.and_then(|c| u32::try_from(c).ok()),
            )
        };
        return Ok(page);
    }
    match page.form.recorded_day() {
        Ok(Some(day)) => match recorded(ctx, &page.branch, day).await? {
            Some(r) => page.recorded = Some((day, r)),
            None => page.errors.push(FormError {
                field: "day".into(),
                detail: "planner_day_empty",
            }),
        },
        Ok(None) => {}
        Err(e) => page.errors.push(e),
    }
    if !page.errors.is_empty() {
        return Ok(page);
    }
    match page.form.plans(page.recorded.as_ref().map(|(_, r)| r)) {
        Ok(mut plans) => {
            // Seats were checked against the default model's levels; the
            // calibrated one has as many.
            for (_, p) in &mut plans {
                if p.concurrency.len() == page.calibration.concurrency.len() {
                    p.concurrency = page.calibration.concurrency.clone();
                }
            }
            page.results = blocking(move || {
                plans
                    .iter()
                    .map(|(i, p)| (*i, planner::forecast(p)))
                    .collect()
            })
            .await?;
        }
        Err(errors) => page.errors = errors,
    }
    Ok(page)
}

/// The branch's concurrency model from its latest recorded sessions (the
/// default with too few).
async fn calibration(ctx: &Ctx, branch: &Branch) -> AppResult<Calibration> {
    let code = branch.code.clone();
    let now = ctx.clock.now().naive_utc();
    let sessions = read_db(&ctx.db, move |c| floor::calibration_sessions(c, &code, now)).await?;
    blocking(move || calibrate(&sessions)).await
}

/// A recorded day of the branch, or None when nobody came that day.
async fn recorded(ctx: &Ctx, branch: &Branch, day: NaiveDate) -> AppResult<Option<RecordedDay>> {
    let code = branch.code.clone();
    let record = read_db(&ctx.db, move |c| floor::day_record(c, &code, day)).await?;
    if record.tickets.is_empty() {
        return Ok(None);
    }
    let sessions = day_sessions_utc(branch.tz(), day);
    let (Some((opening, _)), Some((_, closing))) = (sessions.first(), sessions.last()) else {
        return Ok(None);
    };
    let hours = ((*closing - *opening).num_minutes() as f64 / 60.0).ceil() as u32;
    Ok(Some(planner::recorded_day(
        *opening,
        hours,
        &record.arrivals(),
        &record.served_sessions(),
    )))
}
