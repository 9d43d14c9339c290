//! The console's walk-in steps inside a session pane: register the
//! ticket's NIK, open the claim, add each missing document (a scan, or a
//! still from the booth camera). Ids carry the session so several panes
//! can hold the same form.

use maud::{html, Markup};

use super::super::components::{csrf_field, file_input};
use super::super::layout::Frame;
use crate::db::documents::Dossier;
use crate::domain::claim::ClaimReason;
use crate::domain::floor::ConsoleSession;
use crate::i18n::{t, Lang};

fn field(id: &str, name: &str, label: &str, kind: &str, required: bool, l: Lang) -> Markup {
    html! {
        div.field {
            label for=(id) {
                (label)
                @if !required { " " span.muted { "(" (t(l, "optional")) ")" } }
            }
            input id=(id) name=(name) type=(kind) required[required];
        }
    }
}

/// What the walk-in says of WhatsApp/SMS reminders (email only unless they
/// say otherwise) and their language: selects, as the pane is narrow.
fn messages_fields(l: Lang, channel_id: &str, lang_id: &str) -> Markup {
    let channels = [
        ("none", "messages_none"),
        ("whatsapp", "messages_whatsapp"),
        ("sms", "messages_sms"),
    ];
    html! {
        div.field {
            label for=(channel_id) { (t(l, "messages_legend")) }
            select id=(channel_id) name="messages" {
                @for (word, key) in channels { option value=(word) { (t(l, key)) } }
            }
            p.hint.small { (t(l, "walk_in_messages_hint")) }
        }
        div.field {
            label for=(lang_id) { (t(l, "messages_language_legend")) }
            select id=(lang_id) name="language" {
                @for lang in Lang::ALL {
                    option value=(lang.code()) lang=(lang.code()) { (t(l, &format!("messages_language_{}", lang.code()))) }
                }
            }
        }
    }
}

/// Registration of a walk-in with no account (the NIK is the ticket's).
pub fn register_form(f: &Frame<'_>, s: &ConsoleSession) -> Markup {
    let l = f.lang;
    let id = |name: &str| format!("w{}-{name}", s.id);
    html! {
        form.walk-in.stack method="post" action={ "/console/sessions/" (s.id) "/register" } data-done=(t(l, "console_done_register")) {
            (csrf_field(f.csrf))
            p.small { strong { (t(l, "walk_in_register_title")) } " " (t(l, "walk_in_register_lead")) }
            (field(&id("kpj"), "kpj", t(l, "field_kpj"), "text", true, l))
            (field(&id("name"), "full_name", t(l, "walk_in_name_ektp"), "text", true, l))
            (field(&id("email"), "email", t(l, "field_email"), "email", false, l))
            (field(&id("phone"), "phone", t(l, "field_phone"), "tel", false, l))
            (messages_fields(l, &id("messages"), &id("language")))
            button.btn.btn-primary type="submit" { (t(l, "walk_in_register_submit")) }
        }
    }
}

/// Opening the claim of the session's participant: the reason and the
/// date that reason requires.
pub fn claim_form(f: &Frame<'_>, s: &ConsoleSession) -> Markup {
    let l = f.lang;
    let (reason_id, date_id) = (format!("w{}-reason", s.id), format!("w{}-date", s.id));
    html! {
        form.walk-in.stack method="post" action={ "/console/sessions/" (s.id) "/claims" } data-done=(t(l, "console_done_claim")) {
            (csrf_field(f.csrf))
            p.small { strong { (t(l, "walk_in_claim_title")) } }
            div.field {
                label for=(reason_id) { (t(l, "field_reason")) }
                select id=(reason_id) name="reason" required {
                    @for r in ClaimReason::ALL {
                        option value=(r.code()) { (match l { Lang::Id => r.label_id(), Lang::En => r.label_en() }) }
                    }
                }
            }
            div.field {
                label for=(date_id) { (t(l, "walk_in_claim_date")) }
                input id=(date_id) name="date" type="date";
                p.hint.small { (t(l, "walk_in_claim_date_hint")) }
            }
            button.btn.btn-primary type="submit" { (t(l, "walk_in_claim_submit")) }
        }
    }
}

/// Adding a document for one checklist item (`kind`: its first accepted
/// document code) to the claim of the session.
pub fn document_form(
    f: &Frame<'_>,
    s: &ConsoleSession,
    d: &Dossier,
    kind: &str,
    label: &str,
) -> Markup {
    let l = f.lang;
    let id = format!("w{}-file-{kind}", s.id);
    html! {
        @if d.claim.status == crate::domain::claim::ClaimStatus::Open {
            form.inline-form.doc-add method="post" enctype="multipart/form-data" action={ "/console/sessions/" (s.id) "/documents" } data-done={ (label) ": " (t(l, "console_done_upload")) } {
                input type="hidden" name="csrf" value=(f.csrf);
                input type="hidden" name="kind" value=(kind);
                label.visually-hidden for=(id) { (t(l, "upload")) ": " (label) }
                (file_input(l, &id, "image/jpeg,image/png,application/pdf"))
                button.btn.btn-secondary type="submit" { (t(l, "upload")) }
            }
        }
    }
}
