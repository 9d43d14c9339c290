//! Front page.

use maud::{html, Markup};

use super::layout::Frame;
use crate::domain::role::Role;
use crate::i18n::t;

pub fn home(f: &Frame<'_>) -> Markup {
    let l = f.lang;
    html! {
        section.stack {
            h1 { (t(l, "home_title")) }
            p.lead { (t(l, "home_lead")) }
            div.form-actions {
                @match f.role {
                    Some(Role::Participant) => { a.btn.btn-primary href="/me" { (t(l, "nav_me")) } }
                    Some(Role::Device) => {}
                    Some(role) => { a.btn.btn-primary href=(super::layout::home(role)) { (t(l, "nav_staff")) } }
                    None => {
                        a.btn.btn-primary href="/register" { (t(l, "home_cta_register")) }
                        a.btn.btn-secondary href="/login" { (t(l, "nav_login")) }
                    }
                }
                a.btn.btn-secondary href="/branches" { (t(l, "home_cta_branches")) }
            }
        }
        section.card-grid {
            div.card.stack { h2 { (t(l, "home_step1_title")) } p { (t(l, "home_step1")) } }
            div.card.stack { h2 { (t(l, "home_step2_title")) } p { (t(l, "home_step2")) } }
            div.card.stack { h2 { (t(l, "home_step3_title")) } p { (t(l, "home_step3")) } }
        }
        section.card.stack {
            h2 { (t(l, "home_docs_title")) }
            p { (t(l, "home_docs")) }
        }
    }
}
