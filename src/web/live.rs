//! Live updates. Floor changes are rows in `floor_events`; one reader per
//! app instance reads new rows and fans them out to this instance's
//! Server-Sent-Event streams. Because the source is the shared database, a
//! change made through another instance reaches every screen.
//!
//! When to read: on PostgreSQL a trigger sends `NOTIFY antre_floor` (and
//! `antre_signal` for video signaling) with every commit that adds rows, and
//! each instance keeps one listening connection (`Wake`), so readers wake
//! within milliseconds and stay quiet while nothing happens (a read every
//! 5 s stays as a safety net). The table stays the source: a reader always
//! reads from its cursor, so after the listening connection drops and comes
//! back, everything committed meanwhile is read. On SQLite (one instance,
//! one file) and while the listener is down, readers poll every 200 ms.

use crate::db::FirstRow;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use actix_web::web::Bytes;
use diesel::prelude::*;
use futures_util::StreamExt;
use tokio::sync::{broadcast, Notify};

use crate::db::schema::floor_events;
use crate::db::{Db, DbError};

/// How far back (in ids) each poll looks for late commits.
const LOOKBACK: i64 = 256;
/// How many sent ids are remembered to skip them on the next polls.
const SEEN_MAX: usize = 2048;

/// Where a poller of an id-ordered table stands. On PostgreSQL ids are
/// handed out before commit, so a lower id can become visible after a
/// higher one: every poll looks back over a window of ids and skips those
/// already passed on.
pub struct Cursor {
    last: i64,
    seen: VecDeque<i64>,
    remember: usize,
}

impl Cursor {
    /// A cursor after `last`, remembering up to `remember` ids.
    pub fn new(last: i64, remember: usize) -> Self {
        Self {
            last,
            seen: VecDeque::new(),
            remember,
        }
    }

    /// The id to read after.
    pub fn from(&self) -> i64 {
        (self.last - LOOKBACK).max(0)
    }

    /// Is `id` news? Then it is remembered as passed on.
    pub fn take(&mut self, id: i64) -> bool {
        if id <= self.last && self.seen.contains(&id) {
            return false;
        }
        self.last = self.last.max(id);
        self.seen.push_back(id);
        if self.seen.len() > self.remember {
            self.seen.pop_front();
        }
        true
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = floor_events)]
pub struct FloorEvent {
    pub id: i64,
    #[diesel(column_name = branch_code)]
    pub branch: String,
    #[diesel(column_name = agent_id)]
    pub agent: Option<i64>,
    pub kind: String,
    pub payload: String,
}

#[derive(Clone)]
pub struct Live {
    tx: broadcast::Sender<FloorEvent>,
}

impl Live {
    pub fn subscribe(&self) -> broadcast::Receiver<FloorEvent> {
        self.tx.subscribe()
    }
}

fn newest(db: &Db) -> Result<i64, DbError> {
    db.read(|c| -> Result<i64, DbError> {
        let max: Option<i64> = floor_events::table
            .select(diesel::dsl::max(floor_events::id))
            .first_row(c)?;
        Ok(max.unwrap_or(0))
    })
}

fn after(db: &Db, id: i64) -> Result<Vec<FloorEvent>, DbError> {
    db.read(|c| -> Result<_, DbError> {
        Ok(floor_events::table
            .filter(floor_events::id.gt(id))
            .order(floor_events::id.asc())
            .limit(2000)
            .select(FloorEvent::as_select())
            .load(c)?)
    })
}

/// Channels the PostgreSQL triggers notify (migration `live_notify`).
const FLOOR_CHANNEL: &str = "antre_floor";
const SIGNAL_CHANNEL: &str = "antre_signal";
/// How long a reader waits for a wake before it reads anyway.
const POLL: Duration = Duration::from_millis(200);
const SAFETY_NET: Duration = Duration::from_secs(5);

/// Wakes this instance's readers of `floor_events` and `signal_messages`
/// when PostgreSQL says rows were committed (each table has one reader per
/// instance, so a wake that finds the reader busy is kept for it).
#[derive(Clone, Default)]
pub struct Wake {
    floor: Arc<Notify>,
    signal: Arc<Notify>,
    listening: Arc<AtomicBool>,
}

impl Wake {
    /// Until `floor_events` may have news: a notification, else the poll
    /// interval (200 ms without a listener, 5 s with one).
    pub async fn floor(&self) {
        self.wait(&self.floor).await;
    }

    /// As `floor`, for `signal_messages`.
    pub async fn signal(&self) {
        self.wait(&self.signal).await;
    }

    async fn wait(&self, which: &Notify) {
        let idle = if self.listening.load(Ordering::Relaxed) {
            SAFETY_NET
        } else {
            POLL
        };
        let _ = tokio::time::timeout(idle, which.notified()).await;
    }

    fn both(&self) {
        self.floor.notify_one();
        self.signal.notify_one();
    }

    /// The wake of a PostgreSQL deployment: a task keeps one connection
    /// listening (reconnecting after a second when it drops). A database
    /// that cannot be reached this way (TLS required, say) leaves the
    /// readers polling, with a warning; the attempts back off to one every
    /// 30 s until one succeeds.
    pub fn listen(url: String) -> Wake {
        let wake = Wake::default();
        let w = wake.clone();
        actix_web::rt::spawn(async move {
            let mut pause = Duration::from_secs(1);
            loop {
                match listen_once(&url, &w).await {
                    Ok(()) => tracing::warn!("live listener: connection closed, reconnecting"),
                    Err(e) => tracing::warn!("live listener: {e}; polling until it is back"),
                }
                // A connection that got to listen starts the back-off over.
                pause = if w.listening.swap(false, Ordering::Relaxed) {
                    Duration::from_secs(1)
                } else {
                    (pause * 2).min(Duration::from_secs(30))
                };
                // Whatever was committed while deaf is read now.
                w.both();
                actix_web::rt::time::sleep(pause).await;
            }
        });
        wake
    }
}

/// One listening connection, until it fails.
async fn listen_once(url: &str, wake: &Wake) -> Result<(), tokio_postgres::Error> {
    let (client, mut connection) = tokio_postgres::connect(url, tokio_postgres::NoTls).await?;
    let mut messages = futures_util::stream::poll_fn(move |cx| connection.poll_message(cx));
    let subscribe = format!("LISTEN {FLOOR_CHANNEL}; LISTEN {SIGNAL_CHANNEL}");
    // The connection must be driven while LISTEN runs: both at once.
    let mut listen = std::pin::pin!(client.batch_execute(&subscribe));
    let mut subscribed = false;
    loop {
        tokio::select! {
            r = &mut listen, if !subscribed => {
                r?;
                subscribed = true;
                wake.listening.store(true, Ordering::Relaxed);
                // Anything committed before LISTEN took effect.
                wake.both();
            }
            m = messages.next() => match m {
                Some(Ok(tokio_postgres::AsyncMessage::Notification(n))) => {
                    match n.channel() {
                        FLOOR_CHANNEL => wake.floor.notify_one(),
                        SIGNAL_CHANNEL => wake.signal.notify_one(),
                        _ => {}
                    }
                }
                Some(Ok(_)) => {}
                Some(Err(e)) => return Err(e),
                None => return Ok(()),
            }
        }
    }
}

/// Starts the reader; call once per process.
pub fn start(db: Db, wake: Wake) -> Live {
    let (tx, _) = broadcast::channel(1024);
    let live = Live { tx: tx.clone() };
    actix_web::rt::spawn(async move {
        let start_db = db.clone();
        let last = actix_web::rt::task::spawn_blocking(move || newest(&start_db))
            .await
            .ok()
            .and_then(Result::ok)
            .unwrap_or(0);
        let mut cursor = Cursor::new(last, SEEN_MAX);
        // What happened before this instance started is not news.
        let d = db.clone();
        let from = cursor.from();
        if let Ok(Ok(events)) = actix_web::rt::task::spawn_blocking(move || after(&d, from)).await {
            for e in &events {
                cursor.take(e.id);
            }
        }
        loop {
            wake.floor().await;
            let d = db.clone();
            let from = cursor.from();
            match actix_web::rt::task::spawn_blocking(move || after(&d, from)).await {
                Ok(Ok(events)) => {
                    for e in events.into_iter().filter(|e| cursor.take(e.id)) {
                        let _ = tx.send(e);
                    }
                }
                Ok(Err(e)) => tracing::warn!("live poller: {e}"),
                Err(e) => tracing::warn!("live poller: {e}"),
            }
        }
    });
    live
}

/// Where a reconnecting stream starts: the `Last-Event-ID` its browser
/// sends (the id of the last event it received).
pub fn last_event_id(req: &actix_web::HttpRequest) -> Option<i64> {
    req.headers()
        .get("last-event-id")?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
        .filter(|id: &i64| *id >= 0)
}

/// What a reconnecting stream missed: the events after `since` that `keep`
/// selects, or `None` when there are too many to replay (the page reloads).
fn missed(
    db: &Db,
    since: i64,
    keep: &dyn Fn(&FloorEvent) -> bool,
) -> Result<Option<Vec<FloorEvent>>, DbError> {
    let events = after(db, since)?;
    if events.len() >= 2000 {
        return Ok(None);
    }
    Ok(Some(events.into_iter().filter(|e| keep(e)).collect()))
}

fn frame(e: &FloorEvent) -> Bytes {
    Bytes::from(format!(
        "id: {}\nevent: {}\ndata: {}\n\n",
        e.id, e.kind, e.payload
    ))
}

const RESYNC: &[u8] = b"event: resync\ndata: {}\n\n";

/// One SSE response's state.
struct Feed<K> {
    rx: broadcast::Receiver<FloorEvent>,
    keep: Arc<K>,
    drain: crate::instance::Drain,
    db: Db,
    /// `Last-Event-ID`, until the missed events are read.
    since: Option<i64>,
    opened: bool,
    pending: VecDeque<Bytes>,
    /// Replayed from the table: skipped when the broadcast brings them.
    replayed: std::collections::HashSet<i64>,
}

impl<K: Fn(&FloorEvent) -> bool + Send + Sync + 'static> Feed<K> {
    async fn open(&mut self) {
        self.opened = true;
        self.pending
            .push_back(Bytes::from_static(b"retry: 1000\n\n"));
        let Some(since) = self.since.take() else {
            return;
        };
        let (db, keep) = (self.db.clone(), self.keep.clone());
        let found = actix_web::rt::task::spawn_blocking(move || {
            missed(&db, since, &|e: &FloorEvent| keep(e))
        })
        .await;
        match found {
            Ok(Ok(Some(events))) => {
                for e in &events {
                    self.replayed.insert(e.id);
                    self.pending.push_back(frame(e));
                }
            }
            _ => self.pending.push_back(Bytes::from_static(RESYNC)),
        }
    }

    /// The next frame, or `None` when the stream ends.
    async fn next(&mut self) -> Option<Bytes> {
        if !self.opened {
            self.open().await;
        }
        if let Some(b) = self.pending.pop_front() {
            return Some(b);
        }
        loop {
            let next = tokio::select! {
                _ = self.drain.begun() => return None,
                r = tokio::time::timeout(Duration::from_secs(15), self.rx.recv()) => r,
            };
            match next {
                Err(_) => return Some(Bytes::from_static(b": keep-alive\n\n")),
                Ok(Ok(e)) if (self.keep)(&e) && !self.replayed.remove(&e.id) => {
                    return Some(frame(&e))
                }
                Ok(Ok(_)) => continue,
                // A slow reader missed events: tell it to reload.
                Ok(Err(broadcast::error::RecvError::Lagged(_))) => {
                    return Some(Bytes::from_static(RESYNC))
                }
                Ok(Err(broadcast::error::RecvError::Closed)) => return None,
            }
        }
    }
}

/// An SSE stream of the events `keep` selects, with a keep-alive comment
/// every 15 s. A browser reconnecting with `Last-Event-ID` (to this or
/// another instance) first gets what it missed, from the table. The stream
/// ends when the instance drains; the browser reconnects after a second.
pub fn sse(
    state: &crate::web::AppState,
    since: Option<i64>,
    keep: impl Fn(&FloorEvent) -> bool + Send + Sync + 'static,
) -> actix_web::HttpResponse {
    let feed = Feed {
        rx: state.live.subscribe(),
        keep: Arc::new(keep),
        drain: state.instance.stop.clone(),
        db: state.db.clone(),
        since,
        opened: false,
        pending: VecDeque::new(),
        replayed: Default::default(),
    };
    let stream = futures_util::stream::unfold(feed, |mut feed| async move {
        let b = feed.next().await?;
        Some((Ok::<_, actix_web::Error>(b), feed))
    });
    actix_web::HttpResponse::Ok()
        .content_type("text/event-stream")
        .insert_header(("cache-control", "no-cache"))
        .insert_header(("x-accel-buffering", "no"))
        .streaming(stream)
}
