//! Video booths end to end, in a real headless Chromium with fake camera
//! and microphone: one CS agent's console and five booth computers hold
//! live video at once (every peer connection `connected`, video frames
//! decoded both ways), the agent's voice reaches only the focused pane
//! (switched by keyboard and by click), a sixth arrival waits instead of
//! joining, a dropped booth reconnects by itself, a still from a booth's
//! video becomes the claim's identity photo (audited), and finishing a
//! session stops its media on both sides while the waiting participant
//! takes the freed booth. The console runs on one app instance and the
//! booths on another, so signaling crosses instances through the database.
//!
//! Also, without a browser: who may open a session's signaling channel.
//!
//! Needs Chromium at /usr/lib/chromium/chromium (`.ci/run` installs it):
//! without it the browser test is skipped with a notice, except under
//! `CI=true`, where it fails. Run alone:
//! `cargo test --test it video:: -- --nocapture`.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use crate::common;
use crate::common::chrome::{chromium, Chrome, BROWSER_LOCK};
use crate::common::fixtures::Staff;
use crate::common::{fixtures, Backend, Options, TestApp, TestDb};
use chromiumoxide::Page;
use serde_json::{json, Value};

/// 08:40 WITA on Tuesday 2026-11-24.
const CLOCK: &str = "2026-11-24T08:40:00+08:00";
const BRANCH: &str = "DPS-DENPASAR";

/// A staff account at the booth branch, signed in.
async fn staff(app: &TestApp, db: &TestDb, role: &str) -> Staff {
    fixtures::staff(app, db, role, &["--branch", BRANCH]).await
}

async fn device(app: &TestApp, token: &str, body: Value) -> String {
    let (status, v) = app
        .post(
            &format!("/api/v1/branches/{BRANCH}/devices"),
            Some(token),
            &body,
        )
        .await;
    assert_eq!(status, 201, "device {body}: {v}");
    v["token"].as_str().unwrap().to_string()
}

async fn arrive(app: &TestApp, kiosk: &str, nik: &str) -> Value {
    let (status, v) = app
        .post(
            &format!("/api/v1/branches/{BRANCH}/arrivals"),
            Some(kiosk),
            &json!({"nik": nik}),
        )
        .await;
    assert_eq!(status, 201, "arrival {nik}: {v}");
    v
}

async fn sessions(app: &TestApp, token: &str) -> Vec<Value> {
    let (status, v) = app.get("/api/v1/console/sessions", Some(token)).await;
    assert_eq!(status, 200, "sessions: {v}");
    v.as_array().cloned().unwrap()
}

/// The floor of the test: a supervisor, an on-duty agent with five seats,
/// booth credentials for booths 1–5, five participants seated (the first
/// a registered member with an open claim) and a sixth waiting.
struct Floor {
    spv: Staff,
    cs: Staff,
    booths: Vec<String>,
    member_claim: i64,
    member_token: String,
    sixth: Value,
    kiosk: String,
}

async fn floor(app: &TestApp, db: &TestDb) -> Floor {
    let spv = staff(app, db, "supervisor").await;
    let cs = staff(app, db, "cs").await;
    let kiosk = device(app, &spv.token, json!({"kind": "kiosk"})).await;
    let mut booths = Vec::new();
    for n in 1..=5 {
        booths.push(device(app, &spv.token, json!({"kind": "booth", "booth": n})).await);
    }
    let (status, v) = fixtures::set_status(app, &cs.token, "on_duty").await;
    assert_eq!(status, 200, "on duty: {v}");
    let member = fixtures::register(app).await;
    let member_claim = fixtures::claim(app, &member.token).await;
    arrive(app, &kiosk, &member.nik).await;
    for _ in 0..4 {
        arrive(app, &kiosk, &fixtures::nik(12, 5, 1985, false)).await;
    }
    let sixth = arrive(app, &kiosk, &fixtures::nik(3, 3, 1979, true)).await;
    Floor {
        spv,
        cs,
        booths,
        member_claim,
        member_token: member.token.clone(),
        sixth,
        kiosk,
    }
}

// ---------------------------------------------------------------------------
// Who may join a session's channel (no browser needed).

/// Finishes console session `session` as a no-show (200 expected).
async fn finish_no_show(app: &TestApp, token: &str, session: i64) {
    let (status, v) = fixtures::finish(app, token, session, "no_show").await;
    assert_eq!(status, 200, "finish: {v}");
}

async fn ws_status(app: &TestApp, query: &str, cookie: Option<&str>, origin: Option<&str>) -> u16 {
    let mut req = reqwest::Client::new()
        .get(app.url(&format!("/api/v1/video/signal?{query}")))
        .header("connection", "Upgrade")
        .header("upgrade", "websocket")
        .header("sec-websocket-version", "13")
        .header("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ==");
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    if let Some(o) = origin {
        req = req.header("origin", o);
    }
    req.send().await.unwrap().status().as_u16()
}

async fn channel_authorization(db: TestDb, app: TestApp) {
    let f = floor(&app, &db).await;
    let list = sessions(&app, &f.cs.token).await;
    assert_eq!(list.len(), 5, "{list:?}");
    let by_booth: BTreeMap<i64, i64> = list
        .iter()
        .map(|s| (s["booth"].as_i64().unwrap(), s["id"].as_i64().unwrap()))
        .collect();
    let (s1, s2) = (by_booth[&1], by_booth[&2]);
    let agent = format!("antre_session={}", f.cs.token);
    let booth1 = format!("antre_device={}", f.booths[0]);
    let own = app.base.clone();
    let kiosk = format!("antre_device={}", f.kiosk);
    let other = staff(&app, &db, "cs").await;
    let other = format!("antre_session={}", other.token);
    // A participant may not join a booth's session by ticket either.
    let member = fixtures::register(&app).await;
    let pc = format!("antre_session={}", member.token);
    let (one, two) = (format!("session={s1}"), format!("session={s2}"));
    let (o, evil, ticket1) = (
        Some(own.as_str()),
        Some("http://evil.example"),
        "ticket=1".to_string(),
    );
    for (what, query, cookie, origin, want) in [
        // The session's agent and its booth: switching protocols.
        ("agent", &one, Some(&agent), o, 101),
        ("booth", &one, Some(&booth1), o, 101),
        // Another booth's session, nobody, another site, a kiosk, another
        // agent, a participant.
        ("other booth", &two, Some(&booth1), o, 404),
        ("nobody", &one, None, None, 401),
        ("other site", &one, Some(&agent), evil, 403),
        ("kiosk", &one, Some(&kiosk), o, 404),
        ("other agent", &one, Some(&other), o, 404),
        ("participant", &ticket1, Some(&pc), o, 404),
    ] {
        let cookie = cookie.map(String::as_str);
        assert_eq!(ws_status(&app, query, cookie, origin).await, want, "{what}");
    }
    // A finished session's channel is closed for everyone.
    finish_no_show(&app, &f.cs.token, s1).await;
    assert_eq!(
        ws_status(&app, &format!("session={s1}"), Some(&agent), Some(&own)).await,
        404
    );
    // An online participant: seated without a booth once a seat frees;
    // their session page carries the ticket, and only they (and the
    // agent) may open its channel.
    let (online, claim) = fixtures::member_with_claim(&app).await;
    let slot = fixtures::slots(&app, BRANCH, "2026-11-24")
        .await
        .into_iter()
        .find(|s| {
            s["starts_at"]
                .as_str()
                .is_some_and(|t| t.starts_with("2026-11-24T09:00"))
        })
        .unwrap();
    let (status, v) = fixtures::post_booking(&app, Some(&online.token), &slot["id"], claim).await;
    assert_eq!(status, 201, "book: {v}");
    let code = v["code"].as_str().unwrap().to_string();
    let (status, v) = app
        .act(&format!("/api/v1/bookings/{code}/arrive"), &online.token)
        .await;
    assert_eq!(status, 201, "arrive online: {v}");
    finish_no_show(&app, &f.cs.token, s2).await;
    let html = reqwest::Client::new()
        .get(app.url(&format!("/session/{code}")))
        .header("cookie", format!("antre_session={}", online.token))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let ticket: i64 = html
        .split("data-video-ticket=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .and_then(|t| t.parse().ok())
        .unwrap_or_else(|| panic!("no video on the online session page: {html}"));
    let own_cookie = format!("antre_session={}", online.token);
    let query = format!("ticket={ticket}");
    for (what, cookie, want) in [
        ("the participant", &own_cookie, 101),
        ("another participant", &pc, 404),
        ("a booth", &booth1, 404),
    ] {
        assert_eq!(
            ws_status(&app, &query, Some(cookie), o).await,
            want,
            "{what}"
        );
    }
    // ICE configuration: signed-in callers and booth computers only.
    let (status, v) = app.get("/api/v1/video/ice", Some(&f.cs.token)).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["ice_servers"], json!([]));
    let (status, _) = app.get("/api/v1/video/ice", None).await;
    assert_eq!(status, 401);
    // The booth page: its computer sees branch and booth; others do not.
    let page = |cookie: Option<String>, n: i32| {
        let mut r = reqwest::Client::new().get(app.url(&format!("/booth/{BRANCH}/{n}")));
        if let Some(c) = cookie {
            r = r.header("cookie", c);
        }
        r.send()
    };
    let html = page(Some(booth1.clone()), 1)
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Bilik 1"), "{html}");
    assert!(
        html.contains("data-video-session"),
        "booth 1 is in a session again: {html}"
    );
    let html = page(None, 1).await.unwrap().text().await.unwrap();
    assert!(!html.contains("data-video-session"), "{html}");
    assert!(html.contains("belum diaktifkan"), "{html}");
    let booth9 = device(&app, &f.spv.token, json!({"kind": "booth", "booth": 9})).await;
    let html = page(Some(format!("antre_device={booth9}")), 9)
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("Bilik 9") && html.contains("Silakan tunggu"),
        "idle booth: {html}"
    );
    // Booth 1's credential does not open booth 9.
    let html = page(Some(booth1), 9).await.unwrap().text().await.unwrap();
    assert!(html.contains("belum diaktifkan"), "{html}");
    let (status, _) = {
        let r = page(None, 99).await.unwrap();
        (r.status().as_u16(), ())
    };
    assert_eq!(status, 404);
}
both_backends!(channel_authorization, clock = CLOCK);

// ---------------------------------------------------------------------------
// The browser test.

#[derive(Debug, Clone, Default)]
struct LinkStats {
    session: i64,
    state: String,
    signal: bool,
    focused: bool,
    waiting: bool,
    ended: bool,
    frames_in: i64,
    audio_in: i64,
}

/// The string a script evaluates to on `page`.
async fn eval_string(page: &Page, js: &str) -> String {
    page.evaluate(js).await.unwrap().into_value().unwrap()
}

/// A page's links, as `window.antreRtcStats()` reports them; none when
/// the page does not answer within 10 s (a starved renderer: the caller's
/// deadline decides).
async fn stats(page: &Page) -> Vec<LinkStats> {
    let js = "window.antreRtcStats ? window.antreRtcStats().then(JSON.stringify) : '[]'";
    let Ok(text) = tokio::time::timeout(Duration::from_secs(10), eval_string(page, js)).await
    else {
        return Vec::new();
    };
    let v: Vec<Value> = serde_json::from_str(&text).unwrap();
    v.iter()
        .map(|l| LinkStats {
            session: l["session"].as_i64().unwrap_or(0),
            state: l["state"].as_str().unwrap_or("").into(),
            signal: l["signal"].as_bool().unwrap_or(false),
            focused: l["focused"].as_bool().unwrap_or(false),
            waiting: l["waiting"].as_bool().unwrap_or(false),
            ended: l["ended"].as_bool().unwrap_or(false),
            frames_in: l["videoFramesDecoded"].as_i64().unwrap_or(0),
            audio_in: l["audioPacketsReceived"].as_i64().unwrap_or(0),
        })
        .collect()
}

/// Polls every 250 ms until `ok` holds, or fails with `what` and the last
/// stats when a round of readings begun after `secs` still does not hold.
/// (A round reads the pages one after the other and may itself take
/// seconds on a loaded machine: a round begun before the deadline can
/// hold readings older than the deadline, so it never decides a failure.)
async fn until<F>(secs: u64, what: &str, pages: &[&Page], ok: F) -> Vec<Vec<LinkStats>>
where
    F: Fn(&[Vec<LinkStats>]) -> bool,
{
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        let begun = Instant::now();
        let mut all = Vec::new();
        for p in pages {
            all.push(stats(p).await);
        }
        if ok(&all) {
            return all;
        }
        if begun > deadline {
            panic!("timed out after {secs} s waiting for {what}: {all:#?}");
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

fn live(l: &LinkStats) -> bool {
    l.state == "connected" && l.frames_in > 0
}

/// Audio packets each booth received over `window`.
async fn audio_growth(booths: &[Page], window: Duration) -> Vec<i64> {
    let mut before = Vec::new();
    for b in booths {
        before.push(stats(b).await.first().map(|l| l.audio_in).unwrap_or(0));
    }
    tokio::time::sleep(window).await;
    let mut out = Vec::new();
    for (b, was) in booths.iter().zip(before) {
        out.push(stats(b).await.first().map(|l| l.audio_in).unwrap_or(0) - was);
    }
    out
}

/// Waits until only booth `hot` (0-based) receives the agent's voice.
async fn voice_only_at(booths: &[Page], hot: usize, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let growth = audio_growth(booths, Duration::from_millis(1500)).await;
        let ok = growth
            .iter()
            .enumerate()
            .all(|(i, g)| if i == hot { *g > 30 } else { *g <= 3 });
        if ok {
            return;
        }
        if Instant::now() > deadline {
            panic!("{what}: audio packets per booth over 1.5 s: {growth:?} (only booth {} should hear the agent)", hot + 1);
        }
    }
}

async fn video_booths(backend: Backend) {
    let Some(path) = chromium() else {
        return;
    };
    let Some(db) = TestDb::create(backend) else {
        return;
    };
    let _one_at_a_time = BROWSER_LOCK.lock().await;
    let started = Instant::now();
    // The console on one instance, the booths on another.
    let console_app = TestApp::start(&db, &Options::clock(CLOCK));
    let booth_app = TestApp::start(&db, &Options::clock(CLOCK));
    let f = floor(&console_app, &db).await;
    assert_eq!(
        f.sixth["status"], "waiting",
        "the sixth arrival waits: {}",
        f.sixth
    );
    assert_eq!(f.sixth["position"], 1, "{}", f.sixth);
    let list = sessions(&console_app, &f.cs.token).await;
    assert_eq!(list.len(), 5, "five seats: {list:?}");
    // Pane order on the console is the sessions' order.
    let pane_booth: Vec<i64> = list.iter().map(|s| s["booth"].as_i64().unwrap()).collect();
    let session_of_booth: BTreeMap<i64, i64> = list
        .iter()
        .map(|s| (s["booth"].as_i64().unwrap(), s["id"].as_i64().unwrap()))
        .collect();
    assert_eq!(
        session_of_booth.keys().copied().collect::<Vec<_>>(),
        vec![1, 2, 3, 4, 5]
    );

    let chrome = Chrome::launch(path).await;
    let mut booths = Vec::new();
    for (i, token) in f.booths.iter().enumerate() {
        booths.push(
            chrome
                .open(
                    &booth_app,
                    ("antre_device", token),
                    &format!("/booth/{BRANCH}/{}", i + 1),
                )
                .await,
        );
    }
    let agent = chrome
        .open(&console_app, ("antre_session", &f.cs.token), "/console")
        .await;

    // 1. Five booths and one agent hold live video at once.
    let mut pages: Vec<&Page> = vec![&agent];
    pages.extend(booths.iter());
    let t0 = Instant::now();
    until(45, "six pages with live video both ways", &pages, |all| {
        all[0].len() == 5
            && all[0].iter().all(live)
            && all[1..].iter().all(|b| b.len() == 1 && live(&b[0]))
    })
    .await;
    eprintln!("five booths connected both ways in {:?}", t0.elapsed());
    // On the agent's 1440×900 screen all five live tiles are in view.
    crate::common::chrome::viewport(&agent, 1440, 900).await;
    let tiles = eval_string(
        &agent,
        "JSON.stringify(Array.from(document.querySelectorAll('.pane-video')).map(v => { const r = v.getBoundingClientRect(); \
         return [r.left >= 0 && r.top >= 0 && r.right <= innerWidth && r.bottom <= innerHeight && r.width >= 200, !!(v.querySelector('video') || {}).videoWidth]; }))",
    )
    .await;
    assert_eq!(
        tiles, "[[true,true],[true,true],[true,true],[true,true],[true,true]]",
        "five tiles inside 1440×900, each showing video"
    );
    // Each booth talks to its own session.
    for (i, b) in booths.iter().enumerate() {
        let s = stats(b).await;
        assert_eq!(
            s[0].session,
            session_of_booth[&(i as i64 + 1)],
            "booth {}",
            i + 1
        );
    }
    // The sixth arrival still waits: no sixth connection at the console.
    assert_eq!(stats(&agent).await.len(), 5);
    let (_, board) = console_app
        .get(&format!("/api/v1/branches/{BRANCH}/board"), None)
        .await;
    assert_eq!(board["waiting"], 1, "{board}");

    // 2. The agent's voice goes to the focused pane only (pane 1 at first);
    //    the others are told to wait a moment.
    let booth_index = |pane: usize| (pane_booth[pane - 1] - 1) as usize;
    voice_only_at(&booths, booth_index(1), "pane 1 focused").await;
    for (i, b) in booths.iter().enumerate() {
        let s = &stats(b).await[0];
        assert_eq!(
            s.waiting,
            i != booth_index(1),
            "booth {} wait notice",
            i + 1
        );
    }
    // Keyboard: key 3.
    agent
        .evaluate("document.dispatchEvent(new KeyboardEvent('keydown', {key: '3', bubbles: true}))")
        .await
        .unwrap();
    voice_only_at(&booths, booth_index(3), "key 3").await;
    let s = stats(&booths[booth_index(3)]).await;
    assert!(!s[0].waiting, "{s:?}");
    let a = stats(&agent).await;
    assert_eq!(a.iter().filter(|l| l.focused).count(), 1, "{a:?}");
    // Click: pane 5.
    agent
        .evaluate("document.querySelector('[data-pane=\"5\"]').click()")
        .await
        .unwrap();
    voice_only_at(&booths, booth_index(5), "click on pane 5").await;

    // 3. A booth whose connection drops (signaling and media) reconnects
    //    by itself and the session goes on.
    let dropped = 1usize;
    let before = stats(&booths[dropped]).await[0].clone();
    booths[dropped]
        .evaluate("window.antreRtcDrop()")
        .await
        .unwrap();
    until(30, "the dropped booth to reconnect", &pages, |all| {
        let b = &all[1 + dropped];
        b.len() == 1
            && b[0].signal
            && live(&b[0])
            && b[0].session == before.session
            && all[0].len() == 5
            && all[0].iter().all(|l| l.state == "connected")
    })
    .await;
    let after = stats(&booths[dropped]).await[0].clone();
    tokio::time::sleep(Duration::from_millis(800)).await;
    let later = stats(&booths[dropped]).await[0].clone();
    assert!(
        later.frames_in > after.frames_in,
        "frames flow again: {after:?} {later:?}"
    );

    // 4. A still from booth 1's participant (the member with a claim)
    //    becomes the claim's identity photo, in the audit log.
    let member_session = session_of_booth[&1];
    agent
        .evaluate(format!(
            "document.querySelector('[data-still=\"{member_session}\"]').click()"
        ))
        .await
        .unwrap();
    let doc = common::eventually(15, "the identity photo", || async {
        let (status, v) = console_app
            .get(
                &format!("/api/v1/claims/{}", f.member_claim),
                Some(&f.member_token),
            )
            .await;
        assert_eq!(status, 200, "{v}");
        v["documents"]
            .as_array()
            .and_then(|d| d.iter().find(|d| d["kind"] == "identity_photo").cloned())
    })
    .await;
    assert_eq!(doc["content_type"], "image/jpeg", "{doc}");
    assert_eq!(
        common::count(
            &db,
            &format!(
                "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'identity_photo_taken' AND claim_id = {} AND session_id = {member_session}",
                f.member_claim
            )
        ),
        1
    );

    // 5. Finishing a session stops its media on both sides at once; the
    //    waiting participant takes the freed booth and connects.
    let ended = session_of_booth[&5];
    finish_no_show(&console_app, &f.cs.token, ended).await;
    let t_end = Instant::now();
    until(
        5,
        "the finished session's media to stop on both sides",
        &pages,
        |all| {
            let agent_gone = all[0]
                .iter()
                .all(|l| l.session != ended || l.ended || l.state == "closed" || l.state == "none");
            let booth_gone = all[5]
                .iter()
                .all(|l| l.session != ended || l.ended || l.state == "closed" || l.state == "none");
            agent_gone && booth_gone
        },
    )
    .await;
    eprintln!(
        "media stopped on both sides {:?} after the finish",
        t_end.elapsed()
    );
    let after_end = until(30, "the waiting participant in booth 5", &pages, |all| {
        all[5].len() == 1
            && all[5][0].session != ended
            && live(&all[5][0])
            && all[0]
                .iter()
                .filter(|l| l.session != ended && live(l))
                .count()
                == 5
    })
    .await;
    assert_ne!(after_end[5][0].session, ended);

    // 6. A refused camera gets a clear explanation, not a blank screen:
    //    booth 2's computer reloads and its camera is refused.
    booths.remove(1).close().await.unwrap();
    let refused = chrome
        .open_with(
            &booth_app,
            ("antre_device", &f.booths[1]),
            &format!("/booth/{BRANCH}/2"),
            "navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('refused', 'NotAllowedError'));",
        )
        .await;
    let shown = common::eventually(10, "the refused-camera explanation", || async {
        let text = eval_string(&refused, "(() => { const s = document.querySelector('[data-video-key] .video-status'); return s && !s.hidden ? s.textContent : ''; })()").await;
        text.contains("Akses kamera atau mikrofon ditolak").then_some(text)
    })
    .await;
    assert!(shown.contains("muat ulang"), "{shown}");

    chrome.close().await;
    eprintln!("video test ({backend:?}) took {:?}", started.elapsed());
}
/// On the machine of 2026-12-03's first session (Debian Chromium
/// 156.0.8078.114, 2 cores) six pages with live WebRTC video starved the
/// agent's renderer and this test was ignored for one landing; on the next
/// machine of the same kind it passed 3 of 3 (10–23 s to connect, 55–119 s
/// in all, beside a compiling helper), so it runs again. Its deadlines
/// are generous; a renderer that stops answering is reported as such.
mod video_booths {
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn sqlite() {
        super::video_booths(crate::common::Backend::Sqlite).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn postgres() {
        super::video_booths(crate::common::Backend::Postgres).await;
    }
}
