//! What every mail shares: the HTML frame (header, greeting) and the
//! outbox row built from the finished parts.

use chrono::NaiveDateTime;
use maud::{html, Markup, PreEscaped};

use crate::db::outbox::NewMail;
use crate::i18n::{self, Lang};

/// The HTML document of a mail: the Antre header, "Yth. {name},", then
/// `content`.
pub fn html_page(subject: &str, name: &str, content: Markup) -> String {
    html! {
        (PreEscaped("<!DOCTYPE html>"))
        html lang="id" {
            head { meta charset="utf-8"; title { (subject) } }
            body style="font-family:system-ui,Segoe UI,Roboto,Arial,sans-serif;color:#1a1a1a;max-width:560px;margin:auto" {
                h1 style="color:#006633;font-size:20px" { "Antre · BPJS Ketenagakerjaan" }
                p { (i18n::t(Lang::Id, "mail_greeting")) " " (name) "," }
                (content)
            }
        }
    }
    .into_string()
}

/// A mail for the outbox, due now.
pub fn outbox_mail(
    recipient: &str,
    subject: String,
    body_text: String,
    body_html: String,
    ics: Option<String>,
    now: NaiveDateTime,
) -> NewMail {
    NewMail {
        recipient: recipient.to_string(),
        subject,
        body_text,
        body_html,
        ics,
        created_at: now,
        next_attempt_at: now,
        letter: None,
    }
}

/// The plain-text body: "Yth. {name}," then the Indonesian part, a rule,
/// the English part and the signature.
pub fn text_body(name: &str, id: &str, en: &str) -> String {
    let greet = i18n::t(Lang::Id, "mail_greeting");
    format!("{greet} {name},\n\n{id}\n---\n{en}\nBPJS Ketenagakerjaan — Antre\n")
}

/// `label: value` lines, the labels from the catalog in `lang`.
pub fn labelled(lang: Lang, rows: &[(&str, &str)]) -> String {
    rows.iter()
        .map(|(key, value)| format!("{}: {value}\n", i18n::t(lang, key)))
        .collect()
}

/// Adds, at the end of `mail`, that the address is not verified yet and
/// where to verify it (reminders and seat offers to an unverified email).
pub fn with_unverified_note(mut mail: NewMail, public_url: &str) -> NewMail {
    // A mail kept as its letter is rendered now, so the note is not lost.
    let letter = mail.letter.take();
    if let Some(r) = letter.as_deref().map(super::compose::Rendered::from_letter) {
        match r {
            Ok(r) => (mail.body_text, mail.body_html, mail.ics) = (r.text, r.html, r.ics),
            Err(_) => mail.letter = letter,
        }
    }
    let link = format!("{}/me", public_url.trim_end_matches('/'));
    let (id, en) = (
        i18n::t(Lang::Id, "mail_unverified_note"),
        i18n::t(Lang::En, "mail_unverified_note"),
    );
    mail.body_text.push_str(&format!("\n{id}\n{en}\n{link}\n"));
    let note = html! { p style="color:#7a4d00" { (id) " " a href=(link) { (link) } } p lang="en" style="color:#555" { (en) } }
        .into_string();
    match mail.body_html.rfind("</body>") {
        Some(at) => mail.body_html.insert_str(at, &note),
        None => mail.body_html.push_str(&note),
    }
    mail
}
