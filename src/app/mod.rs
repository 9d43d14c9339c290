//! Use cases: what Antre does, one module per area. Each use case takes a
//! [`Ctx`] (database, clock, the acting person, settings), decides through
//! `domain`, persists through `db` in one transaction together with its
//! audit entry and outbox mail, and returns a result its caller (a JSON
//! handler, a page handler, the CLI) renders. Nothing here knows HTTP.

pub mod accounts;
pub mod admin;
pub mod audit;
pub mod booking;
pub mod branches;
pub mod claims;
pub mod closures;
pub mod collective;
pub mod contact;
pub mod dossier;
pub mod draw;
pub mod error;
pub mod fair;
mod files;
pub mod floor;
pub mod messages;
pub mod outreach;
pub mod overview;
pub mod password_reset;
pub mod planner;
pub mod staff_admin;
pub mod video;
pub mod waitlist;

use std::sync::Arc;

pub use crate::domain::Code;
pub use error::{AppError, AppResult, Status};

use crate::clock::Clock;
use crate::config::Settings;
use crate::db::audit::Actor;
use crate::db::{run, Db, DbConnection};

/// Everything a use case may reach besides its own input.
#[derive(Clone)]
pub struct Ctx {
    pub db: Db,
    pub clock: Clock,
    /// Who acts: recorded with every audit entry the use case writes.
    pub actor: Actor,
    pub settings: Arc<Settings>,
}

impl Ctx {
    pub fn new(db: Db, clock: Clock, actor: Actor, settings: Arc<Settings>) -> Self {
        Self {
            db,
            clock,
            actor,
            settings,
        }
    }
}

/// Runs CPU- or file-bound work off the async executor.
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> AppResult<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(AppError::internal)
}

/// Work on one pooled connection, as [`read_db`] and [`write_db`] take it.
pub trait DbWork<T, E>: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static {}

impl<T, E, F> DbWork<T, E> for F where F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static {}

/// Runs one read off the async executor.
pub async fn read_db<T: Send + 'static, E>(db: &Db, f: impl DbWork<T, E>) -> AppResult<T>
where
    AppError: From<E>,
{
    run(db, move |db| db.read(|c| -> AppResult<T> { Ok(f(c)?) })).await
}

/// Runs one write transaction off the async executor: `f`'s changes commit
/// together, or not at all when it fails.
pub async fn write_db<T: Send + 'static, E>(db: &Db, f: impl DbWork<T, E>) -> AppResult<T>
where
    AppError: From<E>,
{
    run(db, move |db| db.write(|c| -> AppResult<T> { Ok(f(c)?) })).await
}
