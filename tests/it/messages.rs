//! WhatsApp/SMS through the message gateway (issue 19), on both backends,
//! against a real HTTP server started here: the day-before reminder is
//! queued in the outbox with the mail; while the gateway is down nothing
//! is lost (the message waits, retried); once it is up the message arrives
//! exactly once, though two instances deliver the outbox.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;

use crate::common::{self, fixtures, Backend, Options, TestApp, TestDb};

/// 07:50 WITA on Monday: a booking for Tuesday made now is reminded at 08:00.
const EARLY: &str = "2026-11-23T07:50:00+08:00";
/// Just past 08:00 WITA: Tuesday's reminders are due.
const EIGHT: &str = "2026-11-23T08:00:05+08:00";
const BRANCH: &str = "DPS-DENPASAR";
const DAY: &str = "2026-11-24";

/// A message gateway: answers 200 to every POST and keeps the JSON bodies.
fn gateway(listener: TcpListener) -> Arc<Mutex<Vec<Value>>> {
    let received = Arc::new(Mutex::new(Vec::new()));
    let keep = received.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let Ok(read_half) = stream.try_clone() else {
                continue;
            };
            let mut reader = BufReader::new(read_half);
            let mut length = 0usize;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 {
                    break;
                }
                let line = line.trim_end();
                if line.is_empty() {
                    break;
                }
                if let Some((k, v)) = line.split_once(':') {
                    if k.eq_ignore_ascii_case("content-length") {
                        length = v.trim().parse().unwrap_or(0);
                    }
                }
            }
            let mut body = vec![0u8; length];
            if reader.read_exact(&mut body).is_ok() {
                if let Ok(v) = serde_json::from_slice::<Value>(&body) {
                    keep.lock().expect("lock").push(v);
                }
            }
            let _ = stream
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok");
        }
    });
    received
}

fn whatsapp_rows(db: &TestDb, extra: &str) -> i64 {
    common::count(
        db,
        &format!("SELECT COUNT(*) AS n FROM outbox WHERE channel = 'whatsapp' {extra}"),
    )
}

async fn reminders_reach_the_gateway_once(backend: Backend) {
    let Some(db) = TestDb::create(backend) else {
        return;
    };
    let port = common::free_port();
    let url = format!("http://127.0.0.1:{port}/messages");
    let app = TestApp::start(&db, &Options::clock(EARLY));
    let (member, claim) = fixtures::member_with_claim(&app).await;
    let slot = fixtures::slots(&app, BRANCH, DAY).await[0]["id"]
        .as_i64()
        .expect("slot");
    let code = fixtures::book(&app, &member.token, slot, claim).await;
    app.kill();

    // 08:00: the reminder is due; the gateway is down.
    let with_gateway = || {
        Options::clock(EIGHT)
            .with_env("ANTRE_MESSAGE_WEBHOOK_URL", &url)
            .with_env("ANTRE_MAIL_RETRY_SECS", "1")
    };
    let first = TestApp::start(&db, &with_gateway());
    common::eventually(30, "a failed delivery recorded", || async {
        (whatsapp_rows(
            &db,
            "AND sent_at IS NULL AND attempts >= 1 AND last_error IS NOT NULL",
        ) == 1)
            .then_some(())
    })
    .await;

    // The gateway comes up, and a second instance delivers too.
    let listener = TcpListener::bind(("127.0.0.1", port)).expect("gateway port");
    let received = gateway(listener);
    let second = TestApp::start(&db, &with_gateway());
    common::eventually(30, "the message delivered", || async {
        (whatsapp_rows(&db, "AND sent_at IS NOT NULL") == 1).then_some(())
    })
    .await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    let got = received.lock().expect("lock").clone();
    assert_eq!(got.len(), 1, "sent once: {got:?}");
    assert_eq!(whatsapp_rows(&db, ""), 1, "queued once");
    let phone = common::text(
        &db,
        &format!(
            "SELECT phone AS s FROM participants WHERE id = {}",
            member.id
        ),
    );
    let m = &got[0];
    assert_eq!(m["to"], phone.as_str(), "{m}");
    assert!(phone.starts_with("+62"), "{phone}");
    assert_eq!(m["channel"], "whatsapp", "{m}");
    assert_eq!(m["template"], "booking_reminder", "{m}");
    let text = m["text"].as_str().unwrap_or_default();
    assert!(
        text.contains(&code) && text.contains("Kantor Cabang Denpasar"),
        "{text}"
    );
    assert!(
        text.contains("Kartu Keluarga"),
        "missing documents named: {text}"
    );
    first.kill();
    second.kill();
}
crate::both_backends!(reminders_reach_the_gateway_once);
