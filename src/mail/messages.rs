//! The texts that go out on WhatsApp or SMS (through the gateway, to those
//! who chose it: `app::messages::send` sets the channel and adds the stop
//! line). Short, in the language the participant reads them in (chosen
//! with the channel; Bahasa Indonesia unless they chose English), each
//! naming its branch-local time with the zone.

use chrono::NaiveDateTime;

use crate::db::branches::{Branch, Slot};
use crate::db::outbox::NewMessage;
use crate::domain::schedule::to_local;
use crate::i18n::{self, Lang};

/// A message of template `template` with `text`; recipient and channel are
/// set when it is sent.
pub fn message(template: &str, text: String, now: NaiveDateTime) -> NewMessage {
    NewMessage {
        recipient: String::new(),
        subject: template.into(),
        body_text: text,
        body_html: String::new(),
        channel: "whatsapp".into(),
        created_at: now,
        next_attempt_at: now,
    }
}

/// `at` in the branch's local time with its zone, in `lang`.
pub fn local(lang: Lang, branch: &Branch, at: NaiveDateTime) -> String {
    let tz = branch.tz();
    i18n::local_datetime(lang, to_local(tz, at).naive_local(), branch.zone_label())
}

/// A seat from the waiting line held for them until `expires`.
pub fn offer_message(
    lang: Lang,
    entry: i64,
    slot: &Slot,
    branch: &Branch,
    expires: NaiveDateTime,
    public_url: &str,
    now: NaiveDateTime,
) -> NewMessage {
    let link = format!("{}/waitlist/{entry}", public_url.trim_end_matches('/'));
    let text = i18n::tf(
        lang,
        "message_offer",
        &[
            ("when", &local(lang, branch, slot.starts_at)),
            ("branch", &branch.name),
            ("until", &local(lang, branch, expires)),
            ("link", &link),
        ],
    );
    message("waitlist_offer", text, now)
}

/// Their session was closed: the reason, and the seat held for them on a
/// next day (or where to find another).
pub fn closure_message(
    lang: Lang,
    branch: &Branch,
    closed: &Slot,
    reason: &str,
    offer: Option<(i64, &Slot, NaiveDateTime)>,
    public_url: &str,
    now: NaiveDateTime,
) -> NewMessage {
    let base = public_url.trim_end_matches('/');
    let mut text = i18n::tf(
        lang,
        "message_closure",
        &[
            ("branch", &branch.name),
            ("when", &local(lang, branch, closed.starts_at)),
            ("reason", reason),
        ],
    );
    text.push(' ');
    text.push_str(&match offer {
        Some((entry, slot, expires)) => i18n::tf(
            lang,
            "message_closure_offer",
            &[
                ("when", &local(lang, branch, slot.starts_at)),
                ("until", &local(lang, branch, expires)),
                ("link", &format!("{base}/waitlist/{entry}")),
            ],
        ),
        None => i18n::tf(
            lang,
            "message_closure_elsewhere",
            &[("link", &format!("{base}/sessions/first-free"))],
        ),
    });
    message("branch_closure", text, now)
}
