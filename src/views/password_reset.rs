//! The password-reset pages: asking for a link by email, the answer (the
//! same whether or not the email has an account), and the form behind
//! the mailed link that sets the new password.

use maud::{html, Markup};

use super::components::{csrf_field, error_summary, notice, FieldError, Input};
use super::layout::Frame;
use crate::i18n::t;

/// `/password-reset`: the email field.
pub fn request_form(f: &Frame<'_>, email: &str, errors: &[FieldError]) -> Markup {
    let l = f.lang;
    html! {
        div.card.stack {
            h1 { (t(l, "reset_title")) }
            p.lead { (t(l, "reset_lead")) }
            (error_summary(l, errors))
            form.form method="post" action="/password-reset" novalidate {
                (csrf_field(f.csrf))
                (Input::new("email", t(l, "field_email_or_nik")).value(email).hint(t(l, "hint_email_or_nik")).autocomplete("username").render(errors))
                div.form-actions {
                    button.btn.btn-primary.btn-block type="submit" { (t(l, "reset_submit")) }
                }
            }
            p.small { a href="/login" { (t(l, "nav_login")) } " · " a href="/staff/login" { (t(l, "nav_staff_login")) } }
        }
    }
}

/// After a request: what happens next, whatever the account.
pub fn request_sent(f: &Frame<'_>) -> Markup {
    let l = f.lang;
    html! {
        div.card.stack {
            h1 { (t(l, "reset_sent_title")) }
            (notice("info", t(l, "reset_sent")))
            p.small { (t(l, "reset_sent_spam")) }
            p { a.btn.btn-secondary href="/login" { (t(l, "nav_login")) } }
        }
    }
}

/// Which mailed link sets the password: a reset's, or a new staff
/// account's invitation (the same token machinery, its own page).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    Reset,
    Invitation,
}

impl Link {
    /// Where the link points (and its form posts): `{prefix}/{token}`.
    pub fn prefix(self) -> &'static str {
        match self {
            Link::Reset => "/password-reset",
            Link::Invitation => "/invitation",
        }
    }

    pub fn title_key(self) -> &'static str {
        match self {
            Link::Reset => "new_password_title",
            Link::Invitation => "invitation_title",
        }
    }

    fn lead_key(self) -> &'static str {
        match self {
            Link::Reset => "new_password_lead",
            Link::Invitation => "invitation_lead",
        }
    }
}

/// `/password-reset/{token}` or `/invitation/{token}`: the new password,
/// typed twice.
pub fn new_password_form(f: &Frame<'_>, link: Link, token: &str, errors: &[FieldError]) -> Markup {
    let l = f.lang;
    let action = format!("{}/{token}", link.prefix());
    html! {
        div.card.stack {
            h1 { (t(l, link.title_key())) }
            p.lead { (t(l, link.lead_key())) }
            (error_summary(l, errors))
            form.form method="post" action=(action) novalidate {
                (csrf_field(f.csrf))
                (Input::new("password", t(l, "field_new_password")).kind("password").hint(t(l, "hint_password")).autocomplete("new-password").render(errors))
                (Input::new("password_again", t(l, "field_new_password_again")).kind("password").autocomplete("new-password").render(errors))
                div.form-actions {
                    button.btn.btn-primary.btn-block type="submit" { (t(l, "new_password_submit")) }
                }
            }
        }
    }
}

/// A used, expired or unknown link (an invitation's owner asks for a
/// reset instead: the account exists).
pub fn link_invalid(f: &Frame<'_>, link: Link) -> Markup {
    let l = f.lang;
    html! {
        div.card.stack {
            h1 { (t(l, link.title_key())) }
            (notice("error", t(l, "invalid_token")))
            p { a.btn.btn-primary href="/password-reset" { (t(l, "reset_request_again")) } }
        }
    }
}
