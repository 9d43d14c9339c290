//! The auditor's console pages (auditors and admins, read-only): the log
//! with filters and a cursor, the chain's status on demand, and a claim's
//! timeline.

use std::time::{Duration, Instant};

use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use super::Ctx;
use crate::db::{audit_read, run};
use crate::domain::role::Role;
use crate::error::{AppError, AppResult};
use crate::views::audit as view;
use crate::web::api::audit::{page, EntriesQuery};
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
    pub from: Option<String>,
    pub to: Option<String>,
    pub after: Option<String>,
    pub verify: Option<String>,
}

fn require_auditor(ctx: &Ctx) -> AppResult<()> {
    ctx.who
        .as_ref()
        .ok_or_else(AppError::unauthenticated)?
        .require_staff(&[Role::Auditor, Role::Admin])
}

pub async fn console(req: HttpRequest, state: State, q: web::Query<ConsoleQuery>) -> HttpResponse {
    let ctx = Ctx::new(&req).await;
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
            participant: None,
        };
        let (entries, next) = page(&state, api_query.filter()?).await?;
        let chain = if q.verify.is_some() {
            let data_dir = state.settings.data_dir.clone();
            let v = run(&state.db, move |db| -> AppResult<_> {
                let key = crate::audit::AuditKey::load_or_create(&data_dir)
                    .map_err(AppError::internal)?;
                Ok(crate::audit::verify(
                    db,
                    Some(&key),
                    None,
                    Some(Instant::now() + VERIFY_BUDGET),
                )?)
            })
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
        for (k, v) in [
            ("branch", &q.branch),
            ("actor", &q.actor),
            ("action", &q.action),
            ("claim", &q.claim),
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
                    from: &from,
                    to: &to,
                },
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
    let ctx = Ctx::new(&req).await;
    let r = async {
        require_auditor(&ctx)?;
        let id = path.into_inner();
        let entries = run(&state.db, move |db| {
            db.read(|c| -> AppResult<_> { Ok(audit_read::timeline(c, id)?) })
        })
        .await?;
        let body = view::timeline(&ctx.frame(), id, &entries);
        Ok(ctx.ok(ctx.t("audit_timeline_title"), body))
    }
    .await;
    ctx.finish(r)
}
