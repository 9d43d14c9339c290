//! Delivers the outbox. Each mail is leased before sending so that several
//! app instances never send the same mail twice; a failure schedules a
//! retry with exponential backoff and keeps the mail.
//! A tick drains what is due ([`drain`]): rounds of [`ROUND`] rows,
//! [`AT_ONCE`] deliveries at a time, until the backlog a rush left is gone
//! — one round a tick while the instance is busy with requests.

use std::path::PathBuf;
use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::PoolConfig;
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::clock::Clock;
use crate::db::outbox::{self, OutboxMail};
use crate::db::{run, Db, DbError};
use crate::instance::Instance;

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
            // Connections kept open: as many as deliveries at once.
            Some(url) => AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                .map(|b| {
                    let kept = PoolConfig::new().max_size(AT_ONCE as u32);
                    let b = b.timeout(Some(Duration::from_secs(15))).pool_config(kept);
                    Transport::Smtp(b.build())
                })
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
    pub instance: Instance,
}

impl Worker {
    /// Delivers what is due now ([`drain`]); returns how many were sent.
    pub async fn tick(&self) -> Result<usize, DbError> {
        let send = |mail: OutboxMail| async move {
            let date = std::time::SystemTime::from(self.clock.now());
            let msg = build_message(&self.from, &mail, date)?;
            self.transport.send(msg).await
        };
        let channels = &[outbox::EMAIL];
        drain(
            &self.db,
            &self.clock,
            channels,
            self.retry_base_secs,
            &self.instance,
            send,
        )
        .await
    }
}

/// Rows a drain round takes from the outbox…
pub const ROUND: i64 = 50;
/// …and how many of them are on their way at once: a delivery spends
/// most of its time waiting for the other side. Through SMTP most of it
/// is one pause: lettre writes a mail's body and its closing dot in two
/// writes, and the second waits for the server's delayed acknowledgement
/// (~40 ms, Nagle's algorithm: lettre 0.11.23 sets no `TCP_NODELAY`; the
/// fix is merged upstream, lettre/lettre#1159, not yet released) — with
/// rounds of 64, 8 at once delivered 164 mails a second and 16 about 300,
/// the server's CPU mostly idle; rounds of 50, 16 at once, 250–267
/// (benchmark `mail`).
pub const AT_ONCE: usize = 16;
/// A drain stops starting rounds after this long, so a backlog that keeps
/// growing cannot hold the worker forever.
const DRAIN_BUDGET: Duration = Duration::from_secs(30);

/// Delivers the rows of `channels` due now with `send`, [`AT_ONCE`] at a
/// time, round after round while rounds come back full — a rush (the
/// 08:00 stampede) leaves thousands of confirmations due at once, and one
/// round per tick would deliver them at [`ROUND`] a second — and while
/// deliveries succeed: with the mail server down a round's failures are
/// scheduled for their retries and the drain waits for the next tick —
/// and while the instance is quiet
/// ([`crate::instance::Load::is_quiet`]): during the rush itself the next
/// round waits for the next tick, so the CPU goes to the bookings first
/// and the backlog follows them.
/// Once the instance stops (`stop`, SIGTERM) no round is started: a round
/// cut off at exit would leave mails sent and not marked, to be sent
/// again when their lease ends. Returns how many were sent.
pub(super) async fn drain<F, Fut>(
    db: &Db,
    clock: &Clock,
    channels: &'static [&'static str],
    retry_base_secs: i64,
    instance: &Instance,
    send: F,
) -> Result<usize, DbError>
where
    F: Fn(OutboxMail) -> Fut,
    Fut: std::future::Future<Output = Result<(), String>>,
{
    use futures_util::StreamExt;

    let started = std::time::Instant::now();
    let mut sent = 0;
    loop {
        if instance.stop.is_on() {
            return Ok(sent);
        }
        let now = clock.now_naive();
        let ids = run(db, move |db| {
            db.read(|c| outbox::due(c, channels, now, ROUND))
        })
        .await?;
        let full = i64::try_from(ids.len()).is_ok_and(|n| n == ROUND);
        let send = &send;
        let outcomes: Vec<Result<bool, DbError>> = futures_util::stream::iter(ids)
            .map(|id| deliver(db, clock, retry_base_secs, id, send))
            .buffer_unordered(AT_ONCE)
            .collect()
            .await;
        let mut round = 0;
        for outcome in outcomes {
            if outcome? {
                round += 1;
            }
        }
        sent += round;
        let busy = !instance.load.is_quiet();
        if !full || round == 0 || busy || started.elapsed() >= DRAIN_BUDGET {
            return Ok(sent);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::Path;

    use chrono::{TimeZone, Utc};

    use super::{drain, Instance, Transport, Worker, ROUND};
    use crate::clock::Clock;
    use crate::config::DatabaseUrl;
    use crate::db::{outbox, Db, DbError};

    fn worker(db: &Db, spool: &Path) -> Worker {
        let at = Utc.with_ymd_and_hms(2026, 11, 24, 0, 0, 0).single();
        Worker {
            db: db.clone(),
            clock: Clock::starting_at(at),
            transport: Transport::Files(spool.to_path_buf()),
            from: "Antre <antre@contoh.id>".into(),
            retry_base_secs: 30,
            instance: Instance::default(),
        }
    }

    /// A database holding `n` mails due, to `p0@contoh.id`, `p1@…`, ….
    fn outbox_of(dir: &Path, n: usize) -> Db {
        let db = Db::connect(&DatabaseUrl::Sqlite(dir.join("o.db")), 4).expect("db");
        db.migrate().expect("migrate");
        let at = chrono::NaiveDate::from_ymd_opt(2026, 11, 23)
            .and_then(|d| d.and_hms_opt(23, 0, 0))
            .expect("instant");
        let mails: Vec<_> = (0..n)
            .map(|i| {
                let to = format!("p{i}@contoh.id");
                let (text, html) = ("Halo".to_string(), "<p>Halo</p>".to_string());
                crate::mail::layout::outbox_mail(&to, format!("Antre {i}"), text, html, None, at)
            })
            .collect();
        db.write(|c| outbox::enqueue_all(c, &mails))
            .expect("enqueue");
        db
    }

    /// The recipient of every mail written to `spool`.
    fn recipients(spool: &Path) -> Vec<String> {
        let mut out = Vec::new();
        for e in std::fs::read_dir(spool).expect("spool").flatten() {
            let text = std::fs::read_to_string(e.path()).expect("mail");
            if let Some(to) = text.lines().find_map(|l| l.strip_prefix("To: ")) {
                out.push(to.trim().to_string());
            }
        }
        out
    }

    fn unsent(db: &Db) -> usize {
        db.read(|c| -> Result<usize, DbError> {
            let now = chrono::NaiveDate::from_ymd_opt(2026, 11, 25)
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .expect("instant");
            Ok(outbox::due(c, &[outbox::EMAIL], now, 10_000)?.len())
        })
        .expect("due")
    }

    /// A backlog far larger than a round goes out in one tick, each mail
    /// once (one round per tick delivered 50 a second).
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn one_tick_drains_a_backlog_of_many_rounds() {
        let dir = tempfile::tempdir().expect("tempdir");
        let n = 5 * usize::try_from(ROUND).expect("round") + 7;
        let db = outbox_of(dir.path(), n);
        let spool = dir.path().join("spool");
        std::fs::create_dir_all(&spool).expect("spool");
        let sent = worker(&db, &spool).tick().await.expect("tick");
        assert_eq!(sent, n);
        let to = recipients(&spool);
        assert_eq!(to.len(), n, "one file per mail");
        let distinct: BTreeSet<_> = to.iter().collect();
        assert_eq!(distinct.len(), n, "no mail twice");
        assert_eq!(unsent(&db), 0);
    }

    /// Two workers (two instances) draining one outbox at once: every mail
    /// is delivered exactly once between them.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn two_workers_deliver_each_mail_once() {
        let dir = tempfile::tempdir().expect("tempdir");
        let n = 3 * usize::try_from(ROUND).expect("round");
        let db = outbox_of(dir.path(), n);
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        for d in [&a, &b] {
            std::fs::create_dir_all(d).expect("spool");
        }
        let (wa, wb) = (worker(&db, &a), worker(&db, &b));
        let (sa, sb) = tokio::join!(wa.tick(), wb.tick());
        assert_eq!(sa.expect("a") + sb.expect("b"), n);
        let mut to = recipients(&a);
        to.extend(recipients(&b));
        let distinct: BTreeSet<_> = to.iter().collect();
        assert_eq!((to.len(), distinct.len()), (n, n), "each mail once");
        assert_eq!(unsent(&db), 0);
    }

    /// With the mail server down a tick tries one round and stops: the
    /// failures wait for their retries, the rest for the next tick.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_failing_round_ends_the_drain() {
        let dir = tempfile::tempdir().expect("tempdir");
        let n = 3 * usize::try_from(ROUND).expect("round");
        let db = outbox_of(dir.path(), n);
        // A spool that does not exist: every delivery fails.
        let w = worker(&db, &dir.path().join("missing"));
        assert_eq!(w.tick().await.expect("tick"), 0);
        let tried = db
            .read(|c| -> Result<usize, DbError> {
                Ok((0..n)
                    .filter_map(|i| outbox::find(c, i64::try_from(i + 1).ok()?).transpose())
                    .filter(|m| m.as_ref().is_ok_and(|m| m.attempts > 0))
                    .count())
            })
            .expect("rows");
        assert_eq!(tried, usize::try_from(ROUND).expect("round"));
    }

    /// The instance stopping (SIGTERM) half-way through a backlog: the
    /// round under way is finished, no other is started, and a tick after
    /// it delivers nothing.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_stopping_instance_starts_no_round() {
        let dir = tempfile::tempdir().expect("tempdir");
        let n = 3 * usize::try_from(ROUND).expect("round");
        let db = outbox_of(dir.path(), n);
        let w = worker(&db, dir.path());
        let instance = Instance::default();
        let send = |_| {
            instance.stop.begin();
            async { Ok(()) }
        };
        let channels = &[outbox::EMAIL];
        let sent = drain(&db, &w.clock, channels, 30, &instance, send).await;
        assert_eq!(sent.expect("drain"), usize::try_from(ROUND).expect("round"));
        assert_eq!(unsent(&db), n - usize::try_from(ROUND).expect("round"));
        let stopped = Worker { instance, ..w };
        assert_eq!(stopped.tick().await.expect("tick"), 0);
        assert_eq!(unsent(&db), n - usize::try_from(ROUND).expect("round"));
    }

    /// A busy instance (requests in flight, the rush still on) delivers
    /// one round a tick; once it is quiet again the next tick drains the
    /// rest.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_busy_instance_delivers_one_round_a_tick() {
        let dir = tempfile::tempdir().expect("tempdir");
        let round = usize::try_from(ROUND).expect("round");
        let n = 4 * round;
        let db = outbox_of(dir.path(), n);
        let spool = dir.path().join("spool");
        std::fs::create_dir_all(&spool).expect("spool");
        let w = worker(&db, &spool);
        let rush: Vec<_> = (0..=crate::instance::QUIET)
            .map(|_| w.instance.load.enter())
            .collect();
        assert_eq!(w.tick().await.expect("tick"), round);
        assert_eq!(w.tick().await.expect("tick"), round);
        assert_eq!(unsent(&db), n - 2 * round);
        drop(rush);
        assert_eq!(w.tick().await.expect("tick"), n - 2 * round);
        assert_eq!(unsent(&db), 0);
        assert_eq!(recipients(&spool).len(), n, "each mail once");
    }
}
