//! Background work every instance runs beside the web server, each on its
//! own period through [`every`]: mail delivery from the outbox, the
//! day-before reminders, the session calendar and audit checkpoints. Each
//! job is safe to run on several instances at once (leases and guarded
//! updates in the database decide who does a piece of work).

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use crate::clock::Clock;
use crate::config::Settings;
use crate::db::{seed, Db};
use crate::mail::worker::{Transport, Worker};

/// Runs `job` after `first`, then every `period`, for as long as the
/// server runs. A failed round is logged and the next one runs on time.
pub fn every<F, Fut>(name: &'static str, first: Duration, period: Duration, job: F)
where
    F: Fn() -> Fut + Send + 'static,
    Fut: Future<Output = Result<(), String>> + Send + 'static,
{
    tokio::spawn(async move {
        tokio::time::sleep(first).await;
        loop {
            if let Err(e) = job().await {
                tracing::error!("{name}: {e}");
            }
            tokio::time::sleep(period).await;
        }
    });
}

/// Runs blocking database work of a job off the async executor.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, String> + Send + 'static,
) -> Result<T, String> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| format!("job task failed: {e}"))?
}

/// Starts every job of this instance.
pub fn start(
    db: &Db,
    clock: Clock,
    settings: &Arc<Settings>,
    transport: Transport,
    audit_key: Arc<crate::app::audit::AuditKey>,
    instance: &crate::instance::Instance,
) {
    let worker = Arc::new(Worker {
        db: db.clone(),
        clock,
        transport,
        from: settings.mail_from.clone(),
        retry_base_secs: settings.mail_retry_base_secs,
        instance: instance.clone(),
    });
    let interval = Duration::from_millis(settings.worker_interval_ms.max(50));
    every("mail worker", Duration::ZERO, interval, move || {
        let w = worker.clone();
        async move { w.tick().await.map(|_| ()).map_err(|e| e.to_string()) }
    });

    // Reminders are a day-granular rule with a join behind them: once a
    // minute is plenty, while mail goes out every tick.
    if let Some(url) = settings.message_webhook_url.clone() {
        match crate::mail::gateway::MessageWorker::new(
            db.clone(),
            clock,
            url,
            settings.mail_retry_base_secs,
            instance.clone(),
        ) {
            Ok(w) => {
                let w = Arc::new(w);
                every("message worker", Duration::ZERO, interval, move || {
                    let w = w.clone();
                    async move { w.tick().await.map(|_| ()).map_err(|e| e.to_string()) }
                });
            }
            Err(e) => tracing::error!("{e}"),
        }
    }

    let (d, url) = (db.clone(), settings.public_url.clone());
    let messages = settings.message_webhook_url.is_some();
    every(
        "reminders",
        Duration::ZERO,
        Duration::from_secs(60),
        move || {
            let (db, url, now) = (d.clone(), url.clone(), clock.now());
            blocking(move || {
                crate::app::booking::send_reminders(&db, now, &url, messages)
                    .and_then(|_| crate::app::outreach::sweep_no_shows(&db, now, &url, messages))
                    .map(|_| ())
                    .map_err(|e| e.to_string())
            })
        },
    );

    // Waiting-line offers nobody answered move on to the next in line;
    // cooled-off seats are released.
    let (d, url, hold) = (
        db.clone(),
        settings.public_url.clone(),
        crate::app::waitlist::FairRules::of(settings),
    );
    every("waiting-line offers", Duration::ZERO, interval, move || {
        let (db, url, now) = (d.clone(), url.clone(), clock.now());
        blocking(move || {
            crate::app::waitlist::expire_offers(&db, now, hold, &url)
                .and_then(|_| {
                    // Seats whose cooling-off is over: to the line, or to everyone.
                    let actor = crate::db::audit::Actor::system();
                    let o = crate::app::waitlist::Offering {
                        now,
                        rules: hold,
                        public_url: &url,
                        actor: &actor,
                    };
                    crate::app::fair::release_cooled(&db, &o)?;
                    // New days released by draw whose window is over.
                    crate::app::draw::hold_due(&db, &o)
                })
                .map(|_| ())
                .map_err(|e| e.to_string())
        })
    });

    // Sessions exist `sessions_ahead_days` ahead; new days appear as time
    // passes. The first round ran at start-up.
    let (d, ahead) = (db.clone(), settings.sessions_ahead_days);
    let ten_minutes = Duration::from_secs(600);
    every("session calendar", ten_minutes, ten_minutes, move || {
        let (db, now) = (d.clone(), clock.now());
        blocking(move || {
            seed::ensure_sessions(&db, now, ahead)
                .map(|_| ())
                .map_err(|e| e.to_string())
        })
    });

    // Audit entries an instance left unchained (stopped between an
    // action's commit and its chaining; PostgreSQL only), and the inbox
    // vacuumed of the entries chained.
    if !db.is_sqlite() {
        let d = db.clone();
        every(
            "audit chain",
            Duration::ZERO,
            Duration::from_secs(1),
            move || {
                let db = d.clone();
                blocking(move || {
                    crate::app::audit::chain_and_tidy(&db)
                        .map(|_| ())
                        .map_err(|e| e.to_string())
                })
            },
        );
    }

    // Sign the log's head when it has grown.
    let d = db.clone();
    every("audit checkpoint", ten_minutes, ten_minutes, move || {
        let (db, key, now) = (d.clone(), audit_key.clone(), clock.now_naive());
        blocking(move || {
            crate::app::audit::checkpoint(&db, &key, now, true)
                .map(|_| ())
                .map_err(|e| e.to_string())
        })
    });
}
