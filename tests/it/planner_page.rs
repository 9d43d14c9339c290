//! The capacity planner page (`/staff/planner`) and the day's charts on
//! the supervisor's floor view and the auditor's agents page: the page
//! shows the forecast the API gives for the same day (one chart of people
//! waiting per configuration, with its numbers as text), refuses bad input
//! in the page beside its field, replays a recorded day beside its actual
//! waits, and is only for supervisors and admins.
#![allow(clippy::unwrap_used)]

use serde_json::{json, Value};

use crate::common::browser::Browser;
use crate::common::{fixtures, TestApp, TestDb, DEFAULT_CLOCK};

const BRANCH: &str = "DPS-DENPASAR";
/// The API's answer for configuration 1 of [`FORM`] (same runs and seed
/// as the page).
const FORM: &str = "/staff/planner?arrivals=20+28+24+16+12+14+10&service_minutes=10&distribution=exponential&target_wait=5\
&agents_1=3&seats_1=1&cap_1=&agents_2=3&seats_2=5&cap_2=&agents_3=&seats_3=&cap_3=";

/// A number as the page writes it in Bahasa Indonesia: one decimal, comma.
fn id_decimal(v: f64) -> String {
    let v = (v * 10.0).round() / 10.0 + 0.0;
    format!("{v:.1}").replace('.', ",")
}

/// How many times `needle` is in `html`.
fn count(html: &str, needle: &str) -> usize {
    html.matches(needle).count()
}

async fn forecast(app: &TestApp, token: &str, seats: u32) -> Value {
    let body = json!({
        "arrivals_per_hour": [20, 28, 24, 16, 12, 14, 10],
        "agents": 3,
        "seats_per_agent": seats,
        "service_minutes": 10,
        "service_distribution": "exponential",
        "target_wait_minutes": 5,
        "runs": 40,
        "seed": 1,
    });
    let (s, v) = app
        .post("/api/v1/planner/simulate", Some(token), &body)
        .await;
    assert_eq!(s, 200, "{v}");
    v
}

async fn the_page_compares_configurations_with_a_chart_each(db: TestDb, app: TestApp) {
    let spv = fixtures::staff(&app, &db, "supervisor", &["--branch", BRANCH]).await;
    let b = Browser::staff(&app, &spv.email).await;
    // The empty form starts from the floor; nothing is simulated yet.
    let p = b.get("/staff/planner").await;
    assert_eq!(p.status, 200, "{}", p.html);
    assert!(p.html.contains("Perencana kapasitas"), "{}", p.html);
    assert!(p
        .html
        .contains("href=\"/staff/planner\" aria-current=\"page\""));
    for field in [
        "arrivals",
        "day",
        "service_minutes",
        "agents_1",
        "seats_2",
        "cap_3",
    ] {
        assert!(p.html.contains(&format!("name=\"{field}\"")), "{field}");
    }
    assert!(!p.html.contains("<figure"), "results before asking");

    let p = b.get(FORM).await;
    assert_eq!(p.status, 200, "{}", p.html);
    // One chart per configuration filled in (two of three), each an
    // image with a name and a description, its numbers in a table.
    assert_eq!(count(&p.html, "<figure class=\"chart\""), 2, "{}", p.html);
    for i in [1, 2] {
        assert!(p.html.contains(&format!(
            "aria-labelledby=\"waiting-{i}-title waiting-{i}-desc\""
        )));
        assert!(p
            .html
            .contains(&format!("<title id=\"waiting-{i}-title\">")));
    }
    assert!(!p.html.contains("waiting-3"));
    assert_eq!(count(&p.html, "role=\"img\""), 2);
    assert_eq!(count(&p.html, "<polyline"), 2);
    assert!(
        p.html.contains("<th scope=\"row\">08.15</th>"),
        "quarter hours from 08.00"
    );
    // The figures are the simulation's: the API's answer for the same day.
    let one = forecast(&app, &spv.token, 1).await;
    let five = forecast(&app, &spv.token, 5).await;
    for (v, name) in [
        (&one, "3 petugas × 1 kursi"),
        (&five, "3 petugas × 5 kursi"),
    ] {
        assert!(p.html.contains(name), "{name}");
        for key in ["mean_wait_minutes", "p90_wait_minutes", "served"] {
            let shown = format!(
                "<td class=\"num\">{}</td>",
                id_decimal(v[key].as_f64().unwrap())
            );
            assert!(p.html.contains(&shown), "{name} {key} {shown}: {v}");
        }
        let agents = v["staffing"]["agents"].as_u64().unwrap();
        assert!(
            p.html
                .contains(&format!("<strong>{agents}</strong> petugas")),
            "{v}"
        );
    }
    assert!(p
        .html
        .contains("Petugas minimal untuk rata-rata tunggu ≤ 5,0 menit"));
    // In English on request.
    let en = b.get("/lang/en?next=/staff/planner").await;
    assert_eq!(en.status, 303);
    let p = b.get(FORM).await;
    assert!(p.html.contains("Capacity planner") && p.html.contains("3 agents × 5 seats"));
    assert!(p.html.contains("<th scope=\"row\">08:15</th>"));
}
both_backends!(
    the_page_compares_configurations_with_a_chart_each,
    clock = DEFAULT_CLOCK
);

async fn bad_input_is_refused_beside_its_field(db: TestDb, app: TestApp) {
    let spv = fixtures::staff(&app, &db, "supervisor", &["--branch", BRANCH]).await;
    let b = Browser::staff(&app, &spv.email).await;
    let cases = [
        (
            "arrivals=20+x+10",
            "arrivals",
            "Jumlah kedatangan per jam harus angka 0 atau lebih.",
        ),
        (
            "agents_2=0",
            "agents_2",
            "Jumlah petugas harus bilangan bulat 1 sampai 100.",
        ),
        (
            "seats_1=9",
            "seats_1",
            "Kursi per petugas harus bilangan bulat",
        ),
        (
            "service_minutes=-3",
            "service_minutes",
            "Lama layanan harus lebih dari 0",
        ),
        (
            "target_wait=lima",
            "target_wait",
            "Target waktu tunggu harus 0 sampai 600 menit.",
        ),
        ("day=24-11-2026", "day", "Tulis tanggal sebagai TTTT-BB-HH."),
        (
            "day=2026-11-20",
            "day",
            "Tidak ada kedatangan tercatat di cabang ini pada hari itu.",
        ),
        (
            "distribution=empirical",
            "distribution",
            "Lama layanan tercatat memerlukan hari tercatat",
        ),
    ];
    for (change, field, sentence) in cases {
        let key = change.split('=').next().unwrap();
        let base: String = FORM
            .split(['?', '&'])
            .skip(1)
            .filter(|kv| kv.split('=').next() != Some(key))
            .collect::<Vec<_>>()
            .join("&");
        let p = b.get(&format!("/staff/planner?{base}&{change}")).await;
        assert_eq!(p.status, 422, "{change}: {}", p.html);
        assert!(p.html.contains(sentence), "{change}: {}", p.html);
        assert!(
            p.html.contains(&format!("href=\"#{field}\"")),
            "{change}: the summary links the field"
        );
        assert!(
            p.html.contains(&format!("id=\"{field}-error\"")),
            "{change}: beside its field"
        );
        assert!(!p.html.contains("<figure"), "{change}: no results");
    }
}
both_backends!(bad_input_is_refused_beside_its_field, clock = DEFAULT_CLOCK);

async fn only_supervisors_and_admins_see_the_page(db: TestDb, app: TestApp) {
    let anonymous = Browser::new(&app);
    let p = anonymous.get("/staff/planner").await;
    assert_eq!(p.status, 303);
    assert!(p.location.starts_with("/login"), "{}", p.location);
    let member = fixtures::register(&app).await;
    let m = Browser::member(&app, &member.email, &member.password).await;
    assert_eq!(m.get(FORM).await.status, 403);
    for role in ["cs", "auditor"] {
        let s = fixtures::staff(
            &app,
            &db,
            role,
            &fixtures::at_branch(Some(BRANCH).filter(|_| role == "cs")),
        )
        .await;
        let p = Browser::staff(&app, &s.email).await.get(FORM).await;
        assert_eq!(p.status, 403, "{role}");
        assert!(!p.html.contains("<figure"), "{role}");
    }
    // An admin picks the branch.
    let admin = fixtures::staff(&app, &db, "admin", &[]).await;
    let a = Browser::staff(&app, &admin.email).await;
    let p = a.get(&format!("{FORM}&branch=JKT-CILANDAK")).await;
    assert_eq!(p.status, 200, "{}", p.html);
    assert!(
        p.html.contains("<option value=\"JKT-CILANDAK\" selected>"),
        "{}",
        p.html
    );
    assert_eq!(count(&p.html, "<figure class=\"chart\""), 2);
}
both_backends!(
    only_supervisors_and_admins_see_the_page,
    clock = DEFAULT_CLOCK
);

/// Five walk-ins at the kiosk with one agent of two seats on duty: two are
/// seated at once, one is finished, three wait.
async fn a_morning(db: &TestDb, app: &TestApp) -> (fixtures::Staff, fixtures::Staff) {
    let spv = fixtures::staff(app, db, "supervisor", &["--branch", BRANCH]).await;
    let cs = fixtures::staff(app, db, "cs", &["--branch", BRANCH]).await;
    let (s, v) = app
        .put(
            &format!("/api/v1/branches/{BRANCH}/floor"),
            Some(&spv.token),
            &json!({"seats_per_agent": 2}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let kiosk = fixtures::device(app, &spv.token, BRANCH, "kiosk").await;
    let (s, v) = fixtures::set_status(app, &cs.token, "on_duty").await;
    assert_eq!(s, 200, "{v}");
    for i in 0..5 {
        let nik = fixtures::nik(1 + i, 6, 1981, i % 2 == 1);
        let (s, v) = fixtures::arrive_at(app, &kiosk, BRANCH, &json!({"nik": nik})).await;
        assert_eq!(s, 201, "{v}");
    }
    let (_, list) = app.get("/api/v1/console/sessions", Some(&cs.token)).await;
    let first = list[0]["id"].as_i64().unwrap();
    let (s, v) = fixtures::finish(app, &cs.token, first, "no_show").await;
    assert!(s < 300, "{v}");
    (spv, cs)
}

async fn a_recorded_day_is_replayed_beside_its_actual_waits(db: TestDb, app: TestApp) {
    let (spv, _) = a_morning(&db, &app).await;
    let b = Browser::staff(&app, &spv.email).await;
    // 08.00 WIB is 09.00 WITA on Monday 2026-11-23 at Denpasar.
    let p = b.get(&format!("{FORM}&day=2026-11-23")).await;
    assert_eq!(p.status, 200, "{}", p.html);
    assert!(p.html.contains("Hari tercatat"), "{}", p.html);
    assert!(
        p.html
            .contains("5 kedatangan tercatat: 5 walk-in, 0 dengan booking."),
        "{}",
        p.html
    );
    assert!(
        p.html
            .contains("Waktu tunggu sebenarnya: rata-rata 0,0 menit"),
        "{}",
        p.html
    );
    assert_eq!(count(&p.html, "<figure class=\"chart\""), 2);
}
both_backends!(
    a_recorded_day_is_replayed_beside_its_actual_waits,
    clock = DEFAULT_CLOCK
);

async fn the_floor_and_the_agents_page_chart_the_day(db: TestDb, app: TestApp) {
    let (spv, cs) = a_morning(&db, &app).await;
    let b = Browser::staff(&app, &spv.email).await;
    let p = b.get("/staff/floor").await;
    assert_eq!(p.status, 200, "{}", p.html);
    for id in ["chart-hours", "chart-waits", "chart-load"] {
        assert!(
            p.html
                .contains(&format!("<figure class=\"chart\" id=\"{id}\"")),
            "{id}: {}",
            p.html
        );
        assert!(
            p.html
                .contains(&format!("aria-labelledby=\"{id}-title {id}-desc\"")),
            "{id}"
        );
    }
    // Five arrivals so far, in the hour from 09.00 WITA; the text says so.
    assert!(p.html.contains("5 kedatangan sejauh ini"), "{}", p.html);
    assert!(
        p.html
            .contains("<th scope=\"row\">09.00</th><td class=\"num\">5</td>"),
        "{}",
        p.html
    );
    // The agent's load is charted under their name.
    let (_, me) = app.get("/api/v1/me", Some(&cs.token)).await;
    let name = me["name"].as_str().unwrap_or_default();
    assert!(
        !name.is_empty()
            && p.html
                .contains(&format!("<th class=\"num\" scope=\"col\">{name}</th>")),
        "{name}"
    );
    assert!(p.html.contains("Angka grafik"), "a text alternative");

    let auditor = fixtures::staff(&app, &db, "auditor", &[]).await;
    let a = Browser::staff(&app, &auditor.email).await;
    let p = a.get("/audit/agents").await;
    assert_eq!(p.status, 200, "{}", p.html);
    for id in ["chart-agent-sessions", "chart-agent-concurrency"] {
        assert!(
            p.html
                .contains(&format!("<figure class=\"chart\" id=\"{id}\"")),
            "{id}: {}",
            p.html
        );
    }
    assert!(p.html.contains(&format!("#{}", cs.id)), "{}", p.html);
}
both_backends!(
    the_floor_and_the_agents_page_chart_the_day,
    clock = DEFAULT_CLOCK
);
