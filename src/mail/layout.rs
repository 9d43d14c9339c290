//! What every mail shares: one body said in Bahasa Indonesia and then in
//! English, from the same blocks, so both halves carry the same facts and
//! the same links; the HTML frame and the plain text made from them; and
//! the outbox row built from the finished parts.

use chrono::NaiveDateTime;
use maud::{html, Markup};

use crate::db::outbox::NewMail;
use crate::i18n::{self, Lang};

/// One part of a mail's body, in one language.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A paragraph.
    Para(String),
    /// Labelled facts, one a line.
    Facts(Vec<Fact>),
    /// A bulleted list.
    List(Vec<String>),
    /// What the mail asks the reader to do: a button, with its address
    /// written out below it for a reader whose mail shows no buttons.
    Action { label: String, link: String },
}

/// A labelled fact of a mail ("Kode booking: K7Q2MX").
#[derive(Debug, Clone, PartialEq)]
pub struct Fact {
    pub label: String,
    pub value: String,
    pub look: Look,
}

/// How a fact's value stands out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Look {
    Plain,
    /// What the reader must act on (a deadline, a place in line).
    Strong,
    /// A code to read out at the branch: large, spaced, monospaced.
    Code,
}

impl Block {
    /// The catalog's sentence `key` in `lang`.
    pub fn para(lang: Lang, key: &str) -> Self {
        Self::Para(i18n::t(lang, key).to_string())
    }

    /// The action labelled with the catalog's `key` in `lang`.
    pub fn action(lang: Lang, key: &str, link: &str) -> Self {
        Self::Action {
            label: i18n::t(lang, key).to_string(),
            link: link.to_string(),
        }
    }
}

/// A fact labelled with the catalog's `key` in `lang`.
pub fn fact(lang: Lang, key: &str, value: impl Into<String>) -> Fact {
    Fact {
        label: i18n::t(lang, key).to_string(),
        value: value.into(),
        look: Look::Plain,
    }
}

impl Fact {
    pub fn strong(self) -> Self {
        Self {
            look: Look::Strong,
            ..self
        }
    }

    pub fn code(self) -> Self {
        Self {
            look: Look::Code,
            ..self
        }
    }
}

/// A mail's plain text and HTML: the greeting and `body` in Bahasa
/// Indonesia, then the same in English.
pub fn bodies(subject: &str, name: &str, body: impl Fn(Lang) -> Vec<Block>) -> (String, String) {
    let (id, en) = (body(Lang::Id), body(Lang::En));
    (text(name, &id, &en), page(subject, name, &id, &en))
}

/// A finished mail for the outbox, its bodies made by [`bodies`].
pub fn mail(
    recipient: &str,
    subject: String,
    name: &str,
    body: impl Fn(Lang) -> Vec<Block>,
    now: NaiveDateTime,
) -> NewMail {
    let (text, html) = bodies(&subject, name, body);
    outbox_mail(recipient, subject, text, html, None, now)
}

const FONT: &str = "font-family:system-ui,'Segoe UI',Roboto,Arial,sans-serif";
const COLUMN: &str =
    "margin:0 auto;max-width:560px;padding:24px 16px;font-size:16px;line-height:1.5;color:#1a1a1a";
const SIGNATURE: &str = "BPJS Ketenagakerjaan — Antre";
/// Where the signature starts, the last thing of every mail's HTML: notes
/// added to a finished mail go before it.
const SIGNED: &str = "<p style=\"color:#5a5a5a;font-size:13px;margin-top:24px\">";

fn page(subject: &str, name: &str, id: &[Block], en: &[Block]) -> String {
    let half = |lang: Lang, blocks: &[Block]| {
        html! {
            div lang=(lang.code()) {
                p { (i18n::t(lang, "mail_greeting")) " " (name) "," }
                @for b in blocks { (block(b)) }
            }
        }
    };
    let head = html! {
        head {
            meta charset="utf-8";
            meta name="viewport" content="width=device-width, initial-scale=1";
            title { (subject) }
        }
    };
    let content = html! {
        h1 style="color:#006633;font-size:20px;line-height:1.3;margin:0 0 16px" { "Antre · BPJS Ketenagakerjaan" }
        (half(Lang::Id, id))
        hr style="border:0;border-top:1px solid #c8d0cc;margin:24px 0";
        (half(Lang::En, en))
    };
    format!(
        "<!DOCTYPE html><html lang=\"id\">{}<body style=\"margin:0;padding:0;background:#ffffff\"><div style=\"{COLUMN};{FONT}\">{}{SIGNED}{SIGNATURE}</p></div></body></html>",
        head.into_string(),
        content.into_string()
    )
}

fn block(b: &Block) -> Markup {
    match b {
        Block::Para(s) => html! { p { (s) } },
        Block::List(items) => html! { ul { @for i in items { li { (i) } } } },
        Block::Facts(facts) => html! {
            table role="presentation" style="border-collapse:collapse;margin:0 0 16px" {
                @for f in facts {
                    tr {
                        th align="left" valign="top" style="padding:4px 12px 4px 0;font-weight:600" { (f.label) }
                        td style="padding:4px 0" {
                            @match f.look {
                                Look::Plain => { (f.value) }
                                Look::Strong => { strong { (f.value) } }
                                Look::Code => { span style="font-family:ui-monospace,Menlo,Consolas,monospace;font-size:20px;letter-spacing:2px;font-weight:600" { (f.value) } }
                            }
                        }
                    }
                }
            }
        },
        Block::Action { label, link } => html! {
            p style="margin:20px 0 4px" {
                a href=(link) style="display:inline-block;background:#006633;color:#ffffff;text-decoration:none;font-weight:600;padding:12px 20px;border-radius:6px" { (label) }
            }
            p style="margin:0 0 16px;font-size:13px;color:#5a5a5a;overflow-wrap:anywhere;word-break:break-all" {
                a href=(link) style="color:#005a9c" { (link) }
            }
        },
    }
}

/// The plain-text body: "Yth. {name}," and the Indonesian blocks, a rule,
/// "Dear {name}," and the English blocks, then the signature.
fn text(name: &str, id: &[Block], en: &[Block]) -> String {
    let half = |lang: Lang, blocks: &[Block]| {
        let mut s = format!("{} {name},\n\n", i18n::t(lang, "mail_greeting"));
        for b in blocks {
            match b {
                Block::Para(p) => s.push_str(&format!("{p}\n\n")),
                Block::List(items) => {
                    items.iter().for_each(|i| s.push_str(&format!("- {i}\n")));
                    s.push('\n');
                }
                Block::Facts(facts) => {
                    for f in facts {
                        s.push_str(&format!("{}: {}\n", f.label, f.value));
                    }
                    s.push('\n');
                }
                Block::Action { label, link } => s.push_str(&format!("{label}:\n{link}\n\n")),
            }
        }
        s
    };
    format!(
        "{}---\n\n{}{SIGNATURE}\n",
        half(Lang::Id, id),
        half(Lang::En, en)
    )
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
    // Each language's half says it, with the link.
    let text = &mut mail.body_text;
    match text.rfind(SIGNATURE) {
        Some(at) => text.insert_str(at, &format!("{en}\n{link}\n\n")),
        None => text.push_str(&format!("\n{en}\n{link}\n")),
    }
    match text.find("\n---\n") {
        Some(at) => text.insert_str(at, &format!("\n{id}\n{link}\n")),
        None => text.push_str(&format!("\n{id}\n{link}\n")),
    }
    let note = html! {
        div style="border-left:4px solid #b36b00;padding:4px 12px;margin:24px 0 0" {
            p lang="id" style="color:#7a4d00" { (id) " " a href=(link) style="color:#005a9c" { (link) } }
            p lang="en" style="color:#7a4d00" { (en) " " a href=(link) style="color:#005a9c" { (link) } }
        }
    }
    .into_string();
    match mail
        .body_html
        .rfind(SIGNED)
        .or_else(|| mail.body_html.rfind("</body>"))
    {
        Some(at) => mail.body_html.insert_str(at, &note),
        None => mail.body_html.push_str(&note),
    }
    mail
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(l: Lang) -> Vec<Block> {
        vec![
            Block::para(l, "mail_offer_intro"),
            Block::Facts(vec![
                fact(l, "booking_code", "K7Q2MX").code(),
                fact(l, "offer_until", "Selasa").strong(),
            ]),
            Block::List(vec![i18n::t(l, "mail_upload_now").to_string()]),
            Block::action(l, "offer_accept_link", "https://antre.id/waitlist/7"),
        ]
    }

    /// The hrefs of `html` in order.
    fn links(html: &str) -> Vec<&str> {
        html.split("href=\"")
            .skip(1)
            .filter_map(|s| s.split('"').next())
            .collect()
    }

    #[test]
    fn both_halves_say_the_same_in_their_language() {
        let (text, html) = bodies("Subjek", "Ni Luh Putu", body);
        let (id, en) = text
            .split_once("\n---\n")
            .expect("a rule between the halves");
        assert!(id.starts_with("Yth. Ni Luh Putu,\n\n"), "{text}");
        assert!(en.trim_start().starts_with("Dear Ni Luh Putu,"), "{text}");
        for half in [id, en] {
            assert!(half.contains("K7Q2MX") && half.contains("https://antre.id/waitlist/7"));
        }
        assert!(id.contains("Kode booking: K7Q2MX") && en.contains("Booking code: K7Q2MX"));
        assert!(id.contains("- Unggah dokumen") && en.contains("- Upload documents"));
        assert!(text.ends_with("BPJS Ketenagakerjaan — Antre\n"), "{text}");

        let (id, en) = html.split_once("<hr").expect("a rule between the halves");
        assert!(id.contains("<div lang=\"id\">") && en.contains("<div lang=\"en\">"));
        // The action's button and its address written out, in each half.
        let link = "https://antre.id/waitlist/7";
        assert_eq!(links(id), [link, link]);
        assert_eq!(links(en), [link, link]);
        assert!(id.contains(i18n::t(Lang::Id, "offer_accept_link")));
        assert!(en.contains(i18n::t(Lang::En, "offer_accept_link")));
        assert!(html.contains("name=\"viewport\""), "{html}");
        let signed = format!("{SIGNED}{SIGNATURE}</p></div></body></html>");
        assert!(html.ends_with(&signed), "{html}");
    }

    #[test]
    fn a_note_added_later_stays_inside_the_frame() {
        let now = chrono::NaiveDate::from_ymd_opt(2026, 12, 7)
            .and_then(|d| d.and_hms_opt(1, 0, 0))
            .expect("time");
        let m = mail("a@contoh.id", "Subjek".into(), "Ayu", body, now);
        let m = with_unverified_note(m, "https://antre.id/");
        let note = m
            .body_html
            .find("https://antre.id/me")
            .expect("the note's link");
        let end = m.body_html.find(SIGNED).expect("the signature");
        assert!(note < end, "the note after the signature:\n{}", m.body_html);
        assert!(
            m.body_text.contains("https://antre.id/me"),
            "{}",
            m.body_text
        );
    }
}
