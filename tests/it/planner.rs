//! The capacity planner, `POST /api/v1/planner/simulate` (issue 17):
//! who may ask, what a simulated day answers (more agents and more seats
//! wait less, M/M/c agrees with Erlang C, the same seed the same answer)
//! and every bad input refused with 422 naming its field.
#![allow(clippy::unwrap_used)]

use crate::common::{error_code, fixtures, TestApp, TestDb, DEFAULT_CLOCK};
use serde_json::{json, Value};

const PATH: &str = "/api/v1/planner/simulate";
const BRANCH: &str = "DPS-DENPASAR";

/// Eight opening hours, a morning peak, three agents at one seat, 10
/// minutes each.
fn day() -> Value {
    json!({
        "arrivals_per_hour": [20, 28, 24, 16, 12, 14, 10, 6],
        "agents": 3,
        "seats_per_agent": 1,
        "service_minutes": 10,
        "service_distribution": "exponential",
        "runs": 40,
        "seed": 17,
    })
}

fn with(mut body: Value, key: &str, value: Value) -> Value {
    body[key] = value;
    body
}

async fn simulate(app: &TestApp, token: &str, body: &Value) -> Value {
    let (s, v) = app.post(PATH, Some(token), body).await;
    assert_eq!(s, 200, "{body}: {v}");
    v
}

fn number(v: &Value, key: &str) -> f64 {
    v[key]
        .as_f64()
        .unwrap_or_else(|| panic!("{key} is not a number: {v}"))
}

async fn only_supervisors_and_admins_plan(db: TestDb, app: TestApp) {
    let (s, v) = app.post(PATH, None, &day()).await;
    assert_eq!((s, error_code(&v)), (401, "unauthenticated"), "{v}");
    let member = fixtures::register(&app).await;
    let cs = fixtures::staff(&app, &db, "cs", &["--branch", BRANCH]).await;
    let auditor = fixtures::staff(&app, &db, "auditor", &[]).await;
    for token in [&member.token, &cs.token, &auditor.token] {
        let (s, v) = app.post(PATH, Some(token), &day()).await;
        assert_eq!((s, error_code(&v)), (403, "forbidden"), "{v}");
    }
    // Refused before the input is read: a bad body is still 403.
    let (s, _) = app
        .post(PATH, Some(&cs.token), &with(day(), "agents", json!(0)))
        .await;
    assert_eq!(s, 403);
    let supervisor = fixtures::staff(&app, &db, "supervisor", &["--branch", BRANCH]).await;
    let admin = fixtures::staff(&app, &db, "admin", &[]).await;
    for token in [&supervisor.token, &admin.token] {
        simulate(&app, token, &day()).await;
    }
}
both_backends!(only_supervisors_and_admins_plan, clock = DEFAULT_CLOCK);

async fn a_simulated_day_answers_sanely(db: TestDb, app: TestApp) {
    let token = fixtures::staff(&app, &db, "supervisor", &["--branch", BRANCH])
        .await
        .token;
    let three = simulate(&app, &token, &day()).await;
    for key in [
        "mean_wait_minutes",
        "p90_wait_minutes",
        "served",
        "abandoned",
        "agent_utilization",
    ] {
        assert!(number(&three, key) >= 0.0, "{key}: {three}");
    }
    let (served, abandoned) = (number(&three, "served"), number(&three, "abandoned"));
    assert!(
        (served + abandoned - number(&three, "arrivals")).abs() < 1e-6,
        "{three}"
    );
    // 130 expected arrivals over the day.
    assert!((100.0..160.0).contains(&(served + abandoned)), "{three}");
    assert!(number(&three, "p90_wait_minutes") >= number(&three, "mean_wait_minutes"));
    let utilization = number(&three, "agent_utilization");
    assert!(utilization > 0.3 && utilization <= 1.0, "{three}");
    // A chart's worth: people waiting per quarter hour over 8 hours.
    assert_eq!(three["waiting"].as_array().unwrap().len(), 32, "{three}");

    // The same seed, the same answer.
    assert_eq!(simulate(&app, &token, &day()).await, three);

    // More agents: shorter waits.
    let mut waits = Vec::new();
    for agents in [2, 3, 4, 5] {
        let v = simulate(&app, &token, &with(day(), "agents", json!(agents))).await;
        waits.push(number(&v, "mean_wait_minutes"));
    }
    assert!(waits.windows(2).all(|w| w[0] > w[1]), "{waits:?}");

    // One agent at five booths waits less than one to one.
    let busy = with(day(), "agents", json!(2));
    let one = simulate(&app, &token, &busy).await;
    let five = simulate(&app, &token, &with(busy, "seats_per_agent", json!(5))).await;
    assert!(
        number(&five, "mean_wait_minutes") < number(&one, "mean_wait_minutes"),
        "1:5 {five} vs 1:1 {one}"
    );

    // Lognormal service answers too.
    let v = simulate(
        &app,
        &token,
        &with(day(), "service_distribution", json!("lognormal")),
    )
    .await;
    assert!(number(&v, "served") > 0.0, "{v}");
}
both_backends!(a_simulated_day_answers_sanely, clock = DEFAULT_CLOCK);

async fn one_seat_exponential_agrees_with_erlang_c(db: TestDb, app: TestApp) {
    let token = fixtures::staff(&app, &db, "admin", &[]).await.token;
    // M/M/3 at ρ = 0.8 over a 24-hour day: λ = 48/h, 3-minute service.
    let body = json!({
        "arrivals_per_hour": vec![48; 24],
        "agents": 3,
        "seats_per_agent": 1,
        "service_minutes": 3,
        "service_distribution": "exponential",
        "runs": 100,
        "seed": 3,
    });
    let v = simulate(&app, &token, &body).await;
    let analytic = number(&v, "erlang_c_mean_wait_minutes");
    assert!((analytic - 3.236).abs() < 0.01, "{v}");
    let simulated = number(&v, "mean_wait_minutes");
    assert!(
        (simulated - analytic).abs() <= 0.1 * analytic,
        "simulated {simulated} vs Erlang C {analytic}"
    );
}
both_backends!(
    one_seat_exponential_agrees_with_erlang_c,
    clock = DEFAULT_CLOCK
);

async fn staffing_meets_a_target_wait(db: TestDb, app: TestApp) {
    let token = fixtures::staff(&app, &db, "supervisor", &["--branch", BRANCH])
        .await
        .token;
    let body = with(day(), "target_wait_minutes", json!(5));
    let v = simulate(&app, &token, &body).await;
    let agents = v["staffing"]["agents"].as_u64().unwrap();
    assert!(number(&v["staffing"], "mean_wait_minutes") <= 5.0, "{v}");
    let fewer = simulate(&app, &token, &with(day(), "agents", json!(agents - 1))).await;
    assert!(number(&fewer, "mean_wait_minutes") > 5.0, "{fewer}");
}
both_backends!(staffing_meets_a_target_wait, clock = DEFAULT_CLOCK);

async fn bad_input_is_422_naming_the_field(db: TestDb, app: TestApp) {
    let token = fixtures::staff(&app, &db, "supervisor", &["--branch", BRANCH])
        .await
        .token;
    let hours = |n: usize| json!(vec![10; n]);
    let cases = [
        ("agents", json!(0), "agents"),
        ("agents", json!(-2), "agents"),
        ("agents", json!(1.5), "agents"),
        ("agents", json!(101), "agents"),
        ("seats_per_agent", json!(0), "seats_per_agent"),
        ("seats_per_agent", json!(6), "seats_per_agent"),
        ("arrivals_per_hour", json!([10, -1, 5]), "arrivals_per_hour"),
        ("arrivals_per_hour", json!([]), "arrivals_per_hour"),
        ("arrivals_per_hour", hours(25), "arrivals_per_hour"),
        ("arrivals_per_hour", json!([50000]), "arrivals_per_hour"),
        ("runs", json!(0), "runs"),
        ("runs", json!(201), "runs"),
        ("service_minutes", json!(0), "service_minutes"),
        ("service_minutes", json!(-5), "service_minutes"),
        (
            "service_distribution",
            json!("gamma"),
            "service_distribution",
        ),
        ("walk_in_cap", json!(-1), "walk_in_cap"),
        ("bookings", json!([600]), "bookings"),
        ("concurrency", json!([1, 0]), "concurrency"),
        ("target_wait_minutes", json!(-1), "target_wait_minutes"),
        ("opening_queue", json!("full"), "opening_queue"),
    ];
    for (key, value, field) in cases {
        let body = with(day(), key, value.clone());
        let (s, v) = app.post(PATH, Some(&token), &body).await;
        assert_eq!(s, 422, "{key} = {value}: {v}");
        assert_eq!(error_code(&v), "invalid_plan", "{v}");
        assert_eq!(v["error"]["field"], field, "{key} = {value}: {v}");
        assert!(!v["error"]["message"].as_str().unwrap().is_empty(), "{v}");
    }
    // A missing field is named too.
    let mut body = day();
    body.as_object_mut().unwrap().remove("agents");
    let (s, v) = app.post(PATH, Some(&token), &body).await;
    assert_eq!(
        (s, v["error"]["field"].as_str()),
        (422, Some("agents")),
        "{v}"
    );
    // Too much work for one request: 10,000 a day, 200 times.
    let body = with(
        with(day(), "arrivals_per_hour", json!([5000, 5000])),
        "runs",
        json!(200),
    );
    let (s, v) = app.post(PATH, Some(&token), &body).await;
    assert_eq!(
        (s, v["error"]["field"].as_str()),
        (422, Some("runs")),
        "{v}"
    );
    // Bahasa Indonesia first, English on request.
    let bad = with(day(), "agents", json!(0));
    let (_, id) = app.post(PATH, Some(&token), &bad).await;
    let res = app
        .client
        .post(app.url(PATH))
        .bearer_auth(&token)
        .header("accept-language", "en")
        .json(&bad)
        .send()
        .await
        .unwrap();
    let (_, en) = crate::common::json_of(res).await;
    assert!(
        id["error"]["message"].as_str().unwrap().contains("petugas"),
        "{id}"
    );
    assert!(
        en["error"]["message"].as_str().unwrap().contains("agents"),
        "{en}"
    );
}
both_backends!(bad_input_is_422_naming_the_field, clock = DEFAULT_CLOCK);

async fn the_openapi_document_describes_the_planner(_db: TestDb, app: TestApp) {
    let (s, doc) = app.get("/api/v1/openapi.json", None).await;
    assert_eq!(s, 200);
    let op = &doc["paths"][PATH]["post"];
    assert!(op.is_object(), "OpenAPI lacks {PATH}");
    let forecast = &doc["components"]["schemas"]["Forecast"]["properties"];
    for key in [
        "mean_wait_minutes",
        "p90_wait_minutes",
        "served",
        "abandoned",
        "agent_utilization",
    ] {
        assert!(
            forecast[key].is_object(),
            "Forecast lacks {key}: {forecast}"
        );
    }
    assert!(
        doc["components"]["schemas"]["PlannerRequest"]["properties"]["arrivals_per_hour"]
            .is_object()
    );
}
both_backends!(
    the_openapi_document_describes_the_planner,
    clock = DEFAULT_CLOCK
);
