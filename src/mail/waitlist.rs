//! The waiting-line offer: a seat held for the participant until a time,
//! with the link that accepts it.

use chrono::NaiveDateTime;

use super::layout::{self, Block};
use crate::db::branches::{Branch, Slot};
use crate::db::outbox::NewMail;
use crate::db::participants::Participant;
use crate::domain::schedule::to_local;
use crate::i18n::{self, Lang};

pub fn offer_mail(
    participant: &Participant,
    entry: i64,
    slot: &Slot,
    branch: &Branch,
    expires: NaiveDateTime,
    public_url: &str,
    now: NaiveDateTime,
) -> NewMail {
    let (tz, zone) = (branch.tz(), branch.zone_label());
    let start = to_local(tz, slot.starts_at).naive_local();
    let until = to_local(tz, expires).naive_local();
    let when = |l| i18n::local_datetime(l, start, zone);
    let by = |l| i18n::local_datetime(l, until, zone);
    let link = format!("{public_url}/waitlist/{entry}");
    let subject = i18n::t(Lang::Id, "mail_offer_subject").to_string();
    layout::mail(
        &participant.email,
        subject,
        &participant.full_name,
        |l| {
            vec![
                Block::para(l, "mail_offer_intro"),
                Block::Facts(vec![
                    layout::fact(l, "session_time", when(l)),
                    layout::fact(l, "branch", branch.name.as_str()),
                    layout::fact(l, "offer_until", by(l)).strong(),
                ]),
                Block::action(l, "offer_accept_link", &link),
            ]
        },
        now,
    )
}

/// A new day's draw did not reach the participant: they are in the day's
/// waiting line at `position`.
pub fn draw_lost_mail(
    participant: &Participant,
    entry: i64,
    position: i64,
    branch: &str,
    day: chrono::NaiveDate,
    public_url: &str,
    now: NaiveDateTime,
) -> NewMail {
    let link = format!("{public_url}/waitlist/{entry}");
    let subject = i18n::t(Lang::Id, "mail_draw_lost_subject").to_string();
    layout::mail(
        &participant.email,
        subject,
        &participant.full_name,
        |l| {
            vec![
                Block::para(l, "mail_draw_lost_intro"),
                Block::Facts(vec![
                    layout::fact(l, "branch", branch),
                    layout::fact(l, "date", i18n::long_date(l, day)),
                    layout::fact(l, "waitlist_position", position.to_string()).strong(),
                ]),
                Block::action(l, "waitlist_title", &link),
            ]
        },
        now,
    )
}
