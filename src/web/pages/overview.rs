//! The head office overview page (admin, auditor; anyone else 403).

use crate::web::body::Query;
use actix_web::HttpResponse;

use super::PageCtx;
use crate::app::overview as app;
use crate::domain::overview::DEFAULT_THRESHOLD_MINUTES;
use crate::views::overview::{self as view, OverviewPage};
use crate::web::api::overview::OverviewQuery;

/// Every branch's live figures; a refused threshold is named above the
/// figures, which use the default meanwhile.
pub async fn page(ctx: PageCtx, q: Query<OverviewQuery>) -> HttpResponse {
    ctx.page(async {
        let actx = ctx.app();
        app::require_head_office(&actx)?;
        let asked = q.threshold_minutes.as_deref();
        let (o, error) = match app::parse_threshold(asked) {
            Ok(_) => (app::overview(&actx, asked).await?, None),
            Err(e) => {
                let fallback = DEFAULT_THRESHOLD_MINUTES.to_string();
                let o = app::overview(&actx, Some(&fallback)).await?;
                (o, Some(e.message(ctx.lang)))
            }
        };
        let body = view::page(
            &ctx.frame(),
            &OverviewPage {
                threshold_minutes: o.threshold_minutes,
                at: actx.clock.now(),
                totals: &o.totals,
                branches: &o.branches,
                error,
            },
        );
        Ok(ctx.ok(ctx.t("overview_title"), body))
    })
    .await
}
