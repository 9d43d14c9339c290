//! Command-line interface (stable: see shared/API.md).

use std::io::BufRead;

use clap::{Parser, Subcommand};

use crate::clock::Clock;
use crate::config::Settings;
use crate::db::Db;
use crate::domain::{email::Email, password, role::Role};

#[derive(Parser, Debug)]
#[command(
    name = "antre",
    version,
    about = "Antre: JHT claim queueing for BPJS Ketenagakerjaan"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Apply pending migrations, then serve HTTP (the default).
    Serve,
    /// Apply pending migrations only.
    Migrate,
    /// Manage staff accounts.
    User {
        #[command(subcommand)]
        action: UserAction,
    },
    /// The verification log: verify its hash chain, sign checkpoints.
    Audit {
        #[command(subcommand)]
        action: AuditAction,
    },
}

#[derive(Subcommand, Debug)]
pub enum AuditAction {
    /// Recompute the hash chain and check the signed checkpoints; exit 1
    /// naming the first entry that does not match.
    Verify {
        /// An exported checkpoint (JSON from /api/v1/audit/checkpoints).
        #[arg(long)]
        checkpoint: Option<std::path::PathBuf>,
    },
    /// Sign the head of the chain now and store the checkpoint.
    Checkpoint,
}

#[derive(Subcommand, Debug)]
pub enum UserAction {
    /// Create a staff account; the password is read from standard input.
    Add {
        #[arg(long)]
        role: String,
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: Option<String>,
        /// Branch code (supervisor, cs).
        #[arg(long)]
        branch: Option<String>,
        /// Company NPP (hr).
        #[arg(long)]
        company: Option<String>,
    },
}

pub fn run(cli: Cli) -> Result<(), String> {
    let settings = Settings::from_env()?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            init_tracing();
            crate::startup::serve(settings)
        }
        Command::Migrate => {
            let db = Db::connect_once(&settings.database)?;
            let n = db.migrate()?;
            println!("{n} migration(s) applied");
            Ok(())
        }
        Command::User {
            action:
                UserAction::Add {
                    role,
                    email,
                    name,
                    branch,
                    company,
                },
        } => add_user(&settings, &role, &email, name, branch, company),
        Command::Audit { action } => audit_command(&settings, action),
    }
}

/// `antre audit …`: exits 1 (through `std::process::exit`) when the log is
/// broken, as API.md promises.
fn audit_command(settings: &Settings, action: AuditAction) -> Result<(), String> {
    let db = Db::connect_once(&settings.database)?;
    db.migrate()?;
    match action {
        AuditAction::Verify { checkpoint } => {
            let extra = match checkpoint {
                None => None,
                Some(path) => {
                    let text = std::fs::read_to_string(&path)
                        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
                    let cp: crate::db::audit::read::Checkpoint = serde_json::from_str(&text)
                        .map_err(|e| format!("{} is not a checkpoint: {e}", path.display()))?;
                    Some(cp)
                }
            };
            // Without a key yet there is nothing it could have signed.
            let (seed, dir) = (settings.audit_key.as_ref(), &settings.data_dir);
            let key = crate::app::audit::AuditKey::exists(seed, dir)
                .then(|| crate::app::audit::AuditKey::load(seed, dir))
                .transpose()?;
            let v = crate::app::audit::verify(&db, key.as_ref(), extra, None)
                .map_err(|e| e.to_string())?;
            println!("{}", v.message);
            if !v.intact {
                std::process::exit(1);
            }
            Ok(())
        }
        AuditAction::Checkpoint => {
            let key =
                crate::app::audit::AuditKey::load(settings.audit_key.as_ref(), &settings.data_dir)?;
            let clock = Clock::starting_at(settings.clock_start);
            // Only the key the instances sign with may sign here too.
            crate::startup::check_shared_key(
                &db,
                crate::startup::SharedKey::Audit,
                &key.fingerprint(),
                clock,
            )?;
            let now = clock.now_naive();
            match crate::app::audit::checkpoint(&db, &key, now, false).map_err(|e| e.to_string())? {
                Some(cp) => println!("checkpoint signed at entry {}: {}", cp.seq, cp.hash),
                None => println!("the audit log is empty: nothing to sign"),
            }
            Ok(())
        }
    }
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,actix_server=warn"));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).try_init();
}

fn add_user(
    settings: &Settings,
    role: &str,
    email: &str,
    name: Option<String>,
    branch: Option<String>,
    company: Option<String>,
) -> Result<(), String> {
    let role = Role::parse(role)
        .filter(|r| *r != Role::Participant)
        .ok_or_else(|| format!("unknown role {role:?} (admin, supervisor, cs, auditor, hr)"))?;
    let email = Email::parse(email).map_err(|_| format!("invalid email address {email:?}"))?;
    if role.needs_branch() && branch.is_none() {
        return Err(format!("--branch is required for role {}", role.as_str()));
    }
    if !role.needs_branch() && branch.is_some() {
        return Err(format!("--branch does not apply to role {}", role.as_str()));
    }
    if role.needs_company() && company.is_none() {
        return Err("--company is required for role hr".into());
    }
    if !role.needs_company() && company.is_some() {
        return Err(format!(
            "--company does not apply to role {}",
            role.as_str()
        ));
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| format!("cannot read the password from standard input: {e}"))?;
    let pw = line.trim_end_matches(['\r', '\n']);
    if pw.is_empty() {
        return Err("no password on standard input".into());
    }
    let local = email.as_str().split('@').next().unwrap_or("").to_string();
    password::check_strength(pw, &[local.as_str()]).map_err(|e| {
        format!(
            "password too weak: {}",
            crate::i18n::t(crate::i18n::Lang::En, e.detail)
        )
    })?;
    let hash = crate::infra::crypto::hash_password(pw)?;
    let db = Db::connect_once(&settings.database)?;
    db.migrate()?;
    // The operator's commands keep the server's time (ANTRE_CLOCK), so a
    // rehearsed day and its staff accounts share one calendar.
    let clock = Clock::starting_at(settings.clock_start);
    crate::db::seed::seed_reference_data(&db, clock.now_naive()).map_err(|e| e.to_string())?;
    let ctx = crate::app::Ctx::new(
        db,
        clock,
        crate::db::audit::Actor::system(),
        std::sync::Arc::new(settings.clone()),
    );
    let account = crate::app::admin::NewStaffAccount {
        role,
        email: email.clone(),
        name: name.unwrap_or_else(|| local.clone()),
        branch,
        company,
        password_hash: hash,
        via: "cli",
        operator: std::env::var("USER").ok(),
    };
    crate::app::admin::add_staff(&ctx, account)?;
    println!("created {} account {}", role.as_str(), email.as_str());
    Ok(())
}
