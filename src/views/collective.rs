//! Collective-claim pages: the HR representative's home and batch report,
//! and the staff's batch view for verification.

use maud::{html, Markup};

use super::components::{csrf_field, file_input, notice};
use super::layout::Frame;
use crate::db::collective::{Batch, HeadcountChange, RepresentativeDocument};
use crate::db::collective_staff::Letter;
use crate::db::staff::Company;
use crate::domain::collective::zip::ZipReport;
use crate::domain::collective::{BatchStatus, StoredError, WorkerStatus, REPRESENTATIVE_KINDS};
use crate::domain::dossier::RejectReason;
use crate::i18n::{integer, t, Lang};

pub struct HrHome<'a> {
    pub company: &'a Company,
    pub approved: bool,
    pub documents: &'a [RepresentativeDocument],
    pub history: &'a [HeadcountChange],
    pub batches: &'a [Batch],
    pub flash: Option<&'a str>,
    pub error: Option<String>,
    pub max_mb: u64,
}

/// A batch's tag: submitted, or whether it may be.
pub(super) fn status_tag(l: Lang, b: &Batch) -> Markup {
    let (class, key) = if b.status == BatchStatus::Submitted {
        ("tag tag-ok", "batch_status_submitted")
    } else if b.eligible {
        ("tag tag-info", "batch_eligible_yes")
    } else {
        ("tag tag-warn", "batch_eligible_no")
    };
    html! { span class=(class) { (t(l, key)) } }
}

/// A representative's two documents: on file (with the day it came, for
/// staff), or not yet — needed before approval, no longer once approved
/// (an account an operator made is approved from the start).
pub fn representative_documents(
    l: Lang,
    approved: bool,
    documents: &[RepresentativeDocument],
    dated: bool,
) -> Markup {
    html! {
        ul {
            @for kind in REPRESENTATIVE_KINDS {
                li {
                    (t(l, &format!("hr_doc_{kind}"))) ": "
                    @if let Some(doc) = documents.iter().find(|x| x.kind == kind) {
                        span.tag.tag-ok { (t(l, "hr_doc_on_file")) } " " (doc.original_name)
                        @if dated { " · " (doc.created_at.format("%d/%m/%Y")) }
                    } @else if approved {
                        span.tag.tag-neutral { (t(l, "hr_doc_not_needed")) }
                    } @else {
                        span.tag.tag-warn { (t(l, "hr_doc_missing")) }
                    }
                }
            }
        }
    }
}

pub fn hr_home(f: &Frame<'_>, d: &HrHome<'_>) -> Markup {
    let l = f.lang;
    html! {
        h1 { (t(l, "hr_title")) }
        @if d.flash == Some("document") { (notice("success", t(l, "flash_document_uploaded"))) }
        @if let Some(e) = &d.error { (notice("error", e)) }
        section.card.stack {
            h2 { (d.company.name) }
            dl.facts {
                dt { "NPP" } dd { (d.company.npp) }
                dt { (t(l, "headcount")) } dd { (integer(l, d.company.headcount)) }
                @if let Some(h) = d.history.first() {
                    dt { (t(l, "hr_reference_date")) } dd { (h.reference_date.format("%d/%m/%Y")) }
                }
            }
        }
        section.card.stack {
            h2 { (t(l, "hr_representative")) }
            @if d.approved {
                (notice("success", t(l, "hr_rep_approved")))
            } @else {
                (notice("warning", t(l, "hr_rep_pending")))
            }
            (representative_documents(l, d.approved, d.documents, false))
            form.stack method="post" action="/hr/documents" enctype="multipart/form-data" {
                (csrf_field(f.csrf))
                label for="kind" { (t(l, "hr_doc_kind")) }
                select id="kind" name="kind" {
                    @for kind in REPRESENTATIVE_KINDS {
                        option value=(kind) { (t(l, &format!("hr_doc_{kind}"))) }
                    }
                }
                label for="doc-file" { (t(l, "hr_doc_file")) }
                (file_input(l, "doc-file", ".jpg,.jpeg,.png,.pdf"))
                button.btn.btn-secondary type="submit" { (t(l, "hr_upload_document")) }
            }
        }
        section.card.stack {
            h2 { (t(l, "hr_upload_batch")) }
            p { (t(l, "hr_batch_hint")) " " (t(l, "hr_batch_limit").replace("{max_mb}", &d.max_mb.to_string())) }
            p { a href="/api/v1/collective/template.csv" download { (t(l, "hr_template")) } }
            @if d.approved {
                form.stack method="post" action="/hr/batches" enctype="multipart/form-data" {
                    (csrf_field(f.csrf))
                    label for="batch-file" { (t(l, "hr_batch_file")) }
                    (file_input(l, "batch-file", ".csv,.xlsx,.txt"))
                    button.btn.btn-primary type="submit" { (t(l, "hr_upload_batch_button")) }
                }
            } @else {
                p.muted { (t(l, "representative_not_approved")) }
            }
        }
        section.card.stack {
            h2 { (t(l, "hr_batches")) }
            @if d.batches.is_empty() { p.muted { (t(l, "hr_no_batches")) } } @else {
                div.table-wrap { table.data {
                    thead { tr {
                        th { "#" } th { (t(l, "batch_file")) } th.num { (t(l, "batch_rows")) }
                        th.num { (t(l, "batch_valid_rows")) } th { (t(l, "batch_status")) }
                    } }
                    tbody { @for b in d.batches { tr {
                        td { a href={ "/hr/batches/" (b.id) } { (b.id) } }
                        td { (b.file_name) }
                        td.num { (integer(l, b.total_rows)) } td.num { (integer(l, b.valid_rows)) }
                        td { (status_tag(l, b)) }
                    } } }
                } }
            }
        }
    }
}

pub struct BatchPage<'a> {
    pub batch: &'a Batch,
    pub explanation: String,
    pub errors: &'a [StoredError],
    pub workers: &'a [WorkerStatus],
    /// The HR view (submit button) or the staff view (links to claims).
    pub staff: bool,
    /// The batch's current mass termination letter.
    pub letter: Option<&'a Letter>,
    /// The company's branch, whose zone the times are shown in (none: WIB).
    pub branch: Option<&'a crate::db::branches::Branch>,
    pub flash: Option<&'a str>,
    pub error: Option<String>,
}

/// When a file was uploaded, in the company's branch zone with its label
/// (WIB when the company has no branch).
fn uploaded_at(
    l: crate::i18n::Lang,
    branch: Option<&crate::db::branches::Branch>,
    at: chrono::NaiveDateTime,
) -> String {
    let (tz, label) = branch.map_or((chrono_tz::Asia::Jakarta, "WIB"), |b| {
        (b.tz(), b.zone_label())
    });
    let local = at.and_utc().with_timezone(&tz);
    format!(
        "{} {} {label}",
        crate::i18n::long_date(l, local.date_naive()),
        crate::i18n::clock_time(l, &local)
    )
}

pub fn batch_page(f: &Frame<'_>, d: &BatchPage<'_>) -> Markup {
    let l = f.lang;
    let b = d.batch;
    let api = format!("/api/v1/collective/batches/{}", b.id);
    html! {
        h1 { (t(l, "batch_title")) " #" (b.id) }
        @if d.flash == Some("submitted") { (notice("success", t(l, "flash_batch_submitted"))) }
        @if d.flash == Some("letter") { (notice("success", t(l, "flash_letter_uploaded"))) }
        @if let Some(e) = &d.error { (notice("error", e)) }
        section.card.stack {
            h2 { (b.file_name) " " (status_tag(l, b)) }
            dl.facts {
                dt { (t(l, "batch_rows")) } dd { (integer(l, b.total_rows)) }
                dt { (t(l, "batch_valid_rows")) } dd { (integer(l, b.valid_rows)) }
                dt { (t(l, "batch_laid_off")) } dd { (integer(l, b.laid_off)) }
                dt { (t(l, "headcount")) } dd { (integer(l, b.headcount)) }
            }
            p.lead { (d.explanation) }
            @if !d.staff && b.status == BatchStatus::Validated && b.eligible && b.valid_rows > 0 {
                form method="post" action={ "/hr/batches/" (b.id) "/submit" }
                    data-confirm=(crate::i18n::tf(l, "confirm_batch_submit", &[("n", &integer(l, b.valid_rows))])) {
                    (csrf_field(f.csrf))
                    p { (t(l, "batch_submit_hint")) }
                    button.btn.btn-primary type="submit" { (t(l, "batch_submit")) }
                }
            }
        }
        section.card.stack {
            h2 { (t(l, "batch_letter")) }
            @if let Some(letter) = d.letter {
                p {
                    a href={ (api) "/letter" } download { (t(l, "batch_letter_download")) }
                    " · " (letter.original_name) " · " (uploaded_at(l, d.branch, letter.created_at))
                }
            } @else {
                p.muted { (t(l, "batch_letter_none")) }
            }
            @if !d.staff {
                form.stack method="post" action={ "/hr/batches/" (b.id) "/letter" } enctype="multipart/form-data" {
                    (csrf_field(f.csrf))
                    label for="letter-file" { (t(l, "batch_letter_hint")) }
                    (file_input(l, "letter-file", ".jpg,.jpeg,.png,.pdf"))
                    button.btn.btn-secondary type="submit" { (t(l, "batch_letter_button")) }
                }
            }
        }
        @if !d.staff && b.status == BatchStatus::Submitted {
            section.card.stack {
                h2 { (t(l, "batch_documents")) }
                p { (t(l, "batch_documents_hint")) }
                form.stack method="post" action={ "/hr/batches/" (b.id) "/documents" } enctype="multipart/form-data" {
                    (csrf_field(f.csrf))
                    label for="zip-file" { (t(l, "batch_documents_file")) }
                    (file_input(l, "zip-file", ".zip"))
                    button.btn.btn-primary type="submit" { (t(l, "batch_documents_button")) }
                }
            }
        }
        section.card.stack {
            h2 { (t(l, "batch_errors")) " (" (d.errors.len()) ")" }
            @if d.errors.is_empty() { p.muted { (t(l, "batch_no_errors")) } } @else {
                p { a href={ (api) "/errors.csv" } download { (t(l, "batch_errors_csv")) } }
                div.table-wrap { table.data {
                    thead { tr {
                        th.num { (t(l, "col_row")) } th { (t(l, "col_column")) }
                        th { (t(l, "col_value")) } th { (t(l, "col_message")) }
                    } }
                    tbody { @for e in d.errors.iter().take(1000) { tr {
                        td.num { @if let Some(r) = e.row { (r) } }
                        td { @if let Some(c) = &e.column { code { (c) } } }
                        td { (e.value) }
                        td { (t(l, &e.detail)) }
                    } } }
                } }
                @if d.errors.len() > 1000 { p.muted { (t(l, "batch_errors_more")) } }
            }
        }
        section.card.stack {
            h2 { (t(l, "batch_workers")) " (" (d.workers.len()) ")" }
            p { a href={ (api) "/workers.csv" } download { (t(l, "batch_workers_csv")) } }
            div.table-wrap { table.data {
                thead { tr {
                    th.num { (t(l, "col_row")) } th { "NIK" } th { (t(l, "batch_worker_name")) }
                    th { (t(l, "batch_worker_claim")) } th { (t(l, "batch_status")) }
                } }
                tbody { @for w in d.workers.iter().take(2000) { tr {
                    td.num { (w.line) }
                    td { (crate::domain::nik::mask_str(&w.nik)) }
                    td { (w.name) }
                    td { @if let Some(c) = w.claim_id {
                        @if d.staff { a href={ "/staff/claims/" (c) } { "#" (c) } } @else { "#" (c) }
                    } }
                    td {
                        (t(l, &format!("worker_status_{}", w.status)))
                        @if !w.rejected_because.is_empty() { " — " (rejection_text(w, l)) }
                    }
                } } }
            } }
        }
    }
}

/// The result of a documents ZIP: how many entries were stored, and each
/// refused entry with its reason.
pub fn zip_report(f: &Frame<'_>, batch_id: i64, r: &ZipReport) -> Markup {
    let l = f.lang;
    let summary = t(l, "batch_documents_report")
        .replace("{accepted}", &r.accepted.to_string())
        .replace("{refused}", &r.refused.len().to_string());
    html! {
        h1 { (t(l, "batch_documents")) " — " (t(l, "batch_title")) " #" (batch_id) }
        (notice(if r.refused.is_empty() { "success" } else { "warning" }, &summary))
        @if !r.refused.is_empty() {
            div.table-wrap { table.data {
                thead { tr { th { (t(l, "batch_documents_entry")) } th { (t(l, "col_message")) } } }
                tbody { @for e in &r.refused { tr {
                    td { code { (e.entry) } }
                    td { (e.message) " " span.muted { "(" (e.code) ")" } }
                } } }
            } }
        }
        p { a href={ "/hr/batches/" (batch_id) } { (t(l, "batch_title")) " #" (batch_id) } }
    }
}

fn reject_label(code: &str, lang: Lang) -> String {
    RejectReason::parse(code)
        .map(|r| match lang {
            Lang::Id => r.label_id(),
            Lang::En => r.label_en(),
        })
        .unwrap_or(code)
        .to_string()
}

/// The rejection reasons of a worker's documents, in words.
pub fn rejection_text(w: &WorkerStatus, lang: Lang) -> String {
    w.rejected_because
        .iter()
        .map(|c| reject_label(c, lang))
        .collect::<Vec<_>>()
        .join("; ")
}
