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

fn head(title: &str) -> Markup {
    html! {
        head {
            meta charset="utf-8";
            meta name="viewport" content="width=device-width, initial-scale=1";
            title { (title) " · Antre BPJS Ketenagakerjaan" }
            link rel="stylesheet" href="/static/antre.css";
            link rel="icon" href="/static/favicon.svg" type="image/svg+xml";
        }
    }
}

fn lang_switch(f: &Frame<'_>) -> Markup {
    let l = f.lang;
    html! {
        div.lang-switch {
            a href={ "/lang/id?next=" (f.path) } class=[(l == Lang::Id).then_some("active")] lang="id" hreflang="id" { "ID" }
            a href={ "/lang/en?next=" (f.path) } class=[(l == Lang::En).then_some("active")] lang="en" hreflang="en" { "EN" }
        }
    }
}

/// A shared device's page (kiosk, board, booth computer): full screen, no
/// site navigation and no sign-in links, so a visitor cannot wander off
/// into the site from it; only the language switch.
pub fn device_page(f: &Frame<'_>, title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(f.lang.code()) {
            (head(title))
            body.device {
                main.device-main id="main" { (body) }
                nav.device-lang aria-label=(t(f.lang, "language_choice")) { (lang_switch(f)) }
            }
        }
    }
}

pub fn page(f: &Frame<'_>, title: &str, body: Markup) -> Markup {
    let l = f.lang;
    html! {
        (DOCTYPE)
        html lang=(l.code()) {
            (head(title))
            // Staff pages get a wider column: their tables and headers are wider.
            body.staff[!matches!(f.role, None | Some(Role::Participant | Role::Device))] {
                a.skip-link href="#main" { (t(l, "skip_to_content")) }
                header.site-header {
                    div.container {
                        a.brand href="/" {
                            "Antre"
                            span.brand-sub { (t(l, "brand_sub")) }
                        }
                        nav.nav aria-label=(t(l, "nav_label")) {
                            @match f.role {
                                None => {
                                    (branches_link(f))
                                    a href="/login" aria-current=[current(f.path, "/login")] { (t(l, "nav_login")) }
                                    a href="/register" aria-current=[current(f.path, "/register")] { (t(l, "nav_register")) }
                                }
                                Some(Role::Participant) => {
                                    (branches_link(f))
                                    a href="/me" aria-current=[current(f.path, "/me")] { (t(l, "nav_me")) }
                                    (logout_form(f))
                                }
                                // A kiosk's or booth's browser: nothing to go to.
                                Some(Role::Device) => { (branches_link(f)) }
                                Some(role) => {
                                    @let links = staff_links(role);
                                    @let (shown, more) = links.split_at(links.len().min(NAV_SHOWN));
                                    @for (href, key) in shown {
                                        a href=(href) aria-current=[current_exact(f.path, href)] { (t(l, key)) }
                                    }
                                    @if more.is_empty() {
                                        (branches_link(f))
                                    } @else {
                                        // The rest behind "More" (a details element: no script needed),
                                        // so a long role's header stays one line on a desk screen.
                                        @let here = more.iter().any(|(href, _)| current_exact(f.path, href).is_some());
                                        details.nav-more {
                                            summary.here[here] { span { (t(l, "nav_more")) } }
                                            div.nav-more-list {
                                                @for (href, key) in more {
                                                    a href=(href) aria-current=[current_exact(f.path, href)] { (t(l, key)) }
                                                }
                                                (branches_link(f))
                                            }
                                        }
                                    }
                                    (logout_form(f))
                                }
                            }
                        }
                        (lang_switch(f))
                    }
                }
                main.container id="main" tabindex="-1" { (body) }
                footer.site-footer {
                    div.container {
                        p.small { (t(l, "footer_text")) }
                        p.small.muted { a href="/staff/login" { (t(l, "nav_staff_login")) } }
                    }
                }
                script src="/static/confirm.js" defer {}
                script src="/static/file.js" defer {}
            }
        }
    }
}

/// Header links shown for a staff role before the rest go under "More".
const NAV_SHOWN: usize = 3;

/// The public branch finder.
fn branches_link(f: &Frame<'_>) -> Markup {
    html! {
        a href="/branches" aria-current=[current(f.path, "/branches")] { (t(f.lang, "nav_branches")) }
    }
}

/// Where each staff role's work is: the page it lands on after signing in.
pub fn home(role: Role) -> &'static str {
    staff_links(role).first().map_or("/staff", |(href, _)| href)
}

/// A staff role's header links (path, catalog key), its home first.
fn staff_links(role: Role) -> &'static [(&'static str, &'static str)] {
    match role {
        Role::Cs => &[
            ("/console", "nav_console"),
            ("/staff/outreach", "nav_outreach"),
            ("/staff", "nav_claims"),
        ],
        Role::Supervisor => &[
            ("/staff/floor", "nav_floor"),
            ("/staff/outreach", "nav_outreach"),
            ("/staff/planner", "nav_planner"),
            ("/staff/batches", "nav_batches"),
            ("/staff", "nav_claims"),
            ("/staff/accounts", "nav_accounts"),
        ],
        Role::Hr => &[("/hr", "nav_company")],
        Role::Auditor => &[
            ("/audit", "nav_audit"),
            ("/audit/anomalies", "nav_anomalies"),
            ("/audit/agents", "nav_agents"),
            ("/audit/branches", "nav_live_branches"),
        ],
        Role::Admin => &[
            ("/staff", "nav_overview"),
            ("/staff/floor", "nav_floor"),
            ("/staff/outreach", "nav_outreach"),
            ("/staff/planner", "nav_planner"),
            ("/staff/batches", "nav_batches"),
            ("/audit", "nav_audit"),
            ("/audit/branches", "nav_live_branches"),
            ("/staff/accounts", "nav_accounts"),
        ],
        Role::Participant | Role::Device => &[],
    }
}

/// `page` for a link to exactly this path (the staff links nest).
fn current_exact(path: &str, href: &str) -> Option<&'static str> {
    (path == href).then_some("page")
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
