//! Registration and sign-in forms.

use maud::{html, Markup};

use super::components::{csrf_field, error_summary, message_choice, notice, FieldError, Input};
use super::layout::Frame;
use crate::i18n::t;

/// What the registration form shows again after a refusal (never the
/// password).
#[derive(Default)]
pub struct RegisterValues<'a> {
    pub nik: &'a str,
    pub kpj: &'a str,
    pub full_name: &'a str,
    pub email: &'a str,
    pub phone: &'a str,
    pub messages: &'a str,
}

pub fn register(f: &Frame<'_>, v: &RegisterValues<'_>, errors: &[FieldError]) -> Markup {
    let l = f.lang;
    html! {
        (super::journey::steps(l, super::journey::Progress::default()))
        div.card.stack {
            h1 { (t(l, "register_title")) }
            p.lead { (t(l, "register_lead")) }
            (error_summary(l, errors))
            form.form method="post" action="/register" novalidate {
                (csrf_field(f.csrf))
                (Input::new("nik", t(l, "field_nik")).value(v.nik).hint(t(l, "hint_nik")).inputmode("numeric").autocomplete("off").render(errors))
                (Input::new("kpj", t(l, "field_kpj")).value(v.kpj).hint(t(l, "hint_kpj")).inputmode("numeric").autocomplete("off").render(errors))
                (Input::new("full_name", t(l, "field_full_name")).value(v.full_name).hint(t(l, "hint_full_name")).autocomplete("name").render(errors))
                (Input::new("email", t(l, "field_email")).kind("email").value(v.email).autocomplete("email").render(errors))
                (Input::new("phone", t(l, "field_phone")).kind("tel").value(v.phone).hint(t(l, "hint_phone")).autocomplete("tel").render(errors))
                (message_choice(l, "messages", v.messages, errors))
                p.hint { (t(l, "messages_language_hint")) }
                (Input::new("password", t(l, "field_password")).kind("password").hint(t(l, "hint_password")).autocomplete("new-password").render(errors))
                div.form-actions {
                    button.btn.btn-primary.btn-block type="submit" { (t(l, "register_submit")) }
                }
            }
            p.small { (t(l, "register_have_account")) " " a href="/login" { (t(l, "nav_login")) } }
        }
    }
}

/// What a sign-in page shows besides its form.
#[derive(Default)]
pub struct LoginState<'a> {
    /// What was typed in the email (or NIK) field.
    pub typed: &'a str,
    pub next: Option<&'a str>,
    pub error: Option<&'a str>,
    /// A success to confirm (the password was just reset).
    pub done: Option<&'a str>,
}

/// The sign-in form: participants type their email or NIK in one field
/// (named `email` for both), staff their email.
pub fn login(f: &Frame<'_>, staff: bool, s: &LoginState<'_>) -> Markup {
    let l = f.lang;
    let (title, action) = if staff {
        ("staff_login_title", "/staff/login")
    } else {
        ("login_title", "/login")
    };
    html! {
        div.card.stack {
            h1 { (t(l, title)) }
            @if staff { p.lead { (t(l, "staff_login_lead")) } } @else { p.lead { (t(l, "login_lead")) } }
            @if let Some(d) = s.done { (notice("success", d)) }
            @if let Some(e) = s.error { (notice("error", e)) }
            form.form method="post" action=(action) {
                (csrf_field(f.csrf))
                @if let Some(n) = s.next { input type="hidden" name="next" value=(n); }
                @if staff {
                    (Input::new("email", t(l, "field_email")).kind("email").value(s.typed).autocomplete("username").render(&[]))
                } @else {
                    (Input::new("email", t(l, "field_email_or_nik")).value(s.typed).hint(t(l, "hint_email_or_nik")).autocomplete("username").render(&[]))
                }
                (Input::new("password", t(l, "field_password")).kind("password").autocomplete("current-password").render(&[]))
                div.form-actions {
                    button.btn.btn-primary.btn-block type="submit" { (t(l, "login_submit")) }
                }
            }
            p.small { a href="/password-reset" { (t(l, "login_forgot")) } }
            @if !staff {
                p.small { (t(l, "login_no_account")) " " a href="/register" { (t(l, "nav_register")) } }
            }
        }
    }
}
