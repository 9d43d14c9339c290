//! No-show follow-up: a booking whose session ended a while ago without
//! its participant ends as a no-show — so it no longer holds them (they may
//! book again at once) — with its audit entry, and the participant is told
//! how to book again (mail; WhatsApp with a gateway). The branch's worklist
//! shows them until they book again or the claim closes.

use chrono::{DateTime, Duration, Utc};
use serde_json::json;

use crate::app::{AppError, AppResult};
use crate::db::audit::{self, Actor, Subject};
use crate::db::outreach::sources;
use crate::db::{bookings, outbox, participants, Db};
use crate::domain::outreach::NO_SHOW_GRACE_MINUTES;

/// Ends the bookings nobody came to by `now`; returns how many.
pub fn sweep_no_shows(
    db: &Db,
    now: DateTime<Utc>,
    public_url: &str,
    messages: bool,
) -> AppResult<usize> {
    let ts = now.naive_utc();
    let before = ts - Duration::minutes(NO_SHOW_GRACE_MINUTES);
    let due = db.read(|c| sources::unattended(c, before))?;
    let actor = Actor::system();
    let gateway = crate::app::messages::Gateway::new(messages, public_url);
    let mut ended = 0;
    for booking in due {
        ended += db.write(|c| -> AppResult<usize> {
            if !sources::mark_no_show(c, booking.id, ts)? {
                return Ok(0);
            }
            let v = bookings::view(c, booking.clone())?
                .ok_or_else(|| AppError::internal("booking without slot"))?;
            let p = participants::find(c, booking.participant_id)?
                .ok_or_else(|| AppError::internal("booking without participant"))?;
            let subject = Subject {
                participant_id: Some(p.id),
                claim_id: Some(booking.claim_id),
                booking_id: Some(booking.id),
                branch_code: Some(v.branch.code.clone()),
                ..Default::default()
            };
            let detail = json!({"code": booking.code, "slot": booking.slot_id});
            audit::record(c, ts, &actor, "booking_no_show", &subject, detail)?;
            outbox::enqueue(
                c,
                &crate::mail::no_show::no_show_mail(&p, &v, public_url, ts),
            )?;
            crate::app::messages::send(c, &gateway, &p, |lang| {
                crate::mail::no_show::no_show_message(lang, &v, public_url, ts)
            })?;
            Ok(1)
        })?;
    }
    Ok(ended)
}
