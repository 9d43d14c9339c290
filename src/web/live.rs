//! Live updates. Floor changes are rows in `floor_events`; one poller per
//! app instance reads new rows every 200 ms and fans them out to this
//! instance's Server-Sent-Event streams. Because the source is the shared
//! database, a change made through another instance reaches every screen.

use std::collections::VecDeque;
use std::time::Duration;

use actix_web::web::Bytes;
use diesel::prelude::*;
use tokio::sync::broadcast;

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
            .first(c)?;
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

/// Starts the poller; call once per process.
pub fn start(db: Db) -> Live {
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
            actix_web::rt::time::sleep(Duration::from_millis(200)).await;
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

/// An SSE stream of the events `keep` selects, with a keep-alive comment
/// every 15 s.
pub fn sse(
    rx: broadcast::Receiver<FloorEvent>,
    keep: impl Fn(&FloorEvent) -> bool + 'static,
) -> actix_web::HttpResponse {
    let stream = futures_util::stream::unfold((rx, keep), |(mut rx, keep)| async move {
        loop {
            match tokio::time::timeout(Duration::from_secs(15), rx.recv()).await {
                Err(_) => {
                    return Some((
                        Ok::<_, actix_web::Error>(Bytes::from_static(b": keep-alive\n\n")),
                        (rx, keep),
                    ))
                }
                Ok(Ok(e)) if keep(&e) => {
                    let frame = format!("id: {}\nevent: {}\ndata: {}\n\n", e.id, e.kind, e.payload);
                    return Some((Ok(Bytes::from(frame)), (rx, keep)));
                }
                Ok(Ok(_)) => continue,
                // A slow reader missed events: tell it to reload.
                Ok(Err(broadcast::error::RecvError::Lagged(_))) => {
                    return Some((
                        Ok(Bytes::from_static(b"event: resync\ndata: {}\n\n")),
                        (rx, keep),
                    ));
                }
                Ok(Err(broadcast::error::RecvError::Closed)) => return None,
            }
        }
    });
    actix_web::HttpResponse::Ok()
        .content_type("text/event-stream")
        .insert_header(("cache-control", "no-cache"))
        .insert_header(("x-accel-buffering", "no"))
        .streaming(stream)
}
