//! Delivers the outbox. Each mail is leased before sending so that several
//! app instances never send the same mail twice; a failure schedules a
//! retry with exponential backoff and keeps the mail.

use std::path::PathBuf;
use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::clock::Clock;
use crate::db::outbox::{self, OutboxMail};
use crate::db::{run, Db, DbError};

#[derive(Clone)]
pub enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files(PathBuf),
}

impl Transport {
    pub fn from_settings(
        smtp_url: Option<&str>,
        data_dir: &std::path::Path,
    ) -> Result<Self, String> {
        match smtp_url {
            Some(url) => AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                .map(|b| Transport::Smtp(b.timeout(Some(Duration::from_secs(15))).build()))
                .map_err(|e| format!("ANTRE_SMTP_URL: {e}")),
            None => {
                let dir = data_dir.join("mail");
                std::fs::create_dir_all(&dir)
                    .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
                Ok(Transport::Files(dir))
            }
        }
    }

    async fn send(&self, msg: Message) -> Result<(), String> {
        match self {
            Transport::Smtp(t) => t.send(msg).await.map(|_| ()).map_err(|e| e.to_string()),
            Transport::Files(dir) => AsyncFileTransport::<Tokio1Executor>::new(dir)
                .send(msg)
                .await
                .map(|_| ())
                .map_err(|e| e.to_string()),
        }
    }
}

pub fn build_message(
    from: &str,
    mail: &OutboxMail,
    date: std::time::SystemTime,
) -> Result<Message, String> {
    let from: Mailbox = from.parse().map_err(|e| format!("bad sender: {e}"))?;
    let to: Mailbox = mail
        .recipient
        .parse()
        .map_err(|e| format!("bad recipient: {e}"))?;
    let bodies = super::compose::Rendered::of(mail)?;
    let alternative = MultiPart::alternative_plain_html(bodies.text, bodies.html);
    let body = match bodies.ics {
        Some(ics) => {
            let method = if ics.contains("METHOD:CANCEL") {
                "CANCEL"
            } else {
                "PUBLISH"
            };
            let ct = ContentType::parse(&format!("text/calendar; charset=utf-8; method={method}"))
                .map_err(|e| e.to_string())?;
            let part: SinglePart = Attachment::new("antre.ics".into()).body(ics, ct);
            MultiPart::mixed().multipart(alternative).singlepart(part)
        }
        None => alternative,
    };
    Message::builder()
        .from(from)
        .to(to)
        .subject(mail.subject.clone())
        .date(date)
        .multipart(body)
        .map_err(|e| e.to_string())
}

/// Delivers outbox row `id` with `send`: leased first (so no other
/// instance sends it meanwhile), then marked sent, or failed and due again
/// after a backoff (base × 2^attempts, at most an hour). Mail and messages
/// share it. Returns whether it was sent.
pub(super) async fn deliver<F, Fut>(
    db: &Db,
    clock: &Clock,
    retry_base_secs: i64,
    id: i64,
    send: F,
) -> Result<bool, DbError>
where
    F: FnOnce(OutboxMail) -> Fut,
    Fut: std::future::Future<Output = Result<(), String>>,
{
    let now = clock.now_naive();
    let until = now + chrono::Duration::seconds(120);
    let leased = run(db, move |db| db.write(|c| outbox::lease(c, id, now, until))).await?;
    let Some(row) = leased else {
        return Ok(false);
    };
    let (attempts, channel) = (row.attempts, row.channel.clone());
    let result = send(row).await;
    let now = clock.now_naive();
    match result {
        Ok(()) => {
            run(db, move |db| db.write(|c| outbox::mark_sent(c, id, now))).await?;
            Ok(true)
        }
        Err(error) => {
            let exp = u32::try_from(attempts.clamp(0, 10)).unwrap_or(10);
            let delay = (retry_base_secs.max(1) * 2_i64.pow(exp)).min(3600);
            let retry_at = now + chrono::Duration::seconds(delay);
            tracing::warn!(outbox = id, %channel, attempts = attempts + 1, %error, "delivery failed; will retry");
            run(db, move |db| {
                db.write(|c| outbox::mark_failed(c, id, &error, retry_at))
            })
            .await?;
            Ok(false)
        }
    }
}

pub struct Worker {
    pub db: Db,
    pub clock: Clock,
    pub transport: Transport,
    pub from: String,
    pub retry_base_secs: i64,
}

impl Worker {
    /// Delivers what is due now; returns how many were sent.
    pub async fn tick(&self) -> Result<usize, DbError> {
        let now = self.clock.now_naive();
        let ids = run(&self.db, move |db| {
            db.read(|c| outbox::due(c, &[outbox::EMAIL], now, 50))
        })
        .await?;
        let mut sent = 0;
        for id in ids {
            let date = std::time::SystemTime::from(self.clock.now());
            let send = |mail: OutboxMail| async move {
                let msg = build_message(&self.from, &mail, date)?;
                self.transport.send(msg).await
            };
            if deliver(&self.db, &self.clock, self.retry_base_secs, id, send).await? {
                sent += 1;
            }
        }
        Ok(sent)
    }
}
