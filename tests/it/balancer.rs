//! A real load balancer (issue 14): nginx, round-robin, in front of three
//! instances with separate data dirs on one PostgreSQL database and one
//! S3-compatible bucket (moto), configured as the README's "Running several
//! instances" says. nginx's access log names the instance behind every
//! answer, so each cross-instance claim below is checked, not assumed.
//!
//! - `balanced_floor`: 300 members racing for 25 seats through nginx; a
//!   document uploaded through one instance and reviewed through another;
//!   booth↔console WebRTC signaling with the two sockets on different
//!   instances; 60 kiosk arrivals racing with three agents finishing
//!   sessions, the floor invariants held throughout, and every arrival
//!   event delivered to live streams held by each of the three instances.
//! - `rolling_restart`: each instance in turn stopped with SIGTERM and
//!   started again under a steady load of bookings, cancels and arrivals:
//!   zero failed requests, every acknowledged booking and cancel stored,
//!   `/ready` 503 while draining, a signaling socket closed with 1012, and
//!   a live stream that follows the restarts (reconnecting with
//!   `Last-Event-ID`) missing no event.
//!
//! PostgreSQL only: several instances on one SQLite file is not a
//! supported deployment. Needs nginx and moto (`.ci/run` installs both).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_tungstenite::tungstenite::client::IntoClientRequest;
use async_tungstenite::tungstenite::Message;
use base64::Engine;
use futures::StreamExt;
use serde_json::{json, Value};

use crate::common::bookings::{at_signal, joined, Http};
use crate::common::fixtures::{self, Staff};
use crate::common::nginx::{Nginx, Served};
use crate::common::s3::S3Server;
use crate::common::{self, error_code, free_port, Backend, Options, TestApp, TestDb};

/// 08:40 WITA on Tuesday 2026-11-24: the branch's check-in is open.
const CLOCK: &str = "2026-11-24T08:40:00+08:00";
const BRANCH: &str = "DPS-DENPASAR";
const NEXT_DAY: &str = "2026-11-25";

struct Node {
    port: u16,
    dir: tempfile::TempDir,
    app: Option<TestApp>,
}

/// Three instances, nginx in front, one database, one bucket.
struct Cluster {
    db: Arc<TestDb>,
    nginx: Nginx,
    front: TestApp,
    nodes: Vec<Node>,
    env: Vec<(String, String)>,
    _s3: S3Server,
}

impl Cluster {
    async fn start(bucket: &str) -> Option<Cluster> {
        let s3 = S3Server::start(bucket).await?;
        let db = TestDb::create(Backend::Postgres)?;
        let ports: Vec<u16> = (0..3).map(|_| free_port()).collect();
        let nginx = Nginx::start(&ports)?;
        let mut env = s3.env("documents");
        let key = base64::engine::general_purpose::STANDARD.encode([7u8; 32]);
        env.extend([
            ("ANTRE_AUDIT_KEY".to_string(), key),
            ("ANTRE_PUBLIC_URL".to_string(), nginx.base()),
            ("ANTRE_DRAIN_SECONDS".to_string(), "1".to_string()),
            // The load books and cancels the same sessions over and over:
            // no cooling-off, no per-participant limit (tested elsewhere).
            ("ANTRE_COOLING_OFF_MINUTES".to_string(), "0".to_string()),
            (
                "ANTRE_BOOKING_CHANGES_PER_HOUR".to_string(),
                "0".to_string(),
            ),
        ]);
        let nodes = ports
            .into_iter()
            .map(|port| Node {
                port,
                dir: tempfile::tempdir().expect("tempdir"),
                app: None,
            })
            .collect();
        let front = TestApp::client_of(&nginx.base(), nginx.port);
        let mut c = Cluster {
            db: Arc::new(db),
            nginx,
            front,
            nodes,
            env,
            _s3: s3,
        };
        for i in 0..3 {
            c.up(i, CLOCK);
        }
        Some(c)
    }

    /// Starts instance `i` on its port and data dir, on server clock `at`.
    fn up(&mut self, i: usize, at: &str) {
        let node = &self.nodes[i];
        let opts = Options::clock(at)
            .with_envs(&self.env)
            .with_env("ANTRE_DATA_DIR", &node.dir.path().to_string_lossy())
            .with_env("ANTRE_BIND", &format!("127.0.0.1:{}", node.port));
        let app = TestApp::start(&self.db, &opts);
        self.nodes[i].app = Some(app);
    }

    fn node(&self, i: usize) -> &TestApp {
        self.nodes[i].app.as_ref().expect("instance up")
    }

    fn addr(&self, i: usize) -> String {
        format!("127.0.0.1:{}", self.nodes[i].port)
    }

    /// What nginx logged for `method path` (paths compared exactly).
    fn served(&self, method: &str, path: &str) -> Vec<Served> {
        self.nginx
            .served()
            .into_iter()
            .filter(|s| s.method == method && s.path == path)
            .collect()
    }
}

/// The instance that answered the only `method path` logged so far.
async fn served_by(c: &Cluster, method: &str, path: &str) -> String {
    common::eventually(10, &format!("nginx logs {method} {path}"), || async {
        let found = c.served(method, path);
        (found.len() == 1).then(|| found[0].by().to_string())
    })
    .await
}

async fn staff(c: &Cluster, role: &str) -> Staff {
    fixtures::staff(&c.front, &c.db, role, &["--branch", BRANCH]).await
}

/// A signaling socket through nginx, as a browser opens one.
type Socket = async_tungstenite::WebSocketStream<async_tungstenite::tokio::ConnectStream>;

async fn socket(base: &str, session: i64, cookie: &str) -> Socket {
    let url = format!(
        "{}/api/v1/video/signal?session={session}",
        base.replace("http://", "ws://")
    );
    let mut req = url.into_client_request().expect("request");
    req.headers_mut()
        .insert("cookie", cookie.parse().expect("cookie"));
    req.headers_mut()
        .insert("origin", base.parse().expect("origin"));
    let (ws, res) = async_tungstenite::tokio::connect_async(req)
        .await
        .unwrap_or_else(|e| panic!("signaling socket for {session}: {e}"));
    assert_eq!(res.status().as_u16(), 101);
    ws
}

/// The next text message's JSON (pings skipped), within 10 s.
async fn next_json(ws: &mut Socket, what: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, ws.next()).await {
            Ok(Some(Ok(Message::Text(t)))) => return serde_json::from_str(&t).expect("json"),
            Ok(Some(Ok(Message::Ping(_) | Message::Pong(_)))) => continue,
            other => panic!("{what}: {other:?}"),
        }
    }
}

const SDP: &str = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";

/// An EventSource as a browser runs one on `url`: it reconnects when the
/// stream ends, sending `Last-Event-ID`, and records the ids of `kind`
/// events (with repeats) until `stop`. Returns how many times it connected
/// and the non-200 answers it got.
fn event_source(
    client: reqwest::Client,
    url: String,
    kind: &'static str,
    seen: Arc<Mutex<Vec<i64>>>,
    stop: Arc<AtomicBool>,
    opened: Arc<AtomicU32>,
) -> tokio::task::JoinHandle<(u32, Vec<u16>)> {
    tokio::spawn(async move {
        let (mut last, mut connects, mut refused) = (None::<i64>, 0u32, Vec::new());
        while !stop.load(Ordering::SeqCst) {
            let mut req = client.get(&url).timeout(Duration::from_secs(3600));
            if let Some(id) = last {
                req = req.header("last-event-id", id.to_string());
            }
            let res = match req.send().await {
                Ok(r) if r.status().as_u16() == 200 => r,
                Ok(r) => {
                    refused.push(r.status().as_u16());
                    tokio::time::sleep(Duration::from_millis(200)).await;
                    continue;
                }
                Err(_) => {
                    refused.push(0);
                    tokio::time::sleep(Duration::from_millis(200)).await;
                    continue;
                }
            };
            connects += 1;
            opened.fetch_add(1, Ordering::SeqCst);
            let mut res = res;
            let mut buf = String::new();
            while !stop.load(Ordering::SeqCst) {
                let chunk =
                    match tokio::time::timeout(Duration::from_millis(200), res.chunk()).await {
                        Err(_) => continue,
                        Ok(Ok(Some(c))) => c,
                        Ok(_) => break,
                    };
                buf.push_str(&String::from_utf8_lossy(&chunk));
                while let Some(end) = buf.find("\n\n") {
                    let frame: String = buf.drain(..end + 2).collect();
                    let (event, _, id) = common::sse_frame(&frame);
                    if let Some(id) = id {
                        last = Some(id);
                        if event.as_deref() == Some(kind) {
                            seen.lock().expect("lock").push(id);
                        }
                    }
                }
            }
        }
        (connects, refused)
    })
}

/// The ids of the branch's stored `arrival` events.
fn arrival_events(db: &TestDb) -> BTreeSet<i64> {
    #[derive(diesel::QueryableByName)]
    struct Id {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        id: i64,
    }
    use diesel::{Connection, RunQueryDsl};
    let mut c = diesel::PgConnection::establish(&db.url).expect("connect");
    diesel::sql_query(format!(
        "SELECT id FROM floor_events WHERE kind = 'arrival' AND branch_code = '{BRANCH}'"
    ))
    .load::<Id>(&mut c)
    .expect("events")
    .into_iter()
    .map(|r| r.id)
    .collect()
}

fn new_nik() -> String {
    fixtures::nik(12, 5, 1985, false)
}

// ---------------------------------------------------------------------------

async fn balanced_floor() {
    let Some(c) = Cluster::start("antre-balanced").await else {
        return;
    };
    let t0 = Instant::now();
    let front = &c.front;
    let spv = staff(&c, "supervisor").await;
    let kiosk = fixtures::device(front, &spv.token, BRANCH, "kiosk").await;
    let agents = [
        staff(&c, "cs").await,
        staff(&c, "cs").await,
        staff(&c, "cs").await,
    ];

    // 1. Booth ↔ console signaling with the two sockets on two instances.
    let (status, v) = fixtures::set_status(front, &agents[0].token, "on_duty").await;
    assert_eq!(status, 200, "on duty: {v}");
    let (status, first) =
        fixtures::arrive_at(front, &kiosk, BRANCH, &json!({"nik": new_nik()})).await;
    assert_eq!(status, 201, "arrival: {first}");
    let (status, list) = front
        .get("/api/v1/console/sessions", Some(&agents[0].token))
        .await;
    assert_eq!(status, 200, "{list}");
    let session = list[0]["id"].as_i64().expect("a seated session");
    let booth = list[0]["booth"].as_i64().expect("at a booth");
    let (status, v) = front
        .post(
            &format!("/api/v1/branches/{BRANCH}/devices"),
            Some(&spv.token),
            &json!({"kind": "booth", "booth": booth}),
        )
        .await;
    assert_eq!(status, 201, "booth device: {v}");
    let booth_token = v["token"].as_str().expect("token").to_string();
    let mut agent_ws = socket(
        &c.nginx.base(),
        session,
        &format!("antre_session={}", agents[0].token),
    )
    .await;
    let mut booth_ws = socket(
        &c.nginx.base(),
        session,
        &format!("antre_device={booth_token}"),
    )
    .await;
    assert_eq!(
        next_json(&mut agent_ws, "agent welcome").await["type"],
        "welcome"
    );
    assert_eq!(
        next_json(&mut booth_ws, "booth welcome").await["type"],
        "welcome"
    );
    let offer = json!({"type": "offer", "epoch": 1, "sdp": SDP});
    agent_ws
        .send(Message::text(offer.to_string()))
        .await
        .expect("send offer");
    let got = next_json(&mut booth_ws, "the offer at the booth").await;
    assert_eq!(
        (got["type"].as_str(), got["sdp"].as_str()),
        (Some("offer"), Some(SDP))
    );
    let answer = json!({"type": "answer", "epoch": 1, "sdp": SDP});
    booth_ws
        .send(Message::text(answer.to_string()))
        .await
        .expect("send answer");
    let got = next_json(&mut agent_ws, "the answer at the console").await;
    assert_eq!(got["type"], "answer", "{got}");
    drop((agent_ws, booth_ws));
    let path = "/api/v1/video/signal";
    let sockets = common::eventually(10, "nginx logs both sockets", || async {
        let found = c.served("GET", path);
        (found.len() == 2).then_some(found)
    })
    .await;
    assert!(sockets.iter().all(|s| s.status == 101), "{sockets:?}");
    assert_ne!(
        sockets[0].by(),
        sockets[1].by(),
        "both sockets on one instance: {sockets:?}"
    );
    let (status, v) = fixtures::finish(front, &agents[0].token, session, "no_show").await;
    assert_eq!(status, 200, "finish: {v}");
    eprintln!("  signaling across instances: ok ({:.1?})", t0.elapsed());

    // 2. An upload through one instance, reviewed through another.
    let (m, claim) = fixtures::member_with_claim(front).await;
    let slots = fixtures::slots(front, BRANCH, NEXT_DAY).await;
    let code = fixtures::book(front, &m.token, slots[1]["id"].as_i64().expect("id"), claim).await;
    assert!(!code.is_empty());
    let png = common::files::png_seeded(11);
    let (status, doc) =
        fixtures::upload_document(front, &m.token, claim, "ektp", "ektp.png", png.clone()).await;
    assert_eq!(status, 201, "upload: {doc}");
    let doc = doc["id"].as_i64().expect("doc id");
    let (status, v) =
        fixtures::review(front, &agents[1].token, doc, json!({"decision": "accept"})).await;
    assert_eq!(status, 200, "review: {v}");
    let up = served_by(&c, "POST", &format!("/api/v1/claims/{claim}/documents")).await;
    let rv = served_by(&c, "POST", &format!("/api/v1/documents/{doc}/review")).await;
    assert_ne!(up, rv, "upload and review on one instance");
    for i in 0..3 {
        let res = c
            .node(i)
            .get_raw(&format!("/api/v1/claims/{claim}/documents/{doc}"), &m.token)
            .await;
        assert_eq!(res.status().as_u16(), 200, "instance {i}");
        assert_eq!(
            res.bytes().await.expect("bytes").to_vec(),
            png,
            "instance {i}"
        );
    }
    eprintln!("  upload {up}, review {rv}: ok ({:.1?})", t0.elapsed());

    // 3. Arrivals racing with agents finishing sessions; live streams on
    // each instance see every arrival.
    let stop = Arc::new(AtomicBool::new(false));
    let events = format!("{}/api/v1/branches/{BRANCH}/events", c.nginx.base());
    // Opened one after the other, with nothing in between: round-robin
    // puts them on the three instances.
    let opened = Arc::new(AtomicU32::new(0));
    let mut streams = Vec::new();
    for i in 0..3u32 {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let h = event_source(
            front.client.clone(),
            events.clone(),
            "arrival",
            seen.clone(),
            stop.clone(),
            opened.clone(),
        );
        streams.push((seen, h));
        let opened = &opened;
        common::eventually(10, "the stream opens", || async move {
            (opened.load(Ordering::SeqCst) > i).then_some(())
        })
        .await;
    }
    // Each stream's request is logged when it ends: until then, wait for
    // the streams to be open (their first arrival event arrives).
    for cs in &agents {
        let (status, v) = fixtures::set_status(front, &cs.token, "on_duty").await;
        assert!(
            status == 200 || error_code(&v) == "no_change",
            "on duty: {status} {v}"
        );
    }
    common::eventually(10, "three live streams open", || async {
        let (s, _) = fixtures::arrive_at(front, &kiosk, BRANCH, &json!({"nik": new_nik()})).await;
        assert_eq!(s, 201);
        streams
            .iter()
            .all(|(seen, _)| !seen.lock().expect("lock").is_empty())
            .then_some(())
    })
    .await;
    let checking = Arc::new(AtomicBool::new(false));
    let checker = {
        let (db, checking) = (c.db.clone(), checking.clone());
        std::thread::spawn(move || {
            let mut n = 0u32;
            while !checking.load(Ordering::SeqCst) {
                crate::floor::check_floor(&db, &format!("during the race (check {n})"));
                n += 1;
                std::thread::sleep(Duration::from_millis(50));
            }
            n
        })
    };
    let done = Arc::new(AtomicBool::new(false));
    let workers: Vec<_> = agents
        .iter()
        .map(|cs| {
            let (http, token, done) = (
                TestApp::client_of(&c.nginx.base(), c.nginx.port),
                cs.token.clone(),
                done.clone(),
            );
            tokio::spawn(async move {
                let mut finished = 0u32;
                while !done.load(Ordering::SeqCst) {
                    let (status, list) = http.get("/api/v1/console/sessions", Some(&token)).await;
                    assert_eq!(status, 200, "{list}");
                    if let Some(s) = list.as_array().and_then(|l| l.first()) {
                        let id = s["id"].as_i64().expect("id");
                        let (status, v) = fixtures::finish(&http, &token, id, "no_show").await;
                        assert_eq!(status, 200, "finish during the race: {v}");
                        finished += 1;
                    }
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
                finished
            })
        })
        .collect();
    let barrier = Arc::new(tokio::sync::Barrier::new(60));
    let arrivals: Vec<_> = (0..60)
        .map(|_| {
            let (http, kiosk) = (
                Http {
                    client: front.client.clone(),
                    base: front.base.clone(),
                },
                kiosk.clone(),
            );
            at_signal(&barrier, async move {
                let res = http
                    .client
                    .post(format!("{}/api/v1/branches/{BRANCH}/arrivals", http.base))
                    .bearer_auth(&kiosk)
                    .json(&json!({"nik": new_nik()}))
                    .send()
                    .await
                    .expect("arrival");
                common::json_of(res).await
            })
        })
        .collect();
    let arrivals = joined(arrivals).await;
    done.store(true, Ordering::SeqCst);
    let finished: u32 = joined(workers).await.into_iter().sum();
    checking.store(true, Ordering::SeqCst);
    let checks = checker.join().expect("checker");
    crate::floor::check_floor(&c.db, "after the race");
    let numbers: BTreeSet<String> = arrivals
        .iter()
        .map(|(s, v)| {
            assert_eq!(*s, 201, "arrival: {v}");
            v["ticket"].to_string()
        })
        .collect();
    assert_eq!(
        numbers.len(),
        60,
        "ticket numbers repeated across instances"
    );
    let stored = arrival_events(&c.db);
    for (i, (seen, _)) in streams.iter().enumerate() {
        common::eventually(10, &format!("stream {i} has every arrival"), || async {
            let got: BTreeSet<i64> = seen.lock().expect("lock").iter().copied().collect();
            let from = *got.first()?;
            let want: BTreeSet<i64> = stored.iter().filter(|id| **id >= from).copied().collect();
            (want.is_subset(&got) && want.len() >= 60).then_some(())
        })
        .await;
    }
    stop.store(true, Ordering::SeqCst);
    for (_, h) in streams {
        let (connects, refused) = h.await.expect("stream");
        assert_eq!(
            (connects, refused.len()),
            (1, 0),
            "a stream dropped: {refused:?}"
        );
    }
    let held = common::eventually(10, "nginx logs the three streams", || async {
        let found = c.served("GET", &format!("/api/v1/branches/{BRANCH}/events"));
        (found.len() == 3).then_some(found)
    })
    .await;
    let by: BTreeSet<&str> = held.iter().map(Served::by).collect();
    assert_eq!(
        by.len(),
        3,
        "the streams were not on three instances: {held:?}"
    );
    eprintln!(
        "  60 arrivals, {finished} finished, {checks} floor checks: ok ({:.1?})",
        t0.elapsed()
    );

    // 4. 300 members race for 25 seats, round-robin over the instances.
    let admin = crate::common::bookings::admin_token(&c.db, front).await;
    let slot = slots[0]["id"].as_i64().expect("slot");
    let (status, v) = crate::common::bookings::set_capacity(front, &admin, slot, 25).await;
    assert_eq!(status, 200, "{v}");
    let racers: Vec<(String, i64)> = futures::stream::iter(0..300)
        .map(|_| async {
            let (m, claim) = fixtures::member_with_claim(front).await;
            (m.token, claim)
        })
        .buffer_unordered(16)
        .collect()
        .await;
    let barrier = Arc::new(tokio::sync::Barrier::new(racers.len()));
    let http = Http {
        client: front.client.clone(),
        base: front.base.clone(),
    };
    let results = joined(
        racers
            .into_iter()
            .map(|(token, claim)| {
                let http = http.clone();
                at_signal(&barrier, async move {
                    http.book(&token, slot, claim, None).await
                })
            })
            .collect(),
    )
    .await;
    let mut tally: BTreeMap<String, usize> = BTreeMap::new();
    for (s, v) in &results {
        *tally
            .entry(format!("{s} {}", if *s < 300 { "" } else { error_code(v) }))
            .or_default() += 1;
    }
    assert_eq!(tally.get("201 ").copied(), Some(25), "{tally:?}");
    assert_eq!(tally.get("409 slot_full").copied(), Some(275), "{tally:?}");
    assert_eq!(crate::common::bookings::active_in(&c.db, slot), 25);
    let spread: BTreeSet<String> = c
        .served("POST", "/api/v1/bookings")
        .iter()
        .map(|s| s.by().to_string())
        .collect();
    assert_eq!(
        spread.len(),
        3,
        "bookings not spread over the instances: {spread:?}"
    );
    eprintln!("  race {tally:?}: ok ({:.1?})", t0.elapsed());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn balanced_floor_postgres() {
    balanced_floor().await;
}

// ---------------------------------------------------------------------------

/// What the steady load saw.
#[derive(Default)]
struct Load {
    failed: Vec<String>,
    booked: BTreeSet<String>,
    cancelled: BTreeSet<String>,
    arrivals: u32,
    requests: u32,
}

/// Members booking and cancelling, one after the other, and a kiosk taking
/// arrivals, through nginx until `stop`.
async fn steady_load(
    front: &TestApp,
    members: Vec<(String, i64, i64)>,
    kiosk: String,
    stop: Arc<AtomicBool>,
) -> Load {
    let load = Arc::new(Mutex::new(Load::default()));
    let n = Arc::new(AtomicU32::new(0));
    let mut tasks = Vec::new();
    for chunk in members.chunks(members.len().div_ceil(6)) {
        let (http, load, stop, chunk, n) = (
            Http {
                client: front.client.clone(),
                base: front.base.clone(),
            },
            load.clone(),
            stop.clone(),
            chunk.to_vec(),
            n.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut held: Vec<Option<String>> = vec![None; chunk.len()];
            let mut k = 0usize;
            while !stop.load(Ordering::SeqCst) {
                let i = k % chunk.len();
                k += 1;
                let (token, claim, slot) = &chunk[i];
                let key = format!("steady-{}", n.fetch_add(1, Ordering::SeqCst));
                let (status, v) = match held[i].take() {
                    None => {
                        let (s, v) = http.book(token, *slot, *claim, Some(&key)).await;
                        if s == 201 {
                            let code = v["code"].as_str().expect("code").to_string();
                            load.lock().expect("lock").booked.insert(code.clone());
                            held[i] = Some(code);
                        }
                        (s, v)
                    }
                    Some(code) => {
                        let (s, v) = http.cancel(token, &code).await;
                        if s == 200 {
                            load.lock().expect("lock").cancelled.insert(code);
                        } else {
                            held[i] = Some(code);
                        }
                        (s, v)
                    }
                };
                {
                    let mut l = load.lock().expect("lock");
                    l.requests += 1;
                    if status >= 300 {
                        l.failed.push(format!("{status} {v}"));
                    }
                }
                tokio::time::sleep(Duration::from_millis(40)).await;
            }
        }));
    }
    {
        let (client, base, load, stop) = (
            front.client.clone(),
            front.base.clone(),
            load.clone(),
            stop.clone(),
        );
        tasks.push(tokio::spawn(async move {
            while !stop.load(Ordering::SeqCst) {
                let res = client
                    .post(format!("{base}/api/v1/branches/{BRANCH}/arrivals"))
                    .bearer_auth(&kiosk)
                    .json(&json!({"nik": new_nik()}))
                    .send()
                    .await;
                {
                    let mut l = load.lock().expect("lock");
                    l.requests += 1;
                    match res {
                        Ok(r) if r.status().as_u16() == 201 => l.arrivals += 1,
                        Ok(r) => l.failed.push(format!("arrival {}", r.status())),
                        Err(e) => l.failed.push(format!("arrival {e}")),
                    }
                }
                tokio::time::sleep(Duration::from_millis(150)).await;
            }
        }));
    }
    joined(tasks).await;
    Arc::try_unwrap(load)
        .ok()
        .expect("load")
        .into_inner()
        .expect("lock")
}

async fn rolling_restart() {
    let Some(mut c) = Cluster::start("antre-rolling").await else {
        return;
    };
    let t0 = Instant::now();
    let spv = staff(&c, "supervisor").await;
    let kiosk = fixtures::device(&c.front, &spv.token, BRANCH, "kiosk").await;
    let cs = staff(&c, "cs").await;
    let (status, v) = fixtures::set_status(&c.front, &cs.token, "on_duty").await;
    assert_eq!(status, 200, "{v}");
    let slots: Vec<i64> = fixtures::slots(&c.front, BRANCH, NEXT_DAY)
        .await
        .iter()
        .filter(|s| s["available"].as_i64().unwrap_or(0) >= 4)
        .map(|s| s["id"].as_i64().expect("id"))
        .collect();
    assert!(slots.len() >= 6, "{slots:?}");
    let members: Vec<(String, i64, i64)> = futures::stream::iter(0..24usize)
        .map(|i| {
            let (front, slot) = (&c.front, slots[i % slots.len()]);
            async move {
                let (m, claim) = fixtures::member_with_claim(front).await;
                (m.token, claim, slot)
            }
        })
        .buffer_unordered(8)
        .collect()
        .await;

    // A booth's signaling socket, on instance 0 directly (to know where
    // it is): the drain closes it with 1012 "service restart".
    let (status, s) =
        fixtures::arrive_at(&c.front, &kiosk, BRANCH, &json!({"nik": new_nik()})).await;
    assert_eq!(status, 201, "{s}");
    let (_, list) = c
        .front
        .get("/api/v1/console/sessions", Some(&cs.token))
        .await;
    let session = list[0]["id"].as_i64().expect("seated");
    let mut console_ws = socket(
        &c.node(0).base,
        session,
        &format!("antre_session={}", cs.token),
    )
    .await;
    assert_eq!(
        next_json(&mut console_ws, "welcome").await["type"],
        "welcome"
    );

    let stop = Arc::new(AtomicBool::new(false));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let events = format!("{}/api/v1/branches/{BRANCH}/events", c.nginx.base());
    let stream = event_source(
        c.front.client.clone(),
        events,
        "arrival",
        seen.clone(),
        stop.clone(),
        Arc::new(AtomicU32::new(0)),
    );
    let first_event = common::eventually(10, "the stream is open", || async {
        let (s, _) =
            fixtures::arrive_at(&c.front, &kiosk, BRANCH, &json!({"nik": new_nik()})).await;
        assert_eq!(s, 201);
        seen.lock().expect("lock").first().copied()
    })
    .await;
    let load_stop = Arc::new(AtomicBool::new(false));
    let load = {
        let front = TestApp::client_of(&c.nginx.base(), c.nginx.port);
        let (kiosk, stop) = (kiosk.clone(), load_stop.clone());
        tokio::spawn(async move { steady_load(&front, members, kiosk, stop).await })
    };
    tokio::time::sleep(Duration::from_secs(2)).await;

    for i in 0..3 {
        let t = Instant::now();
        let app = c.nodes[i].app.take().expect("up");
        app.sigterm();
        // Draining: not ready, new requests refused with nothing done.
        let draining = &app;
        common::eventually(1, "not ready while draining", || async move {
            let (status, v) = draining.get("/ready", None).await;
            (status == 503).then(|| assert_eq!(v["status"], "draining", "instance {i}"))
        })
        .await;
        let (status, v) = app.get("/api/v1/branches", None).await;
        assert_eq!((status, error_code(&v)), (503, "draining"), "instance {i}");
        if i == 0 {
            let closed = tokio::time::timeout(Duration::from_secs(5), async {
                loop {
                    match console_ws.next().await {
                        Some(Ok(Message::Close(frame))) => return frame.map(|f| u16::from(f.code)),
                        Some(Ok(_)) => continue,
                        _ => return None,
                    }
                }
            })
            .await
            .expect("the socket closes while draining");
            assert_eq!(closed, Some(1012), "close code");
        }
        let status = app.exited(Duration::from_secs(15)).await;
        assert!(status.success(), "instance {i} exit: {status:?}");
        let stopped = t.elapsed();
        let now = c.db.clock_now();
        c.up(i, &now);
        eprintln!(
            "  instance {i} ({}) drained and stopped in {stopped:.1?}, back in {:.1?}",
            c.addr(i),
            t.elapsed()
        );
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
    load_stop.store(true, Ordering::SeqCst);
    let load = load.await.expect("load");
    assert!(
        load.failed.is_empty(),
        "{} failed requests of {}: {:?}",
        load.failed.len(),
        load.requests,
        load.failed
    );
    assert!(
        load.requests > 200 && load.arrivals > 20,
        "too little load: {} requests",
        load.requests
    );

    // Every acknowledged booking and cancel is stored.
    for code in &load.booked {
        let want = if load.cancelled.contains(code) {
            "cancelled"
        } else {
            "booked"
        };
        let got = common::count(
            &c.db,
            &format!(
                "SELECT COUNT(*) AS n FROM bookings WHERE code = '{code}' AND status = '{want}'"
            ),
        );
        assert_eq!(got, 1, "booking {code} should be {want}");
    }
    for s in fixtures::slots(&c.front, BRANCH, NEXT_DAY).await {
        let slot = s["id"].as_i64().expect("id");
        let booked = s["booked"].as_i64().expect("booked");
        assert_eq!(
            booked,
            crate::common::bookings::active_in(&c.db, slot),
            "slot {slot}"
        );
        assert!(
            booked <= s["capacity"].as_i64().expect("capacity"),
            "slot {slot}"
        );
    }

    // The stream followed the restarts and missed nothing.
    let stored = arrival_events(&c.db);
    common::eventually(10, "the stream has every arrival", || async {
        let got: BTreeSet<i64> = seen.lock().expect("lock").iter().copied().collect();
        let want: BTreeSet<i64> = stored
            .iter()
            .filter(|id| **id >= first_event)
            .copied()
            .collect();
        want.is_subset(&got).then_some(())
    })
    .await;
    stop.store(true, Ordering::SeqCst);
    let (connects, refused) = stream.await.expect("stream");
    assert!(connects >= 2, "the stream never moved: {connects}");
    assert!(refused.is_empty(), "the stream was refused: {refused:?}");
    let retried = c
        .nginx
        .served()
        .iter()
        .filter(|s| s.upstreams.len() > 1)
        .count();
    eprintln!(
        "  {} requests, {} bookings, {} cancels, {} arrivals, 0 failed; {retried} retried by nginx; stream reconnected {} times ({:.1?})",
        load.requests,
        load.booked.len(),
        load.cancelled.len(),
        load.arrivals,
        connects - 1,
        t0.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn rolling_restart_postgres() {
    rolling_restart().await;
}
