//! Video signaling over WebSocket: `GET /api/v1/video/signal?session=ID`
//! (or `?ticket=ID` from an online participant's page) opens the channel of
//! one floor session. Only that session's agent, the computer of its booth,
//! or its online participant may join, and only while the session is open.
//!
//! Messages ([`crate::domain::video::Signal`]) are parsed, checked and
//! re-serialized, then relayed to the other side: straight to sockets on
//! this instance, and through the `signal_messages` table, which every
//! instance reads when PostgreSQL notifies it (`live::Wake`; polled every
//! 200 ms on SQLite), to sockets on other instances (the agent's
//! console and a booth may be served by different instances sharing one
//! PostgreSQL). When a session finishes (a `finished` floor event, seen by
//! every instance) both ends get `ended` at once and the channel closes.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use actix_web::{web, HttpRequest, HttpResponse};
use actix_ws::{AggregatedMessage, CloseCode, CloseReason};
use serde::Deserialize;
use tokio::sync::{broadcast, mpsc};

use crate::app::error::{AppError, AppResult};
use crate::app::floor::devices;
use crate::clock::Clock;
use crate::db::video::{self as relay, Caller};
use crate::db::{run, Db, DbError};
use crate::domain::role::Role;
use crate::domain::video::{RateLimit, ServerSignal, Side, Signal, MAX_MESSAGE_BYTES};
use crate::domain::Code;
use crate::web::auth::{identify, Identity};
use crate::web::extract::ctx;
use crate::web::live::{Cursor, FloorEvent};
use crate::web::State;

/// How many relayed ids are remembered to skip them on the next polls.
const SEEN_MAX: usize = 4096;
/// Relayed rows older than this are deleted.
const KEEP_SECS: i64 = 120;
/// At most this many sockets per side of a session (a reconnect may
/// briefly overlap the dying socket).
const MAX_SOCKETS_PER_SIDE: usize = 4;
/// Silence after which a socket is considered dead (browsers answer
/// pings on their own).
const IDLE: Duration = Duration::from_secs(45);

enum Out {
    Text(String),
    End,
}

type Key = (i64, Side);
type Sockets = HashMap<Key, Vec<(u64, mpsc::UnboundedSender<Out>)>>;

/// This instance's signaling sockets and its relay poller.
#[derive(Clone)]
pub struct Hub {
    sockets: Arc<Mutex<Sockets>>,
    next: Arc<AtomicU64>,
    db: Db,
    clock: Clock,
    /// Names this instance in relayed rows, so it skips its own.
    origin: Arc<str>,
}

impl Hub {
    fn lock(&self) -> std::sync::MutexGuard<'_, Sockets> {
        self.sockets.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn join(&self, session: i64, side: Side) -> Option<(u64, mpsc::UnboundedReceiver<Out>)> {
        let mut map = self.lock();
        let list = map.entry((session, side)).or_default();
        list.retain(|(_, tx)| !tx.is_closed());
        if list.len() >= MAX_SOCKETS_PER_SIDE {
            return None;
        }
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = mpsc::unbounded_channel();
        list.push((id, tx));
        Some((id, rx))
    }

    fn leave(&self, session: i64, side: Side, id: u64) {
        let mut map = self.lock();
        if let Some(list) = map.get_mut(&(session, side)) {
            list.retain(|(i, _)| *i != id);
            if list.is_empty() {
                map.remove(&(session, side));
            }
        }
    }

    fn deliver(&self, session: i64, side: Side, text: &str) {
        if let Some(list) = self.lock().get(&(session, side)) {
            for (_, tx) in list {
                let _ = tx.send(Out::Text(text.to_string()));
            }
        }
    }

    /// Tells both ends of `session` on this instance that it ended.
    fn end(&self, session: i64) {
        let mut map = self.lock();
        for side in [Side::Agent, Side::Peer] {
            if let Some(list) = map.remove(&(session, side)) {
                for (_, tx) in list {
                    let _ = tx.send(Out::End);
                }
            }
        }
    }

    fn local_sessions(&self) -> Vec<i64> {
        let mut ids: Vec<i64> = self.lock().keys().map(|(s, _)| *s).collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    /// Relays `text` to `to` of `session`: this instance's sockets at
    /// once, other instances through the table.
    async fn send(&self, session: i64, to: Side, text: String) {
        self.deliver(session, to, &text);
        let origin = self.origin.clone();
        let at = self.clock.now_naive();
        let r = run(&self.db, move |db| {
            db.write(|c| relay::post(c, session, to, &origin, &text, at))
        })
        .await;
        if let Err(e) = r {
            tracing::warn!("signal relay: {e}");
        }
    }
}

fn session_of_event(e: &FloorEvent) -> Option<i64> {
    serde_json::from_str::<serde_json::Value>(&e.payload)
        .ok()?
        .get("session")?
        .as_i64()
}

/// Starts the relay poller and the session-end watcher; call once per
/// process.
pub fn start(
    db: Db,
    clock: Clock,
    mut floor: broadcast::Receiver<FloorEvent>,
    wake: crate::web::live::Wake,
) -> Hub {
    let hub = Hub {
        sockets: Arc::new(Mutex::new(HashMap::new())),
        next: Arc::new(AtomicU64::new(1)),
        db,
        clock,
        origin: crate::infra::crypto::random_token(12).into(),
    };
    let poller = hub.clone();
    actix_web::rt::spawn(async move {
        let d = poller.db.clone();
        let last = actix_web::rt::task::spawn_blocking(move || {
            d.read(|c| -> Result<i64, DbError> { relay::newest(c) })
        })
        .await
        .ok()
        .and_then(Result::ok)
        .unwrap_or(0);
        let mut cursor = Cursor::new(last, SEEN_MAX);
        let mut next_prune = Instant::now();
        let mut next_sweep = Instant::now();
        loop {
            wake.signal().await;
            let (d, origin) = (poller.db.clone(), poller.origin.clone());
            let from = cursor.from();
            let rows = actix_web::rt::task::spawn_blocking(move || {
                d.read(|c| relay::after(c, from, &origin))
            })
            .await;
            match rows {
                Ok(Ok(rows)) => {
                    for r in rows.into_iter().filter(|r| cursor.take(r.id)) {
                        if let Some(side) = Side::parse(&r.to_side) {
                            poller.deliver(r.session_id, side, &r.payload);
                        }
                    }
                }
                Ok(Err(e)) => tracing::warn!("signal poller: {e}"),
                Err(e) => tracing::warn!("signal poller: {e}"),
            }
            if Instant::now() >= next_prune {
                next_prune = Instant::now() + Duration::from_secs(30);
                let d = poller.db.clone();
                let before = poller.clock.now_naive() - chrono::Duration::seconds(KEEP_SECS);
                let r = actix_web::rt::task::spawn_blocking(move || {
                    d.write(|c| relay::prune(c, before))
                })
                .await;
                if let Ok(Err(e)) = r {
                    tracing::warn!("signal prune: {e}");
                }
            }
            // A session that ended while its finish event was missed (or
            // between a join's check and the join) is caught here.
            if Instant::now() >= next_sweep {
                next_sweep = Instant::now() + Duration::from_secs(5);
                sweep(&poller).await;
            }
        }
    });
    let watcher = hub.clone();
    actix_web::rt::spawn(async move {
        loop {
            match floor.recv().await {
                Ok(e) if e.kind == "finished" => {
                    if let Some(s) = session_of_event(&e) {
                        watcher.end(s);
                    }
                }
                Ok(_) => {}
                Err(broadcast::error::RecvError::Lagged(_)) => sweep(&watcher).await,
                Err(broadcast::error::RecvError::Closed) => return,
            }
        }
    });
    hub
}

/// Ends local channels whose session is no longer open.
async fn sweep(hub: &Hub) {
    let ids = hub.local_sessions();
    if ids.is_empty() {
        return;
    }
    let d = hub.db.clone();
    let asked = ids.clone();
    let open =
        actix_web::rt::task::spawn_blocking(move || d.read(|c| relay::still_open(c, &asked))).await;
    if let Ok(Ok(open)) = open {
        for id in ids.into_iter().filter(|id| !open.contains(id)) {
            hub.end(id);
        }
    }
}

#[derive(Deserialize)]
pub struct ChannelQuery {
    pub session: Option<i64>,
    /// An online participant's page knows its ticket.
    pub ticket: Option<i64>,
}

/// A browser's WebSocket must come from our own pages: cookies ride along
/// on cross-site WebSocket requests too.
fn same_origin(req: &HttpRequest, public_url: &str) -> bool {
    let Some(origin) = req
        .headers()
        .get(actix_web::http::header::ORIGIN)
        .and_then(|v| v.to_str().ok())
    else {
        // Not a browser (browsers always send Origin on WebSocket).
        return true;
    };
    if origin.eq_ignore_ascii_case(public_url.trim_end_matches('/')) {
        return true;
    }
    let authority = origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"));
    let host = req
        .headers()
        .get(actix_web::http::header::HOST)
        .and_then(|v| v.to_str().ok());
    matches!((authority, host), (Some(a), Some(h)) if a.eq_ignore_ascii_case(h))
}

/// Everyone the request speaks for: its signed-in account, and a booth
/// computer's device credential (a supervisor may be signed in on it).
/// `None` when nobody is signed in at all.
async fn callers_of(state: &State, req: &HttpRequest) -> AppResult<Option<Vec<Caller>>> {
    let mut out = Vec::new();
    let who = identify(req).await?;
    let signed_in = who.is_some();
    if let Some((who, _)) = who {
        match who {
            Identity::Staff {
                id, role: Role::Cs, ..
            } => out.push(Caller::Agent(id)),
            Identity::Participant { id, .. } => out.push(Caller::Participant(id)),
            Identity::Device {
                kind: crate::domain::floor::DeviceKind::Booth,
                branch,
                booth_id: Some(booth_id),
                ..
            } => out.push(Caller::Booth { branch, booth_id }),
            _ => {}
        }
    }
    let token = crate::web::auth::device_token(req);
    if let Some(device) = devices::booth(&ctx(state, None, req), token).await? {
        if let Some(booth_id) = device.booth_id {
            out.push(Caller::Booth {
                branch: device.branch_code,
                booth_id,
            });
        }
    }
    Ok((signed_in || !out.is_empty()).then_some(out))
}

/// Opens a session's signaling channel (WebSocket).
pub async fn channel(
    req: HttpRequest,
    body: web::Payload,
    state: State,
    hub: web::Data<Hub>,
    q: crate::web::body::Query<ChannelQuery>,
) -> AppResult<HttpResponse> {
    if !same_origin(&req, &state.settings.public_url) {
        return Err(AppError::forbidden().detail("cross_origin"));
    }
    let callers = callers_of(&state, &req)
        .await?
        .ok_or_else(AppError::unauthenticated)?;
    let actx = ctx(&state, None, &req);
    let (session, side) = crate::app::video::join(&actx, callers, q.session, q.ticket).await?;
    let (slot, rx) = hub
        .join(session.id, side)
        .ok_or_else(|| AppError::conflict(Code::SignalBusy))?;
    let (res, ws, stream) = match actix_ws::handle(&req, body) {
        Ok(x) => x,
        Err(e) => {
            hub.leave(session.id, side, slot);
            let mut err = AppError::bad_request(Code::NotWebsocket);
            err.internal = Some(e.to_string());
            return Err(err);
        }
    };
    let hub = hub.get_ref().clone();
    let drain = state.instance.stop.clone();
    actix_web::rt::spawn(pump(hub, session.id, side, slot, ws, stream, rx, drain));
    Ok(res)
}

/// One socket: client messages in (checked, rate-limited, relayed), the
/// other side's messages out, pings, and the end of the session. A
/// draining instance closes it with 1012 "service restart": the browser
/// reconnects, through the balancer, to another instance.
#[allow(clippy::too_many_arguments)]
async fn pump(
    hub: Hub,
    session: i64,
    side: Side,
    slot: u64,
    mut ws: actix_ws::Session,
    stream: actix_ws::MessageStream,
    mut rx: mpsc::UnboundedReceiver<Out>,
    drain: crate::instance::Drain,
) {
    let mut stream = stream
        .max_frame_size(MAX_MESSAGE_BYTES)
        .aggregate_continuations()
        .max_continuation_size(MAX_MESSAGE_BYTES);
    let started = Instant::now();
    let elapsed_ms = || u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    // Negotiation sends a few dozen messages at once, then almost nothing.
    let mut limit = RateLimit::new(200, 20, 0);
    let mut refused = 0u32;
    let mut ping = tokio::time::interval(Duration::from_secs(15));
    let mut heard = Instant::now();
    let welcome = ServerSignal::Welcome { side, session }.to_json();
    let mut ended = false;
    let mut reason: Option<CloseReason> = None;
    if ws.text(welcome).await.is_ok() {
        loop {
            tokio::select! {
                m = stream.recv() => {
                    heard = Instant::now();
                    match m {
                        Some(Ok(AggregatedMessage::Text(text))) => {
                            if !limit.take(elapsed_ms()) {
                                reason = Some(CloseReason { code: CloseCode::Policy, description: Some("rate_limited".into()) });
                                break;
                            }
                            match Signal::parse(&text, side) {
                                Ok(sig) => hub.send(session, side.other(), sig.to_json()).await,
                                Err(e) => {
                                    refused += 1;
                                    let sent = ws.text(ServerSignal::Error { code: e.code() }.to_json()).await;
                                    if sent.is_err() || refused > 50 {
                                        break;
                                    }
                                }
                            }
                        }
                        Some(Ok(AggregatedMessage::Binary(_))) => {
                            refused += 1;
                            let code = crate::domain::video::SignalError::Malformed.code();
                            if ws.text(ServerSignal::Error { code }.to_json()).await.is_err() || refused > 50 {
                                break;
                            }
                        }
                        Some(Ok(AggregatedMessage::Ping(b))) => {
                            if ws.pong(&b).await.is_err() {
                                break;
                            }
                        }
                        Some(Ok(AggregatedMessage::Pong(_))) => {}
                        Some(Ok(AggregatedMessage::Close(_))) | Some(Err(_)) | None => break,
                    }
                }
                out = rx.recv() => match out {
                    Some(Out::Text(t)) => {
                        if ws.text(t).await.is_err() {
                            break;
                        }
                    }
                    Some(Out::End) => {
                        ended = true;
                        break;
                    }
                    None => break,
                },
                _ = drain.begun() => {
                    reason = Some(CloseReason { code: CloseCode::Restart, description: Some("draining".into()) });
                    break;
                }
                _ = ping.tick() => {
                    if heard.elapsed() > IDLE || ws.ping(b"antre").await.is_err() {
                        break;
                    }
                }
            }
        }
    }
    hub.leave(session, side, slot);
    if ended {
        let _ = ws.text(ServerSignal::Ended { session }.to_json()).await;
        reason = Some(CloseReason {
            code: CloseCode::Normal,
            description: Some("ended".into()),
        });
    }
    let _ = ws.close(reason).await;
}
