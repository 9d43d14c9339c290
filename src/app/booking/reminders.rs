//! The reminder the day before a session.

use chrono::{DateTime, Utc};

use super::participant;
use crate::app::AppResult;
use crate::db::bookings::{self, BookingView};
use crate::db::claims;
use crate::mail::compose;

/// The day before a session: a participant whose documents are incomplete
/// gets a mail naming what is missing. Returns how many were sent.
pub fn send_reminders(
    db: &crate::db::Db,
    now: DateTime<Utc>,
    public_url: &str,
    messages: bool,
) -> AppResult<usize> {
    let gateway = crate::app::messages::Gateway::new(messages, public_url);
    let due = db.read(|c| bookings::due_reminders(c, now))?;
    let mut sent = 0;
    for (booking, slot, branch) in due {
        sent += db.write(|c| -> AppResult<usize> {
            if !bookings::claim_reminder(c, booking.id, now.naive_utc())? {
                return Ok(0);
            }
            let Some(claim) = claims::find(c, booking.claim_id)? else {
                return Ok(0);
            };
            let dossier = crate::db::documents::dossier(c, claim)?;
            let missing: Vec<(String, String)> =
                crate::domain::dossier::missing_items(&dossier.checklist)
                    .into_iter()
                    .map(|e| (e.label_id.to_string(), e.label_en.to_string()))
                    .collect();
            let p = participant(c, booking.participant_id)?;
            let view = BookingView {
                booking: booking.clone(),
                slot: slot.clone(),
                branch: branch.clone(),
            };
            // With a message gateway, everyone booked hears of their day
            // on WhatsApp; the mail goes when documents are missing.
            let messaged = crate::app::messages::send(c, &gateway, &p, |lang| {
                crate::mail::gateway::reminder_message(lang, &view, &missing, now.naive_utc())
            })?;
            if dossier.ready {
                return Ok(usize::from(messaged));
            }
            let mut mail = compose::reminder_mail(&p, &view, &missing, public_url, now.naive_utc());
            if !crate::db::email_verifications::is_verified(c, p.id, &p.email)? {
                mail = crate::mail::layout::with_unverified_note(mail, public_url);
            }
            crate::db::outbox::enqueue(c, &mail)?;
            Ok(1)
        })?;
    }
    Ok(sent)
}
