//! The service floor of a branch (`/staff/floor`): its supervisor's view
//! and actions, and head office's (an admin picks the branch). Every
//! action comes back to the floor it was taken on.

use crate::web::body::{Form, Query};
use actix_web::web::Path;
use actix_web::HttpResponse;
use serde::Deserialize;

use super::{redirect, urlencode, PageCtx};
use crate::app::error::AppError;
use crate::app::floor::{self as app, console};
use crate::domain::Code;
use crate::views::floor as view;

#[derive(Deserialize)]
pub struct FloorQuery {
    pub branch: Option<String>,
}

pub async fn supervisor_floor(ctx: PageCtx, q: Query<FloorQuery>) -> HttpResponse {
    ctx.page(async {
        ctx.who()?;
        let actx = ctx.app();
        let f = console::floor_view(&actx, q.branch.clone()).await?;
        let body = view::supervisor(&ctx.frame(), &f.branch, &f.choices, &f.view, &f.names);
        Ok(ctx.ok(ctx.t("floor_title"), body))
    })
    .await
}

/// The floor of `branch` (a form's hidden field or the path): a
/// supervisor's is their own whatever it says, an admin's the one they
/// acted on.
fn floor_of(branch: &str) -> HttpResponse {
    if branch.is_empty() {
        redirect("/staff/floor")
    } else {
        redirect(&format!("/staff/floor?branch={}", urlencode(branch)))
    }
}

#[derive(Deserialize)]
pub struct PriorityForm {
    #[serde(default)]
    pub csrf: String,
    pub priority: String,
    #[serde(default)]
    pub branch: String,
}

pub async fn set_priority(ctx: PageCtx, path: Path<i64>, form: Form<PriorityForm>) -> HttpResponse {
    ctx.submit(form.csrf.clone(), |actx| async move {
        app::set_priority(&actx, path.into_inner(), &form.priority).await?;
        Ok(floor_of(&form.branch))
    })
    .await
}

#[derive(Deserialize)]
pub struct AgentStatusForm {
    #[serde(default)]
    pub csrf: String,
    pub status: String,
    #[serde(default)]
    pub branch: String,
}

/// A supervisor pauses (or resumes) an agent of their branch.
pub async fn agent_status(
    ctx: PageCtx,
    path: Path<i64>,
    form: Form<AgentStatusForm>,
) -> HttpResponse {
    ctx.submit(form.csrf.clone(), |actx| async move {
        console::agent_status(&actx, path.into_inner(), &form.status).await?;
        Ok(floor_of(&form.branch))
    })
    .await
}

#[derive(Deserialize)]
pub struct SettingsForm {
    #[serde(default)]
    pub csrf: String,
    /// Text, as the cap: a number the browser let through out of range
    /// (or past `i32`) is refused with the setting's own sentence, not
    /// the form reader's, which names the field by its name.
    pub seats_per_agent: String,
    #[serde(default)]
    pub walk_in_cap: String,
}

pub async fn settings_submit(
    ctx: PageCtx,
    path: Path<String>,
    form: Form<SettingsForm>,
) -> HttpResponse {
    let code = path.into_inner();
    ctx.submit(form.csrf.clone(), |actx| async move {
        // An empty cap field removes the cap.
        let cap = match form.walk_in_cap.trim() {
            "" => -1,
            v => v
                .parse::<i32>()
                .map_err(|_| AppError::unprocessable(Code::InvalidCapacity))?,
        };
        let seats =
            form.seats_per_agent.trim().parse::<i32>().map_err(|_| {
                AppError::unprocessable(Code::InvalidSeats).field("seats_per_agent")
            })?;
        let seats = Some(seats);
        app::settings(&actx, code.clone(), seats, Some(cap)).await?;
        Ok(floor_of(&code))
    })
    .await
}

#[derive(Deserialize)]
pub struct ReassignForm {
    #[serde(default)]
    pub csrf: String,
    pub to_agent: i64,
    #[serde(default)]
    pub branch: String,
}

/// A supervisor moves a participant to another agent of the branch.
pub async fn reassign(ctx: PageCtx, path: Path<i64>, form: Form<ReassignForm>) -> HttpResponse {
    ctx.submit(form.csrf.clone(), |actx| async move {
        console::reassign(&actx, path.into_inner(), form.to_agent).await?;
        Ok(floor_of(&form.branch))
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::floor_of;

    fn location(code: &str) -> String {
        let r = floor_of(code);
        let to = r.headers().get("location").and_then(|v| v.to_str().ok());
        to.unwrap_or_default().to_string()
    }

    #[test]
    fn an_action_comes_back_to_its_floor_and_nowhere_else() {
        assert_eq!(location("JKT-CILANDAK"), "/staff/floor?branch=JKT-CILANDAK");
        assert_eq!(location(""), "/staff/floor");
        // Whatever a form carries stays one query value.
        assert_eq!(location("X&admin=1"), "/staff/floor?branch=X%26admin%3D1");
        assert_eq!(
            location("x\r\nSet-Cookie: a=b"),
            "/staff/floor?branch=x%0D%0ASet-Cookie%3A+a%3Db"
        );
    }
}
