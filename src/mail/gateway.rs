//! WhatsApp and SMS through an HTTP message gateway
//! (`ANTRE_MESSAGE_WEBHOOK_URL`), the way Indonesian gateways take them:
//! Antre POSTs `{"to":"+62…","channel":"whatsapp|sms","template","text"}`.
//! Messages wait in the outbox beside the mail; each is leased before it
//! is sent, so several instances never send one twice, and a gateway that
//! is down (or answers other than 2xx) gets the message again later, with
//! the mail worker's backoff. Texts are in the language the participant
//! chose for them (`mail::messages`).

use std::time::Duration;

use chrono::NaiveDateTime;

use crate::clock::Clock;
use crate::db::bookings::BookingView;
use crate::db::outbox::{NewMessage, OutboxMail, MESSAGE_CHANNELS};
use crate::db::{Db, DbError};
use crate::i18n::{self, Lang};
use crate::instance::Instance;

/// The day-before reminder of a booking, naming what is still missing.
pub fn reminder_message(
    lang: Lang,
    v: &BookingView,
    missing: &[(String, String)],
    now: NaiveDateTime,
) -> NewMessage {
    let when = super::messages::local(lang, &v.branch, v.slot.starts_at);
    let mut text = i18n::tf(
        lang,
        "message_reminder",
        &[
            ("when", &when),
            ("branch", &v.branch.name),
            ("code", &v.booking.code),
        ],
    );
    if !missing.is_empty() {
        let items: Vec<&str> = missing
            .iter()
            .map(|(id, en)| match lang {
                Lang::Id => id.as_str(),
                Lang::En => en.as_str(),
            })
            .collect();
        text.push(' ');
        text.push_str(&i18n::tf(
            lang,
            "message_reminder_missing",
            &[("items", &items.join(", "))],
        ));
    }
    super::messages::message("booking_reminder", text, now)
}

/// The JSON a gateway receives.
pub fn payload(m: &OutboxMail) -> serde_json::Value {
    serde_json::json!({
        "to": m.recipient,
        "channel": m.channel,
        "template": m.subject,
        "text": m.body_text,
    })
}

pub struct MessageWorker {
    pub db: Db,
    pub clock: Clock,
    pub url: String,
    pub client: http_client::Client,
    pub retry_base_secs: i64,
    pub instance: Instance,
}

impl MessageWorker {
    pub fn new(
        db: Db,
        clock: Clock,
        url: String,
        retry_base_secs: i64,
        instance: Instance,
    ) -> Result<Self, String> {
        let client = http_client::Client::builder()
            .timeout(Duration::from_secs(15))
            .build()
            .map_err(|e| format!("message gateway client: {e}"))?;
        Ok(Self {
            db,
            clock,
            url,
            client,
            retry_base_secs,
            instance,
        })
    }

    async fn send(&self, m: &OutboxMail) -> Result<(), String> {
        let body = serde_json::to_vec(&payload(m)).map_err(|e| e.to_string())?;
        let res = self
            .client
            .post(&self.url)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        if res.status().is_success() {
            Ok(())
        } else {
            Err(format!("gateway answered {}", res.status()))
        }
    }

    /// Delivers the messages due now (the mail worker's drain); returns
    /// how many were sent.
    pub async fn tick(&self) -> Result<usize, DbError> {
        let send = |m: OutboxMail| async move { self.send(&m).await };
        super::worker::drain(
            &self.db,
            &self.clock,
            &MESSAGE_CHANNELS,
            self.retry_base_secs,
            &self.instance,
            send,
        )
        .await
    }
}
