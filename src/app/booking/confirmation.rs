//! A booking's confirmation mail, written before the write transaction.

use chrono::{DateTime, NaiveDateTime, Utc};

use super::{slot_and_branch, Placing};
use crate::app::AppResult;
use crate::db::branches::{Branch, Slot};
use crate::db::outbox::NewMail;
use crate::db::participants::{self, Participant};
use crate::db::DbConnection;
use crate::mail::compose::{self, BookingMailKind, Seat};

/// A booking's confirmation mail written before its write transaction:
/// the mail says only the code, the session, the branch and the person,
/// all known before the seat is taken, and rendering it (text, HTML and a
/// calendar file) is the largest part of a booking's work. The single
/// SQLite writer then only stores it. Used only if what it says is still
/// true inside the transaction.
pub(crate) struct Confirmation {
    pub code: String,
    pub slot_id: i64,
    pub said: Said,
    pub mail: NewMail,
}

/// What a confirmation says that could change before the seat is taken.
#[derive(PartialEq)]
pub(crate) struct Said {
    to: (String, String),
    session: (NaiveDateTime, NaiveDateTime),
    branch: (String, String, String),
}

impl Said {
    pub fn of(who: &Participant, slot: &Slot, branch: &Branch) -> Self {
        Self {
            to: (who.email.clone(), who.full_name.clone()),
            session: (slot.starts_at, slot.ends_at),
            branch: (
                branch.name.clone(),
                branch.address.clone(),
                branch.timezone.clone(),
            ),
        }
    }
}

impl Confirmation {
    /// The mail for booking `p` now, read outside the write lock; `None`
    /// when the request names what does not exist (the transaction then
    /// refuses it).
    pub fn ahead(
        conn: &mut DbConnection,
        p: &Placing<'_>,
        now: DateTime<Utc>,
        public_url: &str,
    ) -> AppResult<Option<Self>> {
        let Some(who) = participants::find(conn, p.participant_id)? else {
            return Ok(None);
        };
        let Ok((slot, branch)) = slot_and_branch(conn, p.slot_id) else {
            return Ok(None);
        };
        let code = crate::domain::booking_code::generate();
        let mail = booked_mail(&who, &code, (&slot, &branch), public_url, now.naive_utc());
        Ok(Some(Self {
            said: Said::of(&who, &slot, &branch),
            code,
            slot_id: p.slot_id,
            mail,
        }))
    }
}

/// The confirmation of booking `code` in `slot` at `branch`, stored at `ts`.
pub(crate) fn booked_mail(
    who: &Participant,
    code: &str,
    (slot, branch): (&Slot, &Branch),
    public_url: &str,
    ts: NaiveDateTime,
) -> NewMail {
    let seat = Seat {
        code,
        updated_at: ts,
        slot,
        branch,
    };
    compose::booking_mail(BookingMailKind::Booked, who, &seat, public_url, ts)
}
