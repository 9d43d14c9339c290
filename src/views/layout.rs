//! The page frame: header with navigation and language switch, main,
//! footer. Phone-first; works without JavaScript.

use maud::{html, Markup, PreEscaped, DOCTYPE};

use crate::domain::role::Role;
use crate::i18n::{t, Lang};

/// What every page needs to know about the request.
pub struct Frame<'a> {
    pub lang: Lang,
    pub csrf: &'a str,
    pub path: &'a str,
    pub role: Option<Role>,
}

pub fn page(f: &Frame<'_>, title: &str, body: Markup) -> Markup {
    let l = f.lang;
    let other = match l {
        Lang::Id => Lang::En,
        Lang::En => Lang::Id,
    };
    let _ = other;
    html! {
        (DOCTYPE)
        html lang=(l.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · Antre BPJS Ketenagakerjaan" }
                link rel="stylesheet" href="/static/antre.css";
                link rel="icon" href="/static/favicon.svg" type="image/svg+xml";
            }
            body {
                a.skip-link href="#main" { (t(l, "skip_to_content")) }
                header.site-header {
                    div.container {
                        a.brand href="/" {
                            "Antre"
                            span.brand-sub { (t(l, "brand_sub")) }
                        }
                        nav.nav aria-label=(t(l, "nav_label")) {
                            a href="/branches" aria-current=[current(f.path, "/branches")] { (t(l, "nav_branches")) }
                            @match f.role {
                                None => {
                                    a href="/login" aria-current=[current(f.path, "/login")] { (t(l, "nav_login")) }
                                    a href="/register" aria-current=[current(f.path, "/register")] { (t(l, "nav_register")) }
                                }
                                Some(Role::Participant) => {
                                    a href="/me" aria-current=[current(f.path, "/me")] { (t(l, "nav_me")) }
                                    (logout_form(f))
                                }
                                Some(_) => {
                                    a href="/staff" aria-current=[current(f.path, "/staff")] { (t(l, "nav_staff")) }
                                    (logout_form(f))
                                }
                            }
                        }
                        div.lang-switch {
                            a href={ "/lang/id?next=" (f.path) } class=[(l == Lang::Id).then_some("active")] lang="id" hreflang="id" { "ID" }
                            a href={ "/lang/en?next=" (f.path) } class=[(l == Lang::En).then_some("active")] lang="en" hreflang="en" { "EN" }
                        }
                    }
                }
                main.container id="main" tabindex="-1" { (body) }
                footer.site-footer {
                    div.container {
                        p.small { (t(l, "footer_text")) }
                        p.small.muted { a href="/staff/login" { (t(l, "nav_staff_login")) } }
                    }
                }
            }
        }
    }
}

fn current(path: &str, prefix: &str) -> Option<&'static str> {
    path.starts_with(prefix).then_some("page")
}

fn logout_form(f: &Frame<'_>) -> Markup {
    html! {
        form.inline-form method="post" action="/logout" {
            input type="hidden" name="csrf" value=(f.csrf);
            button.btn-link type="submit" { (t(f.lang, "nav_logout")) }
        }
    }
}

pub fn favicon() -> &'static str {
    r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#006633"/><text x="16" y="22" font-size="16" text-anchor="middle" fill="#fff" font-family="sans-serif" font-weight="700">A</text></svg>"##
}

pub fn raw(s: &str) -> PreEscaped<&str> {
    PreEscaped(s)
}
