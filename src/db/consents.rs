//! Consent to WhatsApp/SMS messages (migration 24): one row per
//! participant who was asked; no row is email only.

use crate::db::FirstRow;
use crate::i18n::Lang;
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
        /// The language its messages are written in (`id`, `en`: a
        /// [`Lang`]'s code; migration 28).
        lang: String,
    }
    then {}
}

impl Consent {
    /// The language the participant reads messages in.
    pub fn language(&self) -> Lang {
        Lang::parse(&self.lang).unwrap_or_default()
    }
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
                message_consents::lang.eq(&new.lang),
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

#[cfg(test)]
mod tests {
    use crate::domain::status::testing::check_words;
    use crate::i18n::Lang;

    #[test]
    fn a_stored_language_is_one_the_catalog_speaks() {
        let ours: Vec<&str> = Lang::ALL.iter().map(|l| l.code()).collect();
        for backend in ["sqlite", "postgres"] {
            assert_eq!(check_words(backend, "message_consents", "lang"), ours);
        }
        for l in Lang::ALL {
            assert_eq!(Lang::parse(l.code()), Some(l));
        }
    }
}
