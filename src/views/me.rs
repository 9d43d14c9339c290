//! The participant's overview (claim and booking) and the claim form.

use chrono::NaiveDate;
use maud::{html, Markup, PreEscaped};
use serde::Deserialize;

use super::branches::zone_badge;
use super::components::{
    csrf_field, doc_version, error_for, error_summary, file_input, notice, numbered_head,
    FieldError, Input,
};
use super::journey::{self, Progress};
use super::layout::Frame;
use crate::db::bookings::BookingView;
use crate::db::claims::Claim;
use crate::db::documents::Dossier;
use crate::db::participants::Participant;
use crate::domain::claim::{estimated_tax, ClaimReason, ClaimStatus};
use crate::domain::dossier::ItemStatus;
use crate::domain::schedule::to_local;
use crate::i18n::{self, t, Lang};

/// The claim form as typed: the page shows it back with the errors.
#[derive(Deserialize, Default, Clone)]
pub struct ClaimForm {
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub last_working_day: String,
    #[serde(default)]
    pub termination_date: String,
    #[serde(default)]
    pub contract_end_date: String,
    #[serde(default)]
    pub membership_start_date: String,
    #[serde(default)]
    pub departure_date: String,
    #[serde(default)]
    pub date_of_death: String,
    #[serde(default)]
    pub balance: String,
    /// Checkboxes: present when ticked.
    pub heir_is_child: Option<String>,
    pub heir_is_minor: Option<String>,
}

pub struct Overview<'a> {
    pub participant: &'a Participant,
    pub claim: Option<&'a Claim>,
    pub history: &'a [Claim],
    pub booking: Option<&'a BookingView>,
    pub flash: Option<&'a str>,
    pub today: NaiveDate,
    pub dossier: Option<&'a Dossier>,
    /// A refused upload: the message and the item it was for.
    pub upload_error: Option<(String, String)>,
    pub max_upload_mb: u64,
    /// Their place in a waiting line: (entry id, branch, day, position).
    pub waiting: Option<(i64, String, NaiveDate, i64)>,
    /// Their pending request in a new day's draw: (branch, day, draw at, branch-local).
    pub draw: Option<(String, NaiveDate, String)>,
    /// Whether their current email was verified by its link.
    pub email_verified: bool,
}

pub fn reason_label(l: Lang, code: &str) -> String {
    match ClaimReason::parse(code) {
        Some(r) => match l {
            Lang::Id => r.label_id().to_string(),
            Lang::En => r.label_en().to_string(),
        },
        None => code.to_string(),
    }
}

pub fn qr_svg(code: &str) -> String {
    qrcode::QrCode::new(code.as_bytes())
        .map(|q| {
            q.render::<qrcode::render::svg::Color>()
                .min_dimensions(180, 180)
                .quiet_zone(true)
                .build()
        })
        .unwrap_or_default()
}

pub fn overview(f: &Frame<'_>, o: &Overview<'_>) -> Markup {
    let l = f.lang;
    let p = o.participant;
    let age = o.today.years_since(p.birth_date).unwrap_or(0);
    html! {
        h1 { (t(l, "me_title")) }
        @let ready = o.dossier.is_some_and(|d| d.ready);
        @let open = o.claim.is_some_and(|c| c.status == ClaimStatus::Open);
        (journey::steps(l, Progress::of(open, ready, o.booking.is_some())))
        @if let Some(b) = o.booking {
            @let start = to_local(b.branch.tz(), b.slot.starts_at);
            p.notice.notice-info {
                (t(l, "me_booking")) ": " strong { (i18n::day_label(l, start.date_naive())) ", " (i18n::clock_time(l, &start)) " " (b.branch.zone_label()) } ", " (b.branch.name) ". "
                a href="/me/booking" { (t(l, "me_see_confirmation")) }
            }
        }
        @if !o.email_verified { (super::contact::unverified_notice(f, &p.email)) }
        @if let Some(flash) = o.flash {
            @let key = format!("flash_{flash}");
            @if crate::i18n::has(&key) { (notice("success", t(l, &key))) }
        }
        section.card.stack {
            h2 { (p.full_name) }
            dl.facts {
                dt { (t(l, "field_nik")) } dd { (crate::domain::nik::mask_str(&p.nik)) }
                dt { (t(l, "field_kpj")) } dd { (p.kpj) }
                dt { (t(l, "birth_date")) } dd { (i18n::long_date(l, p.birth_date)) " (" (age) " " (t(l, "years")) ")" }
                dt { (t(l, "sex")) } dd { (t(l, if p.sex == "female" { "sex_female" } else { "sex_male" })) }
                dt { (t(l, "field_email")) } dd { (p.email) }
                dt { (t(l, "field_phone")) } dd { (p.phone) }
            }
            p { a href="/me/contact" { (t(l, "contact_title")) } }
        }
        @match o.claim {
            None => {
                section.card.stack {
                    h2 { (t(l, "me_claim")) }
                    p { (t(l, "me_no_claim")) }
                    p { a.btn.btn-primary href="/claims/new" { (t(l, "claim_new_title")) } }
                }
            }
            Some(c) => {
                section.card.stack {
                    h2 { (t(l, "me_claim")) " #" (c.id) }
                    dl.facts {
                        dt { (t(l, "field_reason")) } dd { (reason_label(l, &c.reason)) }
                        dt { (t(l, "status")) } dd { span.tag.tag-neutral { (t(l, &format!("claim_status_{}", c.status))) } }
                        @for (key, v) in [("field_last_working_day", c.last_working_day), ("field_termination_date", c.termination_date), ("field_contract_end_date", c.contract_end_date), ("field_membership_start_date", c.membership_start_date), ("field_departure_date", c.departure_date), ("field_date_of_death", c.date_of_death)] {
                            @if let Some(d) = v { dt { (t(l, key)) } dd { (i18n::long_date(l, d)) } }
                        }
                        @if let Some(b) = c.balance {
                            dt { (t(l, "field_balance")) } dd { (i18n::rupiah(b)) }
                            dt { (t(l, "estimated_tax")) } dd { (i18n::rupiah(estimated_tax(b))) " " span.small.muted { (t(l, "tax_rule")) } }
                        }
                    }
                }
                @if let Some(d) = o.dossier { (dossier_card(f, d, o.upload_error.as_ref(), o.max_upload_mb)) }
                (booking_card(f, o.booking, c, o))
                @if c.status == ClaimStatus::Open { (journey::what_next(l, None)) }
            }
        }
        @if let Some(last) = o.history.first().filter(|c| o.claim.is_none() && c.status != ClaimStatus::Open) {
            (journey::what_next(l, Some(last)))
        }
        @if o.history.len() > usize::from(o.claim.is_some()) {
            section.card.stack {
                h2 { (t(l, "me_history")) }
                div.table-wrap { table.data {
                    (numbered_head(l, &["field_reason", "status", "opened_on"]))
                    tbody { @for c in o.history { tr { td { (c.id) } td { (reason_label(l, &c.reason)) } td { (t(l, &format!("claim_status_{}", c.status))) } td { (i18n::long_date(l, c.created_at.date())) } } } }
                } }
            }
        }
    }
}

fn booking_card(
    f: &Frame<'_>,
    booking: Option<&BookingView>,
    claim: &Claim,
    queue: &Overview<'_>,
) -> Markup {
    let l = f.lang;
    html! {
        section.card.stack {
            h2 { (t(l, "me_booking")) }
            @match booking {
                None => {
                    @if claim.status == ClaimStatus::Open {
                        @if let Some((branch, day, at)) = &queue.draw {
                            p.notice.notice-info { (t(l, "me_in_draw")) " " strong { (branch) ", " (crate::i18n::long_date(l, *day)) } ". " (t(l, "me_draw_at")) " " (at) "." }
                        }
                        @if let Some((id, branch, day, position)) = &queue.waiting {
                            p.notice.notice-info {
                                (t(l, "me_waiting")) " " strong { (branch) ", " (crate::i18n::long_date(l, *day)) }
                                @if *position > 0 { " · " (t(l, "waitlist_position")) ": " (position) }
                                " " a href={ "/waitlist/" (id) } { (t(l, "day_see_place")) }
                            }
                        }
                        p { (t(l, "me_no_booking")) }
                        p.actions { a.btn.btn-primary href="/branches" { (t(l, "home_cta_branches")) } " " a.btn.btn-secondary href="/sessions/first-free" { (t(l, "first_free_title")) } }
                    }
                }
                Some(v) => {
                    @let tz = v.branch.tz();
                    @let start = to_local(tz, v.slot.starts_at);
                    @let end = to_local(tz, v.slot.ends_at);
                    p { (t(l, "booking_code")) }
                    p.booking-code aria-label=(t(l, "booking_code")) { (v.booking.code) }
                    div.qr role="img" aria-label=(t(l, "qr_label")) { (PreEscaped(qr_svg(&v.booking.code))) }
                    dl.facts {
                        dt { (t(l, "branch")) } dd { a href={ "/branches/" (v.branch.code) } { (v.branch.name) } }
                        dt { (t(l, "address")) } dd { (v.branch.address) }
                        dt { (t(l, "session_time")) }
                        dd { (i18n::day_label(l, start.date_naive())) ", " (i18n::clock_time(l, &start)) "–" (i18n::clock_time(l, &end)) " " (zone_badge(&v.branch)) }
                    }
                    p.small.muted { (t(l, "booking_bring")) }
                    p { a.btn.btn-primary href={ "/session/" (v.booking.code) } { (t(l, "open_session")) } }
                    div.form-actions {
                        a.btn.btn-secondary href={ "/branches/" (v.branch.code) "?date=" (v.slot.local_date.format("%Y-%m-%d")) "&reschedule=" (v.booking.code) } { (t(l, "booking_reschedule")) }
                        form.inline-form method="post" action={ "/bookings/" (v.booking.code) "/cancel" } data-confirm=(t(l, "confirm_booking_cancel")) {
                            (csrf_field(f.csrf))
                            button.btn.btn-danger type="submit" { (t(l, "booking_cancel")) }
                        }
                    }
                }
            }
        }
    }
}

impl ClaimForm {
    /// The typed value of a date field of [`DATE_FIELDS`].
    fn date(&self, field: &str) -> &str {
        match field {
            "last_working_day" => &self.last_working_day,
            "termination_date" => &self.termination_date,
            "contract_end_date" => &self.contract_end_date,
            "membership_start_date" => &self.membership_start_date,
            "departure_date" => &self.departure_date,
            "date_of_death" => &self.date_of_death,
            _ => "",
        }
    }
}

/// The claim form's date fields in order, with their hints.
const DATE_FIELDS: [(&str, &str); 6] = [
    ("last_working_day", "hint_last_working_day"),
    ("termination_date", "hint_termination_date"),
    ("contract_end_date", "hint_contract_end_date"),
    ("membership_start_date", "hint_membership_start_date"),
    ("departure_date", "hint_departure_date"),
    ("date_of_death", "hint_date_of_death"),
];

/// Whether a claim for `reason` takes `field` ("heirs": the heir boxes).
fn reason_takes(reason: ClaimReason, field: &str) -> bool {
    match field {
        "heirs" => reason == ClaimReason::Death,
        _ => reason.date_fields().contains(&field),
    }
}

/// `by-reason for-CODE…`: the stylesheet hides the field unless one of
/// these reasons is picked (static/antre.css, "claim form").
fn reason_classes(field: &str) -> String {
    ClaimReason::ALL
        .into_iter()
        .filter(|r| reason_takes(*r, field))
        .fold("by-reason".to_string(), |acc, r| {
            format!("{acc} for-{}", r.code())
        })
}

pub fn claim_form(f: &Frame<'_>, v: &ClaimForm, errors: &[FieldError], welcome: bool) -> Markup {
    let l = f.lang;
    let reason_err = error_for(errors, "reason");
    // A chosen reason (a form sent back with an error, or `?reason=`)
    // shows only its own fields; otherwise the stylesheet shows the fields
    // of the reason picked in the list, without JavaScript.
    let chosen = ClaimReason::parse(&v.reason);
    let shown = |field: &str| chosen.is_none_or(|r| reason_takes(r, field));
    html! {
        (journey::steps(l, Progress { account: true, ..Progress::default() }))
        div.card.stack {
            h1 { (t(l, "claim_new_title")) }
            @if welcome { (notice("success", t(l, "flash_registered"))) }
            p.lead { (t(l, "claim_new_lead")) }
            (error_summary(l, errors))
            form.form.claim-form method="post" action="/claims/new" novalidate {
                (csrf_field(f.csrf))
                div.field.has-error[reason_err.is_some()] {
                    label for="reason" { (t(l, "field_reason")) }
                    @if let Some(e) = reason_err { p.field-error id="reason-error" { (e) } }
                    select id="reason" name="reason" required aria-invalid=[reason_err.map(|_| "true")] {
                        option value="" { (t(l, "choose")) }
                        @for r in ClaimReason::ALL {
                            option value=(r.code()) selected[v.reason == r.code()] {
                                (match l { Lang::Id => r.label_id(), Lang::En => r.label_en() })
                            }
                        }
                    }
                }
                p.hint.dates-hint { (t(l, "claim_dates_hint")) }
                @for (field, hint) in DATE_FIELDS {
                    @if shown(field) {
                        div class=(reason_classes(field)) {
                            (Input::new(field, t(l, &format!("field_{field}"))).kind("date").value(v.date(field)).hint(t(l, hint)).optional().render(errors))
                        }
                    }
                }
                @if shown("heirs") {
                    fieldset class={ "field " (reason_classes("heirs")) } {
                        legend.small { (t(l, "hint_date_of_death")) }
                        label { input type="checkbox" name="heir_is_child" value="1" checked[v.heir_is_child.is_some()]; " " (t(l, "heir_is_child")) }
                        label { input type="checkbox" name="heir_is_minor" value="1" checked[v.heir_is_minor.is_some()]; " " (t(l, "heir_is_minor")) }
                    }
                }
                (Input::new("balance", t(l, "field_balance")).value(&v.balance).hint(t(l, "hint_balance")).inputmode("numeric").optional().render(errors))
                div.form-actions {
                    button.btn.btn-primary.btn-block type="submit" { (t(l, "claim_submit")) }
                }
            }
        }
    }
}

pub fn status_tag(l: Lang, status: ItemStatus) -> Markup {
    let class = match status {
        ItemStatus::Accepted => "tag tag-ok",
        ItemStatus::Uploaded => "tag tag-neutral",
        ItemStatus::Rejected => "tag tag-bad",
        ItemStatus::Missing => "tag tag-warn",
    };
    html! { span class=(class) { (t(l, &format!("doc_status_{status}"))) } }
}

/// The checklist with one upload form per item (works without JavaScript).
fn dossier_card(
    f: &Frame<'_>,
    d: &Dossier,
    upload_error: Option<&(String, String)>,
    max_mb: u64,
) -> Markup {
    let l = f.lang;
    let open = d.claim.status == ClaimStatus::Open;
    let items = super::checklist::checklist_body(d, l);
    html! {
        script src="/static/upload.js" defer {}
        section.card.stack id="documents" {
            h2 { (t(l, "me_documents")) }
            @if d.ready {
                (notice("success", t(l, "dossier_ready")))
            } @else {
                (notice("info", t(l, "dossier_not_ready")))
            }
            p.small.muted { (t(l, "upload_rules").replace("{max_mb}", &max_mb.to_string())) }
            ul.checklist {
                @for (entry, body) in d.checklist.iter().zip(items.iter()) {
                    li.checklist-item id={ "item-" (entry.item) } {
                        div.checklist-head {
                            strong { (body.label) }
                            " " (status_tag(l, entry.status))
                        }
                        @if let Some(r) = &body.reason_text { p.field-error { (t(l, "rejected_because")) " " (r) } }
                        @for doc in d.current().filter(|doc| entry.accepts.iter().any(|k| k.code() == doc.kind)) {
                            // A div: a form inside a p would close it.
                            div.small.doc-line {
                                a href={ "/api/v1/claims/" (d.claim.id) "/documents/" (doc.id) "?inline=1" } target="_blank" rel="noopener" { (doc.original_name) }
                                " · " (crate::i18n::file_size(l, doc.size)) " · " (doc_version(l, doc.version))
                                @if open {
                                    form.inline-form method="post" action={ "/claims/" (d.claim.id) "/documents/" (doc.id) "/delete" } data-confirm=(t(l, "confirm_document_delete")) {
                                        (csrf_field(f.csrf))
                                        " " button.btn-link type="submit" { (t(l, "delete")) }
                                    }
                                }
                            }
                        }
                        @if let Some((msg, item)) = upload_error { @if item == entry.item { p.field-error role="alert" { (msg) } } }
                        @if open && entry.status != ItemStatus::Accepted {
                            form.form.upload-form method="post" enctype="multipart/form-data" action={ "/claims/" (d.claim.id) "/documents" } data-sending=(t(l, "upload_sending")) data-failed=(t(l, "upload_dropped")) {
                                (csrf_field(f.csrf))
                                input type="hidden" name="item" value=(entry.item);
                                @if entry.accepts.len() > 1 {
                                    label for={ "kind-" (entry.item) } { (t(l, "which_document")) }
                                    select id={ "kind-" (entry.item) } name="kind" {
                                        @for k in &entry.accepts {
                                            option value=(k.code()) { (match l { Lang::Id => k.label_id(), Lang::En => k.label_en() }) }
                                        }
                                    }
                                } @else if let Some(k) = entry.accepts.first() {
                                    input type="hidden" name="kind" value=(k.code());
                                }
                                label.visually-hidden for={ "file-" (entry.item) } { (body.label) }
                                (file_input(l, &format!("file-{}", entry.item), ".jpg,.jpeg,.png,.pdf,image/jpeg,image/png,application/pdf"))
                                @let verb = if entry.status == ItemStatus::Missing { t(l, "upload") } else { t(l, "upload_again") };
                                button.btn.btn-secondary type="submit" aria-label={ (verb) " — " (body.label) } { (verb) }
                            }
                        }
                    }
                }
            }
        }
    }
}
