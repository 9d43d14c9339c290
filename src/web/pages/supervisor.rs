//! The service floor of a branch (`/staff/floor`): its supervisor's view
//! and actions, and head office's (an admin picks the branch). Every
//! action comes back to the floor it was taken on.

use actix_web::web::{Form, Path, Query};
use actix_web::HttpResponse;
use serde::Deserialize;

use super::{redirect, PageCtx};
use crate::app::error::AppError;
use crate::app::floor::{self as app, console};
use crate::domain::role::Role;
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
        let (branch, data, names) = console::floor_view(&actx, q.branch.clone()).await?;
        // Head office sees every branch's floor: the picker.
        let branches = match ctx.frame().role {
            Some(Role::Admin) => crate::app::branches::list(&actx).await?,
            _ => Vec::new(),
        };
        let body = view::supervisor(&ctx.frame(), &branch, &branches, &data, &names);
        Ok(ctx.ok(ctx.t("floor_title"), body))
    })
    .await
}

/// The floor of `branch` (a form's hidden field or the path): a
/// supervisor's is their own whatever it says, an admin's the one they
/// acted on. Anything but a branch code's letters, digits and dashes
/// leaves the query out.
fn floor_of(branch: &str) -> HttpResponse {
    let code = !branch.is_empty()
        && branch.len() <= 40
        && branch
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if code {
        redirect(&format!("/staff/floor?branch={branch}"))
    } else {
        redirect("/staff/floor")
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
    pub seats_per_agent: i32,
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
        let seats = Some(form.seats_per_agent);
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
        for odd in [
            "",
            "a b",
            "X&admin=1",
            "x\r\nSet-Cookie: a=b",
            "ÄÖ",
            &"A".repeat(41),
        ] {
            assert_eq!(location(odd), "/staff/floor", "{odd:?}");
        }
    }
}
