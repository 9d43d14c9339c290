//! The auditor's console pages (auditors and admins, read-only): the log
//! with filters and a cursor, the chain's status on demand, and a claim's
//! timeline.

use std::time::Duration;

use crate::web::body::Query;
use actix_web::web::Path;
use actix_web::HttpResponse;
use serde::Deserialize;

use super::PageCtx;
use crate::app::audit::read::{self as audit, nik_filter, EntriesQuery, RangeQuery};
use crate::app::error::AppResult;
use crate::domain::role::Role;
use crate::views::audit as view;

/// How long a verification from the console may run before it reports
/// how far it got.
const VERIFY_BUDGET: Duration = Duration::from_secs(5);

/// The log's filters (as the API takes them), and whether to verify the
/// chain.
#[derive(Debug, Default, Deserialize)]
pub struct ConsoleQuery {
    #[serde(flatten)]
    pub entries: EntriesQuery,
    pub verify: Option<String>,
}

fn require_auditor(ctx: &PageCtx) -> AppResult<()> {
    ctx.who()?.require_staff(&[Role::Auditor, Role::Admin])
}

pub async fn console(ctx: PageCtx, q: Query<ConsoleQuery>) -> HttpResponse {
    ctx.page(async {
        require_auditor(&ctx)?;
        let f = &q.entries;
        // A NIK is turned into the participant's id at once: the full NIK
        // never travels on in the cursor and CSV links, and is shown masked.
        let filter = f.resolve(&ctx.state.db).await?;
        let nik_shown = nik_filter(&f.nik)?.map(|n| crate::domain::nik::mask_str(&n));
        let participant = filter.participant.filter(|p| *p > 0).map(|p| p.to_string());
        let (entries, next) = audit::page(&ctx.state.db, filter).await?;
        let branches = crate::app::branches::list(&ctx.app()).await?;
        let chain = if q.verify.is_some() {
            let v = crate::app::audit::verify_console(
                &ctx.state.db,
                &ctx.state.settings,
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
            ("branch", &f.branch),
            ("actor", &f.actor),
            ("action", &f.action),
            ("claim", &f.claim),
            ("participant", &participant_param),
            ("from", &f.from),
            ("to", &f.to),
        ] {
            if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
                query.append_pair(k, v);
            }
        }
        let s = |v: &Option<String>| v.clone().unwrap_or_default();
        let (branch, actor, action, claim, from, to) = (
            s(&f.branch),
            s(&f.actor),
            s(&f.action),
            s(&f.claim),
            s(&f.from),
            s(&f.to),
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
                branches: &branches,
                nik_shown: nik_shown.as_deref(),
                unknown_nik,
                query: query.finish(),
                entries: &entries,
                next,
                chain: chain.as_ref(),
            },
        );
        Ok(ctx.ok(ctx.t("audit_title"), body))
    })
    .await
}

pub async fn claim_timeline(ctx: PageCtx, path: Path<i64>) -> HttpResponse {
    ctx.page(async {
        require_auditor(&ctx)?;
        let id = path.into_inner();
        let entries = audit::timeline(&ctx.state.db, id).await?;
        let branches = crate::app::branches::list(&ctx.app()).await?;
        let body = view::timeline(&ctx.frame(), id, &entries, &branches);
        Ok(ctx.ok(ctx.t("audit_timeline_title"), body))
    })
    .await
}

/// The range form as typed, with its defaults filled in.
fn shown(
    q: &RangeQuery,
    today: chrono::NaiveDate,
    branches: Vec<crate::db::branches::Branch>,
) -> view::RangeShown {
    let s = |v: &Option<String>| v.clone().unwrap_or_default();
    let given = |v: &Option<String>| v.clone().filter(|v| !v.trim().is_empty());
    let from = given(&q.from).unwrap_or_else(|| today.to_string());
    view::RangeShown {
        branch: s(&q.branch),
        branches,
        to: given(&q.to).unwrap_or_else(|| from.clone()),
        from,
        kind: s(&q.kind),
    }
}

/// Per agent and day, for a branch and a range of days.
pub async fn agents(ctx: PageCtx, q: Query<RangeQuery>) -> HttpResponse {
    ctx.page(async {
        require_auditor(&ctx)?;
        let today = ctx.state.clock.now().date_naive();
        let rows = audit::agent_days(&ctx.state.db, q.range(today)?).await?;
        let branches = crate::app::branches::list(&ctx.app()).await?;
        let body = view::agents(&ctx.frame(), &shown(&q, today, branches), &rows);
        Ok(ctx.ok(ctx.t("audit_agents_title"), body))
    })
    .await
}

/// The anomaly list, each flag explained and linked to its claims.
pub async fn anomalies(ctx: PageCtx, q: Query<RangeQuery>) -> HttpResponse {
    ctx.page(async {
        require_auditor(&ctx)?;
        let today = ctx.state.clock.now().date_naive();
        let flags = audit::anomalies(&ctx.state.db, q.range(today)?, q.kind()?).await?;
        let branches = crate::app::branches::list(&ctx.app()).await?;
        let body = view::anomalies(&ctx.frame(), &shown(&q, today, branches), &flags);
        Ok(ctx.ok(ctx.t("audit_anomalies_title"), body))
    })
    .await
}
