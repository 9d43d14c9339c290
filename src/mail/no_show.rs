//! After a missed session: the mail (and, with a gateway, the WhatsApp
//! message) telling a participant their booking has ended and how to book
//! again. Bahasa Indonesia first, English second.

use chrono::NaiveDateTime;

use super::layout::{self, Block};
use crate::db::bookings::BookingView;
use crate::db::outbox::{NewMail, NewMessage};
use crate::db::participants::Participant;
use crate::domain::schedule::to_local;
use crate::i18n::{self, Lang};

fn when(l: Lang, v: &BookingView) -> String {
    let local = to_local(v.branch.tz(), v.slot.starts_at).naive_local();
    i18n::local_datetime(l, local, v.branch.zone_label())
}

fn intro(l: Lang, v: &BookingView) -> String {
    i18n::tf(
        l,
        "mail_no_show_intro",
        &[
            ("when", &when(l, v)),
            ("branch", &v.branch.name),
            ("code", &v.booking.code),
        ],
    )
}

pub fn no_show_mail(
    p: &Participant,
    v: &BookingView,
    public_url: &str,
    now: NaiveDateTime,
) -> NewMail {
    let link = format!("{}/branches", public_url.trim_end_matches('/'));
    let subject = i18n::t(Lang::Id, "mail_no_show_subject").to_string();
    layout::mail(
        &p.email,
        subject,
        &p.full_name,
        |l| {
            vec![
                Block::Para(intro(l, v)),
                Block::para(l, "mail_no_show_again"),
                Block::action(l, "mail_book_again", &link),
            ]
        },
        now,
    )
}

pub fn no_show_message(
    lang: Lang,
    v: &BookingView,
    public_url: &str,
    now: NaiveDateTime,
) -> NewMessage {
    let link = format!("{}/branches", public_url.trim_end_matches('/'));
    let text = format!(
        "{} {} {link}",
        intro(lang, v),
        i18n::t(lang, "mail_no_show_again")
    );
    super::messages::message("no_show", text, now)
}
