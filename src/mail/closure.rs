//! A closed session: the participant's booking is cancelled with the
//! branch's reason, and either a seat is held for them at the same branch
//! on a next working day (with the link that accepts it) or they are
//! pointed to the first free seats elsewhere.

use chrono::NaiveDateTime;

use super::layout::{self, Block};
use crate::db::branches::{Branch, Slot};
use crate::db::outbox::NewMail;
use crate::db::participants::Participant;
use crate::domain::schedule::to_local;
use crate::i18n::{self, Lang};

/// The seat held for them: waiting-line entry, session, held until.
pub struct PriorityOffer<'a> {
    pub entry: i64,
    pub slot: &'a Slot,
    pub expires: NaiveDateTime,
}

pub fn closure_mail(
    participant: &Participant,
    branch: &Branch,
    closed: &Slot,
    reason: &str,
    offer: Option<&PriorityOffer<'_>>,
    public_url: &str,
    now: NaiveDateTime,
) -> NewMail {
    let (tz, zone) = (branch.tz(), branch.zone_label());
    let local = |at: NaiveDateTime| to_local(tz, at).naive_local();
    let was = |l| i18n::local_datetime(l, local(closed.starts_at), zone);
    let subject = i18n::t(Lang::Id, "mail_closure_subject").to_string();
    let link = match offer {
        Some(o) => format!("{public_url}/waitlist/{}", o.entry),
        None => format!("{public_url}/sessions/first-free"),
    };
    layout::mail(
        &participant.email,
        subject,
        &participant.full_name,
        |l| {
            let mut blocks = vec![
                Block::para(l, "mail_closure_intro"),
                Block::Facts(vec![
                    layout::fact(l, "session_time", was(l)),
                    layout::fact(l, "branch", branch.name.as_str()),
                    layout::fact(l, "closure_reason", reason).strong(),
                ]),
            ];
            match offer {
                Some(o) => blocks.extend([
                    Block::para(l, "mail_closure_offer"),
                    Block::Facts(vec![
                        layout::fact(
                            l,
                            "session_time",
                            i18n::local_datetime(l, local(o.slot.starts_at), zone),
                        )
                        .strong(),
                        layout::fact(
                            l,
                            "offer_until",
                            i18n::local_datetime(l, local(o.expires), zone),
                        )
                        .strong(),
                    ]),
                    Block::action(l, "offer_accept_link", &link),
                ]),
                None => blocks.extend([
                    Block::para(l, "mail_closure_no_offer"),
                    Block::action(l, "first_free_title", &link),
                ]),
            }
            blocks
        },
        now,
    )
}
