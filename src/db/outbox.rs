//! The outbox: mails and WhatsApp/SMS messages are written in the
//! transaction of the action that causes them and delivered later — mail
//! by `mail::worker`, messages by `mail::gateway` — so a mail server or a
//! message gateway being down never fails or loses a booking. A row's
//! `channel` says which: `email`, `whatsapp` or `sms`; a message keeps its
//! template name in `subject` and its text in `body_text`. A booking mail
//! keeps its subject and, in `letter`, what it says: the worker renders
//! its bodies when it delivers (`mail::compose::Rendered`).

use crate::db::FirstRow;
use crate::domain::recovery::receives_mail;
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::outbox;
use super::{DbConnection, DbError};

crate::stored_row! {
    /// A mail in the outbox with its delivery state (`NewMail` to queue one).
    outbox => OutboxMail, NewMail {
        recipient: String,
        subject: String,
        body_text: String,
        body_html: String,
        ics: Option<String>,
        created_at: NaiveDateTime,
        next_attempt_at: NaiveDateTime,
        /// A booking mail's facts (JSON of `mail::compose::Letter`), its
        /// bodies rendered at delivery; `None`: the bodies are as stored.
        letter: Option<String>,
    }
    then {
        id: i64,
        attempts: i32,
        locked_until: Option<NaiveDateTime>,
        sent_at: Option<NaiveDateTime>,
        last_error: Option<String>,
        channel: String,
    }
}

/// The channel of mail.
pub const EMAIL: &str = "email";
/// The channels a message gateway delivers.
pub const MESSAGE_CHANNELS: [&str; 2] = ["whatsapp", "sms"];

/// A WhatsApp or SMS message to queue.
#[derive(Debug, Clone, diesel::Insertable)]
#[diesel(table_name = outbox, treat_none_as_default_value = false)]
pub struct NewMessage {
    /// E.164 (`+628…`).
    pub recipient: String,
    /// The template's name.
    pub subject: String,
    /// The text sent.
    pub body_text: String,
    pub body_html: String,
    pub channel: String,
    pub created_at: NaiveDateTime,
    pub next_attempt_at: NaiveDateTime,
}

pub fn enqueue_message(conn: &mut DbConnection, message: &NewMessage) -> Result<(), DbError> {
    diesel::insert_into(outbox::table)
        .values(message)
        .execute(conn)?;
    Ok(())
}

/// Queues a mail. A mail to an address that receives none (an account made at the branch
/// or by an employer without an email: `….invalid`, RFC 2606) is not
/// queued: nobody would read it, and the relay would refuse it again and
/// again.
pub fn enqueue(conn: &mut DbConnection, mail: &NewMail) -> Result<(), DbError> {
    if !receives_mail(&mail.recipient) {
        return Ok(());
    }
    crate::per_backend!(conn, c => diesel::insert_into(outbox::table)
        .values(mail)
        .execute(c))?;
    Ok(())
}

/// Queues many mails, many per statement (as [`enqueue`]: none to an
/// address that receives no mail).
pub fn enqueue_all(conn: &mut DbConnection, mails: &[NewMail]) -> Result<(), DbError> {
    let kept: Vec<NewMail>;
    let mails = if mails.iter().all(|m| receives_mail(&m.recipient)) {
        mails
    } else {
        kept = mails
            .iter()
            .filter(|m| receives_mail(&m.recipient))
            .cloned()
            .collect();
        &kept
    };
    // 7 values a row: far below both backends' bound-parameter limits.
    for chunk in mails.chunks(1_000) {
        crate::per_backend!(&mut *conn, c => diesel::insert_into(outbox::table)
            .values(chunk)
            .execute(c))?;
    }
    Ok(())
}

/// Ids of rows of `channels` due for delivery and not leased by another
/// worker.
pub fn due(
    conn: &mut DbConnection,
    channels: &[&str],
    now: NaiveDateTime,
    limit: i64,
) -> Result<Vec<i64>, DbError> {
    Ok(outbox::table
        .filter(outbox::channel.eq_any(channels))
        .filter(outbox::sent_at.is_null())
        .filter(outbox::next_attempt_at.le(now))
        .filter(
            outbox::locked_until
                .is_null()
                .or(outbox::locked_until.lt(now)),
        )
        .select(outbox::id)
        .order(outbox::id.asc())
        .limit(limit)
        .load(conn)?)
}

/// Leases one mail to this worker until `until`; false when another worker
/// (possibly another app instance) got it first.
pub fn lease(
    conn: &mut DbConnection,
    id: i64,
    now: NaiveDateTime,
    until: NaiveDateTime,
) -> Result<Option<OutboxMail>, DbError> {
    let n = diesel::update(
        outbox::table
            .filter(outbox::id.eq(id))
            .filter(outbox::sent_at.is_null())
            .filter(
                outbox::locked_until
                    .is_null()
                    .or(outbox::locked_until.lt(now)),
            ),
    )
    .set(outbox::locked_until.eq(Some(until)))
    .execute(conn)?;
    if n == 0 {
        return Ok(None);
    }
    Ok(outbox::table
        .find(id)
        .select(OutboxMail::as_select())
        .first_row(conn)
        .optional()?)
}

pub fn mark_sent(conn: &mut DbConnection, id: i64, now: NaiveDateTime) -> Result<(), DbError> {
    diesel::update(outbox::table.find(id))
        .set((
            outbox::sent_at.eq(Some(now)),
            outbox::locked_until.eq(None::<NaiveDateTime>),
            outbox::attempts.eq(outbox::attempts + 1),
            outbox::last_error.eq(None::<String>),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn mark_failed(
    conn: &mut DbConnection,
    id: i64,
    error: &str,
    retry_at: NaiveDateTime,
) -> Result<(), DbError> {
    diesel::update(outbox::table.find(id))
        .set((
            outbox::locked_until.eq(None::<NaiveDateTime>),
            outbox::attempts.eq(outbox::attempts + 1),
            outbox::last_error.eq(Some(error)),
            outbox::next_attempt_at.eq(retry_at),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut DbConnection, id: i64) -> Result<Option<OutboxMail>, DbError> {
    Ok(outbox::table
        .find(id)
        .select(OutboxMail::as_select())
        .first_row(conn)
        .optional()?)
}
