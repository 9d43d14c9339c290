//! The console: from an event (arrival, re-upload) to its appearance on
//! 50 subscribed console streams.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use serde_json::json;

use super::{latency_cell, Summary, DPS};
use crate::bench::support as b;
use crate::common::{self, Backend};

// Console: from an event to a subscribed console stream.

pub async fn console(backend: Backend, s: &mut Summary) {
    let consoles: usize = b::param("ANTRE_BENCH_CONSOLES", 50);
    let events: usize = b::param("ANTRE_BENCH_EVENTS", 100);
    let uploads: usize = b::param("ANTRE_BENCH_UPLOADS", 20);
    let detail = format!("{consoles} consoles, {events} arrivals, {uploads} re-uploads");
    let Some((tdb, app, now)) = b::started(backend, "console", &detail) else {
        return;
    };
    let (spv, agents, member) = {
        let db = b::open(&tdb, 2);
        let spv = b::staff_member(&db, "supervisor", Some(DPS), None, now);
        let agents: Vec<b::StaffMember> = (0..consoles)
            .map(|_| b::staff_member(&db, "cs", Some(DPS), None, now))
            .collect();
        let member = b::members(&db, 0, 1, now).remove(0);
        (spv, agents, member)
    };
    let (st, v) = app
        .put(
            &format!("/api/v1/branches/{DPS}/floor"),
            Some(&spv.token),
            &json!({"walk_in_cap": -1}),
        )
        .await;
    assert_eq!(st, 200, "floor settings: {v}");
    let (st, v) = app
        .post(
            &format!("/api/v1/branches/{DPS}/devices"),
            Some(&spv.token),
            &json!({"kind": "kiosk"}),
        )
        .await;
    assert_eq!(st, 201, "kiosk: {v}");
    let kiosk = v["token"].as_str().expect("kiosk token").to_string();

    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let mut subs = Vec::new();
    for a in &agents {
        subs.push(
            b::subscribe(
                app.url("/api/v1/console/events"),
                Some(a.token.clone()),
                stop_rx.clone(),
            )
            .await,
        );
    }
    tokio::time::sleep(Duration::from_millis(500)).await;

    // Re-uploads: the member is being served by the first agent; every
    // new version of a document is a `document` event on every console of
    // the branch.
    let (st, v) = app
        .put(
            "/api/v1/console/status",
            Some(&agents[0].token),
            &json!({"status": "on_duty"}),
        )
        .await;
    assert_eq!(st, 200, "on duty: {v}");
    let (st, v) = app
        .post(
            &format!("/api/v1/branches/{DPS}/arrivals"),
            Some(&kiosk),
            &json!({"nik": member.nik}),
        )
        .await;
    assert_eq!(st, 201, "member arrives: {v}");
    tokio::time::sleep(Duration::from_millis(500)).await;
    let photo = b::jpeg(64, 48);
    let mut upload_sent = Vec::with_capacity(uploads);
    for u in 0..uploads {
        let form = reqwest::multipart::Form::new().text("kind", "ektp").part(
            "file",
            reqwest::multipart::Part::bytes(photo.clone()).file_name(format!("ektp{u}.jpg")),
        );
        let sent = Instant::now();
        let res = app
            .client
            .post(app.url(&format!("/api/v1/claims/{}/documents", member.claim)))
            .bearer_auth(&member.token)
            .multipart(form)
            .send()
            .await
            .expect("upload");
        assert_eq!(res.status().as_u16(), 201, "re-upload {u}");
        upload_sent.push(sent);
        // Paced well apart so the k-th event on a stream is the k-th upload.
        tokio::time::sleep(Duration::from_millis(600)).await;
    }

    // Arrivals: walk-ins every 100 ms, each sent when due.
    let mut sent_at: Vec<tokio::task::JoinHandle<(String, Instant)>> = Vec::new();
    let t0 = Instant::now();
    for i in 0..events {
        let due = t0 + Duration::from_millis(100 * i as u64);
        let (client, url, kiosk) = (
            app.client.clone(),
            app.url(&format!("/api/v1/branches/{DPS}/arrivals")),
            kiosk.clone(),
        );
        let nik = b::member_nik(100_000 + i as u32);
        sent_at.push(tokio::spawn(async move {
            tokio::time::sleep_until(due.into()).await;
            let sent = Instant::now();
            let res = client
                .post(url)
                .bearer_auth(kiosk)
                .json(&json!({"nik": nik}))
                .send()
                .await
                .expect("arrival");
            let (st, v) = common::json_of(res).await;
            assert_eq!(st, 201, "arrival: {v}");
            (v["ticket"].as_str().expect("ticket").to_string(), sent)
        }));
    }
    let mut tickets: BTreeMap<String, Instant> = BTreeMap::new();
    for h in sent_at {
        let (t, at) = h.await.expect("arrival task");
        tickets.insert(t, at);
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let peak = b::peak_mib(app.pid());
    let _ = stop_tx.send(true);

    let (mut arrival_lat, mut upload_lat) = (Vec::new(), Vec::new());
    let (mut arrival_missing, mut upload_missing) = (0usize, 0usize);
    for sub in subs {
        let got = sub.task.await.expect("stream task");
        let mut seen = 0usize;
        for (at, kind, data) in &got {
            if kind == "arrival" {
                if let Some(sent) = data["ticket"].as_str().and_then(|t| tickets.get(t)) {
                    arrival_lat.push(at.saturating_duration_since(*sent));
                    seen += 1;
                }
            }
        }
        arrival_missing += tickets.len().saturating_sub(seen);
        let docs: Vec<&Instant> = got
            .iter()
            .filter(|(_, k, _)| k == "document")
            .map(|(at, _, _)| at)
            .collect();
        upload_missing += uploads.saturating_sub(docs.len());
        for (k, at) in docs.into_iter().enumerate().take(uploads) {
            upload_lat.push(at.saturating_duration_since(upload_sent[k]));
        }
    }
    let arrivals = b::latency(arrival_lat);
    let reuploads = b::latency(upload_lat);
    println!("  arrival -> console: {arrivals}, missing {arrival_missing}");
    println!("  re-upload -> console: {reuploads}, missing {upload_missing}");
    let label = format!("console: event to {consoles} streams");
    let mut r = s.section(&label, backend);
    r.goal(
        "arrival latency",
        latency_cell(&arrivals),
        "p99 < 1000 ms",
        arrivals.p99 < 1000.0 && arrival_missing == 0,
    );
    r.goal(
        "re-upload latency",
        latency_cell(&reuploads),
        "p99 < 1000 ms",
        reuploads.p99 < 1000.0 && upload_missing == 0,
    );
    r.goal(
        "events missed",
        (arrival_missing + upload_missing).to_string(),
        "0",
        arrival_missing + upload_missing == 0,
    );
    r.peak_memory(peak);
}
