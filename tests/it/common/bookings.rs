//! Booking helpers shared by the booking, race and durability tests.

use serde_json::{json, Value};

use super::{fixtures, TestApp, TestDb};

/// A new admin account's token.
pub async fn admin_token(db: &TestDb, app: &TestApp) -> String {
    let email = format!("admin{}@antre.test", fixtures::unique());
    fixtures::add_staff(db, "admin", &email, &[]);
    fixtures::login(app, &email, fixtures::STAFF_PASSWORD).await
}

/// Sets a session's capacity: the raw answer.
pub async fn set_capacity(app: &TestApp, admin: &str, slot: i64, capacity: i64) -> (u16, Value) {
    app.put(
        &format!("/api/v1/admin/slots/{slot}/capacity"),
        Some(admin),
        &json!({"capacity": capacity}),
    )
    .await
}

/// The id of a session as listed.
pub fn id(slot: &Value) -> i64 {
    slot["id"].as_i64().expect("slot id")
}

/// The active bookings of a session in the database.
pub fn active_in(db: &TestDb, slot: i64) -> i64 {
    super::count(
        db,
        &format!("SELECT COUNT(*) AS n FROM bookings WHERE status = 'booked' AND slot_id = {slot}"),
    )
}

/// POST /api/v1/bookings with an optional Idempotency-Key (a client and
/// base URL of their own, for spawned tasks): the raw answer.
pub async fn post_booking(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    slot: i64,
    claim: i64,
    key: Option<&str>,
) -> (u16, Value) {
    let mut req = client
        .post(format!("{base}/api/v1/bookings"))
        .bearer_auth(token)
        .json(&json!({"slot_id": slot, "claim_id": claim}));
    if let Some(k) = key {
        req = req.header("Idempotency-Key", k);
    }
    super::json_of(req.send().await.expect("send booking")).await
}
