//! The front page: what Antre does and where to start.

use actix_web::{HttpRequest, HttpResponse};

use super::Ctx;

pub async fn home(req: HttpRequest) -> HttpResponse {
    let ctx = Ctx::new(&req).await;
    let body = crate::views::home::home(&ctx.frame());
    ctx.ok(ctx.t("home_title"), body)
}
