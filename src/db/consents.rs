//! Consent to WhatsApp/SMS messages (migration 24): one row per
//! participant who was asked; no row is email only.

use crate::db::FirstRow;
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::message_consents;
use super::{DbConnection, DbError};

crate::stored_row! {
    /// A participant's choice (`NewConsent` to record one).
    message_consents => Consent, NewConsent {
        participant_id: i64,
        /// whatsapp, sms or none.
        channel: String,
        source: String,
        /// The stop link's token (kept for the participant's life).
        stop_token: String,
        changed_at: NaiveDateTime,
    }
    then {}
}

/// The participant's choice, if they were asked.
pub fn of(conn: &mut DbConnection, participant: i64) -> Result<Option<Consent>, DbError> {
    Ok(message_consents::table
        .find(participant)
        .select(Consent::as_select())
        .first_row(conn)
        .optional()?)
}

/// The choice behind a stop link.
pub fn by_stop_token(conn: &mut DbConnection, token: &str) -> Result<Option<Consent>, DbError> {
    Ok(message_consents::table
        .filter(message_consents::stop_token.eq(token))
        .select(Consent::as_select())
        .first_row(conn)
        .optional()?)
}

/// Records a choice; the stop token of an earlier choice is kept (links in
/// messages already sent keep working).
pub fn set(conn: &mut DbConnection, new: &NewConsent) -> Result<(), DbError> {
    let update = |conn: &mut DbConnection| {
        diesel::update(message_consents::table.find(new.participant_id))
            .set((
                message_consents::channel.eq(&new.channel),
                message_consents::source.eq(&new.source),
                message_consents::changed_at.eq(new.changed_at),
            ))
            .execute(conn)
    };
    if update(conn)? == 0 {
        // Two first choices at once: one inserts, the other updates.
        let inserted = crate::per_backend!(conn, c => diesel::insert_into(message_consents::table)
            .values(new)
            .on_conflict_do_nothing()
            .execute(c))?;
        if inserted == 0 {
            update(conn)?;
        }
    }
    Ok(())
}
