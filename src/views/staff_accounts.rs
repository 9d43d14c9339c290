//! Staff administration pages: the accounts an admin (every account) or a
//! supervisor (the branch's CS agents) manages, the invitation form, and
//! one account's page with its role and branch form and the switch that
//! deactivates or reactivates it.

use chrono::NaiveDateTime;
use maud::{html, Markup};

use super::components::{csrf_field, error_for, error_summary, notice, FieldError, Input};
use super::layout::Frame;
use crate::db::branches::Branch;
use crate::db::staff::Staff;
use crate::domain::role::Role;
use crate::i18n::{self, t, Lang};

/// An account as listed.
pub struct Entry<'a> {
    pub staff: &'a Staff,
    pub last_sign_in: Option<NaiveDateTime>,
    pub password_set: bool,
}

/// What the invitation form holds (as typed, after a refusal).
#[derive(Default)]
pub struct Draft<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub role: &'a str,
    pub branch: &'a str,
}

pub struct ListPage<'a> {
    /// The one managing: admins choose any role and branch; supervisors
    /// invite CS agents to their own branch.
    pub manager: Role,
    pub rows: &'a [Entry<'a>],
    pub branches: &'a [Branch],
    pub draft: Draft<'a>,
    pub errors: &'a [FieldError],
    pub flash: Option<&'a str>,
}

/// A stored UTC instant as the account's own branch tells time, its zone
/// named ("23 November 2026 08.00 WITA"); head office and company
/// accounts, which have no branch, in WIB.
fn when(l: Lang, at: NaiveDateTime, staff: &Staff, branches: &[Branch]) -> String {
    let branch = staff
        .branch_code
        .as_deref()
        .and_then(|code| branches.iter().find(|b| b.code == code));
    let (tz, zone) = branch.map_or((chrono_tz::Asia::Jakarta, "WIB"), |b| {
        (b.tz(), b.zone_label())
    });
    let local = at.and_utc().with_timezone(&tz).naive_local();
    format!(
        "{} {} {zone}",
        i18n::long_date(l, local.date()),
        i18n::clock_time(l, &local.time())
    )
}

fn role_label(l: Lang, role: &str) -> String {
    i18n::label(l, "role_", role)
}

/// The roles a manager gives.
fn roles(manager: Role) -> &'static [Role] {
    match manager {
        Role::Admin => &[Role::Cs, Role::Supervisor, Role::Admin, Role::Auditor],
        _ => &[Role::Cs],
    }
}

fn status(l: Lang, e: &Entry<'_>) -> Markup {
    html! {
        @if !e.staff.active {
            span.tag.tag-bad { (t(l, "staff_inactive")) }
        } @else if !e.password_set {
            span.tag.tag-warn { (t(l, "staff_invited")) }
        } @else {
            span.tag.tag-ok { (t(l, "staff_active")) }
        }
    }
}

fn table(l: Lang, rows: &[Entry<'_>], branches: &[Branch]) -> Markup {
    html! {
        div.table-wrap { table.data {
            caption { (t(l, "staff_accounts_caption")) }
            thead { tr {
                th scope="col" { (t(l, "field_full_name")) }
                th scope="col" { (t(l, "field_email")) }
                th scope="col" { (t(l, "staff_role")) }
                th scope="col" { (t(l, "staff_branch_or_company")) }
                th scope="col" { (t(l, "staff_status")) }
                th scope="col" { (t(l, "staff_last_sign_in")) }
            } }
            tbody {
                @for e in rows {
                    tr {
                        td { a href={ "/staff/accounts/" (e.staff.id) } { (e.staff.name) } }
                        td { (e.staff.email) }
                        td { (role_label(l, &e.staff.role)) }
                        td { (e.staff.branch_code.as_deref().or(e.staff.company_npp.as_deref()).unwrap_or("—")) }
                        td { (status(l, e)) }
                        td { @match e.last_sign_in { Some(at) => { (when(l, at, e.staff, branches)) } None => { span.muted { (t(l, "staff_never")) } } } }
                    }
                }
            }
        } }
    }
}

fn branch_select(
    l: Lang,
    branches: &[Branch],
    chosen: &str,
    errors: &[FieldError],
    id: &str,
) -> Markup {
    let err = error_for(errors, "branch");
    let err_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let described = match err {
        Some(_) => format!("{hint_id} {err_id}"),
        None => hint_id.clone(),
    };
    html! {
        div.field.has-error[err.is_some()] {
            label for=(id) { (t(l, "branch")) }
            p.hint id=(hint_id) { (t(l, "staff_branch_hint")) }
            @if let Some(e) = err { p.field-error id=(err_id) { (e) } }
            select id=(id) name="branch" aria-describedby=(described) {
                option value="" selected[chosen.is_empty()] { (t(l, "staff_no_branch")) }
                @for b in branches {
                    option value=(b.code) selected[b.code == chosen] { (b.name) " (" (b.code) ")" }
                }
            }
        }
    }
}

fn role_select(l: Lang, manager: Role, chosen: &str, errors: &[FieldError], id: &str) -> Markup {
    let err = error_for(errors, "role");
    html! {
        div.field.has-error[err.is_some()] {
            label for=(id) { (t(l, "staff_role")) }
            @if let Some(e) = err { p.field-error id={ (id) "-error" } { (e) } }
            select id=(id) name="role" aria-describedby=[err.map(|_| format!("{id}-error"))] {
                @for r in roles(manager) {
                    option value=(r.as_str()) selected[r.as_str() == chosen] { (role_label(l, r.as_str())) }
                }
            }
        }
    }
}

/// `/staff/accounts`: the list and the invitation form.
pub fn list_page(f: &Frame<'_>, p: &ListPage<'_>) -> Markup {
    let l = f.lang;
    html! {
        h1 { (t(l, "staff_accounts_title")) }
        p.lead { (t(l, if p.manager == Role::Admin { "staff_accounts_lead_admin" } else { "staff_accounts_lead_supervisor" })) }
        @if let Some(key) = p.flash { (notice("success", t(l, key))) }
        @if p.rows.is_empty() { p.muted { (t(l, "staff_none")) } } @else { (table(l, p.rows, p.branches)) }
        section.card.stack aria-labelledby="invite-title" {
            h2 id="invite-title" { (t(l, "staff_invite_title")) }
            p { (t(l, "staff_invite_lead")) }
            (error_summary(l, p.errors))
            form.form method="post" action="/staff/accounts" novalidate {
                (csrf_field(f.csrf))
                (Input::new("name", t(l, "field_full_name")).value(p.draft.name).autocomplete("off").render(p.errors))
                (Input::new("email", t(l, "field_email")).kind("email").value(p.draft.email).autocomplete("off").render(p.errors))
                (role_select(l, p.manager, p.draft.role, p.errors, "role"))
                @if p.manager == Role::Admin {
                    (branch_select(l, p.branches, p.draft.branch, p.errors, "branch"))
                }
                div.form-actions {
                    button.btn.btn-primary type="submit" { (t(l, "staff_invite_submit")) }
                }
            }
        }
    }
}

pub struct AccountPage<'a> {
    pub manager: Role,
    pub entry: Entry<'a>,
    pub branches: &'a [Branch],
    pub errors: &'a [FieldError],
    pub flash: Option<&'a str>,
}

/// `/staff/accounts/{id}`: one account, its role and branch (admins), and
/// the switch.
pub fn account_page(f: &Frame<'_>, p: &AccountPage<'_>) -> Markup {
    let l = f.lang;
    let s = p.entry.staff;
    let action = format!("/staff/accounts/{}", s.id);
    html! {
        p.small { a href="/staff/accounts" { "← " (t(l, "staff_accounts_title")) } }
        h1 { (s.name) }
        @if let Some(key) = p.flash { (notice("success", t(l, key))) }
        dl.facts {
            dt { (t(l, "field_email")) } dd { (s.email) }
            dt { (t(l, "staff_role")) } dd { (role_label(l, &s.role)) }
            dt { (t(l, "branch")) } dd { (s.branch_code.as_deref().unwrap_or("—")) }
            @if let Some(c) = &s.company_npp { dt { "NPP" } dd { (c) } }
            dt { (t(l, "staff_status")) } dd { (status(l, &p.entry)) }
            dt { (t(l, "staff_last_sign_in")) } dd { @match p.entry.last_sign_in { Some(at) => { (when(l, at, s, p.branches)) } None => { (t(l, "staff_never")) } } }
        }
        @if p.manager == Role::Admin && s.role != Role::Hr.as_str() {
            section.card.stack aria-labelledby="change-title" {
                h2 id="change-title" { (t(l, "staff_change_title")) }
                (error_summary(l, p.errors))
                form.form method="post" action=(action) novalidate {
                    (csrf_field(f.csrf))
                    (role_select(l, p.manager, &s.role, p.errors, "role"))
                    (branch_select(l, p.branches, s.branch_code.as_deref().unwrap_or(""), p.errors, "branch"))
                    div.form-actions {
                        button.btn.btn-primary type="submit" { (t(l, "staff_change_submit")) }
                    }
                }
            }
        }
        @if s.active && !p.entry.password_set {
            section.card.stack aria-labelledby="reinvite-title" {
                h2 id="reinvite-title" { (t(l, "staff_reinvite_title")) }
                p { (t(l, "staff_reinvite_lead")) }
                form.form method="post" action={ (action) "/invitation" } {
                    (csrf_field(f.csrf))
                    button.btn.btn-secondary type="submit" { (t(l, "staff_reinvite")) }
                }
            }
        }
        section.card.stack aria-labelledby="standing-title" {
            h2 id="standing-title" { (t(l, "staff_status")) }
            form.form method="post" action={ (action) "/active" }
                data-confirm=[s.active.then(|| t(l, "staff_deactivate_confirm"))] {
                (csrf_field(f.csrf))
                @if s.active {
                    p { (t(l, "staff_deactivate_lead")) }
                    input type="hidden" name="active" value="false";
                    button.btn.btn-danger type="submit" { (t(l, "staff_deactivate")) }
                } @else {
                    p { (t(l, "staff_reactivate_lead")) }
                    input type="hidden" name="active" value="true";
                    button.btn.btn-secondary type="submit" { (t(l, "staff_reactivate")) }
                }
            }
        }
    }
}
