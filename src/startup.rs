//! Assembling the running system: pool, migrations, reference data, the
//! actix app, and the background workers (mail outbox, session calendar).

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::Server;
use actix_web::middleware::from_fn;
use actix_web::{web as aw, App, HttpServer};

use crate::clock::Clock;
use crate::config::Settings;
use crate::db::{seed, Db};
use crate::infra::audit_key::AuditKey;
use crate::infra::crypto::{fingerprint, load_or_create_secret, JwtKeys};
use crate::mail::worker::Transport;
use crate::web::{self, AppState};

pub struct Application {
    server: Server,
    pub port: u16,
    drain: crate::instance::Drain,
    drain_period: std::time::Duration,
}

impl Application {
    pub async fn build(settings: Settings) -> Result<Self, String> {
        let clock = Clock::starting_at(settings.clock_start);
        std::fs::create_dir_all(&settings.data_dir).map_err(|e| {
            format!(
                "cannot create data dir {}: {e}",
                settings.data_dir.display()
            )
        })?;
        let db = Db::connect(&settings.database, settings.pool_size)?;
        let applied = db.migrate()?;
        if applied > 0 {
            tracing::info!("{applied} migration(s) applied");
        }
        // Keys first: an instance that would sign or issue with a key the
        // others reject changes nothing and stops here.
        let secret = load_or_create_secret(settings.jwt_secret.as_deref(), &settings.data_dir)?;
        let audit_key = Arc::new(AuditKey::load(
            settings.audit_key.as_ref(),
            &settings.data_dir,
        )?);
        check_shared_key(&db, SharedKey::Jwt, &fingerprint(&secret), clock)?;
        check_shared_key(&db, SharedKey::Audit, &audit_key.fingerprint(), clock)?;
        let store = crate::infra::storage::open(&settings.storage)?;
        let (branches, _) =
            seed::seed_reference_data(&db, clock.now_naive()).map_err(|e| e.to_string())?;
        if branches > 0 {
            tracing::info!("seeded {branches} branches");
        }
        seed::ensure_sessions(&db, clock.now(), settings.sessions_ahead_days)
            .map_err(|e| e.to_string())?;
        if settings.demo {
            crate::db::demo::seed_demo(&db, clock.now()).map_err(|e| e.to_string())?;
        }
        let transport = Transport::from_settings(settings.smtp_url.as_deref(), &settings.data_dir)?;

        let listener = TcpListener::bind(&settings.bind)
            .map_err(|e| format!("cannot listen on {}: {e}", settings.bind))?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        let mut settings = settings;
        if !settings.public_url_explicit {
            settings.public_url = format!("http://{addr}");
        }
        let settings = Arc::new(settings);
        // PostgreSQL tells the live readers when to read; SQLite is polled.
        let wake = match &settings.database {
            crate::config::DatabaseUrl::Postgres(url) => {
                crate::web::live::Wake::listen(url.clone())
            }
            crate::config::DatabaseUrl::Sqlite(_) => crate::web::live::Wake::default(),
        };
        let instance = crate::instance::Instance::default();
        let state = aw::Data::new(AppState {
            db: db.clone(),
            settings: settings.clone(),
            clock,
            jwt: JwtKeys::new(&secret),
            store: Arc::new(store),
            live: crate::web::live::start(db.clone(), wake.clone()),
            instance: instance.clone(),
        });
        let signal = aw::Data::new(web::video_ws::start(
            db.clone(),
            clock,
            state.live.subscribe(),
            wake,
        ));
        let server = HttpServer::new(move || {
            App::new()
                .wrap(from_fn(web::page_errors::middleware))
                .wrap(from_fn(web::load::middleware))
                .wrap(from_fn(web::text_guard::middleware))
                .wrap(from_fn(web::drain::middleware))
                .wrap(from_fn(web::lang::middleware))
                .wrap(from_fn(web::request_id::middleware))
                .app_data(state.clone())
                .app_data(signal.clone())
                .configure(web::configure)
                .default_service(aw::to(web::not_found))
        })
        .listen(listener)
        .map_err(|e| e.to_string())?
        .shutdown_timeout(5)
        .disable_signals()
        .run();

        crate::jobs::start(&db, clock, &settings, transport, audit_key, &instance);

        println!(
            "Antre listening on http://{addr} ({} database, documents in {})",
            settings.database.backend_name(),
            settings.storage.describe()
        );
        if settings.demo {
            crate::db::demo::print_accounts(&settings.public_url);
        }
        Ok(Self {
            server,
            port: addr.port(),
            drain: instance.stop,
            drain_period: settings.drain,
        })
    }

    /// Serves until stopped: SIGTERM or SIGINT drains first (`web::drain`).
    pub async fn run(self) -> std::io::Result<()> {
        actix_web::rt::spawn(web::drain::on_signals(
            self.drain,
            self.server.handle(),
            self.drain_period,
        ));
        self.server.await
    }
}

/// A key every instance sharing a database must hold the same copy of.
#[derive(Clone, Copy)]
pub enum SharedKey {
    Jwt,
    Audit,
}

impl SharedKey {
    fn name(self) -> &'static str {
        match self {
            Self::Jwt => "jwt",
            Self::Audit => "audit",
        }
    }
}

/// Refuses, with a one-line reason, a key other than the one the database
/// has already seen; the first instance records its own.
pub fn check_shared_key(
    db: &Db,
    key: SharedKey,
    fingerprint: &str,
    clock: Clock,
) -> Result<(), String> {
    let recorded = db
        .write(|c| crate::db::keys::record_or_read(c, key.name(), fingerprint, clock.now_naive()))
        .map_err(|e| format!("cannot check the shared keys: {e}"))?;
    if recorded == fingerprint {
        return Ok(());
    }
    Err(match key {
        SharedKey::Jwt => {
            "refusing to start: this instance's JWT secret differs from the one \
            this database has already seen; give every instance the same ANTRE_JWT_SECRET"
        }
        SharedKey::Audit => {
            "refusing to start: this instance's audit signing key differs from \
            the one this database has already seen; give every instance the same ANTRE_AUDIT_KEY"
        }
    }
    .to_string())
}

/// Builds and runs the server until it stops, on its own runtime: the
/// `antre serve` command.
pub fn serve(settings: Settings) -> Result<(), String> {
    actix_web::rt::System::new().block_on(async move {
        let app = Application::build(settings).await?;
        app.run().await.map_err(|e| format!("server stopped: {e}"))
    })
}
