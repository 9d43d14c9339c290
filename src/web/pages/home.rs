//! The front page: what Antre does and where to start.

use actix_web::HttpResponse;

use super::PageCtx;

pub async fn home(ctx: PageCtx) -> HttpResponse {
    let body = crate::views::home::home(&ctx.frame());
    ctx.ok(ctx.t("home_title"), body)
}
