//! The front page: what Antre does and where to start.

use actix_web::{HttpRequest, HttpResponse};

use super::PageCtx;

pub async fn home(req: HttpRequest) -> HttpResponse {
    let ctx = PageCtx::new(&req).await;
    let body = crate::views::home::home(&ctx.frame());
    ctx.ok(ctx.t("home_title"), body)
}
