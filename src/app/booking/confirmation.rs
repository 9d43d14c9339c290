//! A booking's confirmation mail.
//!
//! Rendered inside the write transaction on both backends. It was once
//! rendered before it on SQLite, to keep the single writer's lock short;
//! measured on two cores the booking rate stayed the same without it
//! while the server's CPU per booking fell by a tenth (the session, branch
//! and participant were read twice), so the writer's lock is not what
//! limits it.

use chrono::NaiveDateTime;

use crate::db::branches::{Branch, Slot};
use crate::db::outbox::NewMail;
use crate::db::participants::Participant;
use crate::mail::compose::{self, BookingMailKind, Seat};

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
