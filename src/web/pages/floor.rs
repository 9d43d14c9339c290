//! Floor pages: the kiosk, the display board, the CS console and the
//! supervisor's floor view.

use actix_web::cookie::{time, Cookie, SameSite};
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use super::{redirect, PageCtx};
use crate::app::error::{AppError, AppResult};
use crate::db::{branches, claims, documents as docs, floor, run};
use crate::domain::floor::{AgentStatus, Outcome, Priority};
use crate::domain::role::Role;
use crate::views::floor as view;
use crate::web::api::floor::{self as api};
use crate::web::auth::{Identity, DEVICE_COOKIE};
use crate::web::State;

/// The kiosk device of this browser, when it belongs to `branch`.
async fn kiosk_device(
    state: &State,
    req: &HttpRequest,
    branch: &str,
) -> AppResult<Option<crate::db::devices::Device>> {
    let Some(token) = req.cookie(DEVICE_COOKIE).map(|c| c.value().to_string()) else {
        return Ok(None);
    };
    let branch = branch.to_string();
    run(&state.db, move |db| {
        db.read(|c| -> AppResult<_> { Ok(crate::db::devices::by_token(c, &token)?) })
    })
    .await
    .map(|d| d.filter(|d| d.branch_code == branch && d.kind == "kiosk"))
}

async fn branch_or_404(state: &State, code: String) -> AppResult<branches::Branch> {
    run(&state.db, move |db| {
        db.read(|c| -> AppResult<_> { Ok(branches::find(c, &code)?) })
    })
    .await?
    .ok_or_else(|| AppError::not_found("branch_not_found"))
}

pub async fn kiosk(req: HttpRequest, state: State, path: web::Path<String>) -> HttpResponse {
    let ctx = PageCtx::new(&req).await;
    let r = async {
        let branch = branch_or_404(&state, path.into_inner()).await?;
        let device = kiosk_device(&state, &req, &branch.code).await?;
        let can_activate = ctx.who.as_ref().is_some_and(|w| {
            w.staff_covers_branch(&branch.code)
                && w.require_staff(&[Role::Admin, Role::Supervisor]).is_ok()
        });
        let body = view::kiosk(&ctx.frame(), &branch, device.is_some(), can_activate, None);
        Ok(ctx.ok(&branch.name, body))
    }
    .await;
    ctx.finish(r)
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    pub csrf: String,
}

pub async fn kiosk_activate(
    req: HttpRequest,
    state: State,
    path: web::Path<String>,
    form: web::Form<CsrfForm>,
) -> HttpResponse {
    let ctx = PageCtx::new(&req).await;
    let code = path.into_inner();
    let r = async {
        ctx.check_csrf(&form.csrf)?;
        let who = ctx.who.clone().ok_or_else(AppError::unauthenticated)?;
        let (_, token) = api::new_device(
            &state,
            &req,
            &who,
            code.clone(),
            "kiosk".into(),
            None,
            Some("Kios".into()),
        )
        .await?;
        let cookie = Cookie::build(DEVICE_COOKIE, token)
            .path("/")
            .http_only(true)
            .same_site(SameSite::Strict)
            .max_age(time::Duration::days(365))
            .finish();
        let mut res = redirect(&format!("/kiosk/{code}"));
        let _ = res.add_cookie(&cookie);
        Ok(res)
    }
    .await;
    ctx.finish(r)
}

#[derive(Deserialize)]
pub struct KioskForm {
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub nik: String,
}

pub async fn kiosk_submit(
    req: HttpRequest,
    state: State,
    path: web::Path<String>,
    form: web::Form<KioskForm>,
) -> HttpResponse {
    let ctx = PageCtx::new(&req).await;
    let r = async {
        ctx.check_csrf(&form.csrf)?;
        let branch = branch_or_404(&state, path.into_inner()).await?;
        let device = kiosk_device(&state, &req, &branch.code)
            .await?
            .ok_or_else(|| AppError::forbidden().detail("kiosk_not_active"))?;
        let who = Identity::Device {
            id: device.id,
            branch: device.branch_code.clone(),
            kind: device.kind.clone(),
            booth_id: None,
        };
        let outcome = api::issue_ticket(
            &state,
            &req,
            &who,
            branch.code.clone(),
            &form.nik,
            Priority::None,
        )
        .await;
        let body = match outcome {
            Ok(a) => view::kiosk_ticket(&ctx.frame(), &branch, &a),
            Err(e) if e.status.is_client_error() => view::kiosk(
                &ctx.frame(),
                &branch,
                true,
                false,
                Some(&e.message(ctx.lang)),
            ),
            Err(e) => return Err(e),
        };
        Ok(ctx.ok(&branch.name, body))
    }
    .await;
    ctx.finish(r)
}

pub async fn board(req: HttpRequest, state: State, path: web::Path<String>) -> HttpResponse {
    let ctx = PageCtx::new(&req).await;
    let r = async {
        let (branch, b) = api::board_of(&state, path.into_inner()).await?;
        Ok(ctx.ok(&branch.name, view::board(&ctx.frame(), &branch, &b)))
    }
    .await;
    ctx.finish(r)
}

#[derive(Deserialize)]
pub struct ConsoleQuery {
    pub error: Option<String>,
}

pub async fn console(req: HttpRequest, state: State, q: web::Query<ConsoleQuery>) -> HttpResponse {
    let ctx = PageCtx::new(&req).await;
    let r = async {
        let who = ctx.who.clone().ok_or_else(AppError::unauthenticated)?;
        let (staff_id, branch_code) = api::cs_of(&who)?;
        let sessions = api::sessions_of(&state, staff_id).await?;
        let claim_ids: Vec<i64> = sessions.iter().filter_map(|s| s.claim_id).collect();
        let session_ids: Vec<i64> = sessions.iter().map(|s| s.id).collect();
        let bc = branch_code.clone();
        let (agent, dossiers, peers, branch, confirmed) = run(&state.db, move |db| {
            db.read(|c| -> AppResult<_> {
                let mut dossiers = Vec::new();
                for id in claim_ids {
                    if let Some(claim) = claims::find(c, id)? {
                        dossiers.push(docs::dossier(c, claim)?);
                    }
                }
                let peers: Vec<floor::AgentRow> = floor::agents_of(c, &bc)?
                    .into_iter()
                    .filter(|a| {
                        a.staff_id != staff_id && a.status == "on_duty" && a.active < a.seats
                    })
                    .collect();
                let branch = branches::find(c, &bc)?
                    .ok_or_else(|| AppError::not_found("branch_not_found"))?;
                let confirmed = floor::identity_confirmed(c, &session_ids)?;
                Ok((
                    floor::agent(c, staff_id)?,
                    dossiers,
                    peers,
                    branch,
                    confirmed,
                ))
            })
        })
        .await?;
        let mut peer_names = Vec::new();
        for p in &peers {
            let name = api::staff_row(&state, p.staff_id)
                .await?
                .map(|s| s.name)
                .unwrap_or_default();
            peer_names.push((p.staff_id, name));
        }
        let body = view::console(
            &ctx.frame(),
            &view::Console {
                branch: &branch,
                agent: agent.as_ref(),
                sessions: &sessions,
                dossiers: &dossiers,
                peers: &peer_names,
                confirmed: &confirmed,
                error: q
                    .error
                    .as_deref()
                    .filter(|e| crate::i18n::has(e))
                    .map(|e| ctx.t(e)),
            },
        );
        Ok(ctx.ok(ctx.t("console_title"), body))
    }
    .await;
    ctx.finish(r)
}

#[derive(Deserialize)]
pub struct StatusForm {
    #[serde(default)]
    pub csrf: String,
    pub status: String,
}

pub async fn console_status(
    req: HttpRequest,
    state: State,
    form: web::Form<StatusForm>,
) -> HttpResponse {
    let ctx = PageCtx::new(&req).await;
    let r = async {
        ctx.check_csrf(&form.csrf)?;
        let who = ctx.who.clone().ok_or_else(AppError::unauthenticated)?;
        let (staff_id, branch) = api::cs_of(&who)?;
        let status = AgentStatus::parse(&form.status)
            .ok_or_else(|| AppError::unprocessable("invalid_status"))?;
        api::change_status(&state, &req, &who, staff_id, branch, status).await?;
        Ok(redirect("/console"))
    }
    .await;
    ctx.finish(r)
}

#[derive(Deserialize)]
pub struct FinishForm {
    #[serde(default)]
    pub csrf: String,
    pub outcome: String,
    pub to_agent: Option<i64>,
    /// For `rejected`: the review reason code and a note.
    pub reason: Option<String>,
    pub note: Option<String>,
}

pub async fn console_finish(
    req: HttpRequest,
    state: State,
    path: web::Path<i64>,
    form: web::Form<FinishForm>,
) -> HttpResponse {
    let ctx = PageCtx::new(&req).await;
    let r = async {
        ctx.check_csrf(&form.csrf)?;
        let who = ctx.who.clone().ok_or_else(AppError::unauthenticated)?;
        let session = path.into_inner();
        if form.outcome == "transferred" {
            let (staff_id, _) = api::cs_of(&who)?;
            let to = form
                .to_agent
                .ok_or_else(|| AppError::unprocessable("agent_not_found"))?;
            let actor = crate::web::extract::actor(Some(&who), &req);
            let now = state.clock.now();
            run(&state.db, move |db| {
                db.write(|c| floor::transfer(c, staff_id, session, to, now, &actor))
            })
            .await?;
        } else {
            let outcome = Outcome::parse(&form.outcome)
                .ok_or_else(|| AppError::unprocessable("invalid_outcome"))?;
            if outcome == Outcome::Rejected {
                // The claim is rejected with its reason first; the session
                // then closes with that outcome.
                let (staff_id, _) = api::cs_of(&who)?;
                let claim_id = api::sessions_of(&state, staff_id)
                    .await?
                    .into_iter()
                    .find(|s| s.id == session)
                    .and_then(|s| s.claim_id)
                    .ok_or_else(|| AppError::conflict("no_claim"))?;
                let decided = crate::app::claims::decide(
                    &crate::web::extract::ctx(&state, Some(&who), &req),
                    claim_id,
                    crate::domain::claim::ClaimStatus::Rejected,
                    form.reason.clone(),
                    form.note.clone(),
                )
                .await;
                match decided {
                    Ok(_) => {}
                    Err(e) if e.status == crate::app::Status::Unprocessable => {
                        return Ok(redirect(&format!(
                            "/console?error={}#session-{session}",
                            e.detail
                        )));
                    }
                    Err(e) => return Err(e),
                }
            }
            match api::end_session(&state, &req, &who, session, outcome).await {
                Ok(_) => {}
                Err(e) if e.code == "documents_not_accepted" || e.code == "no_claim" => {
                    return Ok(redirect(&format!(
                        "/console?error={}#session-{session}",
                        e.code
                    )));
                }
                Err(e) => return Err(e),
            }
        }
        Ok(redirect("/console"))
    }
    .await;
    ctx.finish(r)
}

pub async fn supervisor_floor(
    req: HttpRequest,
    state: State,
    q: web::Query<FloorQuery>,
) -> HttpResponse {
    let ctx = PageCtx::new(&req).await;
    let r = async {
        let who = ctx.who.clone().ok_or_else(AppError::unauthenticated)?;
        who.require_staff(&[Role::Admin, Role::Supervisor])?;
        let code = match &who {
            Identity::Staff {
                role: Role::Supervisor,
                branch: Some(b),
                ..
            } => b.clone(),
            _ => q.branch.clone().unwrap_or_else(|| "DPS-DENPASAR".into()),
        };
        let branch = branch_or_404(&state, code).await?;
        let now = state.clock.now();
        let b = branch.clone();
        let data = run(&state.db, move |db| {
            db.read(|c| floor::floor_view(c, &b, now))
        })
        .await?;
        let mut names = Vec::new();
        for a in &data.agents {
            names.push(
                api::staff_row(&state, a.staff_id)
                    .await?
                    .map(|s| s.name)
                    .unwrap_or_default(),
            );
        }
        let body = view::supervisor(&ctx.frame(), &branch, &data, &names);
        Ok(ctx.ok(ctx.t("floor_title"), body))
    }
    .await;
    ctx.finish(r)
}

#[derive(Deserialize)]
pub struct FloorQuery {
    pub branch: Option<String>,
}

#[derive(Deserialize)]
pub struct PriorityForm {
    #[serde(default)]
    pub csrf: String,
    pub priority: String,
}

pub async fn set_priority(
    req: HttpRequest,
    state: State,
    path: web::Path<i64>,
    form: web::Form<PriorityForm>,
) -> HttpResponse {
    let ctx = PageCtx::new(&req).await;
    let r = async {
        ctx.check_csrf(&form.csrf)?;
        let who = ctx.who.clone().ok_or_else(AppError::unauthenticated)?;
        who.require_staff(&[Role::Admin, Role::Supervisor])?;
        let priority = Priority::parse(&form.priority)
            .ok_or_else(|| AppError::unprocessable("invalid_priority"))?;
        let ticket_id = path.into_inner();
        let actor = crate::web::extract::actor(Some(&who), &req);
        let now = state.clock.now();
        run(&state.db, move |db| {
            db.write(|c| -> AppResult<()> {
                let t = floor::ticket(c, ticket_id)?
                    .ok_or_else(|| AppError::not_found("ticket_not_found"))?;
                if !who.staff_covers_branch(&t.branch_code) {
                    return Err(AppError::not_found("ticket_not_found"));
                }
                floor::set_priority(c, &t, priority, now, &actor)
            })
        })
        .await?;
        Ok(redirect("/staff/floor"))
    }
    .await;
    ctx.finish(r)
}

#[derive(Deserialize)]
pub struct PauseForm {
    #[serde(default)]
    pub csrf: String,
    pub status: String,
}

/// A supervisor pauses (or resumes) an agent of their branch.
pub async fn agent_status(
    req: HttpRequest,
    state: State,
    path: web::Path<i64>,
    form: web::Form<PauseForm>,
) -> HttpResponse {
    let ctx = PageCtx::new(&req).await;
    let r = async {
        ctx.check_csrf(&form.csrf)?;
        let who = ctx.who.clone().ok_or_else(AppError::unauthenticated)?;
        who.require_staff(&[Role::Admin, Role::Supervisor])?;
        let status = AgentStatus::parse(&form.status)
            .filter(|s| *s != AgentStatus::Off)
            .ok_or_else(|| AppError::unprocessable("invalid_status"))?;
        let agent_id = path.into_inner();
        let row = run(&state.db, move |db| {
            db.read(|c| -> AppResult<_> { Ok(floor::agent(c, agent_id)?) })
        })
        .await?
        .filter(|a| who.staff_covers_branch(&a.branch_code))
        .ok_or_else(|| AppError::not_found("agent_not_found"))?;
        api::change_status(&state, &req, &who, agent_id, row.branch_code, status).await?;
        Ok(redirect("/staff/floor"))
    }
    .await;
    ctx.finish(r)
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
    req: HttpRequest,
    state: State,
    path: web::Path<String>,
    form: web::Form<SettingsForm>,
) -> HttpResponse {
    let ctx = PageCtx::new(&req).await;
    let r = async {
        ctx.check_csrf(&form.csrf)?;
        let who = ctx.who.clone().ok_or_else(AppError::unauthenticated)?;
        who.require_staff(&[Role::Admin, Role::Supervisor])?;
        let code = path.into_inner();
        if !who.staff_covers_branch(&code) {
            return Err(AppError::not_found("branch_not_found"));
        }
        if !crate::domain::floor::valid_seats(u32::try_from(form.seats_per_agent).unwrap_or(0)) {
            return Err(AppError::unprocessable("invalid_seats"));
        }
        let cap = match form.walk_in_cap.trim() {
            "" => -1,
            v => v
                .parse::<i32>()
                .map_err(|_| AppError::unprocessable("invalid_capacity"))?,
        };
        let seats = form.seats_per_agent;
        let actor = crate::web::extract::actor(Some(&who), &req);
        let now_utc = state.clock.now();
        let now = now_utc.naive_utc();
        run(&state.db, move |db| {
            db.write(|c| -> AppResult<()> {
                floor::lock_branch(c, &code)?;
                floor::update_settings(c, &code, Some(seats), Some(cap), now_utc)?;
                crate::db::audit::record(
                    c,
                    now,
                    &actor,
                    "floor_settings",
                    &crate::db::audit::Subject {
                        branch_code: Some(code.clone()),
                        ..Default::default()
                    },
                    serde_json::json!({"seats_per_agent": seats, "walk_in_cap": cap}),
                )?;
                Ok(())
            })
        })
        .await?;
        Ok(redirect("/staff/floor"))
    }
    .await;
    ctx.finish(r)
}

/// The participant's session page for an online booking.
pub async fn session_page(req: HttpRequest, state: State, path: web::Path<String>) -> HttpResponse {
    let ctx = PageCtx::new(&req).await;
    let r = async {
        let who = ctx.who.clone().ok_or_else(AppError::unauthenticated)?;
        let pid = who.participant_id()?;
        let code = crate::domain::booking_code::normalize(&path)
            .ok_or_else(|| AppError::not_found("booking_not_found"))?;
        let now = state.clock.now();
        let (view_data, ticket) = run(&state.db, move |db| {
            db.read(|c| -> AppResult<_> {
                let b = crate::db::bookings::find_by_code(c, &code)?
                    .filter(|b| b.participant_id == pid)
                    .ok_or_else(|| AppError::not_found("booking_not_found"))?;
                let v = crate::db::bookings::view(c, b)?
                    .ok_or_else(|| AppError::not_found("booking_not_found"))?;
                let day = now.with_timezone(&v.branch.tz()).date_naive();
                let p =
                    crate::db::participants::find(c, pid)?.ok_or_else(AppError::unauthenticated)?;
                let t = floor::ticket_of(c, &v.branch.code, day, &p.nik)?;
                let est = match &t {
                    Some(t) => Some(floor::wait_estimate(c, &v.branch, t, now.naive_utc())?),
                    None => None,
                };
                Ok((v, t.map(|t| (t, est))))
            })
        })
        .await?;
        let window = crate::domain::floor::check_in_window(
            view_data.slot.starts_at,
            view_data.slot.ends_at,
            now.naive_utc(),
        );
        let body = view::session(&ctx.frame(), &view_data, ticket.as_ref(), window);
        Ok(ctx.ok(ctx.t("session_title"), body))
    }
    .await;
    ctx.finish(r)
}

pub async fn session_join(
    req: HttpRequest,
    state: State,
    path: web::Path<String>,
    form: web::Form<CsrfForm>,
) -> HttpResponse {
    let ctx = PageCtx::new(&req).await;
    let code = path.into_inner();
    let r = async {
        ctx.check_csrf(&form.csrf)?;
        let who = ctx.who.clone().ok_or_else(AppError::unauthenticated)?;
        api::join_online(&state, &req, &who, code.clone()).await?;
        Ok(redirect(&format!("/session/{code}")))
    }
    .await;
    ctx.finish(r)
}

pub async fn console_identity(
    req: HttpRequest,
    state: State,
    path: web::Path<i64>,
    form: web::Form<CsrfForm>,
) -> HttpResponse {
    let ctx = PageCtx::new(&req).await;
    let session = path.into_inner();
    let r = async {
        ctx.check_csrf(&form.csrf)?;
        let who = ctx.who.clone().ok_or_else(AppError::unauthenticated)?;
        api::identity(&state, &req, &who, session).await?;
        Ok(redirect(&format!("/console#session-{session}")))
    }
    .await;
    ctx.finish(r)
}

#[derive(Deserialize)]
pub struct ReassignForm {
    #[serde(default)]
    pub csrf: String,
    pub to_agent: i64,
}

/// A supervisor moves a participant to another agent of the branch.
pub async fn reassign(
    req: HttpRequest,
    state: State,
    path: web::Path<i64>,
    form: web::Form<ReassignForm>,
) -> HttpResponse {
    let ctx = PageCtx::new(&req).await;
    let r = async {
        ctx.check_csrf(&form.csrf)?;
        let who = ctx.who.clone().ok_or_else(AppError::unauthenticated)?;
        who.require_staff(&[Role::Admin, Role::Supervisor])?;
        let session = path.into_inner();
        let to = form.to_agent;
        let actor = crate::web::extract::actor(Some(&who), &req);
        let now = state.clock.now();
        run(&state.db, move |db| {
            db.write(|c| -> AppResult<()> {
                let s = floor::session_agent(c, session)?
                    .filter(|s| who.staff_covers_branch(&s.branch_code))
                    .ok_or_else(|| AppError::not_found("session_not_found"))?;
                floor::transfer(c, s.agent_id, session, to, now, &actor)?;
                Ok(())
            })
        })
        .await?;
        Ok(redirect("/staff/floor"))
    }
    .await;
    ctx.finish(r)
}
