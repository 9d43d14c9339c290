//! Antre under a native load generator (issue 18): `wrk` from Debian with
//! a Lua script (`tests/it/bench/wrk/booking.lua`) feeding each request a
//! distinct member's token and claim, 64 connections; the availability
//! read (`GET /api/v1/branches/{code}/slots`) under wrk; and 300 clients
//! racing for one seat. Without wrk (and no way to install it) the booking
//! and read runs fall back to the Rust client at the same concurrency.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use antre::db::schema::slots;
use diesel::prelude::*;
use serde_json::{json, Value};

use super::booking::{check_sessions, prepare_day, BARE, NATIVE};
use super::{server, Latency, Summary, DPS, TUESDAY};
use crate::bench::support as b;
use crate::common::{Backend, TestDb};

const LUA: &str = include_str!("../wrk/booking.lua");

/// The bare transaction behind HTTP ([`super::bare_http`]).
const BARE_HTTP: &str = "booking: bare transaction over HTTP (actix-web, same pool)";

/// The wrk binary: on PATH, or installed now from Debian (root only);
/// `None` (with a notice) when neither works.
pub fn wrk() -> Option<&'static str> {
    static FOUND: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    let ok = *FOUND.get_or_init(|| {
        let present = || {
            Command::new("wrk")
                .arg("--version")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok()
        };
        if present() {
            return true;
        }
        println!("  wrk not found: trying `apt-get install -y wrk`");
        let _ = Command::new("apt-get")
            .args(["install", "-y", "wrk"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let ok = present();
        if !ok {
            println!("  NOTICE: wrk unavailable; the Rust client (reqwest) stands in for it");
        }
        ok
    });
    ok.then_some("wrk")
}

/// What a load generator measured.
pub struct Native {
    pub generator: &'static str,
    pub ok: usize,
    pub other: usize,
    pub rate: f64,
    pub latency: Latency,
    pub cpu: b::Cpu,
}

fn us(v: &Value, k: &str) -> f64 {
    v[k].as_f64().unwrap_or(0.0) / 1000.0
}

/// The members file wrk's booking script reads: one member a line,
/// "TOKEN SLOT_ID CLAIM_ID", the sessions `ids` in turn.
pub(super) fn members_file(dir: &Path, members: &[b::Member], ids: &[i64]) -> PathBuf {
    let data = dir.join("members.txt");
    let lines: Vec<String> = members
        .iter()
        .enumerate()
        .map(|(i, m)| format!("{} {} {}", m.token, ids[i % ids.len()], m.claim))
        .collect();
    std::fs::write(&data, lines.join("\n") + "\n").expect("write members");
    data
}

/// The bookings' latency in wrk's summary (`wrk_bookings`).
pub(super) fn wrk_latency(v: &Value) -> Latency {
    Latency {
        n: v["created"].as_u64().unwrap_or(0) as usize,
        p50: us(v, "p50_us"),
        p95: us(v, "p95_us"),
        p99: us(v, "p99_us"),
        max: us(v, "max_us"),
    }
}

/// Runs wrk with the booking script until every booking is answered.
pub(super) fn wrk_bookings(base: &str, data: &Path, dir: &Path, connections: usize) -> Value {
    let threads = 2usize;
    let script = dir.join("booking.lua");
    std::fs::write(&script, LUA).expect("write lua");
    let marker = dir.join("done");
    let child = Command::new("wrk")
        .arg(format!("-t{threads}"))
        .arg(format!("-c{connections}"))
        .args(["-d600s", "--timeout", "60s", "-s"])
        .arg(&script)
        .arg(base)
        .arg("--")
        .arg(data)
        .arg(threads.to_string())
        .arg(&marker)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn wrk");
    let deadline = Instant::now() + Duration::from_secs(590);
    let done = |k: usize| PathBuf::from(format!("{}.{k}", marker.display())).exists();
    while !(1..=threads).all(done) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    // wrk prints its summary when interrupted.
    let _ = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status();
    let out = child.wait_with_output().expect("wrk output");
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text
        .lines()
        .find_map(|l| l.strip_prefix("WRK-JSON "))
        .unwrap_or_else(|| panic!("wrk printed no summary:\n{text}"));
    serde_json::from_str(line).expect("wrk summary")
}

/// `n` members book through `connections` connections (wrk, or the Rust
/// client without it) on a fresh server; checks the seats afterwards.
pub async fn bookings(backend: Backend, n: usize, connections: usize) -> Option<Native> {
    let tdb = TestDb::create(backend)?;
    let app = server(&tdb);
    let (ids, members) = {
        let db = b::open(&tdb, 2);
        let ids = prepare_day(&db, n);
        (ids, b::members(&db, 0, n as u32, b::clock()))
    };
    let cpu = b::CpuMeter::start(Some(app.pid()));
    let native = if wrk().is_some() {
        let dir = tempfile::tempdir().expect("tempdir");
        let data = members_file(dir.path(), &members, &ids);
        let v =
            tokio::task::block_in_place(|| wrk_bookings(&app.base, &data, dir.path(), connections));
        let secs = v["duration_us"].as_f64().unwrap_or(1.0) / 1e6;
        let ok = v["created"].as_u64().unwrap_or(0) as usize;
        let probes = v["requests"].as_u64().unwrap_or(0) as usize
            - ok.min(v["requests"].as_u64().unwrap_or(0) as usize);
        println!("  wrk: {v} ({probes} requests were not bookings: health probes at the tail, or errors)");
        Native {
            generator: "wrk",
            ok,
            other: v["other"].as_u64().unwrap_or(0) as usize
                + v["socket_errors"].as_u64().unwrap_or(0) as usize,
            rate: ok as f64 / secs,
            latency: wrk_latency(&v),
            cpu: b::Cpu::default(),
        }
    } else {
        let client = b::client(connections);
        let url = app.url("/api/v1/bookings");
        let ids = Arc::new(ids.clone());
        let members = Arc::new(members);
        let run = b::closed_loop(n, connections, move |i| {
            let m = &members[i];
            b::status_of(
                client
                    .post(&url)
                    .bearer_auth(&m.token)
                    .json(&json!({"slot_id": ids[i % ids.len()], "claim_id": m.claim})),
            )
        })
        .await;
        Native {
            generator: "Rust client (reqwest)",
            ok: run.count(201),
            other: n - run.count(201),
            rate: run.rate(201),
            latency: run.latency(),
            cpu: b::Cpu::default(),
        }
    };
    let cpu = cpu.per(native.ok.max(1));
    let held = check_sessions(&tdb, &ids);
    assert_eq!(
        held, native.ok as i64,
        "every 201 holds a seat, nothing else does"
    );
    Some(Native { cpu, ..native })
}

/// Availability reads/s of DPS's day at `connections` connections for
/// `secs` seconds (wrk, or the Rust client); (reads/s, failed reads).
pub async fn availability(
    backend: Backend,
    connections: usize,
    secs: u64,
) -> Option<(f64, usize, &'static str)> {
    let tdb = TestDb::create(backend)?;
    let app = server(&tdb);
    let path = format!("/api/v1/branches/{DPS}/slots?date={TUESDAY}");
    if wrk().is_some() {
        let out = tokio::task::block_in_place(|| {
            Command::new("wrk")
                .arg("-t2")
                .arg(format!("-c{connections}"))
                .arg(format!("-d{secs}s"))
                .arg(app.url(&path))
                .output()
                .expect("run wrk")
        });
        let text = String::from_utf8_lossy(&out.stdout);
        let field = |p: &str| {
            text.lines()
                .find_map(|l| l.trim().strip_prefix(p))
                .and_then(|v| v.trim().parse::<f64>().ok())
        };
        let rate = field("Requests/sec:").unwrap_or(0.0);
        let bad = field("Non-2xx or 3xx responses:").unwrap_or(0.0) as usize;
        return Some((rate, bad, "wrk"));
    }
    let client = b::client(connections);
    let url = app.url(&path);
    let n = (secs as usize) * 2000;
    let run = b::closed_loop(n, connections, move |_| b::status_of(client.get(&url))).await;
    Some((run.rate(200), n - run.count(200), "Rust client (reqwest)"))
}

/// `clients` members book the one seat of one session all at once; how
/// many bookings the database holds for it afterwards.
pub async fn race(backend: Backend, clients: usize) -> Option<(i64, usize)> {
    let tdb = TestDb::create(backend)?;
    let app = server(&tdb);
    let (ids, members) = {
        let db = b::open(&tdb, 2);
        let ids = prepare_day(&db, clients);
        db.write(|c| {
            diesel::update(slots::table.filter(slots::id.eq(ids[0])))
                .set(slots::capacity.eq(1))
                .execute(c)
                .map_err(antre::db::DbError::from)
        })
        .expect("one seat");
        (ids, b::members(&db, 0, clients as u32, b::clock()))
    };
    let client = b::client(clients);
    let url = app.url("/api/v1/bookings");
    let seat = ids[0];
    let run = b::open_loop(clients, None, clients, |i| {
        let m = &members[i];
        b::status_of(
            client
                .post(&url)
                .bearer_auth(&m.token)
                .json(&json!({"slot_id": seat, "claim_id": m.claim})),
        )
    })
    .await;
    let held = check_sessions(&tdb, &ids[..1]);
    Some((held, run.count(201)))
}

/// The best of a benchmark's "bookings/s" rows on `backend` in this run.
pub fn best_rate(s: &Summary, bench: &str, backend: Backend) -> Option<f64> {
    s.rows
        .iter()
        .filter(|r| {
            r["bench"].as_str() == Some(bench)
                && r["backend"].as_str() == Some(super::name(backend))
                && r["figure"]
                    .as_str()
                    .is_some_and(|f| f.starts_with("bookings/s"))
        })
        .filter_map(|r| r["value"].as_str()?.parse::<f64>().ok())
        .reduce(f64::max)
}

/// The native phase: bookings under wrk against the bare and the raw
/// limits of this run (the bare one measured here if the booking phase
/// did not run), availability reads, and the race for one seat.
pub async fn native(backend: Backend, s: &mut Summary) {
    let n: usize = b::param("ANTRE_BENCH_WRK_N", 20_000);
    let connections: usize = b::param("ANTRE_BENCH_WRK_CONNECTIONS", 64);
    let racers: usize = b::param("ANTRE_BENCH_RACE", 300);
    println!(
        "\n== native generator, {}: {n} members, {connections} connections",
        super::name(backend)
    );
    let bare = match best_rate(s, BARE, backend) {
        Some(r) => Some(r),
        None => super::booking::bare_limit(backend, s),
    };
    let raw = best_rate(s, "booking: raw transaction", backend);
    let floor =
        tokio::task::block_in_place(|| super::bare_http::bare_over_http(backend, n, connections));
    if let Some(f) = &floor {
        println!(
            "  bare transaction over HTTP: {:.0}/s, {}; CPU ms each: this process {:.2}, PostgreSQL {:.2}",
            f.rate, f.latency, f.cpu.client, f.cpu.postgres
        );
        let mut r = s.section(BARE_HTTP, backend);
        r.info("bookings/s", format!("{:.0}", f.rate));
        if let Some(bare) = bare {
            r.info(
                "ratio to the bare transaction",
                format!("{:.2}", f.rate / bare),
            );
        }
        r.info("latency", super::latency_cell(&f.latency));
        r.errors(f.other);
    }
    let Some(run) = bookings(backend, n, connections).await else {
        return;
    };
    let mut r = s.section(NATIVE, backend);
    r.info("load generator", run.generator.to_string());
    r.info("bookings/s", format!("{:.0}", run.rate));
    if let Some(f) = &floor {
        r.info(
            "ratio HTTP/bare transaction over HTTP",
            format!("{:.2}", run.rate / f.rate),
        );
    }
    if let Some(bare) = bare {
        let x = run.rate / bare;
        r.goal(
            "ratio HTTP/bare transaction",
            format!("{x:.2}"),
            ">= 0.5",
            x >= 0.5,
        );
    }
    if let Some(raw) = raw {
        r.info("ratio HTTP/raw", format!("{:.2}", run.rate / raw));
    }
    r.info("latency", super::latency_cell(&run.latency));
    r.errors(run.other);
    r.info(
        "server CPU per booking",
        format!("{:.2} ms", run.cpu.server),
    );
    println!("  native: {}", run.cpu);

    let secs: u64 = b::param("ANTRE_BENCH_READ_SECS", 5);
    if let Some((rate, bad, generator)) = availability(backend, connections, secs).await {
        let mut r = s.section("availability: GET /api/v1/branches/{code}/slots", backend);
        r.info(
            &format!("reads/s at {connections} connections ({generator})"),
            format!("{rate:.0}"),
        );
        r.errors(bad);
    }
    if let Some((held, created)) = race(backend, racers).await {
        s.section(&format!("race: {racers} clients, one seat"), backend)
            .goal(
                "bookings stored",
                format!("{held} ({created} answered 201)"),
                "1",
                held == 1 && created == 1,
            );
    }
}
