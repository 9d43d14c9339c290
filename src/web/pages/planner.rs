//! The capacity planner page (supervisors, admins): a GET form, since it
//! only calculates; a refused field comes back in the page with its
//! sentence (422), never as an error page.

use crate::web::body::Query;
use actix_web::http::StatusCode;
use actix_web::HttpResponse;

use super::PageCtx;
use crate::app::planner;
use crate::domain::planner::form::PlannerForm;
use crate::views::components::FieldError;
use crate::views::planner as view;

pub async fn page(ctx: PageCtx, q: Query<PlannerForm>) -> HttpResponse {
    ctx.page(async {
        ctx.who()?;
        let c = planner::compare(&ctx.app(), q.into_inner()).await?;
        let errors: Vec<FieldError> = c
            .errors
            .iter()
            .map(|e| FieldError {
                field: e.field.clone(),
                message: ctx.t(e.detail).to_string(),
            })
            .collect();
        let body = view::page(
            &ctx.frame(),
            &view::Planner {
                branch: &c.branch,
                branches: &c.branches,
                form: &c.form,
                errors: &errors,
                results: &c.results,
                recorded: c.recorded.as_ref().map(|(d, r)| (*d, r)),
                calibration: &c.calibration,
            },
        );
        let status = if errors.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        Ok(ctx.render(status, ctx.t("planner_title"), body))
    })
    .await
}
