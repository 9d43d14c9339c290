//! Accounts: participants' registration, and signing in and out (with
//! throttling per account and per address, and the verification-log
//! entry of every attempt). Tokens and cookies are the web layer's.

use crate::domain::consent::ConsentSource;
use chrono::Duration;

use crate::app::error::{AppError, AppResult, Status};
use crate::app::{read_db, write_db, Ctx};
use crate::db::audit::{self, Actor, Subject};
use crate::db::auth::{self as sessions, AuthSession};
use crate::db::participants::{self, Conflict, NewParticipant, Participant};
use crate::db::run;
use crate::db::staff::{self, Staff};
use crate::domain::recovery::SignInName;
use crate::domain::role::{ActorRole, Role};
use crate::domain::Code;
use crate::domain::{email::Email, kpj::Kpj, nik, password, person_name::FullName, phone::Phone};
use crate::i18n::Lang;
use crate::infra::crypto::{self, SESSION_TTL_SECS};

/// What someone typed to register.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[schema(as = RegisterRequest)]
pub struct Registration {
    pub nik: String,
    pub kpj: String,
    pub full_name: String,
    pub email: String,
    pub phone: String,
    pub password: String,
    /// Reminders besides email: whatsapp, sms or none; absent is none.
    #[serde(default)]
    pub messages: Option<String>,
    /// The language of those reminders: `id` or `en`; absent is the
    /// language the registration was asked in.
    #[serde(default)]
    pub language: Option<String>,
}

/// Validates every field (all problems, in form order) and creates the
/// participant. The API and the registration page both call this.
pub async fn register(
    ctx: &Ctx,
    r: Registration,
    asked_in: Lang,
) -> Result<Participant, Vec<AppError>> {
    let today = ctx.clock.now().date_naive();
    let mut errors = Vec::new();
    let nik = nik::parse(&r.nik, today)
        .map_err(|e| errors.push(AppError::from(e)))
        .ok();
    let kpj = Kpj::parse(&r.kpj)
        .map_err(|e| errors.push(AppError::from(e)))
        .ok();
    let name = FullName::parse(&r.full_name, "full_name")
        .map_err(|e| errors.push(AppError::from(e)))
        .ok();
    let email = Email::parse(&r.email)
        .map_err(|e| errors.push(AppError::from(e)))
        .ok();
    let phone = Phone::parse(&r.phone)
        .map_err(|e| errors.push(AppError::from(e)))
        .ok();
    let channel = r
        .messages
        .as_deref()
        .map(|m| crate::app::messages::parse_channel(m, "messages"))
        .transpose()
        .map_err(|e| errors.push(e))
        .ok()
        .flatten();
    let lang = r
        .language
        .as_deref()
        .map(|l| crate::app::messages::parse_language(l, "language"))
        .transpose()
        .map_err(|e| errors.push(e))
        .ok()
        .flatten();
    let local = r.email.split('@').next().unwrap_or("").to_string();
    let mut personal: Vec<&str> = vec![r.nik.trim(), local.as_str()];
    personal.extend(r.full_name.split_whitespace());
    if let Err(e) = password::check_strength(&r.password, &personal) {
        errors.push(e.into());
    }
    let (Some((nik, info)), Some(kpj), Some(name), Some(email), Some(phone), true) =
        (nik, kpj, name, email, phone, errors.is_empty())
    else {
        return Err(errors);
    };
    let pw = r.password.clone();
    let _permit = crypto::hashing_permit().await;
    let hash = tokio::task::spawn_blocking(move || crypto::hash_password(&pw))
        .await
        .map_err(|e| vec![AppError::internal(e)])?
        .map_err(|e| vec![AppError::internal(e)])?;
    let new = NewParticipant {
        nik: nik.as_str().to_string(),
        kpj: kpj.as_str().to_string(),
        full_name: name.as_str().to_string(),
        email: email.as_str().to_string(),
        phone: phone.as_str().to_string(),
        password_hash: hash,
        birth_date: info.birth_date,
        sex: info.sex.as_str().to_string(),
        created_at: ctx.clock.now_naive(),
    };
    let (actor, masked) = (ctx.actor.clone(), nik.mask());
    let public_url = ctx.settings.public_url.clone();
    let result = write_db(
        &ctx.db,
        move |c| -> AppResult<Result<Participant, Conflict>> {
            let p = match participants::insert(c, &new)? {
                Ok(p) => p,
                conflict => return Ok(conflict),
            };
            let actor = Actor {
                id: Some(p.id),
                role: ActorRole::PARTICIPANT,
                branch: None,
                ..actor
            };
            let subject = Subject {
                participant_id: Some(p.id),
                ..Default::default()
            };
            let details = serde_json::json!({"channel": "online", "nik": masked});
            audit::record(
                c,
                new.created_at,
                &actor,
                "participant_registered",
                &subject,
                details,
            )?;
            if let Some(channel) = channel {
                crate::app::messages::choose(
                    c,
                    new.created_at,
                    &actor,
                    p.id,
                    (channel, Some(lang.unwrap_or(asked_in))),
                    ConsentSource::Registration,
                    &Subject::default(),
                )?;
            }
            // The address is verified by a link (app::contact).
            crate::app::contact::mail_link(c, &p, &p.email, new.created_at, &public_url)?;
            Ok(Ok(p))
        },
    )
    .await
    .map_err(|e| vec![e])?;
    match result {
        Ok(p) => Ok(p),
        Err(Conflict::Nik) => Err(vec![AppError::conflict(Code::NikTaken).field("nik")]),
        Err(Conflict::Email) => Err(vec![AppError::conflict(Code::EmailTaken).field("email")]),
    }
}

/// Failed sign-ins allowed per account, and per client address, within
/// [`THROTTLE_WINDOW_MINUTES`] before further attempts are refused.
pub const MAX_FAILURES_PER_ACCOUNT: i64 = 5;
pub const MAX_FAILURES_PER_ADDRESS: i64 = 20;
pub const THROTTLE_WINDOW_MINUTES: i64 = 15;

/// Which accounts a sign-in form may open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Audience {
    Participants,
    Staff,
    Any,
}

impl Audience {
    fn name(self) -> &'static str {
        match self {
            Audience::Participants => "participants",
            Audience::Staff => "staff",
            Audience::Any => "any",
        }
    }
}

/// The account a database session belongs to.
#[derive(Clone, Debug)]
pub enum Account {
    Participant(i64),
    /// A staff account whose role is known.
    Staff(Staff),
}

impl Account {
    /// The account as the actor of its audit entries (with the request's
    /// address and id from `base`), and what the entry is about.
    pub(crate) fn actor(&self, base: &Actor) -> (Actor, Subject) {
        let (id, role, branch) = match self {
            Account::Participant(id) => (*id, ActorRole::PARTICIPANT, None),
            // `staff.role`'s CHECK list is the staff roles: a word Antre
            // does not know cannot be stored, and would act as no one.
            Account::Staff(s) => (
                s.id,
                Role::parse(&s.role).map_or(ActorRole::Anonymous, ActorRole::Person),
                s.branch_code.clone(),
            ),
        };
        let actor = Actor {
            id: Some(id),
            role,
            branch: branch.clone(),
            ..base.clone()
        };
        let subject = Subject {
            participant_id: matches!(self, Account::Participant(_)).then_some(id),
            branch_code: branch,
            ..Default::default()
        };
        (actor, subject)
    }
}

/// A database session opened by a sign-in.
pub struct Session {
    pub sid: String,
    pub account: Account,
}

/// Checks the throttle, the password (off the async threads), records the
/// attempt and opens a database session with its `signed_in` entry. A
/// refusal is recorded as `sign_in_failed`, with the typed identifier
/// masked (people type passwords into the email field) and the reason.
/// `channel` is `api` or `page`; the address is the actor's.
///
/// Participants may type their NIK instead of their email (16 digits, see
/// [`SignInName::classify`]); staff sign in by email only.
pub async fn sign_in(
    ctx: &Ctx,
    typed: &str,
    password: &str,
    audience: Audience,
    channel: &'static str,
) -> AppResult<Session> {
    let name = match audience {
        Audience::Staff => SignInName::Email(typed.trim().to_lowercase()),
        Audience::Participants | Audience::Any => SignInName::classify(typed),
    };
    let by = if name.is_nik() { "nik" } else { "email" };
    let details = serde_json::json!({"channel": channel, "audience": audience.name(), "by": by});
    let result = open_session(ctx, name.clone(), password, audience, details.clone()).await;
    match result {
        Ok(s) => Ok(s),
        // Attempts the throttle refuses cost no password check, so they
        // come fast: logging each would let one address flood the chain
        // (every entry is a serialized, synced write). The failures that
        // set the throttle off are in the log.
        Err(e) if e.code == Code::RateLimited => Err(e),
        Err(e) => {
            let mut details = details;
            details["identifier"] = match &name {
                SignInName::Nik(n) => nik::mask_str(n),
                SignInName::Email(_) => audit::mask_identifier(typed),
            }
            .into();
            details["reason"] = e.code.as_str().into();
            let (actor, now) = (ctx.actor.clone(), ctx.clock.now_naive());
            let written = run(&ctx.db, move |db| {
                db.write(|c| {
                    let subject = Subject::default();
                    audit::record(c, now, &actor, "sign_in_failed", &subject, details)
                })
            })
            .await;
            if let Err(w) = written {
                tracing::error!("cannot record a failed sign-in: {w}");
            }
            Err(e)
        }
    }
}

async fn open_session(
    ctx: &Ctx,
    name: SignInName,
    password: &str,
    audience: Audience,
    details: serde_json::Value,
) -> AppResult<Session> {
    let by_nik = name.is_nik();
    let password = password.to_string();
    let base = ctx.actor.clone();
    let ip = base.ip.clone().unwrap_or_else(|| "unknown".into());
    let ts = ctx.clock.now_naive();
    let since = ts - Duration::minutes(THROTTLE_WINDOW_MINUTES);
    let _permit = crypto::hashing_permit().await;
    run(&ctx.db, move |db| -> AppResult<Option<Session>> {
        // A NIK opens its participant's account; attempts by NIK and by
        // email count against that one account (keyed by its email).
        let nik_owner = match &name {
            SignInName::Nik(n) => db.read(|c| participants::find_by_nik(c, n))?,
            SignInName::Email(_) => None,
        };
        let key = nik_owner
            .as_ref()
            .map_or_else(|| name.as_str().to_string(), |p| p.email.clone());
        // The attempt takes its place in line (recorded as a failure)
        // before the password is checked, so simultaneous guesses count
        // against each other instead of all seeing a clean slate.
        let attempt = db.write(|c| -> AppResult<i64> {
            let id = sessions::begin_attempt(c, &key, &ip, ts)?;
            let (acct, addr) = sessions::failures_before(c, id, &key, &ip, since)?;
            if acct >= MAX_FAILURES_PER_ACCOUNT || addr >= MAX_FAILURES_PER_ADDRESS {
                // A refused attempt is not a guess: it must not prolong
                // the lock-out.
                sessions::forget_attempt(c, id)?;
                return Err(AppError::rate_limited(THROTTLE_WINDOW_MINUTES as u64 * 60));
            }
            Ok(id)
        })?;
        let (p, s) = match &name {
            SignInName::Nik(_) => (nik_owner, None),
            SignInName::Email(email) => db.read(|c| -> AppResult<_> {
                let p = match audience {
                    Audience::Staff => None,
                    _ => participants::find_by_email(c, email)?,
                };
                let s = match audience {
                    Audience::Participants => None,
                    _ => staff::find_by_email(c, email)?.filter(|s| s.active),
                };
                Ok((p, s))
            })?,
        };
        if p.is_none() && s.is_none() {
            // Same work as a real check, so timing does not tell which
            // emails have accounts.
            let _ = crypto::verify_password(crypto::dummy_hash(), &password);
        }
        let p = p.filter(|p| crypto::verify_password(&p.password_hash, &password));
        let s = if p.is_none() {
            s.filter(|s| crypto::verify_password(&s.password_hash, &password))
        } else {
            None
        };
        if p.is_none() && s.is_none() {
            return Ok(None);
        }
        let sid = crypto::random_token(24);
        db.write(|c| -> AppResult<Option<Session>> {
            sessions::mark_success(c, attempt)?;
            sessions::create(
                c,
                &AuthSession {
                    id: sid.clone(),
                    participant_id: p.as_ref().map(|p| p.id),
                    staff_id: s.as_ref().map(|s| s.id),
                    created_at: ts,
                    expires_at: ts + Duration::seconds(SESSION_TTL_SECS),
                    revoked_at: None,
                },
            )?;
            let account = match (p, s) {
                (Some(p), _) => Some(Account::Participant(p.id)),
                (None, Some(s)) => Role::parse(&s.role).map(|_| Account::Staff(s)),
                (None, None) => None,
            };
            let Some(account) = account else {
                return Ok(None);
            };
            // No sign-in without its entry: both commit together.
            let (actor, subject) = account.actor(&base);
            audit::record(c, ts, &actor, "signed_in", &subject, details)?;
            Ok(Some(Session { sid, account }))
        })
    })
    .await?
    .ok_or_else(|| {
        let e = AppError::new(Status::Unauthenticated, Code::InvalidCredentials);
        if by_nik {
            e.detail("invalid_credentials_nik")
        } else {
            e
        }
    })
}

/// Ends a database session: its tokens stop working at once.
pub async fn sign_out(ctx: &Ctx, sid: String) -> AppResult<()> {
    let now = ctx.clock.now_naive();
    write_db(&ctx.db, move |c| sessions::revoke(c, &sid, now)).await?;
    Ok(())
}

/// The participant's own account (the profile the API shows).
pub async fn participant(ctx: &Ctx, id: i64) -> AppResult<Participant> {
    read_db(&ctx.db, move |c| participants::find(c, id))
        .await?
        .ok_or_else(AppError::unauthenticated)
}
