//! The waiting-line offer: a seat held for the participant until a time,
//! with the link that accepts it.

use chrono::NaiveDateTime;
use maud::html;

use super::layout;
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
    let facts = |l| {
        layout::labelled(
            l,
            &[
                ("session_time", &when(l)),
                ("branch", &branch.name),
                ("offer_until", &by(l)),
            ],
        )
    };
    let text = text_of(participant, "mail_offer_intro", facts, &link);
    let html = layout::html_page(
        &subject,
        &participant.full_name,
        html! {
            p { (i18n::t(Lang::Id, "mail_offer_intro")) }
            p { (i18n::t(Lang::Id, "session_time")) ": " (when(Lang::Id)) " · " (branch.name) }
            p { (i18n::t(Lang::Id, "offer_until")) ": " strong { (by(Lang::Id)) } }
            p { a href=(link) { (i18n::t(Lang::Id, "offer_accept_link")) } }
            hr;
            p lang="en" style="color:#555" { (i18n::t(Lang::En, "mail_offer_intro")) " " (when(Lang::En)) ", " (branch.name) ". " (i18n::t(Lang::En, "offer_until")) ": " (by(Lang::En)) }
        },
    );
    layout::outbox_mail(&participant.email, subject, text, html, None, now)
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
    let facts = |l| {
        layout::labelled(
            l,
            &[
                ("branch", branch),
                ("date", &i18n::long_date(l, day)),
                ("waitlist_position", &position.to_string()),
            ],
        )
    };
    let text = text_of(participant, "mail_draw_lost_intro", facts, &link);
    let html = layout::html_page(
        &subject,
        &participant.full_name,
        html! {
            p { (i18n::t(Lang::Id, "mail_draw_lost_intro")) }
            p { (branch) " · " (i18n::long_date(Lang::Id, day)) " · " (i18n::t(Lang::Id, "waitlist_position")) ": " strong { (position) } }
            p { a href=(link) { (i18n::t(Lang::Id, "waitlist_title")) } }
            hr;
            p lang="en" style="color:#555" { (i18n::t(Lang::En, "mail_draw_lost_intro")) }
        },
    );
    layout::outbox_mail(&participant.email, subject, text, html, None, now)
}

/// The plain-text part: the intro and facts in Indonesian with the link,
/// then in English.
fn text_of(
    participant: &Participant,
    intro: &str,
    facts: impl Fn(Lang) -> String,
    link: &str,
) -> String {
    let id = format!(
        "{}\n\n{}\n{link}\n",
        i18n::t(Lang::Id, intro),
        facts(Lang::Id)
    );
    let en = format!("{}\n\n{}\n", i18n::t(Lang::En, intro), facts(Lang::En));
    layout::text_body(&participant.full_name, &id, &en)
}
