//! Password reset for participants and staff: a request mails a
//! single-use link (valid [`RESET_TOKEN_MINUTES`] minutes, stored only as
//! a hash) and answers the same whether or not the email has an account;
//! setting the new password through the link ends every session of the
//! account. Accounts made at the counter or from a collective batch have
//! no password at all until their owner sets one this way.
//!
//! A new staff account's invitation (`app::staff_admin::invite`) is a
//! link of the same kind, set through [`confirm`] as well (audited as
//! `staff_invitation_accepted`).
//!
//! The throttle (`domain::recovery`): per typed email, a few mails per
//! window, then requests mail nothing but answer as usual; per client
//! address, then `429 rate_limited`. Both steps are audited
//! (`password_reset_requested`, `password_reset`).

use chrono::Duration;
use serde_json::json;

use crate::app::accounts::Account;
use crate::app::error::{AppError, AppResult};
use crate::app::{read_db, write_db, Ctx};
use crate::db::audit::{self, Subject};
use crate::db::auth as sessions;
use crate::db::password_resets::{self as resets, NewReset, Reset};
use crate::db::{outbox, participants, staff, DbConnection, DbError};
use crate::domain::recovery::{self, ResetThrottle, SignInName, RESET_WINDOW_MINUTES};
use crate::domain::{password, Code};
use crate::infra::crypto;
use crate::mail::account as mails;

pub use crate::domain::recovery::RESET_TOKEN_MINUTES;

/// The person behind an email: what the mail and the password policy need.
struct Holder {
    account: Account,
    name: String,
    email: String,
    /// A participant's NIK ("" for staff), kept out of the new password.
    nik: String,
}

impl Holder {
    fn ids(&self) -> (Option<i64>, Option<i64>) {
        match &self.account {
            Account::Participant(id) => (Some(*id), None),
            Account::Staff(s) => (None, Some(s.id)),
        }
    }

    fn participant(p: participants::Participant) -> Holder {
        Holder {
            account: Account::Participant(p.id),
            name: p.full_name,
            email: p.email,
            nik: p.nik,
        }
    }

    fn staff(s: staff::Staff) -> Holder {
        Holder {
            name: s.name.clone(),
            email: s.email.clone(),
            nik: String::new(),
            account: Account::Staff(s),
        }
    }
}

/// The account with this (normalized) email — a participant's, else an
/// active staff member's — or this participant's NIK.
fn holder_of(c: &mut DbConnection, typed: &SignInName) -> Result<Option<Holder>, DbError> {
    let email = match typed {
        SignInName::Nik(nik) => {
            return Ok(participants::find_by_nik(c, nik)?.map(Holder::participant))
        }
        SignInName::Email(email) => email,
    };
    if let Some(p) = participants::find_by_email(c, email)? {
        return Ok(Some(Holder::participant(p)));
    }
    Ok(staff::find_by_email(c, email)?
        .filter(|s| s.active)
        .map(Holder::staff))
}

/// Handles a reset request for `typed` (an email, or a participant's
/// NIK): `Ok` whatever the account, so the caller answers the same either
/// way; `rate_limited` only for an address that asked too often. The same
/// work is done for an unknown account (a lookup, a random token and its
/// hash, a stored request, an audit entry); only the link is missing. The
/// link is mailed; to a participant whose address receives no mail (an
/// account made at the branch or by an employer without an email) it goes
/// by the WhatsApp or SMS they chose, if they chose one.
pub async fn request(ctx: &Ctx, typed: &str, channel: &'static str) -> AppResult<()> {
    let typed = SignInName::classify(typed);
    let identifier = typed.as_str().to_string();
    let now = ctx.clock.now_naive();
    let token = crypto::random_token(32);
    let holder = read_db(&ctx.db, move |c| holder_of(c, &typed)).await?;
    // The mail is composed before the write lock is taken.
    let mail = holder
        .as_ref()
        .filter(|h| recovery::receives_mail(&h.email))
        .map(|h| {
            let url = &ctx.settings.public_url;
            mails::password_reset_mail(&h.name, &h.email, &token, url, now)
        });
    // No mailbox: the link as a message, if they chose a channel.
    let message = holder
        .as_ref()
        .filter(|h| !recovery::receives_mail(&h.email))
        .and_then(|h| h.ids().0)
        .map(|participant| {
            let link = mails::reset_link(&ctx.settings.public_url, &token);
            (participant, link, crate::app::messages::Gateway::of(ctx))
        });
    let (participant_id, staff_id) = holder.as_ref().map_or((None, None), Holder::ids);
    let mut details = json!({
        "channel": channel,
        "identifier": audit::mask_identifier(&identifier),
    });
    let new = NewReset {
        ip: ctx.actor.ip.clone().unwrap_or_else(|| "unknown".into()),
        identifier,
        participant_id,
        staff_id,
        token_hash: crypto::token_digest(&token),
        created_at: now,
        expires_at: recovery::reset_expires_at(now),
        purpose: resets::RESET.into(),
    };
    let subject = Subject {
        participant_id,
        ..Default::default()
    };
    let actor = ctx.actor.clone();
    write_db(&ctx.db, move |c| -> AppResult<()> {
        let since = now - Duration::minutes(RESET_WINDOW_MINUTES);
        let (for_name, from_address) = resets::recent(c, &new.identifier, &new.ip, since)?;
        let verdict = recovery::reset_throttle(for_name, from_address);
        if verdict == ResetThrottle::Refuse {
            // Not stored and not logged: a refused request must neither
            // prolong the refusal nor flood the chain.
            return Err(AppError::rate_limited(RESET_WINDOW_MINUTES as u64 * 60)
                .detail("password_reset_rate_limited"));
        }
        resets::insert(c, &new)?;
        let mailed = match (verdict, &mail) {
            (ResetThrottle::Send, Some(m)) => {
                outbox::enqueue(c, m)?;
                true
            }
            _ => false,
        };
        let messaged = match (verdict, &message) {
            (ResetThrottle::Send, Some((participant, link, gateway))) => {
                match participants::find(c, *participant)? {
                    Some(p) => crate::app::messages::send(c, gateway, &p, |lang| {
                        mails::password_reset_message(lang, link, now)
                    })?,
                    None => false,
                }
            }
            _ => false,
        };
        details["mailed"] = mailed.into();
        details["messaged"] = messaged.into();
        details["throttled"] = (verdict == ResetThrottle::Quiet).into();
        audit::record(
            c,
            now,
            &actor,
            "password_reset_requested",
            &subject,
            details,
        )?;
        Ok(())
    })
    .await
}

fn invalid_token() -> AppError {
    AppError::unprocessable(Code::InvalidToken).field("token")
}

/// The request and its account when `token` may still be used.
async fn usable(ctx: &Ctx, token: &str) -> AppResult<Option<(Reset, Holder)>> {
    // A real token is 43 characters; anything far off is not one.
    if token.is_empty() || token.len() > 128 {
        return Ok(None);
    }
    let hash = crypto::token_digest(token);
    let now = ctx.clock.now_naive();
    let found = read_db(&ctx.db, move |c| -> Result<_, DbError> {
        let Some(r) = resets::by_token(c, &hash)? else {
            return Ok(None);
        };
        let holder = match (r.participant_id, r.staff_id) {
            (Some(p), _) => participants::find(c, p)?.map(Holder::participant),
            (None, Some(s)) => staff::find(c, s)?.filter(|s| s.active).map(Holder::staff),
            (None, None) => None,
        };
        Ok(holder.map(|h| (r, h)))
    })
    .await?;
    Ok(found.filter(|(r, _)| recovery::reset_usable(r.expires_at, r.used_at, now)))
}

/// May this link still set a password? (The page asks before showing
/// its form.)
pub async fn token_usable(ctx: &Ctx, token: &str) -> AppResult<bool> {
    Ok(usable(ctx, token).await?.is_some())
}

/// Whose password a link set: where its owner signs in next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResetFor {
    Participant,
    Staff,
}

/// Sets the new password through a mailed link: `invalid_token` (422) for
/// a used, expired or unknown link; the password policy as at
/// registration; then, in one transaction, the token is spent (exactly
/// once, however many requests race), the password replaced, the
/// account's other links voided, every session of the account ended and
/// its sign-in lock-out lifted, with the `password_reset` entry.
pub async fn confirm(
    ctx: &Ctx,
    token: &str,
    new_password: &str,
    channel: &'static str,
) -> AppResult<ResetFor> {
    let token = token.trim();
    let (reset, holder) = usable(ctx, token).await?.ok_or_else(invalid_token)?;
    let terms = password::personal_terms(&holder.nik, &holder.email, &holder.name);
    let refs: Vec<&str> = terms.iter().map(String::as_str).collect();
    password::check_strength(new_password, &refs)?;
    let pw = new_password.to_string();
    let hash = {
        let _permit = crypto::hashing_permit().await;
        crate::app::blocking(move || crypto::hash_password(&pw))
            .await?
            .map_err(AppError::internal)?
    };
    let now = ctx.clock.now_naive();
    let (actor, subject) = holder.account.actor(&ctx.actor);
    let ip = ctx.actor.ip.clone().unwrap_or_else(|| "unknown".into());
    write_db(&ctx.db, move |c| -> AppResult<ResetFor> {
        if !resets::consume(c, reset.id, now)? {
            return Err(invalid_token());
        }
        let (participant_id, staff_id) = holder.ids();
        let kind = match &holder.account {
            Account::Participant(id) => {
                participants::set_password(c, *id, &hash)?;
                ResetFor::Participant
            }
            Account::Staff(s) => {
                staff::set_password(c, s.id, &hash)?;
                ResetFor::Staff
            }
        };
        resets::void_all(c, participant_id, staff_id, now)?;
        let ended = sessions::revoke_all(c, participant_id, staff_id, now)?;
        sessions::note_proof(c, &holder.email, &ip, now)?;
        let details = json!({"channel": channel, "sessions_ended": ended});
        let action = if reset.purpose == resets::INVITATION {
            "staff_invitation_accepted"
        } else {
            "password_reset"
        };
        audit::record(c, now, &actor, action, &subject, details)?;
        Ok(kind)
    })
    .await
}
