//! Seat brokers (calo, issue 15 "fair access") in the auditor's anomaly
//! list: one address booking for ten participants, one phone number behind
//! three, a participant cancelling three times, a seat cancelled and taken
//! by another at once, and one address booking at three branches — each
//! flagged once with its participants and explained in both languages.
//! The cases below a threshold are not: two participants sharing a phone,
//! two cancellations, a seat taken twenty minutes later, bookings at two
//! branches, and an address where twenty-five participants signed in but only
//! six booked.
//!
//! Each "client" is the test's HTTP client bound to another loopback
//! address (127.0.0.x), so the server sees a different peer address.
#![allow(clippy::unwrap_used)]

use std::net::IpAddr;
use std::time::Duration;

use serde_json::{json, Value};

use crate::common::fixtures::{self, staff};
use crate::common::{Options, TestApp, TestDb};

/// 08:40 WITA on Tuesday 2026-11-24; the sessions booked are on the 25th.
const CLOCK: &str = "2026-11-24T08:40:00+08:00";
const DAY: &str = "2026-11-25";
const DPS: &str = "DPS-DENPASAR";
const JKT: &str = "JKT-CILANDAK";
const JYP: &str = "JYP-JAYAPURA";

/// The server of `app` as seen from the loopback address `ip`.
fn from(app: &TestApp, ip: &str) -> TestApp {
    let mut c = TestApp::client_of(&app.base, app.port);
    c.client = reqwest::Client::builder()
        .local_address(ip.parse::<IpAddr>().unwrap())
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap();
    c
}

/// A participant with an open claim.
struct P {
    id: i64,
    token: String,
    claim: i64,
}

/// Registers (from 127.0.0.1) a participant with `phone`, or their own
/// number, and opens a claim.
async fn participant(app: &TestApp, phone: Option<&str>) -> P {
    let mut body = fixtures::registration(fixtures::unique());
    if let Some(p) = phone {
        body["phone"] = json!(p);
    }
    let (status, v) = app.post("/api/v1/participants", None, &body).await;
    assert_eq!(status, 201, "register: {v}");
    let email = body["email"].as_str().unwrap();
    let token = fixtures::login(app, email, "Klaim-JHT-2026!").await;
    let claim = fixtures::claim(app, &token).await;
    P {
        id: v["id"].as_i64().unwrap(),
        token,
        claim,
    }
}

async fn book(client: &TestApp, p: &P, slot: i64) -> String {
    fixtures::book(client, &p.token, slot, p.claim).await
}

async fn cancel(client: &TestApp, p: &P, code: &str) {
    let (status, v) = fixtures::cancel(client, &p.token, code).await;
    assert_eq!(status, 200, "cancel: {v}");
}

async fn sessions(app: &TestApp, branch: &str) -> Vec<i64> {
    fixtures::slots(app, branch, DAY)
        .await
        .iter()
        .map(|s| s["id"].as_i64().unwrap())
        .collect()
}

async fn anomalies(app: &TestApp, token: &str, query: &str) -> Vec<Value> {
    let (status, v) = app
        .get(&format!("/api/v1/audit/anomalies{query}"), Some(token))
        .await;
    assert_eq!(status, 200, "anomalies{query}: {v}");
    v["anomalies"].as_array().unwrap().clone()
}

fn ids(v: &Value) -> Vec<i64> {
    let mut out: Vec<i64> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_i64().unwrap())
        .collect();
    out.sort();
    out
}

/// Both explanations are filled in and mention `id` and `en`.
fn explained(f: &Value, id: &str, en: &str) {
    for (lang, text) in [("explanation_id", id), ("explanation_en", en)] {
        let said = f[lang].as_str().unwrap();
        assert!(!said.contains('{'), "{lang}: {said}");
        assert!(said.contains(text), "{lang} lacks {text:?}: {said}");
    }
}

async fn a_brokers_booking_patterns_are_flagged(db: TestDb, app: TestApp) {
    let auditor = staff(&app, &db, "auditor", &[]).await.token;
    let dps = sessions(&app, DPS).await;
    assert!(dps.len() >= 5, "sessions at {DPS}: {dps:?}");
    let jkt = sessions(&app, JKT).await;
    let jyp = sessions(&app, JYP).await;

    // shared_contact (address): ten participants booked from one address.
    // Everyone registered and signed in from 127.0.0.1, which books for
    // only six: sign-ins do not count.
    let broker = from(&app, "127.0.0.2");
    let mut crowd = Vec::new();
    for _ in 0..10 {
        let p = participant(&app, None).await;
        book(&broker, &p, dps[0]).await;
        crowd.push(p);
    }

    // shared_contact (phone): three participants with one number; a
    // couple sharing another is not flagged. Booked at JKT from 127.0.0.1.
    let mut shared = Vec::new();
    for _ in 0..3 {
        let p = participant(&app, Some("0813-1111-2222")).await;
        book(&app, &p, jkt[0]).await;
        shared.push(p);
    }
    for _ in 0..2 {
        let p = participant(&app, Some("0813-3333-4444")).await;
        book(&app, &p, jkt[0]).await;
    }

    // churn: three cancellations; two are not flagged.
    let churner_client = from(&app, "127.0.0.3");
    let churner = participant(&app, None).await;
    for _ in 0..3 {
        let code = book(&churner_client, &churner, dps[1]).await;
        cancel(&churner_client, &churner, &code).await;
    }
    let hesitant = participant(&app, None).await;
    for _ in 0..2 {
        let code = book(&churner_client, &hesitant, dps[2]).await;
        cancel(&churner_client, &hesitant, &code).await;
    }

    // seat_passed: cancelled and taken by another at once.
    let seats = from(&app, "127.0.0.5");
    let (giver, taker) = (participant(&app, None).await, participant(&app, None).await);
    let code = book(&seats, &giver, dps[3]).await;
    cancel(&seats, &giver, &code).await;
    book(&seats, &taker, dps[3]).await;
    // …and one cancelled now, taken twenty minutes later (below).
    let (early, late) = (participant(&app, None).await, participant(&app, None).await);
    let code = book(&seats, &early, dps[4]).await;
    cancel(&seats, &early, &code).await;

    // many_branches: one address books at three branches; 127.0.0.1
    // books at two (JKT above, JYP here).
    let traveller = from(&app, "127.0.0.4");
    let mut spread = Vec::new();
    for slot in [dps[0], jkt[0], jyp[0]] {
        let p = participant(&app, None).await;
        book(&traveller, &p, slot).await;
        spread.push(p);
    }
    let p = participant(&app, None).await;
    book(&app, &p, jyp[0]).await;

    app.kill();
    let app = TestApp::start(
        &db,
        &Options::clock("2026-11-24T09:00:00+08:00").with_pairs(FREE_TRADE),
    );
    let seats = from(&app, "127.0.0.5");
    book(&seats, &late, dps[4]).await;

    let flags = anomalies(&app, &auditor, "?from=2026-11-24").await;
    let of = |kind: &str| -> Vec<Value> {
        flags
            .iter()
            .filter(|f| f["kind"] == kind)
            .cloned()
            .collect()
    };
    for f in &flags {
        assert!(f["actor_id"].is_null(), "participants, not staff: {f}");
    }

    let contact = of("shared_contact");
    assert_eq!(contact.len(), 2, "{flags:?}");
    let by_address = contact
        .iter()
        .find(|f| {
            f["explanation_en"]
                .as_str()
                .unwrap()
                .contains("IP 127.0.0.2")
        })
        .expect("the address flag");
    assert_eq!(
        ids(&by_address["participants"]),
        crowd.iter().map(|p| p.id).collect::<Vec<_>>()
    );
    assert_eq!(
        ids(&by_address["claims"]),
        crowd.iter().map(|p| p.claim).collect::<Vec<_>>()
    );
    assert_eq!(by_address["branch"], DPS);
    explained(by_address, "bukan bukti", "not proof");
    explained(
        by_address,
        "10 peserta berbeda",
        "10 different participants",
    );
    let by_phone = contact
        .iter()
        .find(|f| {
            f["explanation_en"]
                .as_str()
                .unwrap()
                .contains("+62813****2222")
        })
        .expect("the phone flag (number masked)");
    assert_eq!(
        ids(&by_phone["participants"]),
        shared.iter().map(|p| p.id).collect::<Vec<_>>()
    );
    assert_eq!(by_phone["branch"], JKT);
    explained(by_phone, "3 peserta berbeda", "3 different participants");

    let churn = of("churn");
    assert_eq!(churn.len(), 1, "{flags:?}");
    assert_eq!(ids(&churn[0]["participants"]), vec![churner.id]);
    assert_eq!(ids(&churn[0]["claims"]), vec![churner.claim]);
    assert_eq!(
        churn[0]["timelines"][0],
        format!("/audit/claims/{}", churner.claim)
    );
    explained(&churn[0], "membatalkan 3 pemesanan", "cancelled 3 bookings");

    let passed = of("seat_passed");
    assert_eq!(passed.len(), 1, "{flags:?}");
    let f = &passed[0];
    let mut pair = vec![giver.id, taker.id];
    pair.sort();
    assert_eq!(ids(&f["participants"]), pair);
    assert_eq!(f["branch"], DPS);
    explained(
        f,
        &format!(
            "dilepas peserta {} lalu dipesan peserta {}",
            giver.id, taker.id
        ),
        &format!(
            "given up by participant {} and booked by participant {} 0 minutes later",
            giver.id, taker.id
        ),
    );

    let branches = of("many_branches");
    assert_eq!(branches.len(), 1, "{flags:?}");
    let f = &branches[0];
    assert_eq!(
        ids(&f["participants"]),
        spread.iter().map(|p| p.id).collect::<Vec<_>>()
    );
    assert!(f["branch"].is_null(), "three branches: {f}");
    explained(f, "127.0.0.4", "3 different branches");
    explained(f, "DPS-DENPASAR, JKT-CILANDAK, JYP-JAYAPURA", "not proof");

    assert_eq!(flags.len(), 5, "nothing else flagged: {flags:?}");

    // One kind; a branch keeps the flags that touch it; another day.
    for kind in ["shared_contact", "churn", "seat_passed", "many_branches"] {
        let only = anomalies(&app, &auditor, &format!("?from=2026-11-24&kind={kind}")).await;
        assert!(!only.is_empty() && only.iter().all(|f| f["kind"] == kind));
    }
    let at_jyp = anomalies(&app, &auditor, "?from=2026-11-24&branch=JYP-JAYAPURA").await;
    assert_eq!(at_jyp.len(), 1, "{at_jyp:?}");
    assert_eq!(at_jyp[0]["kind"], "many_branches");
    let at_jkt = anomalies(&app, &auditor, "?from=2026-11-24&branch=JKT-CILANDAK").await;
    assert_eq!(at_jkt.len(), 2, "{at_jkt:?}");
    assert!(anomalies(&app, &auditor, "?from=2026-11-25")
        .await
        .is_empty());

    // The page lists them, with links to the participants' entries.
    let res = app
        .get_raw("/audit/anomalies?from=2026-11-24", &auditor)
        .await;
    assert_eq!(res.status().as_u16(), 200);
    let html = res.text().await.unwrap();
    assert!(html.contains("Kursi dioper ke peserta lain"), "kind named");
    assert!(
        html.contains(&format!("/audit?participant={}", churner.id)),
        "participant link"
    );
}
/// The brokers' moves need seats to pass freely from hand to hand: the
/// cooling-off and the per-participant limit (which prevent it, tested in
/// `fair`) are off here, so the flags are what catches them.
const FREE_TRADE: &[(&str, &str)] = &[
    ("ANTRE_COOLING_OFF_MINUTES", "0"),
    ("ANTRE_BOOKING_CHANGES_PER_HOUR", "0"),
];
both_backends!(
    a_brokers_booking_patterns_are_flagged,
    clock = CLOCK,
    env = FREE_TRADE
);
