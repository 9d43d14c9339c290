//! The mail a worker receives when the employer filed their JHT claim
//! collectively: Bahasa Indonesia first, English below.

use chrono::NaiveDateTime;
use maud::{html, PreEscaped};

use crate::db::outbox::NewMail;
use crate::i18n::{self, Lang};

/// The worker's claim was filed by `company` (claim number `claim_id`).
pub fn claim_filed_mail(
    recipient: &str,
    worker_name: &str,
    company: &str,
    claim_id: i64,
    now: NaiveDateTime,
) -> NewMail {
    let subject = format!(
        "{} #{claim_id}",
        i18n::t(Lang::Id, "mail_collective_subject")
    );
    let intro = |l: Lang| i18n::t(l, "mail_collective_intro").replace("{company}", company);
    let text = format!(
        "{greet} {worker_name},\n\n{intro_id}\n\n{l_claim}: #{claim_id}\n\n---\n{intro_en}\n\nBPJS Ketenagakerjaan — Antre\n",
        greet = i18n::t(Lang::Id, "mail_greeting"),
        intro_id = intro(Lang::Id),
        l_claim = i18n::t(Lang::Id, "mail_collective_claim"),
        intro_en = intro(Lang::En),
    );
    let html = html! {
        (PreEscaped("<!DOCTYPE html>"))
        html lang="id" {
            head { meta charset="utf-8"; title { (subject) } }
            body style="font-family:system-ui,Segoe UI,Roboto,Arial,sans-serif;color:#1a1a1a;max-width:560px;margin:auto" {
                h1 style="color:#006633;font-size:20px" { "Antre · BPJS Ketenagakerjaan" }
                p { (i18n::t(Lang::Id, "mail_greeting")) " " (worker_name) "," }
                p { (intro(Lang::Id)) }
                p { (i18n::t(Lang::Id, "mail_collective_claim")) ": #" (claim_id) }
                hr;
                p lang="en" style="color:#555" { (intro(Lang::En)) }
            }
        }
    };
    NewMail {
        recipient: recipient.to_string(),
        subject,
        body_text: text,
        body_html: html.into_string(),
        ics: None,
        created_at: now,
        next_attempt_at: now,
    }
}
