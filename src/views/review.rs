//! The staff review page of one claim: who the participant is, the
//! checklist with an inline viewer per document, and the decisions.

use maud::{html, Markup};

use super::components::{csrf_field, doc_version, notice};
use super::layout::Frame;
use super::me::{reason_label, status_tag};
use crate::db::documents::{Document, Dossier};
use crate::db::participants::Participant;
use crate::domain::claim::{estimated_tax, ClaimStatus};
use crate::domain::dossier::{DocStatus, DocumentKind, ItemStatus, RejectReason};
use crate::i18n::{self, t, Lang};

pub struct Review<'a> {
    pub dossier: &'a Dossier,
    pub participant: &'a Participant,
    pub age: u32,
    /// May accept/reject documents and decide the claim (auditors only read).
    pub can_review: bool,
    pub flash: Option<&'a str>,
    pub error: Option<String>,
    /// Whether the participant's email was verified by its link.
    pub email_verified: bool,
}

fn reasons_select(l: Lang, id: &str) -> Markup {
    html! {
        select id=(id) name="reason" required {
            option value="" { (t(l, "choose")) }
            @for r in RejectReason::ALL {
                option value=(r.code()) { (match l { Lang::Id => r.label_id(), Lang::En => r.label_en() }) }
            }
        }
    }
}

/// A document kind's name in the reader's language (the stored code when
/// it is not a known kind).
pub fn kind_label(l: Lang, code: &str) -> &str {
    match DocumentKind::parse(code) {
        Some(k) => match l {
            Lang::Id => k.label_id(),
            Lang::En => k.label_en(),
        },
        None => code,
    }
}

fn viewer(l: Lang, claim_id: i64, doc: &Document) -> Markup {
    let src = format!("/api/v1/claims/{claim_id}/documents/{}?inline=1", doc.id);
    let name = kind_label(l, &doc.kind);
    html! {
        @if doc.content_type.starts_with("image/") {
            img.viewer src=(src) alt=(name) loading="lazy";
        } @else {
            iframe.viewer src=(src) title=(name) {}
        }
    }
}

pub fn review(f: &Frame<'_>, r: &Review<'_>) -> Markup {
    let l = f.lang;
    let d = r.dossier;
    let c = &d.claim;
    let p = r.participant;
    let open = c.status == ClaimStatus::Open;
    let items = super::checklist::checklist_body(d, l);
    html! {
        p.small { a href="/staff" { "← " (t(l, "staff_title")) } }
        h1 { (t(l, "me_claim")) " #" (c.id) " · " (reason_label(l, &c.reason)) }
        @if let Some(flash) = r.flash {
            @let key = format!("flash_{flash}");
            @if i18n::has(&key) { (notice("success", t(l, &key))) }
        }
        @if let Some(e) = &r.error { (notice("error", e)) }
        section.card.stack {
            h2 { (p.full_name) }
            dl.facts {
                dt { (t(l, "field_nik")) } dd { code { (p.nik) } }
                dt { (t(l, "birth_date")) } dd { (i18n::long_date(l, p.birth_date)) " (" (r.age) " " (t(l, "years")) ", " (t(l, if p.sex == "female" { "sex_female" } else { "sex_male" })) ")" }
                dt { (t(l, "field_kpj")) } dd { code { (p.kpj) } }
                dt { (t(l, "field_email")) }
                dd { (p.email) " " @if r.email_verified { span.tag.tag-ok { (t(l, "email_verified_tag")) } } @else { span.tag.tag-warn { (t(l, "email_unverified_tag")) } } }
                dt { (t(l, "field_phone")) } dd { (p.phone) }
                dt { (t(l, "status")) } dd { span.tag.tag-neutral { (t(l, &format!("claim_status_{}", c.status))) } }
                @for (key, v) in [("field_last_working_day", c.last_working_day), ("field_termination_date", c.termination_date), ("field_contract_end_date", c.contract_end_date), ("field_membership_start_date", c.membership_start_date), ("field_departure_date", c.departure_date), ("field_date_of_death", c.date_of_death)] {
                    @if let Some(day) = v { dt { (t(l, key)) } dd { (i18n::long_date(l, day)) } }
                }
                @if let Some(b) = c.balance {
                    dt { (t(l, "field_balance")) } dd { (i18n::rupiah(b)) " · " (t(l, "estimated_tax")) " " (i18n::rupiah(estimated_tax(b))) }
                }
            }
        }
        section.card.stack {
            h2 { (t(l, "me_documents")) }
            ul.checklist {
                @for (entry, body) in d.checklist.iter().zip(items.iter()) {
                    li.checklist-item id={ "item-" (entry.item) } {
                        div.checklist-head { strong { (body.label) } " " (status_tag(l, entry.status)) }
                        @if let Some(reason) = &body.reason_text { p.field-error { (t(l, "rejected_because")) " " (reason) } }
                        @for doc in d.current().filter(|doc| entry.accepts.iter().any(|k| k.code() == doc.kind)) {
                            p.small {
                                @if entry.accepts.len() > 1 { (kind_label(l, &doc.kind)) " · " }
                                (doc.original_name) " · " (doc_version(l, doc.version)) " · " (i18n::file_size(l, doc.size)) " · "
                                a href={ "/api/v1/claims/" (c.id) "/documents/" (doc.id) } { (t(l, "download")) }
                            }
                            (viewer(l, c.id, doc))
                            @if r.can_review && open && !doc.is_deleted() {
                                div.form-actions {
                                    @if doc.status != DocStatus::Accepted {
                                        form.inline-form method="post" action={ "/staff/documents/" (doc.id) "/review" } {
                                            (csrf_field(f.csrf))
                                            input type="hidden" name="decision" value="accept";
                                            button.btn.btn-primary type="submit" { (t(l, "accept")) }
                                        }
                                    }
                                    form.inline-form method="post" action={ "/staff/documents/" (doc.id) "/review" } {
                                        (csrf_field(f.csrf))
                                        input type="hidden" name="decision" value="reject";
                                        label.visually-hidden for={ "reason-" (doc.id) } { (t(l, "reject_reason")) }
                                        (reasons_select(l, &format!("reason-{}", doc.id)))
                                        label.visually-hidden for={ "note-" (doc.id) } { (t(l, "note")) }
                                        input id={ "note-" (doc.id) } type="text" name="note" maxlength="500" placeholder=(t(l, "note"));
                                        button.btn.btn-danger type="submit" { (t(l, "reject")) }
                                    }
                                }
                            }
                        }
                        @if entry.status == ItemStatus::Missing { p.small.muted { (t(l, "not_uploaded_yet")) } }
                    }
                }
            }
        }
        @if r.can_review && open {
            section.card.stack {
                h2 { (t(l, "decision")) }
                @if d.verifiable {
                    form.inline-form method="post" action={ "/staff/claims/" (c.id) "/verify" } {
                        (csrf_field(f.csrf))
                        button.btn.btn-primary type="submit" { (t(l, "verify_claim")) }
                    }
                } @else {
                    p.muted { (t(l, "documents_not_accepted")) }
                }
                form.inline-form method="post" action={ "/staff/claims/" (c.id) "/reject" } {
                    (csrf_field(f.csrf))
                    label for="claim-reason" { (t(l, "reject_reason")) }
                    (reasons_select(l, "claim-reason"))
                    label.visually-hidden for="claim-note" { (t(l, "note")) }
                    input id="claim-note" type="text" name="note" maxlength="500" placeholder=(t(l, "note"));
                    button.btn.btn-danger type="submit" { (t(l, "reject_claim")) }
                }
            }
        }
    }
}
