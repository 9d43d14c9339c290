//! The performance harness (issue 8). Every figure in README.md's
//! "Performance" section comes from one command:
//!
//! ```sh
//! ANTRE_TEST_POSTGRES_URL='postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable' \
//!   cargo test --release --test it bench:: -- --ignored --nocapture --test-threads=1
//! ```
//!
//! It starts the real (release) binary on a fresh database per phase, on
//! SQLite and on PostgreSQL, and prints a summary table (also written to
//! `target/bench.json`). Goals are ratios to limits measured in the same
//! run where the issue asks for them. Parameters (environment, defaults
//! printed at start): `ANTRE_BENCH_N` members in the booking rush (2000),
//! `ANTRE_BENCH_CLIENTS` concurrent clients (500), `ANTRE_BENCH_RATE`
//! bookings/s of the constant-rate run (default 70% of the HTTP maximum
//! measured just before it, all clients at once),
//! `ANTRE_BENCH_CONSOLES` (50), `ANTRE_BENCH_EVENTS` arrivals (100),
//! `ANTRE_BENCH_UPLOADS` re-uploads (20), `ANTRE_BENCH_PAGE_CLIENTS` (200),
//! `ANTRE_BENCH_PAGE_REQUESTS` per page (4000), `ANTRE_BENCH_ROWS` batch
//! rows (10000), `ANTRE_BENCH_AUDIT_ENTRIES` (1000000),
//! `ANTRE_BENCH_ONLY` (comma list of booking, native, console,
//! collective, pages, audit, mail, instructions, peer; default all) and
//! `ANTRE_BENCH_BACKENDS` (sqlite, postgres; default both).
//!
//! Issue 18 added: the bare durable booking transaction as the physical
//! limit (`ANTRE_BENCH_BARE_N` [5000], in the booking phase, and in the
//! native phase if booking did not run); the native phase — `wrk` with a
//! Lua script, `ANTRE_BENCH_WRK_N` members [20000] through
//! `ANTRE_BENCH_WRK_CONNECTIONS` [64], availability reads for
//! `ANTRE_BENCH_READ_SECS` [5], `ANTRE_BENCH_RACE` clients for one seat
//! [300]; instructions per booking under callgrind
//! (`ANTRE_BENCH_INSTR_N` [300]); and the peer, django-appointment 3.12
//! (`ANTRE_BENCH_PEER_CLIENTS` [64], `ANTRE_BENCH_PEER_N` bookings [600],
//! `ANTRE_BENCH_PEER_READS` [1000], `ANTRE_BENCH_PEER_VENV` to keep its
//! virtualenv between runs). The mail phase: `ANTRE_BENCH_MAILS` booking
//! confirmations [2000] due at once, delivered through aiosmtpd.

mod support;

use std::time::Instant;

use crate::common::Backend;
use serde_json::{json, Value};
use support as b;
use support::{booking, floor, instr, mail, native, peer, scale, Summary};

// ---------------------------------------------------------------------------

/// The summary as a Markdown table, one row per figure and one column
/// per backend (ready to paste into README.md).
fn print_summary(machine: &str, rows: &[Value]) {
    let mut keys: Vec<(String, String, String)> = Vec::new();
    for r in rows {
        let k = (
            r["bench"].as_str().unwrap_or("").to_string(),
            r["figure"].as_str().unwrap_or("").to_string(),
            r["goal"].as_str().unwrap_or("").to_string(),
        );
        if !keys.contains(&k) {
            keys.push(k);
        }
    }
    let cell = |k: &(String, String, String), backend: &str| -> String {
        rows.iter()
            .find(|r| {
                r["bench"].as_str() == Some(k.0.as_str())
                    && r["figure"].as_str() == Some(k.1.as_str())
                    && r["backend"].as_str() == Some(backend)
            })
            .map(|r| {
                let mark = match r["met"].as_bool() {
                    Some(true) => " ✓",
                    Some(false) => " **✗**",
                    None => "",
                };
                format!("{}{mark}", r["value"].as_str().unwrap_or(""))
            })
            .unwrap_or_else(|| "–".into())
    };
    println!("\n## Summary ({machine})\n");
    println!("| benchmark | figure | SQLite | PostgreSQL | goal |");
    println!("|---|---|---|---|---|");
    for k in &keys {
        println!(
            "| {} | {} | {} | {} | {} |",
            k.0,
            k.1,
            cell(k, "SQLite"),
            cell(k, "PostgreSQL"),
            k.2
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark: run with cargo test --release --test it bench:: -- --ignored --nocapture --test-threads=1"]
async fn benchmarks() {
    let machine = b::machine();
    let only = std::env::var("ANTRE_BENCH_ONLY").unwrap_or_default();
    let wanted = |p: &str| only.trim().is_empty() || only.split(',').any(|x| x.trim() == p);
    let profile = if cfg!(debug_assertions) {
        "DEBUG build: figures are not representative"
    } else {
        "release build"
    };
    println!("Antre benchmarks on {machine}; {profile}");
    println!(
        "parameters: ANTRE_BENCH_N={} ANTRE_BENCH_CLIENTS={} ANTRE_BENCH_RATE={} ANTRE_BENCH_CONSOLES={} ANTRE_BENCH_EVENTS={} ANTRE_BENCH_UPLOADS={} ANTRE_BENCH_PAGE_CLIENTS={} ANTRE_BENCH_PAGE_REQUESTS={} ANTRE_BENCH_ROWS={} ANTRE_BENCH_AUDIT_ENTRIES={} ANTRE_BENCH_ONLY={}",
        b::param("ANTRE_BENCH_N", 2000usize),
        b::param("ANTRE_BENCH_CLIENTS", 500usize),
        std::env::var("ANTRE_BENCH_RATE").unwrap_or_else(|_| "0.7 x HTTP maximum".into()),
        b::param("ANTRE_BENCH_CONSOLES", 50usize),
        b::param("ANTRE_BENCH_EVENTS", 100usize),
        b::param("ANTRE_BENCH_UPLOADS", 20usize),
        b::param("ANTRE_BENCH_PAGE_CLIENTS", 200usize),
        b::param("ANTRE_BENCH_PAGE_REQUESTS", 4000usize),
        b::param("ANTRE_BENCH_ROWS", 10_000u32),
        b::param("ANTRE_BENCH_AUDIT_ENTRIES", 1_000_000u64),
        if only.is_empty() { "all" } else { only.as_str() },
    );
    println!(
        "pool (the server's and the bare transaction's; ANTRE_BENCH_POOL overrides): SQLite {}, PostgreSQL {} connections",
        b::pool_size(Backend::Sqlite),
        b::pool_size(Backend::Postgres),
    );
    let started = Instant::now();
    let mut s = Summary { rows: Vec::new() };
    let backends = std::env::var("ANTRE_BENCH_BACKENDS").unwrap_or_default();
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let key = format!("{backend:?}").to_lowercase();
        if !backends.trim().is_empty() && !backends.split(',').any(|x| x.trim() == key) {
            continue;
        }
        if wanted("booking") {
            booking::booking(backend, &mut s).await;
        }
        if wanted("native") {
            native::native(backend, &mut s).await;
        }
        if wanted("console") {
            floor::console(backend, &mut s).await;
        }
        if wanted("collective") {
            scale::collective(backend, &mut s).await;
        }
        if wanted("pages") {
            scale::pages(backend, &mut s).await;
        }
        if wanted("audit") {
            scale::audit(backend, &mut s).await;
        }
        if wanted("mail") {
            mail::mail(backend, &mut s).await;
        }
        if wanted("instructions") {
            instr::instructions(backend, &mut s).await;
        }
    }
    // The peer runs on SQLite only, after Antre's SQLite figures of this
    // run it is compared with.
    if wanted("peer") {
        peer::peer(&mut s).await;
    }
    print_summary(&machine, &s.rows);
    println!("\ntotal benchmark time {:.0?}", started.elapsed());
    let path = std::env::var("ANTRE_BENCH_JSON")
        .unwrap_or_else(|_| format!("{}/target/bench.json", env!("CARGO_MANIFEST_DIR")));
    let doc = json!({"machine": machine, "profile": profile, "rows": s.rows});
    match std::fs::write(
        &path,
        serde_json::to_string_pretty(&doc).unwrap_or_default(),
    ) {
        Ok(()) => println!("results written to {path}"),
        Err(e) => println!("could not write {path}: {e}"),
    }
}
