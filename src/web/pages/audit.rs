//! The auditor's console pages (auditors and admins, read-only): the log
//! with filters and a cursor, the chain's status on demand, and a claim's
//! timeline.

use std::time::Duration;

use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use super::PageCtx;
use crate::app::audit::read::{self as audit, nik_filter, EntriesQuery, RangeQuery};
use crate::app::error::{AppError, AppResult};
use crate::domain::role::Role;
use crate::views::audit as view;
use crate::web::State;

/// How long a verification from the console may run before it reports
/// how far it got.
const VERIFY_BUDGET: Duration = Duration::from_secs(5);

#[derive(Debug, Default, Deserialize)]
pub struct ConsoleQuery {
    pub branch: Option<String>,
    pub actor: Option<String>,
    pub action: Option<String>,
    pub claim: Option<String>,
    pub participant: Option<String>,
    pub nik: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub after: Option<String>,
    pub verify: Option<String>,
}

fn require_auditor(ctx: &PageCtx) -> AppResult<()> {
    ctx.who
        .as_ref()
        .ok_or_else(AppError::unauthenticated)?
        .require_staff(&[Role::Auditor, Role::Admin])
}

pub async fn console(req: HttpRequest, state: State, q: web::Query<ConsoleQuery>) -> HttpResponse {
    let ctx = PageCtx::new(&req).await;
    let r = async {
        require_auditor(&ctx)?;
        let api_query = EntriesQuery {
            branch: q.branch.clone(),
            actor: q.actor.clone(),
            action: q.action.clone(),
            claim: q.claim.clone(),
            from: q.from.clone(),
            to: q.to.clone(),
            after: q.after.clone(),
            participant: q.participant.clone(),
            nik: q.nik.clone(),
        };
        // A NIK is turned into the participant's id at once: the full NIK
        // never travels on in the cursor and CSV links, and is shown masked.
        let filter = api_query.resolve(&state.db).await?;
        let nik_shown = nik_filter(&q.nik)?.map(|n| crate::domain::nik::mask_str(&n));
        let participant = filter.participant.filter(|p| *p > 0).map(|p| p.to_string());
        let (entries, next) = audit::page(&state.db, filter).await?;
        let chain = if q.verify.is_some() {
            let v = crate::app::audit::verify_console(
                &state.db,
                &state.settings.data_dir,
                VERIFY_BUDGET,
            )
            .await?;
            Some(view::ChainStatus {
                intact: v.intact,
                incomplete: v.incomplete,
                message: v.message,
            })
        } else {
            None
        };
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        let unknown_nik = nik_shown.is_some() && participant.is_none();
        let participant_param = if unknown_nik {
            Some("-1".to_string())
        } else {
            participant.clone()
        };
        for (k, v) in [
            ("branch", &q.branch),
            ("actor", &q.actor),
            ("action", &q.action),
            ("claim", &q.claim),
            ("participant", &participant_param),
            ("from", &q.from),
            ("to", &q.to),
        ] {
            if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
                query.append_pair(k, v);
            }
        }
        let s = |v: &Option<String>| v.clone().unwrap_or_default();
        let (branch, actor, action, claim, from, to) = (
            s(&q.branch),
            s(&q.actor),
            s(&q.action),
            s(&q.claim),
            s(&q.from),
            s(&q.to),
        );
        let body = view::console(
            &ctx.frame(),
            &view::Console {
                filters: view::Filters {
                    branch: &branch,
                    actor: &actor,
                    action: &action,
                    claim: &claim,
                    participant: participant.as_deref().unwrap_or_default(),
                    from: &from,
                    to: &to,
                },
                nik_shown: nik_shown.as_deref(),
                unknown_nik,
                query: query.finish(),
                entries: &entries,
                next,
                chain: chain.as_ref(),
            },
        );
        Ok(ctx.ok(ctx.t("audit_title"), body))
    }
    .await;
    ctx.finish(r)
}

pub async fn claim_timeline(req: HttpRequest, state: State, path: web::Path<i64>) -> HttpResponse {
    let ctx = PageCtx::new(&req).await;
    let r = async {
        require_auditor(&ctx)?;
        let id = path.into_inner();
        let entries = audit::timeline(&state.db, id).await?;
        let body = view::timeline(&ctx.frame(), id, &entries);
        Ok(ctx.ok(ctx.t("audit_timeline_title"), body))
    }
    .await;
    ctx.finish(r)
}

#[derive(Debug, Default, Deserialize)]
pub struct RangeForm {
    pub branch: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub kind: Option<String>,
}

impl RangeForm {
    fn query(&self) -> RangeQuery {
        RangeQuery {
            branch: self.branch.clone(),
            from: self.from.clone(),
            to: self.to.clone(),
            kind: self.kind.clone(),
        }
    }

    fn shown(&self, today: chrono::NaiveDate) -> view::RangeShown {
        let s = |v: &Option<String>| v.clone().unwrap_or_default();
        let from = self
            .from
            .clone()
            .filter(|v| !v.trim().is_empty())
            .unwrap_or_else(|| today.to_string());
        view::RangeShown {
            branch: s(&self.branch),
            to: self
                .to
                .clone()
                .filter(|v| !v.trim().is_empty())
                .unwrap_or_else(|| from.clone()),
            from,
            kind: s(&self.kind),
        }
    }
}

/// Per agent and day, for a branch and a range of days.
pub async fn agents(req: HttpRequest, state: State, q: web::Query<RangeForm>) -> HttpResponse {
    let ctx = PageCtx::new(&req).await;
    let r = async {
        require_auditor(&ctx)?;
        let today = state.clock.now().date_naive();
        let rows = audit::agent_days(&state.db, q.query().range(today)?).await?;
        let body = view::agents(&ctx.frame(), &q.shown(today), &rows);
        Ok(ctx.ok(ctx.t("audit_agents_title"), body))
    }
    .await;
    ctx.finish(r)
}

/// The anomaly list, each flag explained and linked to its claims.
pub async fn anomalies(req: HttpRequest, state: State, q: web::Query<RangeForm>) -> HttpResponse {
    let ctx = PageCtx::new(&req).await;
    let r = async {
        require_auditor(&ctx)?;
        let today = state.clock.now().date_naive();
        let query = q.query();
        let flags = audit::anomalies(&state.db, query.range(today)?, query.kind()?).await?;
        let body = view::anomalies(&ctx.frame(), &q.shown(today), &flags);
        Ok(ctx.ok(ctx.t("audit_anomalies_title"), body))
    }
    .await;
    ctx.finish(r)
}
