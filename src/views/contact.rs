//! A participant's contact details: the email-verification page, the
//! notice on their page while the email is unverified, and the forms that
//! change the email or the phone, the choice of where messages go, and the
//! page of a message's stop link.

use maud::{html, Markup};

use super::components::{
    csrf_field, error_summary, language_choice, message_choice, notice, FieldError, Input,
};
use super::layout::Frame;
use crate::i18n::{t, Lang};

/// The mailed link's page: one button, so a mail scanner that opens links
/// does not spend the token.
pub fn verify_page(f: &Frame<'_>, token: &str) -> Markup {
    let l = f.lang;
    html! {
        div.card.stack {
            h1 { (t(l, "verify_title")) }
            p { (t(l, "verify_lead")) }
            form.form method="post" action={ "/verify-email/" (token) } {
                (csrf_field(f.csrf))
                button.btn.btn-primary type="submit" { (t(l, "verify_button")) }
            }
        }
    }
}

/// On the participant's page while their email is not verified.
pub fn unverified_notice(f: &Frame<'_>, email: &str) -> Markup {
    let l = f.lang;
    html! {
        div.notice.notice-warning role="status" {
            p { (t(l, "unverified_notice").replace("{email}", email)) }
            form.inline-form method="post" action="/me/email/verification" {
                (csrf_field(f.csrf))
                button.btn.btn-secondary type="submit" { (t(l, "unverified_resend")) }
                " "
                a href="/me/contact" { (t(l, "contact_title")) }
            }
        }
    }
}

/// What is on file now ("Sekarang: …"), nothing when it is not known.
fn on_file(l: Lang, value: &str) -> Markup {
    html! { @if !value.is_empty() { p { (t(l, "contact_now")) ": " strong { (value) } } } }
}

/// The two forms: a new email (verified at the new address) and a new
/// phone number, each with the current password and what is on file now.
pub fn contact_forms(
    f: &Frame<'_>,
    (email, phone): (&str, &str),
    now: (&str, &str),
    (channel, lang): (&str, Lang),
    errors: &[FieldError],
    which: &str,
    flash: Option<&str>,
) -> Markup {
    let l = f.lang;
    let errs = |form: &str| if which == form { errors } else { &[] };
    html! {
        h1 { (t(l, "contact_title")) }
        @if let Some(key) = flash { (notice("success", t(l, key))) }
        section.card.stack {
            h2 { (t(l, "contact_change_email")) }
            p.hint { (t(l, "contact_email_hint")) }
            (on_file(l, now.0))
            (error_summary(l, errs("email")))
            form.form method="post" action="/me/contact/email" novalidate {
                (csrf_field(f.csrf))
                (Input::new("email", t(l, "contact_new_email")).kind("email").value(email).autocomplete("email").render(errs("email")))
                (Input::new("email_password", t(l, "contact_current_password")).kind("password").autocomplete("current-password").render(errs("email")))
                button.btn.btn-primary type="submit" { (t(l, "contact_send_link")) }
            }
        }
        section.card.stack {
            h2 { (t(l, "contact_change_phone")) }
            (on_file(l, now.1))
            (error_summary(l, errs("phone")))
            form.form method="post" action="/me/contact/phone" novalidate {
                (csrf_field(f.csrf))
                (Input::new("phone", t(l, "contact_new_phone")).kind("tel").value(phone).autocomplete("tel").render(errs("phone")))
                (Input::new("phone_password", t(l, "contact_current_password")).kind("password").autocomplete("current-password").render(errs("phone")))
                button.btn.btn-primary type="submit" { (t(l, "contact_save_phone")) }
            }
        }
        section.card.stack {
            h2 { (t(l, "messages_title")) }
            form.form method="post" action="/me/contact/messages" {
                (csrf_field(f.csrf))
                (message_choice(l, "channel", channel, &[]))
                (language_choice(l, "language", lang))
                button.btn.btn-primary type="submit" { (t(l, "messages_save")) }
            }
        }
        p { a href="/me" { (t(l, "confirm_back_me")) } }
    }
}

/// A message's stop link: one button (a link preview must not stop them),
/// or the word that they are stopped.
pub fn stop_page(f: &Frame<'_>, token: &str, stopped: bool) -> Markup {
    let l = f.lang;
    html! {
        div.card.stack {
            h1 { (t(l, "messages_stop_title")) }
            @if stopped {
                (notice("success", t(l, "messages_stopped")))
                p { a href="/me/contact" { (t(l, "messages_stop_again")) } }
            } @else {
                p { (t(l, "messages_stop_lead")) }
                form.form method="post" action={ "/messages/stop/" (token) } {
                    (csrf_field(f.csrf))
                    button.btn.btn-primary type="submit" { (t(l, "messages_stop_button")) }
                }
            }
        }
    }
}
