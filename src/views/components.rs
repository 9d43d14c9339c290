//! Small pieces shared by pages: form fields with their errors, the error
//! summary, notices.

use maud::{html, Markup};

use super::layout::Frame;
use crate::i18n::{t, Lang};

/// A problem with one form field, already in the reader's language.
#[derive(Debug, Clone)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

pub fn error_for<'a>(errors: &'a [FieldError], field: &str) -> Option<&'a str> {
    errors
        .iter()
        .find(|e| e.field == field)
        .map(|e| e.message.as_str())
}

/// The box at the top of a form that lists every problem with a link to
/// its field (focus order: summary first).
pub fn error_summary(lang: Lang, errors: &[FieldError]) -> Markup {
    html! {
        @if !errors.is_empty() {
            div.error-summary role="alert" tabindex="-1" id="error-summary" autofocus {
                h2 { (t(lang, "form_has_errors")) }
                ul {
                    @for e in errors {
                        li { a href={ "#" (e.field) } { (e.message) } }
                    }
                }
            }
        }
    }
}

pub struct Input<'a> {
    pub name: &'a str,
    pub label: &'a str,
    pub kind: &'a str,
    pub value: &'a str,
    pub hint: Option<&'a str>,
    pub autocomplete: Option<&'a str>,
    pub inputmode: Option<&'a str>,
    pub required: bool,
}

impl<'a> Input<'a> {
    pub fn new(name: &'a str, label: &'a str) -> Self {
        Self {
            name,
            label,
            kind: "text",
            value: "",
            hint: None,
            autocomplete: None,
            inputmode: None,
            required: true,
        }
    }
    pub fn kind(mut self, k: &'a str) -> Self {
        self.kind = k;
        self
    }
    pub fn value(mut self, v: &'a str) -> Self {
        self.value = v;
        self
    }
    pub fn hint(mut self, h: &'a str) -> Self {
        self.hint = Some(h);
        self
    }
    pub fn autocomplete(mut self, a: &'a str) -> Self {
        self.autocomplete = Some(a);
        self
    }
    pub fn inputmode(mut self, m: &'a str) -> Self {
        self.inputmode = Some(m);
        self
    }
    pub fn optional(mut self) -> Self {
        self.required = false;
        self
    }

    pub fn render(&self, errors: &[FieldError]) -> Markup {
        let err = error_for(errors, self.name);
        let hint_id = format!("{}-hint", self.name);
        let err_id = format!("{}-error", self.name);
        let described = match (self.hint.is_some(), err.is_some()) {
            (true, true) => Some(format!("{hint_id} {err_id}")),
            (true, false) => Some(hint_id.clone()),
            (false, true) => Some(err_id.clone()),
            (false, false) => None,
        };
        html! {
            div.field.has-error[err.is_some()] {
                label for=(self.name) { (self.label) }
                @if let Some(h) = self.hint { p.hint id=(hint_id) { (h) } }
                @if let Some(e) = err { p.field-error id=(err_id) { (e) } }
                input id=(self.name) name=(self.name) type=(self.kind) value=(self.value)
                    required[self.required] autocomplete=[self.autocomplete] inputmode=[self.inputmode]
                    aria-invalid=[err.map(|_| "true")] aria-describedby=[described];
            }
        }
    }
}

pub fn csrf_field(token: &str) -> Markup {
    html! { input type="hidden" name="csrf" value=(token); }
}

/// Head office's branch picker above a branch's page (`GET action?branch=`):
/// every branch by name and time zone, `chosen` selected; `extra` goes in
/// the form before its button (the staff dashboard's day).
pub fn branch_picker(
    l: Lang,
    action: &str,
    branches: &[crate::db::branches::Branch],
    chosen: Option<&str>,
    extra: Markup,
) -> Markup {
    html! {
        form.search-bar method="get" action=(action) {
            label for="branch" { (t(l, "branch")) }
            select id="branch" name="branch" {
                @for b in branches {
                    option value=(b.code) selected[chosen == Some(b.code.as_str())] { (b.name) " (" (b.zone_label()) ")" }
                }
            }
            (extra)
            button.btn.btn-secondary type="submit" { (t(l, "show")) }
        }
    }
}

/// A grid of [`figure_card`]s under a heading for screen readers (`id`):
/// the cards' own headings sit one level below it, as everywhere else.
pub fn figure_grid(id: &str, title: &str, cards: Markup) -> Markup {
    html! {
        section.card-grid aria-labelledby=(id) {
            h2.visually-hidden id=(id) { (title) }
            (cards)
        }
    }
}

/// One figure on its card: the label, the figure large, and its unit under
/// it (none while the figure is not known yet, shown as "–").
pub fn figure_card(label: &str, figure: &str, unit: Option<&str>) -> Markup {
    html! {
        div.card {
            h3 { (label) }
            p.big-number { (figure) }
            @if let Some(u) = unit { p.small.muted { (u) } }
        }
    }
}

pub fn notice(kind: &str, text: &str) -> Markup {
    html! { div class={ "notice notice-" (kind) } role="status" { (text) } }
}

/// The head row of a data table whose first column is a number (`#`),
/// then one column per label key.
pub fn numbered_head(lang: Lang, keys: &[&str]) -> Markup {
    html! {
        thead { tr {
            th { "#" }
            @for k in keys { th { (t(lang, k)) } }
        } }
    }
}

/// A table's column headings: each a catalog key, and whether the column
/// holds figures (right-aligned, the heading free to wrap).
pub fn column_heads(lang: Lang, cols: &[(&str, bool)]) -> Markup {
    html! {
        thead { tr {
            @for &(k, figure) in cols {
                @if figure { th.num scope="col" { (t(lang, k)) } } @else { th scope="col" { (t(lang, k)) } }
            }
        } }
    }
}

/// The texts of a device page that is not activated yet.
pub struct Activation<'a> {
    /// Where the activation form posts.
    pub action: &'a str,
    pub lead: &'static str,
    pub button: &'static str,
    pub not_active: &'static str,
}

/// A device not activated yet: the form for the supervisor who may
/// activate it here, or else the notice and the supervisor's way to sign
/// in and come back (device pages have no site navigation).
pub fn device_activation(f: &Frame<'_>, can_activate: bool, a: &Activation<'_>) -> Markup {
    let l = f.lang;
    html! {
        @if can_activate {
            p { (t(l, a.lead)) }
            form method="post" action=(a.action) {
                (csrf_field(f.csrf))
                button.btn.btn-primary.btn-block type="submit" { (t(l, a.button)) }
            }
        } @else {
            (notice("warning", t(l, a.not_active)))
            p { a href={ "/staff/login?next=" (f.path) } { (t(l, "device_sign_in")) } }
        }
    }
}

/// The choice of where reminders go besides email (WhatsApp, SMS, email
/// only), a radio group named `name`; `chosen` is the current word.
pub fn message_choice(l: Lang, name: &str, chosen: &str, errors: &[FieldError]) -> Markup {
    let err = error_for(errors, name);
    let hint_id = format!("{name}-hint");
    let err_id = format!("{name}-error");
    let options = [
        ("whatsapp", "messages_whatsapp"),
        ("sms", "messages_sms"),
        ("none", "messages_none"),
    ];
    html! {
        fieldset.field.choice.has-error[err.is_some()]
            aria-describedby=(if err.is_some() { format!("{hint_id} {err_id}") } else { hint_id.clone() }) {
            legend { (t(l, "messages_legend")) }
            p.hint id=(hint_id) { (t(l, "messages_hint")) }
            @if let Some(e) = err { p.field-error id=(err_id) { (e) } }
            @for (i, (word, key)) in options.iter().enumerate() {
                @let id = if i == 0 { name.to_string() } else { format!("{name}-{word}") };
                label.choice-option for=(id) {
                    input type="radio" id=(id) name=(name) value=(word) checked[chosen == *word];
                    " " (t(l, key))
                }
            }
        }
    }
}

/// The choice of the messages' language, a radio group named `name`;
/// `chosen` is the current language.
pub fn language_choice(l: Lang, name: &str, chosen: Lang) -> Markup {
    html! {
        fieldset.field.choice {
            legend { (t(l, "messages_language_legend")) }
            @for (i, lang) in Lang::ALL.iter().enumerate() {
                @let id = if i == 0 { name.to_string() } else { format!("{name}-{}", lang.code()) };
                label.choice-option for=(id) lang=(lang.code()) {
                    input type="radio" id=(id) name=(name) value=(lang.code()) checked[chosen == *lang];
                    " " (t(l, &format!("messages_language_{}", lang.code())))
                }
            }
        }
    }
}

/// A required file field named `file` (its `label for=id` stays with the
/// form) that speaks the page's language: the browser's own picker says
/// "Choose File" and "No file chosen" in the browser's language, whatever
/// the page's. The input lies transparent over a face in the page's
/// language, whose file name `static/file.js` keeps up to date; without
/// scripts the browser's own picker shows (`static/antre.css`).
pub fn file_input(l: Lang, id: &str, accept: &str) -> Markup {
    let none = t(l, "file_none");
    html! {
        span.file-pick {
            input id=(id) type="file" name="file" accept=(accept) required;
            span.file-face aria-hidden="true" {
                span.file-button { (t(l, "file_choose")) }
                span.file-name data-none=(none) { (none) }
            }
        }
    }
}

/// Which upload of a document this is: "versi 2".
pub fn doc_version(l: Lang, version: i32) -> String {
    t(l, "doc_version").replace("{n}", &version.to_string())
}
