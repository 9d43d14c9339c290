//! What the benchmarks share: the phases (one module each), the machine
//! and process probes, the load generators, fast test data, and the
//! summary the phases add their figures to.
#![allow(dead_code)]

pub mod bare;
pub mod bare_http;
pub mod booking;
pub mod data;
pub mod floor;
pub mod instr;
pub mod load;
pub mod mail;
pub mod native;
pub mod peer;
pub mod probe;
pub mod scale;

pub use data::*;
pub use load::*;
pub use probe::*;

use std::time::Duration;

use chrono::NaiveDate;
use serde_json::Value;

use crate::common::{Backend, Options, TestApp, TestDb};

pub const DPS: &str = "DPS-DENPASAR";
pub const TUESDAY: &str = "2026-11-24";

pub fn tuesday() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 24).expect("date")
}

pub fn name(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "SQLite",
        Backend::Postgres => "PostgreSQL",
    }
}

/// The production default pool size of each backend on this machine
/// (`antre::config::default_pool_size_here`), or `ANTRE_BENCH_POOL` to compare
/// another.
pub fn pool_size(backend: Backend) -> u32 {
    if let Some(n) = std::env::var("ANTRE_BENCH_POOL")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        return n;
    }
    let database = match backend {
        Backend::Sqlite => antre::config::DatabaseUrl::Sqlite("antre.db".into()),
        Backend::Postgres => antre::config::DatabaseUrl::Postgres(String::new()),
    };
    antre::config::default_pool_size_here(&database)
}

/// The release server as deployed: production pool size and mail worker
/// interval, the benchmark clock.
pub fn server(db: &TestDb) -> TestApp {
    TestApp::start(
        db,
        &Options::clock(CLOCK)
            .with_env("ANTRE_DB_POOL_SIZE", &pool_size(db.backend).to_string())
            .with_env("ANTRE_WORKER_INTERVAL_MS", "1000"),
    )
}

/// Announces a benchmark (`== what, backend: detail`) and starts the
/// release server on a fresh database: the database, the server and the
/// benchmark clock's now; `None` when the backend is unavailable.
pub fn started(
    backend: Backend,
    what: &str,
    detail: &str,
) -> Option<(TestDb, TestApp, chrono::DateTime<chrono::Utc>)> {
    println!("\n== {what}, {}: {detail}", name(backend));
    let tdb = TestDb::create(backend)?;
    let app = server(&tdb);
    Some((tdb, app, clock()))
}

pub struct Summary {
    pub rows: Vec<Value>,
}

impl Summary {
    pub fn add(
        &mut self,
        bench: &str,
        backend: Backend,
        figure: &str,
        value: String,
        goal: &str,
        met: Option<bool>,
    ) {
        println!("  {bench} / {} / {figure}: {value}", name(backend));
        self.rows
            .push(row(bench, name(backend), figure, value, goal, met));
    }
}

impl Summary {
    /// The rows of one benchmark on one backend.
    pub fn section<'a>(&'a mut self, bench: &'a str, backend: Backend) -> Section<'a> {
        Section {
            summary: self,
            bench,
            backend,
        }
    }
}

/// The rows of one benchmark on one backend, added one figure at a time.
pub struct Section<'a> {
    summary: &'a mut Summary,
    bench: &'a str,
    backend: Backend,
}

impl Section<'_> {
    /// A figure with no goal.
    pub fn info(&mut self, figure: &str, value: String) {
        self.summary
            .add(self.bench, self.backend, figure, value, "", None);
    }
    /// A figure against its goal.
    pub fn goal(&mut self, figure: &str, value: String, goal: &str, met: bool) {
        self.summary
            .add(self.bench, self.backend, figure, value, goal, Some(met));
    }
    /// A duration in seconds, to stay under `limit` seconds.
    pub fn within(&mut self, figure: &str, took: Duration, limit: u64) {
        let value = format!("{:.2} s", took.as_secs_f64());
        let goal = format!("< {limit} s");
        self.goal(figure, value, &goal, took < Duration::from_secs(limit));
    }
    /// Failed requests: none is the goal.
    pub fn errors(&mut self, errors: usize) {
        self.goal("errors", errors.to_string(), "0", errors == 0);
    }
    /// The server's peak memory.
    pub fn peak_memory(&mut self, mib: f64) {
        self.info("server peak memory", format!("{mib:.0} MiB"));
    }
}

pub fn latency_cell(l: &Latency) -> String {
    format!("p50 {:.0} / p95 {:.0} / p99 {:.0} ms", l.p50, l.p95, l.p99)
}
