//! Booking helpers shared by the booking, race and durability tests.

use serde_json::{json, Value};

use super::{fixtures, TestApp, TestDb};

/// A given-up seat returns at once (no cooling-off): for cases about seat
/// counts under cancels; the delay itself is `fair::no_seat_trading`'s.
pub const SEAT_BACK_AT_ONCE: &[(&str, &str)] = &[("ANTRE_COOLING_OFF_MINUTES", "0")];

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

/// One server's client and address, cheap to clone into spawned tasks.
#[derive(Clone)]
pub struct Http {
    pub client: reqwest::Client,
    pub base: String,
}

impl Http {
    pub fn of(app: &TestApp) -> Http {
        Http {
            client: app.client.clone(),
            base: app.base.clone(),
        }
    }

    /// POST /api/v1/bookings with an optional Idempotency-Key: the raw
    /// answer.
    pub async fn book(
        &self,
        token: &str,
        slot: i64,
        claim: i64,
        key: Option<&str>,
    ) -> (u16, Value) {
        let mut req = self
            .client
            .post(format!("{}/api/v1/bookings", self.base))
            .bearer_auth(token)
            .json(&json!({"slot_id": slot, "claim_id": claim}));
        if let Some(k) = key {
            req = req.header("Idempotency-Key", k);
        }
        super::json_of(req.send().await.expect("send booking")).await
    }

    /// Books, trying up to `tries` times (5 ms apart) until it is 201: the
    /// last answer.
    pub async fn book_retrying(
        &self,
        token: &str,
        slot: i64,
        claim: i64,
        tries: usize,
    ) -> (u16, Value) {
        let mut last = (0, Value::Null);
        for _ in 0..tries {
            last = self.book(token, slot, claim, None).await;
            if last.0 == 201 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        last
    }

    /// DELETE /api/v1/bookings/{code}: the raw answer.
    pub async fn cancel(&self, token: &str, code: &str) -> (u16, Value) {
        let req = self
            .client
            .delete(format!("{}/api/v1/bookings/{code}", self.base))
            .bearer_auth(token);
        super::json_of(req.send().await.expect("cancel")).await
    }

    /// POST /api/v1/bookings/{code}/reschedule to `slot`: the raw answer.
    pub async fn reschedule(&self, token: &str, code: &str, slot: i64) -> (u16, Value) {
        let req = self
            .client
            .post(format!("{}/api/v1/bookings/{code}/reschedule", self.base))
            .bearer_auth(token)
            .json(&json!({"slot_id": slot}));
        super::json_of(req.send().await.expect("reschedule")).await
    }
}

/// Spawns `task`, started once every party of `barrier` is waiting.
pub fn at_signal<T: Send + 'static>(
    barrier: &std::sync::Arc<tokio::sync::Barrier>,
    task: impl std::future::Future<Output = T> + Send + 'static,
) -> tokio::task::JoinHandle<T> {
    let barrier = barrier.clone();
    tokio::spawn(async move {
        barrier.wait().await;
        task.await
    })
}

/// The results of spawned tasks, in order.
pub async fn joined<T>(handles: Vec<tokio::task::JoinHandle<T>>) -> Vec<T> {
    let mut out = Vec::with_capacity(handles.len());
    for h in handles {
        out.push(h.await.expect("task"));
    }
    out
}
