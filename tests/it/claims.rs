//! Opening a JHT claim: each reason's required date, date validation, the
//! waiting month, retirement age from the NIK, partial claims (10 years of
//! membership, once in a lifetime), one open claim at a time, the balance
//! and the tax estimate, and which dates are stored.
//!
//! The server clock starts at 2026-11-23 07:00 WIB (a Monday).

use crate::common;
use crate::common::{error_code, fixtures, TestApp, TestDb};
use serde_json::{json, Value};

const CLOCK: &str = "2026-11-23T07:00:00+07:00";
/// A clock months before the real date (20 February 2026).
const FEBRUARY: &str = "2026-02-20T10:00:00+07:00";
/// 00:30 on 24 November in WIB, still the 23rd in UTC.
const PAST_MIDNIGHT_WIB: &str = "2026-11-23T17:30:00Z";

/// Registers a participant with the given NIK and signs in; returns the token.
async fn register_with_nik(app: &TestApp, nik: &str) -> String {
    let mut body = fixtures::registration(fixtures::unique());
    body["nik"] = json!(nik);
    let (s, v) = app.post("/api/v1/participants", None, &body).await;
    assert_eq!(s, 201, "register {nik}: {v}");
    fixtures::login(
        app,
        body["email"].as_str().expect("email"),
        "Klaim-JHT-2026!",
    )
    .await
}

/// A new participant with `nik` asks to retire: the raw answer.
async fn retire(app: &TestApp, nik: &str) -> (u16, Value) {
    let token = register_with_nik(app, nik).await;
    post_claim(app, &token, json!({"reason": "retirement"})).await
}

/// A fresh participant (born 1980–1994), signed in.
async fn member(app: &TestApp) -> String {
    fixtures::register(app).await.token
}

async fn post_claim(app: &TestApp, token: &str, body: Value) -> (u16, Value) {
    app.post("/api/v1/claims", Some(token), &body).await
}

/// The date field of partial claims.
const SINCE: &str = "membership_start_date";

/// A claim for `reason` with its one date `field`: the raw answer.
async fn post_dated(
    app: &TestApp,
    token: &str,
    reason: &str,
    field: &str,
    date: &str,
) -> (u16, Value) {
    post_claim(app, token, json!({"reason": reason, field: date})).await
}

/// POST /api/v1/claims with an Accept-Language header.
async fn post_claim_lang(app: &TestApp, token: &str, body: &Value, lang: &str) -> (u16, Value) {
    let res = app
        .client
        .post(app.url("/api/v1/claims"))
        .bearer_auth(token)
        .header("Accept-Language", lang)
        .json(body)
        .send()
        .await
        .expect("send");
    common::json_of(res).await
}

/// Asserts a 201 claim and returns its id.
fn created(s: u16, v: &Value, reason: &str) -> i64 {
    assert_eq!(s, 201, "{reason}: {v}");
    assert_eq!(v["reason"], reason, "{v}");
    assert_eq!(v["status"], "open", "{v}");
    v["id"].as_i64().expect("claim id")
}

/// Opens a claim with `body` (201 expected) and reads it back as stored.
async fn created_as_stored(app: &TestApp, token: &str, body: Value) -> Value {
    let reason = body["reason"].as_str().expect("reason").to_string();
    let (s, v) = post_claim(app, token, body).await;
    let id = created(s, &v, &reason);
    let (s, v) = fixtures::get_claim(app, token, id).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["id"], id, "{v}");
    v
}

/// Asserts a 422 with `code` naming `field`.
fn refused(s: u16, v: &Value, code: &str, field: &str) {
    assert_eq!(s, 422, "expected 422 {code} on {field}: {v}");
    assert_eq!(error_code(v), code, "{v}");
    assert_eq!(v["error"]["field"], field, "{v}");
}

/// Asserts a 422 not_yet_eligible with the first possible day.
fn not_yet(s: u16, v: &Value, eligible_from: &str) {
    assert_eq!(s, 422, "expected not_yet_eligible: {v}");
    assert_eq!(error_code(v), "not_yet_eligible", "{v}");
    assert_eq!(v["error"]["eligible_from"], eligible_from, "{v}");
}

async fn each_reason_requires_its_date(db: TestDb, app: TestApp) {
    let t = member(&app).await;
    for (reason, field) in [
        ("resignation", "last_working_day"),
        ("termination", "termination_date"),
        ("contract_end", "contract_end_date"),
        ("partial_10", "membership_start_date"),
        ("partial_30", "membership_start_date"),
        ("death", "date_of_death"),
    ] {
        // Nothing at all, and an empty string, are both "missing".
        let (s, v) = post_claim(&app, &t, json!({"reason": reason})).await;
        refused(s, &v, "missing_field", field);
        let (s, v) = post_claim(&app, &t, json!({"reason": reason, field: ""})).await;
        refused(s, &v, "missing_field", field);
        // A date for a different reason does not stand in for the right one.
        let other = if field == "termination_date" {
            "last_working_day"
        } else {
            "termination_date"
        };
        let (s, v) = post_dated(&app, &t, reason, other, "2026-01-15").await;
        refused(s, &v, "missing_field", field);
    }
    // None of the refusals stored anything.
    assert_eq!(common::count(&db, "SELECT COUNT(*) AS n FROM claims"), 0);

    // Disability needs no date.
    let t = member(&app).await;
    let (s, v) = post_claim(&app, &t, json!({"reason": "disability"})).await;
    created(s, &v, "disability");

    // Death with its date.
    let t = member(&app).await;
    let (s, v) = post_dated(&app, &t, "death", "date_of_death", "2026-11-20").await;
    created(s, &v, "death");

    // Leaving Indonesia: the departure date is optional and may lie ahead.
    let t = member(&app).await;
    let (s, v) = post_claim(&app, &t, json!({"reason": "leaving_indonesia"})).await;
    let without = created(s, &v, "leaving_indonesia");
    let (s, v) = fixtures::get_claim(&app, &t, without).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["departure_date"], Value::Null, "{v}");
    let t = member(&app).await;
    let (s, v) = post_dated(
        &app,
        &t,
        "leaving_indonesia",
        "departure_date",
        "2026-12-20",
    )
    .await;
    let with = created(s, &v, "leaving_indonesia");
    let (s, v) = fixtures::get_claim(&app, &t, with).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["departure_date"], "2026-12-20", "{v}");
    assert_eq!(v["reason"], "leaving_indonesia", "{v}");
    assert_eq!(v["status"], "open", "{v}");
}
both_backends!(each_reason_requires_its_date, clock = CLOCK);

async fn bad_reasons_and_dates(db: TestDb, app: TestApp) {
    let t = member(&app).await;

    for reason in ["holiday", "", "Resignation", "phk"] {
        let (s, v) = post_dated(&app, &t, reason, "last_working_day", "2026-01-15").await;
        refused(s, &v, "invalid_reason", "reason");
    }

    // Impossible calendar dates and wrong formats name the field.
    for (reason, field, bad) in [
        ("resignation", "last_working_day", "2026-02-30"),
        ("resignation", "last_working_day", "15-01-2026"),
        ("termination", "termination_date", "2026-02-30"),
        ("contract_end", "contract_end_date", "2026-13-01"),
        ("partial_10", "membership_start_date", "2010-02-30"),
        ("death", "date_of_death", "yesterday"),
        ("leaving_indonesia", "departure_date", "2026-02-30"),
    ] {
        let (s, v) = post_claim(&app, &t, json!({"reason": reason, field: bad})).await;
        refused(s, &v, "invalid_date", field);
    }

    // A date that must lie in the past may not be after today (2026-11-23 WIB).
    for (reason, field) in [
        ("resignation", "last_working_day"),
        ("termination", "termination_date"),
        ("contract_end", "contract_end_date"),
        ("death", "date_of_death"),
        ("partial_10", "membership_start_date"),
    ] {
        let body = json!({"reason": reason, field: "2026-11-24"});
        let (s, v) = post_claim(&app, &t, body.clone()).await;
        refused(s, &v, "invalid_date", field);
        // The sentence says why (date_in_future), not just "bad format".
        let (s, v) = post_claim_lang(&app, &t, &body, "en").await;
        refused(s, &v, "invalid_date", field);
        let msg = v["error"]["message"].as_str().unwrap_or_default();
        assert!(
            msg.contains("after today"),
            "{field} in the future, English message: {v}"
        );
    }
    // No date may lie before the member's birth (this one was born 1990).
    let t = register_with_nik(&app, &fixtures::nik(5, 6, 1990, false)).await;
    for (reason, field) in [
        ("partial_10", "membership_start_date"),
        ("resignation", "last_working_day"),
    ] {
        let (s, v) = post_dated(&app, &t, reason, field, "1989-01-01").await;
        refused(s, &v, "invalid_date", field);
    }
    assert_eq!(common::count(&db, "SELECT COUNT(*) AS n FROM claims"), 0);
}
both_backends!(bad_reasons_and_dates, clock = CLOCK);

async fn waiting_month_after_the_end_of_work(db: TestDb, app: TestApp) {
    let t = member(&app).await;

    // Last working day 1 November: possible from 1 December.
    let body = json!({"reason": "resignation", "last_working_day": "2026-11-01"});
    for (lang, said) in [
        (None, "1 Desember 2026"),
        (Some("en"), "1 December 2026"),
        (Some("en-US,en;q=0.9"), "1 December 2026"),
    ] {
        let (s, v) = match lang {
            None => post_claim(&app, &t, body.clone()).await,
            Some(lang) => post_claim_lang(&app, &t, &body, lang).await,
        };
        not_yet(s, &v, "2026-12-01");
        let msg = v["error"]["message"].as_str().unwrap_or_default();
        assert!(msg.contains(said), "{lang:?}: {v}");
    }

    for (reason, field, date, from) in [
        // The same waiting month for termination and the end of a contract.
        (
            "termination",
            "termination_date",
            "2026-11-01",
            "2026-12-01",
        ),
        (
            "contract_end",
            "contract_end_date",
            "2026-11-01",
            "2026-12-01",
        ),
        // Today is the last working day: possible a month from today.
        (
            "resignation",
            "last_working_day",
            "2026-11-23",
            "2026-12-23",
        ),
        // One day short of the month.
        (
            "resignation",
            "last_working_day",
            "2026-10-24",
            "2026-11-24",
        ),
        // 31 October + 1 month clamps to 30 November.
        (
            "termination",
            "termination_date",
            "2026-10-31",
            "2026-11-30",
        ),
    ] {
        let (s, v) = post_dated(&app, &t, reason, field, date).await;
        not_yet(s, &v, from);
    }
    assert_eq!(common::count(&db, "SELECT COUNT(*) AS n FROM claims"), 0);

    // Exactly one month ago: eligible from today.
    let t2 = member(&app).await;
    for (t, reason, field) in [
        (&t, "resignation", "last_working_day"),
        (&t2, "contract_end", "contract_end_date"),
    ] {
        let (s, v) = post_dated(&app, t, reason, field, "2026-10-23").await;
        created(s, &v, reason);
    }
}
both_backends!(waiting_month_after_the_end_of_work, clock = CLOCK);

/// The server clock rehearses 20 February 2026 (months before the real
/// date): 31 January + 1 month clamps to 28 February (2026 is not a leap
/// year).
async fn waiting_month_clamps_to_the_month_end(_db: TestDb, feb: TestApp) {
    let t = member(&feb).await;
    let (s, v) = post_dated(&feb, &t, "resignation", "last_working_day", "2026-01-31").await;
    not_yet(s, &v, "2026-02-28");
    let msg = v["error"]["message"].as_str().unwrap_or_default();
    assert!(msg.contains("28 Februari 2026"), "{v}");
    // 2026-01-20 + 1 month = 2026-02-20 = today there: possible.
    let (s, v) = post_dated(&feb, &t, "resignation", "last_working_day", "2026-01-20").await;
    created(s, &v, "resignation");
}
both_backends!(waiting_month_clamps_to_the_month_end, clock = FEBRUARY);

/// 2026-11-23 17:30 UTC is already 24 November (00:30) in WIB. Claims
/// take "today" in WIB, not in UTC.
async fn today_is_the_date_in_wib(_db: TestDb, app: TestApp) {
    for (reason, field, date) in [
        ("resignation", "last_working_day", "2026-10-24"),
        ("death", "date_of_death", "2026-11-24"),
    ] {
        let t = member(&app).await;
        let (s, v) = post_dated(&app, &t, reason, field, date).await;
        created(s, &v, reason);
    }
}
both_backends!(today_is_the_date_in_wib, clock = PAST_MIDNIGHT_WIB);

async fn retirement_uses_the_nik_birth_date(_db: TestDb, app: TestApp) {
    for (nik, eligible_from, said) in [
        // Born 10 May 1969: 57 years old.
        (fixtures::nik(10, 5, 1969, false), None, None),
        // Born 1 March 1975 (a woman: day + 40): 56 on 1 March 2031.
        (
            fixtures::nik(1, 3, 1975, true),
            Some("2031-03-01"),
            Some("1 Maret 2031"),
        ),
        // Turning 56 today: eligible today.
        (fixtures::nik(23, 11, 1970, false), None, None),
        // Turning 56 tomorrow: not yet.
        (fixtures::nik(24, 11, 1970, true), Some("2026-11-24"), None),
    ] {
        let (s, v) = retire(&app, &nik).await;
        match eligible_from {
            None => {
                created(s, &v, "retirement");
            }
            Some(from) => not_yet(s, &v, from),
        }
        let msg = v["error"]["message"].as_str().unwrap_or_default();
        assert!(said.is_none_or(|m| msg.contains(m)), "{nik}: {v}");
    }
}
both_backends!(retirement_uses_the_nik_birth_date, clock = CLOCK);

async fn partial_claims(db: TestDb, app: TestApp) {
    // Less than 10 years of membership: possible on the 10th anniversary.
    let t = member(&app).await;
    let (s, v) = post_dated(&app, &t, "partial_10", SINCE, "2020-01-01").await;
    not_yet(s, &v, "2030-01-01");
    let (s, v) = post_dated(&app, &t, "partial_30", SINCE, "2016-11-24").await;
    not_yet(s, &v, "2026-11-24");

    // Ten years exactly (joined 23 Nov 2016) is enough.
    let (s, v) = post_dated(&app, &t, "partial_30", SINCE, "2016-11-23").await;
    let first = created(s, &v, "partial_30");
    sql_status(&db, first, "rejected");
    // A rejected partial claim does not use up the one partial claim.
    let (s, v) = post_dated(&app, &t, "partial_10", SINCE, "2010-01-01").await;
    let second = created(s, &v, "partial_10");
    let (s, v) = fixtures::get_claim(&app, &t, second).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["membership_start_date"], "2010-01-01", "{v}");

    // Once it is paid, no other partial claim of either kind.
    sql_status(&db, second, "paid");
    for reason in ["partial_10", "partial_30"] {
        let (s, v) = post_dated(&app, &t, reason, SINCE, "2010-01-01").await;
        assert_eq!(s, 422, "{reason} after a paid partial claim: {v}");
        assert_eq!(error_code(&v), "not_eligible", "{v}");
    }
    // A full withdrawal is still possible.
    let (s, v) = post_dated(&app, &t, "resignation", "last_working_day", "2026-01-15").await;
    created(s, &v, "resignation");
}
both_backends!(partial_claims, clock = CLOCK);

fn sql_status(db: &TestDb, claim: i64, status: &str) {
    common::sql(
        db,
        &format!("UPDATE claims SET status='{status}' WHERE id={claim}"),
    );
}

async fn one_open_claim_at_a_time(db: TestDb, app: TestApp) {
    let t = member(&app).await;
    let first = fixtures::claim(&app, &t).await;

    for body in [
        json!({"reason": "resignation", "last_working_day": "2026-01-15"}),
        json!({"reason": "disability"}),
    ] {
        let (s, v) = post_claim(&app, &t, body).await;
        assert_eq!(s, 409, "second open claim: {v}");
        assert_eq!(error_code(&v), "claim_open", "{v}");
    }
    // A verified claim awaiting payment still blocks a new one.
    sql_status(&db, first, "verified");
    let (s, v) = post_claim(&app, &t, json!({"reason": "disability"})).await;
    assert_eq!(s, 409, "claim while one is verified: {v}");
    assert_eq!(error_code(&v), "claim_open", "{v}");

    // Once it is rejected a new claim may be opened.
    sql_status(&db, first, "rejected");
    let (s, v) = post_claim(&app, &t, json!({"reason": "disability"})).await;
    let second = created(s, &v, "disability");
    assert_ne!(first, second);
    let (s, v) = fixtures::get_claim(&app, &t, first).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["status"], "rejected", "{v}");
    assert_eq!(
        common::count(
            &db,
            "SELECT COUNT(*) AS n FROM claims WHERE status = 'open'"
        ),
        1
    );

    // Someone else's claim is not found.
    let other = member(&app).await;
    app.assert_hidden(&format!("/api/v1/claims/{second}"), &other)
        .await;
}
both_backends!(one_open_claim_at_a_time, clock = CLOCK);

async fn balance_tax_and_stored_dates(db: TestDb, app: TestApp) {
    let t = member(&app).await;
    let (s, v) = post_claim(
        &app,
        &t,
        json!({"reason": "resignation", "last_working_day": "2026-01-15", "balance": -1}),
    )
    .await;
    refused(s, &v, "invalid_balance", "balance");
    assert_eq!(common::count(&db, "SELECT COUNT(*) AS n FROM claims"), 0);

    // Up to Rp50 juta: no tax. Also: only the chosen reason's date is kept.
    let body = json!({
        "reason": "resignation",
        "last_working_day": "2026-01-15",
        "termination_date": "2026-01-10",
        "date_of_death": "2026-02-01",
        "balance": 50_000_000
    });
    let v = created_as_stored(&app, &t, body).await;
    assert_eq!(v["balance"], 50_000_000, "{v}");
    assert_eq!(v["estimated_tax"], 0, "{v}");
    assert_eq!(v["last_working_day"], "2026-01-15", "{v}");
    assert_eq!(
        v["termination_date"],
        Value::Null,
        "unrelated date stored: {v}"
    );
    assert_eq!(
        v["date_of_death"],
        Value::Null,
        "unrelated date stored: {v}"
    );
    assert_eq!(v["contract_end_date"], Value::Null, "{v}");

    // Rp100 juta: 5% of the Rp50 juta above the threshold.
    let t = member(&app).await;
    let body =
        json!({"reason": "disability", "balance": 100_000_000, "last_working_day": "2026-01-15"});
    let v = created_as_stored(&app, &t, body).await;
    assert_eq!(v["balance"], 100_000_000, "{v}");
    assert_eq!(v["estimated_tax"], 2_500_000, "{v}");
    assert_eq!(
        v["last_working_day"],
        Value::Null,
        "unrelated date stored: {v}"
    );

    // An unrelated date that is invalid or in the future is ignored too:
    // it belongs to no field of the chosen reason.
    let t = member(&app).await;
    let body = json!({"reason": "disability", "balance": 0, "termination_date": "2027-01-01"});
    let v = created_as_stored(&app, &t, body).await;
    assert_eq!(v["estimated_tax"], 0, "{v}");
    assert_eq!(v["termination_date"], Value::Null, "{v}");
}
both_backends!(balance_tax_and_stored_dates, clock = CLOCK);
