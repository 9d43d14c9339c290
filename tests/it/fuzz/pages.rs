//! The browser pages' forms: each kind of user (nobody, a participant with
//! a claim, a booking and a document, a CS agent on duty, a supervisor, an
//! admin, an auditor, an HR officer) signs in through the sign-in form,
//! follows the site's links from the home page, and sends every form it
//! finds — as the page wrote it (the CSRF token and hidden fields kept)
//! but with the visible fields, choices and files filled plausibly or
//! bent, and now and then a hidden field or the token itself bent. Search
//! forms (GET) are sent the same way. No answer may be a 5xx.

use super::{hostile, plausible_text, Known, Rng, BRANCH, CLOCK, NPP};
use crate::common::browser::{Browser, Page};
use crate::common::{files, TestApp, TestDb};
use reqwest::multipart::{Form, Part};
use serde_json::Value;
use std::collections::{BTreeSet, VecDeque};

/// Pages a user's crawl opens at most.
const PAGES: usize = 40;

/// One control of a form.
#[derive(Debug, Clone)]
enum Control {
    /// `type=hidden`: sent as written.
    Hidden(String),
    /// A text-like input (its `type`: text, email, date, number…, or
    /// `number` for a numeric keyboard) or a text area, with the value the
    /// page filled in.
    Text(String, String),
    /// A choice: a select's options, or the values of a radio group.
    Choice(Vec<String>),
    /// A checkbox and its value.
    Check(String),
    File,
}

#[derive(Debug, Clone)]
struct PageForm {
    /// The page it was found on (read again for a fresh CSRF token).
    page: String,
    action: String,
    post: bool,
    multipart: bool,
    controls: Vec<(String, Control)>,
    /// Named submit buttons (`name`, `value`): one is sent.
    buttons: Vec<(String, String)>,
}

/// The value of attribute `name` in an opening tag, unescaped.
fn attr(tag: &str, name: &str) -> Option<String> {
    let needle = format!(" {name}=\"");
    let at = tag.find(&needle)? + needle.len();
    let end = tag[at..].find('"')? + at;
    Some(
        tag[at..end]
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&"),
    )
}

/// Each opening tag `<NAME …>` in `html`, with what follows it.
fn tags<'a>(html: &'a str, name: &str) -> Vec<(&'a str, &'a str)> {
    let open = format!("<{name}");
    html.match_indices(&open)
        .map(|(at, _)| &html[at..])
        .filter(|rest| matches!(rest.as_bytes().get(open.len()), Some(b' ' | b'>')))
        .map(|rest| {
            let end = rest.find('>').map_or(rest.len(), |e| e + 1);
            (&rest[..end], &rest[end..])
        })
        .collect()
}

/// The forms of a page at `page`.
fn forms_of(html: &str, page: &str) -> Vec<PageForm> {
    let mut out = Vec::new();
    for (tag, rest) in tags(html, "form") {
        let body = &rest[..rest.find("</form>").unwrap_or(rest.len())];
        let method = attr(tag, "method").unwrap_or_default().to_lowercase();
        let mut controls: Vec<(String, Control)> = Vec::new();
        for (input, _) in tags(body, "input") {
            let Some(name) = attr(input, "name") else {
                continue;
            };
            let value = attr(input, "value").unwrap_or_default();
            let kind = attr(input, "type").unwrap_or_else(|| "text".into());
            let control = match kind.as_str() {
                "hidden" => Control::Hidden(value),
                "file" => Control::File,
                "checkbox" => Control::Check(value),
                "radio" => {
                    if let Some((_, Control::Choice(vs))) =
                        controls.iter_mut().find(|(n, _)| *n == name)
                    {
                        vs.push(value);
                        continue;
                    }
                    Control::Choice(vec![value])
                }
                "submit" | "button" | "reset" | "image" => continue,
                _ if attr(input, "inputmode").is_some_and(|m| m == "numeric" || m == "decimal") => {
                    Control::Text("number".into(), value)
                }
                other => Control::Text(other.to_string(), value),
            };
            controls.push((name, control));
        }
        for (select, rest) in tags(body, "select") {
            let Some(name) = attr(select, "name") else {
                continue;
            };
            let inner = &rest[..rest.find("</select>").unwrap_or(rest.len())];
            let options = tags(inner, "option")
                .into_iter()
                .filter_map(|(o, _)| attr(o, "value"))
                .collect();
            controls.push((name, Control::Choice(options)));
        }
        for (area, _) in tags(body, "textarea") {
            if let Some(name) = attr(area, "name") {
                controls.push((name, Control::Text("textarea".into(), String::new())));
            }
        }
        let buttons = tags(body, "button")
            .into_iter()
            .filter_map(|(b, _)| Some((attr(b, "name")?, attr(b, "value").unwrap_or_default())))
            .collect();
        out.push(PageForm {
            page: page.to_string(),
            action: attr(tag, "action").unwrap_or_else(|| page.to_string()),
            post: method == "post",
            multipart: attr(tag, "enctype").is_some_and(|e| e.contains("multipart")),
            controls,
            buttons,
        });
    }
    out
}

/// The site's own links worth following: pages, not files, feeds, the
/// language switch or signing out.
fn links_of(html: &str) -> Vec<String> {
    tags(html, "a")
        .into_iter()
        .filter_map(|(a, _)| attr(a, "href"))
        .filter(|h| h.starts_with('/') && !h.starts_with("//"))
        .map(|h| h.split('#').next().unwrap_or_default().to_string())
        .filter(|h| {
            ![
                "/static/", "/lang/", "/logout", "/api/", ".csv", "/events", "/file", "/letter",
            ]
            .iter()
            .any(|skip| h.contains(skip))
        })
        .collect()
}

/// What is wrong with a page's answer: a 5xx, or a refusal that is not a
/// page of the site (a browser would show a bare message).
fn judge(page: &Page) -> Option<String> {
    let page_like = page.content_type.starts_with("text/html") && page.html.contains("<html lang=");
    (page.status >= 500 || (page.status >= 400 && !page_like)).then(|| {
        let shown: String = page.html.chars().take(160).collect();
        format!("{} {}: {shown}", page.status, page.content_type)
    })
}

/// `path` with each number in it replaced by `with` (ids no one has).
fn bent_path(path: &str, with: &str) -> Option<String> {
    let (route, query) = path.split_once('?').unwrap_or((path, ""));
    let mut changed = false;
    let segments: Vec<String> = route
        .split('/')
        .map(
            |seg| match !seg.is_empty() && seg.bytes().all(|c| c.is_ascii_digit()) {
                true => {
                    changed = true;
                    with.to_string()
                }
                false => seg.to_string(),
            },
        )
        .collect();
    let q = if query.is_empty() {
        String::new()
    } else {
        format!("?{query}")
    };
    changed.then(|| format!("{}{q}", segments.join("/")))
}

/// A user's pages and forms, crawled from `start`; each page with an id in
/// its path is also asked for with ids that do not exist or do not parse
/// (what is wrong goes to `findings`).
async fn crawl(b: &Browser, start: &[&str], findings: &mut Vec<String>) -> Vec<PageForm> {
    let mut queue: VecDeque<String> = start.iter().map(|s| s.to_string()).collect();
    let mut seen: BTreeSet<String> = queue.iter().cloned().collect();
    let mut forms: Vec<PageForm> = Vec::new();
    let mut opened = 0;
    while let Some(path) = queue.pop_front() {
        if opened == PAGES {
            break;
        }
        opened += 1;
        for with in ["0", "abc", "99999999999999999999", "-1"] {
            if let Some(odd) = bent_path(&path, with) {
                let p = b.get(&odd).await;
                findings.extend(judge(&p).map(|w| format!("GET {odd}\n    → {w}")));
            }
        }
        let page = b.get(&path).await;
        findings.extend(judge(&page).map(|w| format!("GET {path}\n    → {w}")));
        if !page.content_type.starts_with("text/html") {
            continue;
        }
        for f in forms_of(&page.html, &path) {
            let shape = |f: &PageForm| {
                let names: Vec<&str> = f.controls.iter().map(|(n, _)| n.as_str()).collect();
                (f.action.clone(), names.join(","))
            };
            // Signing out, and turning this browser into a kiosk or a
            // booth (which signs its staff user out), end the crawl's
            // session: left out.
            let ends = f.action.contains("/logout") || f.action.ends_with("/activate");
            if !ends && !forms.iter().any(|g| shape(g) == shape(&f)) {
                forms.push(f);
            }
        }
        for link in links_of(&page.html) {
            if seen.insert(link.clone()) {
                queue.push_back(link);
            }
        }
    }
    forms
}

/// A value for a control: plausible, or (one time in `bend` per hundred)
/// hostile; `None` leaves it out.
fn fill(name: &str, control: &Control, bend: u64, rng: &mut Rng, known: &Known) -> Option<String> {
    let bent = |rng: &mut Rng| match hostile(rng) {
        Value::String(s) => s,
        other => other.to_string(),
    };
    if name == "csrf" {
        // The token is kept unless bent rarely: a wrong one is refused
        // before anything else runs.
        return match rng.chance(bend / 8) {
            true => Some(bent(rng)),
            false => match control {
                Control::Hidden(v) => Some(v.clone()),
                _ => None,
            },
        };
    }
    if rng.chance(bend) {
        return match rng.chance(15) {
            true => None,
            false => Some(bent(rng)),
        };
    }
    match control {
        Control::Hidden(v) => Some(v.clone()),
        Control::Check(v) => rng.chance(50).then(|| v.clone()),
        Control::Choice(options) if !options.is_empty() => Some(rng.pick(options).clone()),
        Control::Choice(_) | Control::File => None,
        Control::Text(_, filled) if !filled.is_empty() && rng.chance(50) => Some(filled.clone()),
        Control::Text(kind, _) => {
            let format = if kind == "date" { "date" } else { "" };
            match plausible_text(name, format, rng, known) {
                // A number the name does not explain: one the world has.
                Value::String(s) if kind == "number" && s == super::PLAIN => {
                    Some(known.id_for(name, rng).to_string())
                }
                Value::String(s) => Some(s),
                other => Some(other.to_string()),
            }
        }
    }
}

/// Sends `form` once, filled with `bend` percent of hostile values.
async fn send(
    b: &Browser,
    form: &PageForm,
    bend: u64,
    rng: &mut Rng,
    known: &Known,
) -> (u16, String, Option<String>) {
    // A fresh page for a fresh CSRF token (and its cookie).
    let source = b.get(&form.page).await;
    let fresh = forms_of(&source.html, &form.page)
        .into_iter()
        .find(|f| f.action == form.action)
        .unwrap_or_else(|| form.clone());
    let mut pairs: Vec<(String, String)> = Vec::new();
    let mut file = false;
    for (name, control) in &fresh.controls {
        if matches!(control, Control::File) {
            file = true;
            continue;
        }
        if let Some(v) = fill(name, control, bend, rng, known) {
            pairs.push((name.clone(), v));
        }
    }
    if !fresh.buttons.is_empty() {
        pairs.push(rng.pick(&fresh.buttons).clone());
    }
    let shown: String = format!("{pairs:?}").chars().take(300).collect();
    let what = format!(
        "{} {} (from {}) with {shown}",
        if fresh.post { "POST" } else { "GET" },
        fresh.action,
        fresh.page
    );
    let url = b.url(&fresh.action);
    let req = if !fresh.post {
        // (A URL stays within what browsers and proxies send.)
        for (_, v) in pairs.iter_mut() {
            *v = v.chars().take(2_000).collect();
        }
        b.client.get(url).query(&pairs)
    } else if fresh.multipart || file {
        let mut m = Form::new();
        for (k, v) in pairs {
            m = m.text(k, v);
        }
        if file {
            let (bytes, name) = match rng.below(4) {
                0 => (files::jpeg(16, 16), "ktp.jpg"),
                1 => (Vec::new(), ""),
                2 => (vec![0xFF; 2048], "../../berkas.pdf"),
                _ => (b"nik,kpj\n\"open,".to_vec(), "a.csv"),
            };
            m = m.part("file", Part::bytes(bytes).file_name(name.to_string()));
        }
        b.client.post(url).multipart(m)
    } else {
        b.client.post(url).form(&pairs)
    };
    let page = Page::of(req.send().await.expect("send")).await;
    (page.status, what, judge(&page))
}

async fn every_form_gets_an_answer(db: TestDb, app: TestApp) {
    let (seed, cases) = super::settings(8);
    let mut rng = Rng::from_seed(seed, 0);
    let super::Base { owner, known, .. } = super::base(&app, &db).await;
    let at = ["--branch", BRANCH];
    let users: Vec<(&str, Browser, Vec<&str>)> = vec![
        (
            "nobody",
            Browser::new(&app),
            vec!["/", "/login", "/register", "/password-reset"],
        ),
        (
            "participant",
            Browser::member(&app, &owner.email, &owner.password).await,
            vec!["/me", "/me/booking", "/me/contact", "/branches"],
        ),
        (
            "cs",
            Browser::new_staff(&app, &db, "cs", &at).await,
            vec!["/staff"],
        ),
        (
            "supervisor",
            Browser::new_staff(&app, &db, "supervisor", &at).await,
            vec!["/staff"],
        ),
        (
            "auditor",
            Browser::new_staff(&app, &db, "auditor", &[]).await,
            vec!["/staff"],
        ),
        (
            "hr",
            Browser::new_staff(&app, &db, "hr", &["--company", NPP]).await,
            vec!["/hr"],
        ),
        (
            "admin",
            Browser::new_staff(&app, &db, "admin", &[]).await,
            vec!["/staff"],
        ),
    ];
    let mut findings = Vec::new();
    let (mut sent, mut total_forms) = (0, 0);
    let mut statuses = std::collections::BTreeMap::new();
    for (who, browser, start) in &users {
        let forms = crawl(browser, start, &mut findings).await;
        total_forms += forms.len();
        for form in &forms {
            for case in 0..cases {
                let bend = [0, 4, 15, 40][case % 4];
                let (status, what, wrong) = send(browser, form, bend, &mut rng, &known).await;
                sent += 1;
                *statuses.entry(status).or_insert(0usize) += 1;
                if let Some(w) = wrong {
                    findings.push(format!("{what} as {who}\n    → {w}"));
                }
            }
        }
    }
    println!(
        "fuzz: {sent} forms sent ({total_forms} forms of {} users); answers {statuses:?}",
        users.len()
    );
    assert!(
        total_forms >= 30,
        "the crawl found only {total_forms} forms"
    );
    super::assert_no_findings(
        &findings,
        "answers wrong — a 5xx, or a refusal that is not a page",
    );
    super::assert_whole(&app, &db).await;
}
both_backends!(every_form_gets_an_answer, clock = CLOCK);
