//! The bare transaction behind HTTP (issue 18, sixteenth session): what
//! the web stack alone costs. The bare booking (`bare.rs`: the seat, the
//! row, the commit) served by actix-web in this process on Antre's layout —
//! as many HTTP workers as Antre starts (one per core), the transaction on
//! tokio's blocking pool through `Db::write` on the server's pool and
//! durability — and booked by wrk with Antre's own script, data and
//! connections. The bearer token is looked up in a map (no JWT check, no
//! sign-in session); the answer is a short JSON body with the code. So
//! its rate is the most any booking over this HTTP stack could reach on
//! this machine, and Antre's rate against it is what Antre's own booking
//! work (its checks, audit entry, mail, chaining) costs.

use std::collections::HashMap;

use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use antre::db::Db;
use serde::Deserialize;
use serde_json::json;

use super::booking::{check_sessions, fresh_day};
use super::native::{members_file, wrk, wrk_bookings, wrk_latency};
use super::Latency;
use crate::bench::support as b;
use crate::common::Backend;

#[derive(Deserialize)]
struct Asked {
    slot_id: i64,
    claim_id: i64,
}

struct Served {
    db: Db,
    /// Bearer token → (member number, participant id).
    members: HashMap<String, (usize, i64)>,
    at: chrono::NaiveDateTime,
}

async fn book(req: HttpRequest, body: web::Json<Asked>, s: web::Data<Served>) -> HttpResponse {
    let token = req
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let Some(&(i, participant)) = token.and_then(|t| s.members.get(t)) else {
        return HttpResponse::Unauthorized().finish();
    };
    let Asked { slot_id, claim_id } = body.into_inner();
    let s = s.into_inner();
    let done = tokio::task::spawn_blocking(move || {
        super::bare::try_book(&s.db, i, participant, claim_id, slot_id, s.at)
    })
    .await;
    match done {
        Ok(Ok(true)) => HttpResponse::Created().json(json!({ "code": format!("BARE{i:07}") })),
        Ok(Ok(false)) => HttpResponse::Conflict().finish(),
        _ => HttpResponse::InternalServerError().finish(),
    }
}

/// What wrk measured against the bare transaction over HTTP.
pub struct Measured {
    pub rate: f64,
    pub ok: usize,
    pub other: usize,
    pub latency: Latency,
    pub cpu: b::Cpu,
}

/// `n` members book the bare transaction over HTTP through `connections`
/// wrk connections on a fresh database; `None` without the backend or wrk.
pub fn bare_over_http(backend: Backend, n: usize, connections: usize) -> Option<Measured> {
    wrk()?;
    let (tdb, db, now, ids, members) = fresh_day(backend, n)?;
    let dir = tempfile::tempdir().expect("tempdir");
    let data = members_file(dir.path(), &members, &ids);
    let served = web::Data::new(Served {
        db,
        members: members
            .iter()
            .enumerate()
            .map(|(i, m)| (m.token.clone(), (i, m.id)))
            .collect(),
        at: now.naive_utc(),
    });
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    let (handle_tx, handle_rx) = std::sync::mpsc::channel();
    let thread = std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let server = HttpServer::new(move || {
                App::new()
                    .app_data(served.clone())
                    .route("/api/v1/bookings", web::post().to(book))
                    .route("/health", web::get().to(HttpResponse::Ok))
            })
            .listen(listener)
            .expect("listen")
            .run();
            handle_tx.send(server.handle()).expect("handle");
            server.await.expect("bare HTTP server");
        });
    });
    let handle = handle_rx.recv().expect("server handle");
    let cpu = b::CpuMeter::start(Some(std::process::id()));
    let v = wrk_bookings(&base, &data, dir.path(), connections);
    let cpu = cpu.per(v["created"].as_u64().unwrap_or(1).max(1) as usize);
    actix_web::rt::System::new().block_on(handle.stop(true));
    thread.join().expect("bare HTTP thread");
    let ok = v["created"].as_u64().unwrap_or(0) as usize;
    let held = check_sessions(&tdb, &ids);
    assert_eq!(held, ok as i64, "bare over HTTP: every 201 holds a seat");
    Some(Measured {
        rate: ok as f64 / (v["duration_us"].as_f64().unwrap_or(1.0) / 1e6),
        ok,
        other: v["other"].as_u64().unwrap_or(0) as usize
            + v["socket_errors"].as_u64().unwrap_or(0) as usize,
        latency: wrk_latency(&v),
        cpu,
    })
}
