//! A closed session: the participant's booking is cancelled with the
//! branch's reason, and either a seat is held for them at the same branch
//! on a next working day (with the link that accepts it) or they are
//! pointed to the first free seats elsewhere.

use chrono::NaiveDateTime;
use maud::html;

use super::layout;
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
    let next = |l: Lang| match offer {
        Some(o) => format!(
            "{}\n{}: {}\n{}: {}\n{public_url}/waitlist/{}",
            i18n::t(l, "mail_closure_offer"),
            i18n::t(l, "session_time"),
            i18n::local_datetime(l, local(o.slot.starts_at), zone),
            i18n::t(l, "offer_until"),
            i18n::local_datetime(l, local(o.expires), zone),
            o.entry
        ),
        None => format!(
            "{}\n{public_url}/sessions/first-free",
            i18n::t(l, "mail_closure_no_offer")
        ),
    };
    let body = |l: Lang| {
        format!(
            "{}\n\n{}\n{}\n",
            i18n::t(l, "mail_closure_intro"),
            layout::labelled(
                l,
                &[
                    ("session_time", &was(l)),
                    ("branch", &branch.name),
                    ("closure_reason", reason)
                ]
            ),
            next(l)
        )
    };
    let text = layout::text_body(&participant.full_name, &body(Lang::Id), &body(Lang::En));
    let link = match offer {
        Some(o) => format!("{public_url}/waitlist/{}", o.entry),
        None => format!("{public_url}/sessions/first-free"),
    };
    let html = layout::html_page(
        &subject,
        &participant.full_name,
        html! {
            p { (i18n::t(Lang::Id, "mail_closure_intro")) }
            p { (i18n::t(Lang::Id, "session_time")) ": " (was(Lang::Id)) " · " (branch.name) }
            p { (i18n::t(Lang::Id, "closure_reason")) ": " strong { (reason) } }
            @match offer {
                Some(o) => {
                    p { (i18n::t(Lang::Id, "mail_closure_offer")) }
                    p { (i18n::t(Lang::Id, "session_time")) ": " strong { (i18n::local_datetime(Lang::Id, local(o.slot.starts_at), zone)) } }
                    p { (i18n::t(Lang::Id, "offer_until")) ": " (i18n::local_datetime(Lang::Id, local(o.expires), zone)) }
                    p { a href=(link) { (i18n::t(Lang::Id, "offer_accept_link")) } }
                }
                None => {
                    p { (i18n::t(Lang::Id, "mail_closure_no_offer")) }
                    p { a href=(link) { (i18n::t(Lang::Id, "first_free_title")) } }
                }
            }
            hr;
            p lang="en" style="color:#555" { (i18n::t(Lang::En, "mail_closure_intro")) " " (was(Lang::En)) ", " (branch.name) ". " (i18n::t(Lang::En, "closure_reason")) ": " (reason) ". " (next(Lang::En)) }
        },
    );
    layout::outbox_mail(&participant.email, subject, text, html, None, now)
}
