//! Staff pages of collective claims: the list of batches and a company's
//! page with its headcount, representatives and batches.

use chrono::NaiveDate;
use maud::{html, Markup};

use super::collective::representative_documents;
use super::components::{csrf_field, notice};
use super::layout::Frame;
use crate::db::collective::{Batch, HeadcountChange, RepresentativeDocument};
use crate::db::staff::{Company, Staff};
use crate::i18n::{integer, t, Lang};

fn batch_table(l: Lang, rows: &[(&Batch, Option<&str>)]) -> Markup {
    html! {
        div.table-wrap { table.data {
            thead { tr {
                th { "#" }
                @if rows.iter().any(|(_, c)| c.is_some()) { th { (t(l, "company")) } }
                th { (t(l, "batch_file")) } th.num { (t(l, "batch_valid_rows")) }
                th.num { (t(l, "batch_laid_off")) } th.num { (t(l, "headcount")) }
                th { (t(l, "batch_status")) }
            } }
            tbody { @for (b, company) in rows { tr {
                td { a href={ "/staff/batches/" (b.id) } { (b.id) } }
                @if let Some(name) = company {
                    td { a href={ "/staff/companies/" (b.company_npp) } { (name) } " (" (b.company_npp) ")" }
                }
                td { (b.file_name) }
                td.num { (integer(l, b.valid_rows)) } td.num { (integer(l, b.laid_off)) } td.num { (integer(l, b.headcount)) }
                td { (super::collective::status_tag(l, b)) }
            } } }
        } }
    }
}

pub fn batch_list(f: &Frame<'_>, rows: &[(Batch, String)]) -> Markup {
    let l = f.lang;
    let view: Vec<(&Batch, Option<&str>)> =
        rows.iter().map(|(b, c)| (b, Some(c.as_str()))).collect();
    html! {
        h1 { (t(l, "staff_collective_batches")) }
        @if rows.is_empty() { p.muted { (t(l, "hr_no_batches")) } } @else { (batch_table(l, &view)) }
    }
}

pub struct CompanyPage<'a> {
    pub company: &'a Company,
    pub history: &'a [HeadcountChange],
    pub representatives: &'a [(Staff, Vec<RepresentativeDocument>)],
    pub batches: &'a [Batch],
    /// Admins and supervisors get the forms.
    pub can_manage: bool,
    pub today: NaiveDate,
    pub flash: Option<&'a str>,
}

pub fn company_page(f: &Frame<'_>, d: &CompanyPage<'_>) -> Markup {
    let l = f.lang;
    let c = d.company;
    html! {
        h1 { (c.name) }
        @if d.flash == Some("headcount") { (notice("success", t(l, "flash_headcount_set"))) }
        @if d.flash == Some("approved") { (notice("success", t(l, "flash_representative_approved"))) }
        section.card.stack aria-labelledby="company-details" {
            h2 #company-details { (t(l, "company_details")) }
            dl.facts {
                dt { "NPP" } dd { (c.npp) }
                dt { (t(l, "address")) } dd { @if c.address.trim().is_empty() { span.muted { "–" } } @else { (c.address) } }
                dt { (t(l, "headcount")) } dd { (integer(l, c.headcount)) }
                @if let Some(b) = &c.branch_code { dt { (t(l, "branch")) } dd { (b) } }
            }
            @if !d.history.is_empty() {
                h3 { (t(l, "company_headcount_history")) }
                ul { @for h in d.history {
                    li { (integer(l, h.headcount)) " · " (t(l, "hr_reference_date")) " " (h.reference_date.format("%d/%m/%Y")) }
                } }
            }
            @if d.can_manage {
                form.filter-bar method="post" action={ "/staff/companies/" (c.npp) "/headcount" } {
                    (csrf_field(f.csrf))
                    div.field {
                        label for="headcount" { (t(l, "headcount")) }
                        input id="headcount" type="number" name="headcount" min="0" max="10000000" value=(c.headcount) required;
                    }
                    div.field {
                        label for="reference_date" { (t(l, "hr_reference_date")) }
                        input id="reference_date" type="date" name="reference_date" max=(d.today.format("%Y-%m-%d")) value=(d.today.format("%Y-%m-%d")) required;
                    }
                    button.btn.btn-secondary type="submit" { (t(l, "company_set_headcount")) }
                }
            }
        }
        section.card.stack {
            h2 { (t(l, "company_representatives")) }
            @if d.representatives.is_empty() { p.muted { (t(l, "company_no_representatives")) } }
            @for (rep, docs) in d.representatives {
                div.stack {
                    h3 { (rep.name) " · " (rep.email) " "
                        @if rep.approved { span.tag.tag-ok { (t(l, "company_rep_approved")) } }
                        @else { span.tag.tag-warn { (t(l, "company_rep_pending")) } }
                    }
                    (representative_documents(l, rep.approved, docs, true))
                    @if d.can_manage && !rep.approved {
                        form method="post" action={ "/staff/representatives/" (rep.id) "/approve" } {
                            (csrf_field(f.csrf))
                            button.btn.btn-primary type="submit" { (t(l, "company_approve")) }
                        }
                    }
                }
            }
        }
        section.card.stack {
            h2 { (t(l, "hr_batches")) }
            @let rows: Vec<(&Batch, Option<&str>)> = d.batches.iter().map(|b| (b, None)).collect();
            @if rows.is_empty() { p.muted { (t(l, "hr_no_batches")) } } @else { (batch_table(l, &rows)) }
        }
    }
}
