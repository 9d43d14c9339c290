//! A participant's contact details: verifying the email (a link mailed at
//! registration and on request), changing the email (verified at the new
//! address before it counts, the old one told) and the phone (with the
//! password, the email told). Each step is audited; every mail goes
//! through the outbox in the step's transaction.

use chrono::{Duration, NaiveDateTime};
use serde_json::json;

use crate::app::error::{AppError, AppResult};
use crate::app::{read_db, write_db, Ctx};
use crate::db::audit::{self, mask_identifier, Actor, Subject};
use crate::db::email_verifications::{self as links, NewVerification};
use crate::db::participants::{self, Participant};
use crate::db::{outbox, DbConnection};
use crate::domain::recovery::{VERIFY_MAILS_PER_HOUR, VERIFY_TOKEN_HOURS};
use crate::domain::role::ActorRole;
use crate::domain::Code;
use crate::domain::{email::Email, phone::Phone};
use crate::infra::crypto;
use crate::mail::account as mails;

/// Mails a link that verifies `email` for `p`, in the caller's transaction.
pub(crate) fn mail_link(
    c: &mut DbConnection,
    p: &Participant,
    email: &str,
    now: NaiveDateTime,
    public_url: &str,
) -> AppResult<()> {
    let token = crypto::random_token(32);
    links::insert(
        c,
        &NewVerification {
            participant_id: p.id,
            email: email.to_string(),
            token_hash: crypto::token_digest(&token),
            created_at: now,
            expires_at: now + Duration::hours(VERIFY_TOKEN_HOURS),
        },
    )?;
    outbox::enqueue(
        c,
        &mails::email_verify_mail(&p.full_name, email, &token, public_url, now),
    )?;
    Ok(())
}

/// Whether the participant's current email is verified.
pub async fn email_verified(ctx: &Ctx, participant_id: i64) -> AppResult<bool> {
    read_db(&ctx.db, move |c| -> AppResult<bool> {
        let p = participants::find(c, participant_id)?.ok_or_else(AppError::unauthenticated)?;
        Ok(links::is_verified(c, p.id, &p.email)?)
    })
    .await
}

fn own(ctx: &Ctx, participant_id: i64) -> (Actor, Subject) {
    let actor = Actor {
        id: Some(participant_id),
        role: ActorRole::PARTICIPANT,
        branch: None,
        ..ctx.actor.clone()
    };
    let subject = Subject {
        participant_id: Some(participant_id),
        ..Default::default()
    };
    (actor, subject)
}

/// At most [`VERIFY_MAILS_PER_HOUR`] links an hour per participant.
fn throttle(c: &mut DbConnection, participant_id: i64, now: NaiveDateTime) -> AppResult<()> {
    if links::sent_since(c, participant_id, now - Duration::hours(1))? >= VERIFY_MAILS_PER_HOUR {
        return Err(AppError::rate_limited(3600));
    }
    Ok(())
}

/// Mails a new verification link for the current email; nothing when it
/// is verified already.
pub async fn resend(ctx: &Ctx, participant_id: i64) -> AppResult<()> {
    let (now, url) = (ctx.clock.now_naive(), ctx.settings.public_url.clone());
    let (actor, subject) = own(ctx, participant_id);
    write_db(&ctx.db, move |c| -> AppResult<()> {
        let p = participants::find(c, participant_id)?.ok_or_else(AppError::unauthenticated)?;
        if links::is_verified(c, p.id, &p.email)? {
            return Ok(());
        }
        throttle(c, p.id, now)?;
        mail_link(c, &p, &p.email, now, &url)?;
        let details = json!({"email": mask_identifier(&p.email)});
        audit::record(c, now, &actor, "email_verification_sent", &subject, details)?;
        Ok(())
    })
    .await
}

/// The password, checked off the executor; a wrong one is refused on the
/// password field.
async fn check_password(ctx: &Ctx, participant_id: i64, password: &str) -> AppResult<Participant> {
    let p = crate::app::accounts::participant(ctx, participant_id).await?;
    let (hash, typed) = (p.password_hash.clone(), password.to_string());
    let _permit = crypto::hashing_permit().await;
    let ok = tokio::task::spawn_blocking(move || {
        !hash.is_empty() && crypto::verify_password(&hash, &typed)
    })
    .await
    .map_err(AppError::internal)?;
    if ok {
        Ok(p)
    } else {
        Err(AppError::unprocessable(Code::InvalidCredentials).field("password"))
    }
}

/// Starts an email change: a link to the new address (the account keeps
/// the old one until it is followed) and a note to the old address.
pub async fn change_email(
    ctx: &Ctx,
    participant_id: i64,
    email: &str,
    password: &str,
) -> AppResult<()> {
    let email = Email::parse(email).map_err(AppError::from)?;
    let p = check_password(ctx, participant_id, password).await?;
    let (now, url) = (ctx.clock.now_naive(), ctx.settings.public_url.clone());
    let (actor, subject) = own(ctx, participant_id);
    write_db(&ctx.db, move |c| -> AppResult<()> {
        let new = email.as_str();
        if new == p.email {
            return Ok(());
        }
        if participants::find_by_email(c, new)?.is_some() {
            return Err(AppError::conflict(Code::EmailTaken).field("email"));
        }
        throttle(c, p.id, now)?;
        mail_link(c, &p, new, now, &url)?;
        outbox::enqueue(
            c,
            &mails::contact_changed_mail(&p.full_name, &p.email, "contact_email", now),
        )?;
        let details = json!({"from": mask_identifier(&p.email), "to": mask_identifier(new)});
        audit::record(c, now, &actor, "email_change_requested", &subject, details)?;
        Ok(())
    })
    .await
}

/// Follows a mailed link: the address is verified, and becomes the
/// account's email when it was a change. Returns the email.
pub async fn confirm(ctx: &Ctx, token: &str) -> AppResult<String> {
    let token = token.trim();
    if token.is_empty() || token.len() > 128 {
        return Err(AppError::unprocessable(Code::InvalidToken).field("token"));
    }
    let hash = crypto::token_digest(token);
    let now = ctx.clock.now_naive();
    let base = ctx.actor.clone();
    write_db(&ctx.db, move |c| -> AppResult<String> {
        let invalid = || AppError::unprocessable(Code::InvalidToken).field("token");
        let link = links::by_token(c, &hash)?.ok_or_else(invalid)?;
        if !links::consume(c, link.id, now)? {
            return Err(invalid());
        }
        let p = participants::find(c, link.participant_id)?.ok_or_else(invalid)?;
        let actor = Actor {
            id: Some(p.id),
            role: ActorRole::PARTICIPANT,
            branch: None,
            ..base
        };
        let subject = Subject {
            participant_id: Some(p.id),
            ..Default::default()
        };
        if link.email == p.email {
            let details = json!({"email": mask_identifier(&p.email)});
            audit::record(c, now, &actor, "email_verified", &subject, details)?;
            return Ok(p.email);
        }
        if participants::find_by_email(c, &link.email)?.is_some_and(|o| o.id != p.id) {
            return Err(AppError::conflict(Code::EmailTaken).field("email"));
        }
        links::set_email(c, p.id, &link.email)?;
        let details =
            json!({"from": mask_identifier(&p.email), "to": mask_identifier(&link.email)});
        audit::record(c, now, &actor, "email_changed", &subject, details)?;
        Ok(link.email)
    })
    .await
}

/// A phone number as the log keeps it: the last three digits.
fn mask_phone(phone: &str) -> String {
    let digits: Vec<char> = phone.chars().filter(char::is_ascii_digit).collect();
    let tail: String = digits[digits.len().saturating_sub(3)..].iter().collect();
    format!("***{tail}")
}

/// Changes the phone number (with the password); the email is told.
pub async fn change_phone(
    ctx: &Ctx,
    participant_id: i64,
    phone: &str,
    password: &str,
) -> AppResult<()> {
    let phone = Phone::parse(phone).map_err(AppError::from)?;
    let p = check_password(ctx, participant_id, password).await?;
    let now = ctx.clock.now_naive();
    let (actor, subject) = own(ctx, participant_id);
    write_db(&ctx.db, move |c| -> AppResult<()> {
        if phone.as_str() == p.phone {
            return Ok(());
        }
        links::set_phone(c, p.id, phone.as_str())?;
        outbox::enqueue(
            c,
            &mails::contact_changed_mail(&p.full_name, &p.email, "contact_phone", now),
        )?;
        let details = json!({"from": mask_phone(&p.phone), "to": mask_phone(phone.as_str())});
        audit::record(c, now, &actor, "phone_changed", &subject, details)?;
        Ok(())
    })
    .await
}

#[cfg(test)]
mod tests {
    #[test]
    fn phones_are_masked_to_their_last_digits() {
        assert_eq!(super::mask_phone("+6281234567890"), "***890");
        assert_eq!(super::mask_phone("12"), "***12");
    }
}
