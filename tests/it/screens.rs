//! The branch's screens as their users see them, in a real headless
//! Chromium: the CS console at 1440×900 shows all five seated booths'
//! video tiles at once; a kiosk activated by a supervisor in its own
//! browser cannot reach a staff page afterwards; and axe-core finds no
//! critical or serious accessibility violation on the console, the floor,
//! the kiosk, the board, a booth, the HR company page, the audit log, the
//! capacity planner, the charts of the floor and the agents page, the staff
//! accounts page and the participant's journey on a phone.
//!
//! Needs Chromium and axe-core (`.ci/run` installs both); without them the
//! test is skipped with a notice, except under `CI=true`, where it fails.
//! The layout does not depend on the database: SQLite only.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use serde_json::{json, Value};

use crate::common::chrome::{
    axe_mail_violations, axe_source, axe_violations, chromium, screenshot, screenshot_full,
    viewport, Chrome, BROWSER_LOCK,
};
use crate::common::mime::Mail;
use crate::common::{self, fixtures, TestApp, TestDb};

/// 08:40 WITA on Tuesday 2026-11-24.
const CLOCK: &str = "2026-11-24T08:40:00+08:00";
const BRANCH: &str = "DPS-DENPASAR";

async fn device(app: &TestApp, token: &str, body: Value) -> String {
    let v = fixtures::created(
        app,
        &format!("/api/v1/branches/{BRANCH}/devices"),
        token,
        body,
    )
    .await;
    v["token"].as_str().unwrap().to_string()
}

/// Evaluates `js` on `page` to a string.
pub(crate) async fn text(page: &chromiumoxide::Page, js: &str) -> String {
    page.evaluate(js).await.unwrap().into_value().unwrap()
}

/// Waits until `js` evaluates to true on `page`.
pub(crate) async fn until(page: &chromiumoxide::Page, secs: u64, what: &str, js: &str) {
    let deadline = std::time::Instant::now() + Duration::from_secs(secs);
    loop {
        let ok: bool = page
            .evaluate(js)
            .await
            .ok()
            .and_then(|v| v.into_value().ok())
            .unwrap_or(false);
        if ok {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// `path` opened with `cookie` on a screen of `size` CSS pixels, loaded.
pub(crate) async fn show(
    chrome: &Chrome,
    app: &TestApp,
    cookie: (&str, &str),
    path: &str,
    size: (i64, i64),
) -> chromiumoxide::Page {
    let page = chrome.open(app, cookie, path).await;
    viewport(&page, size.0, size.1).await;
    until(&page, 10, path, "document.readyState === 'complete'").await;
    // The page itself, not an error page in its place (a redirect to
    // another page is followed, as a browser does).
    let status = text(
        &page,
        "String(performance.getEntriesByType('navigation')[0].responseStatus)",
    )
    .await;
    assert_eq!(status, "200", "{path} answered {status}");
    let landed = text(&page, "location.pathname").await;
    assert!(
        !landed.ends_with("/login") || path.ends_with("/login"),
        "{path} sent to {landed}"
    );
    page
}

/// Whether the page, or one of its tables, scrolls sideways: a desk
/// screen shows a report's every column.
async fn scrolls_sideways(page: &chromiumoxide::Page) -> bool {
    let wide = text(
        page,
        "String(document.documentElement.scrollWidth > window.innerWidth \
         || [...document.querySelectorAll('.table-wrap')].some(w => w.scrollWidth > w.clientWidth))",
    )
    .await;
    wide == "true"
}

/// Fails naming `name` and `what` unless `js`, which lists what is wrong
/// on `page` as a string, finds nothing.
async fn assert_none(page: &chromiumoxide::Page, name: &str, what: &str, js: &str) {
    let found = text(page, js).await;
    assert_eq!(found, "", "{name}: {what}");
}

/// What every page opened is checked for, whatever its size or language:
/// each styled modifier has a rule, file fields in the page's language,
/// markup as written, no link or search leading nowhere.
async fn assert_page_sound(page: &chromiumoxide::Page, name: &str) {
    assert_modifiers_styled(page, name).await;
    assert_file_fields_in_language(page, name).await;
    assert_markup_as_written(page, name).await;
    assert_links_lead_somewhere(page, name).await;
}

/// Cards stand apart: no two visible cards (neither inside the other)
/// touch or overlap (the floor's sections once sat edge to edge).
async fn assert_cards_apart(page: &chromiumoxide::Page, name: &str) {
    assert_none(
        page,
        name,
        "cards touching",
        "(() => { const cards = [...document.querySelectorAll('.card')].filter(c => c.offsetParent); \
         const bad = []; \
         for (const a of cards) for (const b of cards) { \
           if (a === b || a.contains(b) || b.contains(a)) continue; \
           const r = a.getBoundingClientRect(), q = b.getBoundingClientRect(); \
           if (r.left - 7 < q.right && q.left < r.right + 7 && r.top - 7 < q.bottom && q.top < r.bottom + 7) \
             bad.push((a.querySelector('h2,h3') || a).textContent.trim().slice(0, 30)); } \
         return [...new Set(bad)].join(' | '); })()",
    )
    .await;
}

/// `page`, showing `path`, switched to English the way its reader does
/// (the language link), whose words run longer than Indonesian's.
async fn in_english(page: &chromiumoxide::Page, app: &TestApp, path: &str, name: &str) {
    let next = path
        .replace('?', "%3F")
        .replace('&', "%26")
        .replace('=', "%3D");
    page.goto(app.url(&format!("/lang/en?next={next}")))
        .await
        .unwrap();
    until(
        page,
        10,
        name,
        "document.documentElement.lang === 'en' && document.readyState === 'complete'",
    )
    .await;
}

/// The whole numbers a script on `page` writes as "a b …" (measurements).
async fn numbers<const N: usize>(page: &chromiumoxide::Page, script: &str) -> [i64; N] {
    let out = text(page, script).await;
    let numbers: Vec<i64> = out
        .split(' ')
        .map(|v| {
            v.parse()
                .unwrap_or_else(|_| panic!("not a number in {out:?}"))
        })
        .collect();
    numbers
        .try_into()
        .unwrap_or_else(|n| panic!("not {N} numbers: {n:?}"))
}

/// Every modifier of a styled component on the page (`tag tag-ok`,
/// `btn btn-primary`) has a rule of its own: a misspelt one shows the
/// component plain (the HR page's tags did, as `tag-success`).
async fn assert_modifiers_styled(page: &chromiumoxide::Page, name: &str) {
    assert_none(
        page,
        name,
        "classes without a rule",
        "(() => { const styled = new Set(); \
         const walk = rules => { for (const r of rules) { \
           if (r.selectorText) for (const m of r.selectorText.matchAll(/\\.([\\w-]+)/g)) styled.add(m[1]); \
           if (r.cssRules) walk(r.cssRules); } }; \
         for (const s of document.styleSheets) walk(s.cssRules); \
         const bad = new Set(); \
         for (const el of document.querySelectorAll('[class]')) for (const c of el.classList) { \
           const base = c.split('-')[0]; \
           if (base !== c && el.classList.contains(base) && styled.has(base) && !styled.has(c)) bad.add(c); } \
         return [...bad].join(' '); })()",
    )
    .await;
}

/// Every file field on the page speaks the page's language: the browser's
/// own picker ("Choose File", in the browser's language) lies transparent
/// over the whole of a face whose button is in the page's.
async fn assert_file_fields_in_language(page: &chromiumoxide::Page, name: &str) {
    assert_none(
        page,
        name,
        "file fields in the browser's language",
        "(() => { const want = document.documentElement.lang === 'en' ? 'Choose a file' : 'Pilih berkas'; \
         return [...document.querySelectorAll('input[type=file]')].filter(i => { \
           const pick = i.closest('.file-pick'), face = pick && pick.querySelector('.file-face'); \
           if (!face || getComputedStyle(i).opacity !== '0' || getComputedStyle(face).display === 'none') return true; \
           const a = i.getBoundingClientRect(), b = face.getBoundingClientRect(); \
           return Math.abs(a.left - b.left) > 1 || Math.abs(a.top - b.top) > 1 || Math.abs(a.width - b.width) > 1 || Math.abs(a.height - b.height) > 1 \
             || face.querySelector('.file-button').textContent.trim() !== want; \
         }).map(i => i.id).join(' '); })()",
    )
    .await;
}

/// The page's markup parses as written: the same count of each element
/// in the HTML sent as the browser's parser makes of it, and no id twice.
/// A block inside a `p` (the participant's delete form was) closes the
/// paragraph and leaves an empty one behind; a form inside a form is
/// dropped; a link inside a link is split. The page is fetched again and
/// parsed without its scripts, which add elements of their own.
async fn assert_markup_as_written(page: &chromiumoxide::Page, name: &str) {
    assert_none(
        page,
        name,
        "markup the parser changes",
        "(async () => { \
           const src = await (await fetch(location.href, {credentials: 'same-origin'})).text(); \
           const doc = new DOMParser().parseFromString(src, 'text/html'); \
           const bad = []; \
           for (const tag of ['p', 'div', 'form', 'a', 'button', 'label', 'select', 'table', 'tr', \
                              'ul', 'ol', 'li', 'dl', 'dt', 'dd', 'section', 'span', 'h1', 'h2', 'h3', \
                              'details', 'summary', 'nav', 'fieldset', 'strong', 'code', 'small']) { \
             const written = (src.match(new RegExp('<' + tag + '[\\\\s>]', 'g')) || []).length; \
             const parsed = doc.getElementsByTagName(tag).length; \
             if (written !== parsed) bad.push(tag + ' ' + written + ' → ' + parsed); \
           } \
           const ids = [...doc.querySelectorAll('[id]')].map(e => e.id); \
           bad.push(...new Set(ids.filter((id, i) => ids.indexOf(id) !== i).map(id => '#' + id))); \
           return bad.join(', '); })()",
    )
    .await;
}

/// Every link on the page leads somewhere its reader may go: no 4xx or
/// 5xx, no sign-in page for someone signed in (a dead end); nor does a
/// search or filter form sent as it stands (a refused value may be 422).
/// The language switch is left out (it would switch the rest of the
/// page's checks).
async fn assert_links_lead_somewhere(page: &chromiumoxide::Page, name: &str) {
    assert_none(
        page,
        name,
        "links or searches that lead nowhere",
        "(async () => { \
           const seen = new Set(), bad = []; \
           for (const a of document.querySelectorAll('a[href]')) { \
             const u = new URL(a.getAttribute('href'), location.href); \
             const key = u.pathname + u.search; \
             if (u.origin !== location.origin || u.pathname.startsWith('/lang/') || seen.has(key)) continue; \
             seen.add(key); \
             const r = await fetch(u, {credentials: 'same-origin'}); \
             const to = new URL(r.url).pathname; \
             if (r.status >= 400) bad.push(key + ' ' + r.status); \
             else if (to.endsWith('/login') && !u.pathname.endsWith('/login')) bad.push(key + ' → ' + to); \
           } \
           for (const f of document.querySelectorAll('form')) { \
             if ((f.getAttribute('method') || 'get').toLowerCase() !== 'get') continue; \
             const u = new URL(f.getAttribute('action') || location.href, location.href); \
             u.search = new URLSearchParams(new FormData(f)).toString(); \
             const r = await fetch(u, {credentials: 'same-origin'}); \
             const to = new URL(r.url).pathname; \
             if (r.status >= 500 || r.status === 403 || r.status === 404) bad.push('form ' + u.pathname + u.search + ' ' + r.status); \
             else if (to.endsWith('/login')) bad.push('form ' + u.pathname + ' → ' + to); \
           } \
           return bad.join(', '); })()",
    )
    .await;
}

/// A page switched to English holds no Indonesian of Antre's own: none
/// of the words every Indonesian sentence of the catalog is made of
/// (names of people, branches and companies are not among them).
async fn assert_all_english(page: &chromiumoxide::Page, name: &str) {
    assert_none(
        page,
        name,
        "Indonesian words on the English page",
        "(() => { const words = ['yang', 'untuk', 'Anda', 'belum', 'dengan', 'tidak', 'atau', 'dari', \
           'pada', 'sudah', 'akan', 'dapat', 'Simpan', 'Batal', 'Pilih', 'Unggah', 'Masuk', 'Keluar', \
           'Tanggal', 'jadwal', 'peserta', 'petugas', 'berkas', 'menit', 'hari', 'Ubah', 'Kirim']; \
         const said = document.body.innerText + ' ' + [...document.querySelectorAll('[aria-label],[title],[placeholder],[alt]')] \
           .map(e => [e.getAttribute('aria-label'), e.getAttribute('title'), e.getAttribute('placeholder'), e.getAttribute('alt')].join(' ')).join(' '); \
         const plain = said.replace(/\\S+@\\S+/g, ' '); \
         return words.map(w => [w, plain.match(new RegExp('(^|[^\\\\p{L}])' + w + '([^\\\\p{L}]|$)', 'iu'))]) \
           .filter(([, m]) => m).map(([w, m]) => w + ': …' + plain.slice(Math.max(0, m.index - 40), m.index + 40).replace(/\\s+/g, ' ') + '…').join(' | '); })()",
    )
    .await;
}

/// On a phone every control is big enough for a thumb: buttons, fields,
/// choices and disclosure heads at least 44 px tall and wide (checkboxes
/// and radio buttons count with their label).
async fn assert_thumb_sized(page: &chromiumoxide::Page, name: &str) {
    assert_none(
        page,
        name,
        "controls too small for a thumb",
        "[...document.querySelectorAll('main button, main .btn, main select, main summary, main textarea, \
           main input:not([type=hidden]):not([type=checkbox]):not([type=radio]), main label.choice-option')] \
         .filter(e => e.offsetParent && getComputedStyle(e).opacity !== '0') \
         .map(e => [e, e.getBoundingClientRect()]).filter(([, r]) => r.height < 44 || r.width < 44) \
         .map(([e, r]) => (e.textContent.trim().slice(0, 24) || e.name || e.tagName) + ' ' + Math.round(r.width) + '×' + Math.round(r.height)).join(' | ')",
    )
    .await;
}

/// A page to check: its name, the cookie it is opened with, its path and
/// the screen size (CSS pixels) it is laid out for.
type Screen<'a> = (&'a str, (&'a str, &'a str), String, (i64, i64));

async fn screens(db: TestDb, app: TestApp) {
    let Some(path) = chromium() else { return };
    let Some(axe) = axe_source() else { return };
    let _one_at_a_time = BROWSER_LOCK.lock().await;

    // A branch morning: five walk-ins seated with one agent, a sixth waits.
    let admin = fixtures::staff(&app, &db, "admin", &[]).await;
    let company =
        json!({"npp": "SCRN01", "name": "PT Layar", "headcount": 100, "branch_code": BRANCH});
    fixtures::created(&app, "/api/v1/admin/companies", &admin.token, company).await;
    let spv = fixtures::staff(&app, &db, "supervisor", &["--branch", BRANCH]).await;
    let cs = fixtures::staff(&app, &db, "cs", &["--branch", BRANCH]).await;
    let auditor = fixtures::staff(&app, &db, "auditor", &[]).await;
    let hr = fixtures::staff(&app, &db, "hr", &["--company", "SCRN01"]).await;
    let kiosk = device(&app, &spv.token, json!({"kind": "kiosk"})).await;
    let booth = device(&app, &spv.token, json!({"kind": "booth", "booth": 1})).await;
    let (status, v) = fixtures::set_status(&app, &cs.token, "on_duty").await;
    assert_eq!(status, 200, "{v}");
    for i in 0..6 {
        let nik = fixtures::nik(1 + i, 5, 1980, i % 2 == 0);
        fixtures::created(
            &app,
            &format!("/api/v1/branches/{BRANCH}/arrivals"),
            &kiosk,
            json!({"nik": nik}),
        )
        .await;
    }
    let (_, list) = app.get("/api/v1/console/sessions", Some(&cs.token)).await;
    assert_eq!(list.as_array().map(Vec::len), Some(5), "{list}");

    let chrome = Chrome::launch(path).await;

    // 1. The console at 1440×900: every seated booth's video tile is in
    //    view at once, the focused pane shows the work.
    let console = show(
        &chrome,
        &app,
        ("antre_session", &cs.token),
        "/console",
        (1440, 900),
    )
    .await;
    until(
        &console,
        15,
        "the console's focused pane",
        "!!document.querySelector('.console[data-focusing] .pane-focus')",
    )
    .await;
    let tiles = text(
        &console,
        "JSON.stringify(Array.from(document.querySelectorAll('.pane-video')).map(v => { const r = v.getBoundingClientRect(); \
         return [Math.round(r.left), Math.round(r.top), Math.round(r.right), Math.round(r.bottom)]; }))",
    )
    .await;
    let tiles: Vec<[i64; 4]> = serde_json::from_str(&tiles).unwrap();
    assert_eq!(tiles.len(), 5, "{tiles:?}");
    for t in &tiles {
        assert!(
            t[0] >= 0 && t[1] >= 0 && t[2] <= 1440 && t[3] <= 900 && t[2] - t[0] >= 200,
            "a video tile outside the 1440×900 screen or too small: {t:?} of {tiles:?}"
        );
    }
    // The focused video spans its pane; the bar's buttons stand in line
    // with its title.
    let [gap, off_line] = numbers(
        &console,
        "(() => { const v = document.querySelector('.pane-focus .pane-video').getBoundingClientRect(); \
         const p = document.querySelector('.pane-focus').getBoundingClientRect(); \
         const h = document.querySelector('.console-bar h1').getBoundingClientRect(); \
         const b = document.querySelector('.console-bar button').getBoundingClientRect(); \
         return [Math.round(p.right - v.right), Math.round(Math.abs((h.top + h.bottom) - (b.top + b.bottom)) / 2)].join(' '); })()",
    )
    .await;
    assert!(
        gap <= 20 && off_line <= 4,
        "the console: the focused video {gap} px short of its pane's edge, the bar's buttons {off_line} px off its title's line"
    );
    assert_page_sound(&console, "console").await;
    screenshot(&console, "console-1440").await;
    // The walk-in's registration, below the pane's fold: its message
    // choice is looked at where the agent scrolls to it.
    let scroll = "(() => { document.querySelector('.pane-focus select[name=language]').scrollIntoView({block: 'center'}); return 'ok'; })()";
    text(&console, scroll).await;
    // Only the work scrolls: the participant's video stays whole in view
    // above the field being filled (the name is typed off the e-KTP they
    // hold up to the camera).
    let [video_top, video_bottom, field_top, field_bottom] = numbers(
        &console,
        "(() => { const v = document.querySelector('.pane-focus .pane-video').getBoundingClientRect(); \
         const f = document.querySelector('.pane-focus select[name=language]').getBoundingClientRect(); \
         return [v.top, v.bottom, f.top, f.bottom].map(Math.round).join(' '); })()",
    )
    .await;
    assert!(
        video_top >= 0 && video_bottom <= field_top && field_bottom <= 900,
        "the walk-in's registration scrolled the focused video out of sight: video {video_top}..{video_bottom}, field {field_top}..{field_bottom} on a 900 px screen"
    );
    screenshot(&console, "console-walk-in").await;
    let back = "(() => { document.querySelectorAll('*').forEach(e => { e.scrollTop = 0; }); window.scrollTo(0, 0); return 'ok'; })()";
    text(&console, back).await;
    let detail = text(
        &console,
        "document.querySelector('.pane-focus .pane-detail').innerText",
    )
    .await;
    assert!(
        detail.contains("NIK"),
        "the focused pane's details: {detail}"
    );

    // 1b. Finishing a session waits out an undo window: "No show" holds the
    //     pane with an undo button; undo keeps the session; done again, it
    //     ends after the window and a toast says so.
    console
        .evaluate("window.confirm = () => true")
        .await
        .unwrap();
    let first = text(
        &console,
        "document.querySelector('.pane-focus .pane-ticket').textContent",
    )
    .await;
    let no_show = "document.querySelector('.pane-focus input[name=outcome][value=no_show]').form.querySelector('button').click()";
    console.evaluate(no_show).await.unwrap();
    until(
        &console,
        5,
        "the undo window",
        "!!document.querySelector('.toast-pending .toast-undo') && !!document.querySelector('.pane-pending')",
    )
    .await;
    screenshot(&console, "console-undo").await;
    console
        .evaluate("document.querySelector('.toast-pending .toast-undo').click()")
        .await
        .unwrap();
    until(
        &console,
        5,
        "the pane back after undo",
        "!document.querySelector('.pane-pending') && !document.querySelector('.toast-pending')",
    )
    .await;
    // Well past the window: nothing was sent.
    tokio::time::sleep(Duration::from_secs(6)).await;
    let open = |list: &Value, ticket: &str| {
        list.as_array()
            .unwrap()
            .iter()
            .any(|s| s["ticket"].as_str() == Some(ticket))
    };
    let (_, list) = app.get("/api/v1/console/sessions", Some(&cs.token)).await;
    assert!(open(&list, &first), "{first} ended despite undo: {list}");
    console.evaluate(no_show).await.unwrap();
    until(
        &console,
        15,
        "the toast after the finish",
        "Array.from(document.querySelectorAll('.toast-ok')).some(t => t.textContent.includes('selesai'))",
    )
    .await;
    let (_, list) = app.get("/api/v1/console/sessions", Some(&cs.token)).await;
    assert!(!open(&list, &first), "{first} still open: {list}");

    // 2. A kiosk activated in its own browser by a supervisor who signed
    //    in there: the browser keeps the kiosk and nothing of the staff.
    let kiosk_path = format!("/kiosk/{BRANCH}");
    let k = show(
        &chrome,
        &app,
        ("antre_lang", "id"),
        &kiosk_path,
        (1080, 1920),
    )
    .await;
    let sign_in = text(
        &k,
        "(document.querySelector('a[href^=\"/staff/login\"]') || {}).href || ''",
    )
    .await;
    assert!(
        sign_in.contains("next=/kiosk/"),
        "the supervisor's way in: {sign_in}"
    );
    k.goto(sign_in).await.unwrap();
    until(
        &k,
        10,
        "the sign-in form",
        "!!document.querySelector('input[name=password]')",
    )
    .await;
    k.evaluate(format!(
        "document.querySelector('input[name=email]').value = '{}'; document.querySelector('input[name=password]').value = '{}'; document.querySelector('input[name=password]').form.submit();",
        spv.email,
        fixtures::STAFF_PASSWORD
    ))
    .await
    .unwrap();
    until(
        &k,
        10,
        "the kiosk's activation form",
        "!!document.querySelector('form[action$=\"/activate\"]')",
    )
    .await;
    k.evaluate("document.querySelector('form[action$=\"/activate\"]').submit()")
        .await
        .unwrap();
    until(
        &k,
        10,
        "the activated kiosk",
        "!!document.querySelector('input[name=nik]')",
    )
    .await;
    let links = text(
        &k,
        "Array.from(document.querySelectorAll('a')).map(a => a.getAttribute('href')).join(' ')",
    )
    .await;
    assert!(
        !links.contains("/staff") && !links.contains("/login"),
        "links on the kiosk: {links}"
    );
    // Read from an arm's length on the kiosk's tall screen: the NIK field
    // centred, its text at least 40 px high.
    let [off_centre, font] = numbers(
        &k,
        "(() => { const r = document.querySelector('input[name=nik]').getBoundingClientRect(); \
         return [Math.round(r.left + r.right - window.innerWidth), \
         Math.round(parseFloat(getComputedStyle(document.querySelector('input[name=nik]')).fontSize))].join(' '); })()",
    )
    .await;
    assert!(
        off_centre.abs() <= 2 && font >= 40,
        "the kiosk's NIK field: {off_centre} px off centre, its text {font} px high"
    );
    assert_page_sound(&k, "kiosk").await;
    screenshot(&k, "kiosk").await;
    let kiosk_axe = axe_violations(&k, &axe).await;
    // A ticket: printable, with a QR code of its status page for the phone.
    k.evaluate(format!(
        "document.querySelector('input[name=nik]').value = '{}'; document.querySelector('input[name=nik]').form.submit();",
        fixtures::nik(21, 7, 1975, true)
    ))
    .await
    .unwrap();
    until(
        &k,
        10,
        "the kiosk ticket",
        "!!document.querySelector('.kiosk-qr svg')",
    )
    .await;
    screenshot(&k, "kiosk-ticket").await;
    let ticket_axe = axe_violations(&k, &axe).await;
    let status_url = text(&k, "document.querySelector('.kiosk-qr').dataset.statusUrl").await;
    let status_path = status_url.trim_start_matches(&app.base).to_string();
    assert!(status_path.starts_with("/tickets/"), "{status_url}");
    for staff_page in ["/staff", "/staff/floor", "/console", "/audit"] {
        k.goto(app.url(staff_page)).await.unwrap();
        until(&k, 10, staff_page, "document.readyState === 'complete'").await;
        let signed_in = text(
            &k,
            "String(!!document.querySelector('form[action=\"/logout\"]'))",
        )
        .await;
        assert_eq!(
            signed_in, "false",
            "the kiosk still signed in at {staff_page}"
        );
    }

    // 3. No critical or serious accessibility violation on the screens.
    let mut found = vec![
        ("kiosk".to_string(), kiosk_axe),
        ("kiosk ticket".to_string(), ticket_axe),
    ];
    found.push(("console".into(), axe_violations(&console, &axe).await));
    // A participant on a phone: a full day with its waiting line, their
    // place in line, the first free seats elsewhere; the supervisor's
    // closure form under the day.
    let full_day = "2026-11-25";
    let (mut booked, mut booked_code) = (None, String::new());
    for s in fixtures::slots(&app, BRANCH, full_day).await {
        let slot = s["id"].as_i64().unwrap();
        let (status, v) = app
            .put(
                &format!("/api/v1/admin/slots/{slot}/capacity"),
                Some(&admin.token),
                &json!({"capacity": 1}),
            )
            .await;
        assert_eq!(status, 200, "{v}");
        let (m, claim) = fixtures::member_with_claim(&app).await;
        booked_code = fixtures::book(&app, &m.token, slot, claim).await;
        booked = Some(m);
    }
    let booked = booked.expect("a booked participant");
    let (member, claim) = fixtures::member_with_claim(&app).await;
    let (status, place) = app
        .post(
            "/api/v1/waitlist",
            Some(&member.token),
            &json!({"branch": BRANCH, "date": full_day, "claim_id": claim}),
        )
        .await;
    assert_eq!(status, 201, "{place}");
    let (other, _) = fixtures::member_with_claim(&app).await;
    let newcomer = fixtures::register(&app).await;
    let phone = [
        (
            "day-full-phone",
            ("antre_session", other.token.as_str()),
            format!("/branches/{BRANCH}?date={full_day}"),
        ),
        (
            "waitlist-phone",
            ("antre_session", member.token.as_str()),
            format!("/waitlist/{}", place["id"]),
        ),
        (
            "first-free-phone",
            ("antre_session", other.token.as_str()),
            "/sessions/first-free".to_string(),
        ),
        // The journey: register, claim form, confirmation, own page.
        (
            "register-phone",
            ("antre_lang", "id"),
            "/register".to_string(),
        ),
        (
            "confirm-phone",
            ("antre_session", booked.token.as_str()),
            "/me/booking?done=booked".to_string(),
        ),
        (
            "me-phone",
            ("antre_session", booked.token.as_str()),
            "/me".to_string(),
        ),
        (
            "contact-phone",
            ("antre_session", booked.token.as_str()),
            "/me/contact".to_string(),
        ),
        (
            "claim-form-phone",
            ("antre_session", newcomer.token.as_str()),
            "/claims/new".to_string(),
        ),
        (
            "branches-phone",
            ("antre_session", other.token.as_str()),
            "/branches".to_string(),
        ),
        ("login-phone", ("antre_lang", "id"), "/login".to_string()),
        (
            "password-reset-phone",
            ("antre_lang", "id"),
            "/password-reset".to_string(),
        ),
        (
            "staff-login-phone",
            ("antre_lang", "id"),
            "/staff/login".to_string(),
        ),
    ];
    for (name, cookie, path) in &phone {
        let (name, cookie) = (*name, *cookie);
        for width in [390, 320] {
            let p = show(&chrome, &app, cookie, path, (width, 844)).await;
            let wide = text(
                &p,
                "String(document.documentElement.scrollWidth > window.innerWidth)",
            )
            .await;
            assert_eq!(wide, "false", "{name} scrolls sideways at {width} px");
            if width == 320 {
                in_english(&p, &app, path, name).await;
                assert_all_english(&p, name).await;
                let wide = text(
                    &p,
                    "String(document.documentElement.scrollWidth > window.innerWidth)",
                )
                .await;
                assert_eq!(
                    wide, "false",
                    "{name} in English scrolls sideways at 320 px"
                );
            }
            if width == 390 {
                // The journey's steps read as one line on a phone.
                let rows = text(
                    &p,
                    "String(new Set([...document.querySelectorAll('.steps .step')].map(s => Math.round(s.getBoundingClientRect().top))).size)",
                )
                .await;
                assert!(
                    rows == "0" || rows == "1",
                    "{name}: the steps on {rows} lines"
                );
                assert_page_sound(&p, name).await;
                assert_thumb_sized(&p, name).await;
                assert_cards_apart(&p, name).await;
                screenshot(&p, name).await;
                found.push((name.into(), axe_violations(&p, &axe).await));
            }
        }
    }
    upload_from_a_phone(&chrome, &app, &db, &booked.token).await;
    let closing = show(
        &chrome,
        &app,
        ("antre_session", &spv.token),
        &format!("/staff?date={full_day}"),
        (1440, 900),
    )
    .await;
    closing
        .evaluate("document.querySelector('details.closure').open = true")
        .await
        .unwrap();
    screenshot(&closing, "staff-closure").await;
    found.push(("staff-closure".into(), axe_violations(&closing, &axe).await));

    // A batch of 30 laid-off workers uploaded by the company's HR officer
    // (30 of 100: eligible, not yet submitted), and a claim with its
    // documents, for the pages that review them.
    let (status, v) = app
        .upload_file(
            "/api/v1/collective/batches",
            &hr.token,
            "phk.csv",
            crate::collective::batch(1, 30),
        )
        .await;
    assert_eq!(status, 201, "{v}");
    let batch = v["id"].as_i64().expect("batch id");
    let (reviewed, review_claim) = fixtures::member_with_claim(&app).await;
    fixtures::upload_dossier(&app, &reviewed.token, review_claim).await;
    // Booked at the branch, so its agents review it.
    let slot = fixtures::slots(&app, BRANCH, "2026-11-26").await[0]["id"]
        .as_i64()
        .expect("a slot");
    fixtures::book(&app, &reviewed.token, slot, review_claim).await;

    let pages: [Screen<'_>; 18] = [
        (
            "ticket-phone",
            ("antre_lang", "id"),
            status_path,
            (390, 844),
        ),
        (
            "floor",
            ("antre_session", &spv.token),
            "/staff/floor".into(),
            (1440, 900),
        ),
        (
            "floor-admin",
            ("antre_session", &admin.token),
            format!("/staff/floor?branch={BRANCH}"),
            (1440, 900),
        ),
        (
            "board",
            ("antre_lang", "id"),
            format!("/board/{BRANCH}"),
            (1920, 1080),
        ),
        (
            "booth",
            ("antre_device", &booth),
            format!("/booth/{BRANCH}/1"),
            (1280, 800),
        ),
        (
            "hr",
            ("antre_session", &hr.token),
            "/hr".into(),
            (1440, 900),
        ),
        (
            "audit",
            ("antre_session", &auditor.token),
            "/audit".into(),
            (1440, 900),
        ),
        (
            "audit-anomalies",
            ("antre_session", &auditor.token),
            "/audit/anomalies?from=2026-11-20&to=2026-11-24".into(),
            (1440, 900),
        ),
        (
            "staff-accounts",
            ("antre_session", &admin.token),
            "/staff/accounts".into(),
            (1440, 900),
        ),
        (
            "overview",
            ("antre_session", &auditor.token),
            "/audit/branches".into(),
            (1440, 900),
        ),
        (
            "staff-account",
            ("antre_session", &admin.token),
            format!("/staff/accounts/{}", cs.id),
            (1440, 900),
        ),
        (
            "hr-batch",
            ("antre_session", &hr.token),
            format!("/hr/batches/{batch}"),
            (1440, 900),
        ),
        (
            "staff-batches",
            ("antre_session", &spv.token),
            "/staff/batches".into(),
            (1440, 900),
        ),
        (
            "staff-batch",
            ("antre_session", &spv.token),
            format!("/staff/batches/{batch}"),
            (1440, 900),
        ),
        (
            "company",
            ("antre_session", &spv.token),
            "/staff/companies/SCRN01".into(),
            (1440, 900),
        ),
        (
            "claim-review",
            ("antre_session", &cs.token),
            format!("/staff/claims/{review_claim}"),
            (1440, 900),
        ),
        (
            "audit-claim",
            ("antre_session", &auditor.token),
            format!("/audit/claims/{review_claim}"),
            (1440, 900),
        ),
        (
            "outreach",
            ("antre_session", &cs.token),
            "/staff/outreach".into(),
            (1440, 900),
        ),
    ];
    for (name, cookie, path, size) in pages {
        let p = show(&chrome, &app, cookie, &path, size).await;
        if size.0 >= 1280 {
            assert!(
                !scrolls_sideways(&p).await,
                "{name} or a table of it scrolls sideways at {} px",
                size.0
            );
        }
        // A video's connection state is never veiled by another layer
        // (the booth's "please wait" covered it once).
        let veiled = text(
            &p,
            "String([...document.querySelectorAll('.video-status:not([hidden])')].some(s => { \
             const r = s.getBoundingClientRect(); \
             return !s.contains(document.elementFromPoint(r.left + 8, r.top + r.height / 2)); }))",
        )
        .await;
        assert_eq!(
            veiled, "false",
            "{name}: a video's state under another layer"
        );
        // Nor does it run under the participant's own picture.
        let crossed = text(
            &p,
            "String([...document.querySelectorAll('.video-status:not([hidden])')].some(s => { \
             const a = s.getBoundingClientRect(); \
             return [...document.querySelectorAll('.video-self')].some(v => { \
               const b = v.getBoundingClientRect(); \
               return b.width > 0 && a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom; }); }))",
        )
        .await;
        assert_eq!(
            crossed, "false",
            "{name}: a video's state under its self view"
        );
        assert_page_sound(&p, name).await;
        assert_cards_apart(&p, name).await;
        screenshot(&p, name).await;
        found.push((name.into(), axe_violations(&p, &axe).await));
        if size.0 >= 1280 {
            in_english(&p, &app, &path, name).await;
            assert_all_english(&p, name).await;
            assert_page_sound(&p, name).await;
            assert!(
                !scrolls_sideways(&p).await,
                "{name} or a table of it scrolls sideways at {} px in English",
                size.0
            );
        }
    }
    overview_updates_live(&chrome, &app, &auditor.token, &kiosk).await;
    // The capacity planner comparing three set-ups, and the charts of the
    // day on the floor and the auditor's agents page, whole pages.
    let planner =
        "/staff/planner?arrivals=20+28+24+16+12+14+10&service_minutes=10&distribution=exponential\
&target_wait=5&agents_1=3&seats_1=1&agents_2=3&seats_2=5&agents_3=2&seats_3=5";
    let charted: [Screen<'_>; 3] = [
        (
            "planner",
            ("antre_session", &spv.token),
            planner.into(),
            (1440, 900),
        ),
        (
            "floor-charts",
            ("antre_session", &spv.token),
            "/staff/floor".into(),
            (1440, 900),
        ),
        (
            "audit-agents",
            ("antre_session", &auditor.token),
            "/audit/agents".into(),
            (1440, 900),
        ),
    ];
    for (name, cookie, path, size) in charted {
        let p = show(&chrome, &app, cookie, &path, size).await;
        let charts = text(
            &p,
            "String(document.querySelectorAll('figure.chart svg[role=img]').length)",
        )
        .await;
        assert_ne!(charts, "0", "{name}: no chart");
        assert_page_sound(&p, name).await;
        assert_cards_apart(&p, name).await;
        assert!(
            !scrolls_sideways(&p).await,
            "{name} or a table of it scrolls sideways at 1440 px"
        );
        screenshot_full(&p, name).await;
        found.push((name.into(), axe_violations(&p, &axe).await));
    }
    // The morning's last changes, for the mails they send: the day's last
    // booking cancelled (its seat offered to the one waiting), its first
    // session closed, a new password asked for, a claim turned down with
    // the officer's note, a new agent invited.
    let before = common::mails(&db).len();
    let (status, v) = fixtures::cancel(&app, &booked.token, &booked_code).await;
    assert_eq!(status, 200, "{v}");
    let closure =
        json!({"date": full_day, "from": "08:00", "until": "09:00", "reason": "Listrik padam"});
    let closures = format!("/api/v1/branches/{BRANCH}/closures");
    let (status, v) = app.post(&closures, Some(&spv.token), &closure).await;
    assert_eq!(status, 201, "{v}");
    let reset = json!({"email": other.email});
    let (status, v) = app.post("/api/v1/auth/password-reset", None, &reset).await;
    assert_eq!(status, 202, "{v}");
    let (_, other_claim) = fixtures::member_with_claim(&app).await;
    let refusal =
        json!({"reason": "wrong_document", "note": "Foto buku tabungan terpotong di sisi kanan"});
    let (status, v) = app
        .post(
            &format!("/api/v1/claims/{other_claim}/reject"),
            Some(&admin.token),
            &refusal,
        )
        .await;
    assert_eq!(status, 200, "{v}");
    let invite = json!({"email": "agen.baru@bpjs.example.id", "name": "Agen Baru", "role": "cs", "branch": BRANCH});
    fixtures::created(&app, "/api/v1/staff", &admin.token, invite).await;
    common::eventually(20, "the last changes' mails", || async {
        (common::mails(&db).len() >= before + 7).then_some(())
    })
    .await;
    mails_on_a_phone(&chrome, &db, &axe, &mut found).await;
    let bad: Vec<_> = found.iter().filter(|(_, v)| !v.is_empty()).collect();
    assert!(bad.is_empty(), "accessibility violations: {bad:#?}");
    chrome.close().await;
}
crate::sqlite_only!(screens, clock = CLOCK);

/// The links of a plain-text half, in order.
fn text_links(half: &str) -> Vec<&str> {
    half.split_whitespace()
        .filter(|w| w.starts_with("http://") || w.starts_with("https://"))
        .collect()
}

/// Every kind of mail the morning sent, as a phone's mail app shows its
/// HTML: nothing off the side at 390 or 320 px; its Bahasa Indonesia half
/// and its English half lead to the same links, in the HTML and in the
/// plain text (an English reader once got no link to accept a held seat);
/// and axe-core's findings go with the pages'.
async fn mails_on_a_phone(
    chrome: &Chrome,
    db: &TestDb,
    axe: &str,
    found: &mut Vec<(String, Vec<String>)>,
) {
    let mut seen = std::collections::BTreeSet::new();
    for raw in common::mails(db) {
        let mail = Mail::parse(&raw);
        let html = mail.part("text/html").body.clone();
        let kind = html
            .split_once("<title>")
            .and_then(|(_, t)| t.split(['<', ':', '#']).next())
            .unwrap_or_default()
            .trim()
            .to_string();
        if !seen.insert(kind.clone()) {
            continue;
        }
        let name = format!("mail {kind}");
        let plain = &mail.part("text/plain").body;
        let (id, en) = plain
            .split_once("\n---\n")
            .unwrap_or_else(|| panic!("{name}: no rule between the languages:\n{plain}"));
        assert_eq!(
            text_links(id),
            text_links(en),
            "{name}: the text's halves:\n{plain}"
        );

        let page = chrome.browser().new_page("about:blank").await.unwrap();
        page.set_content(html).await.unwrap();
        for width in [390, 320] {
            viewport(&page, width, 800).await;
            assert!(
                !scrolls_sideways(&page).await,
                "{name} runs off the side at {width} px"
            );
        }
        let halves = text(
            &page,
            "JSON.stringify(['id', 'en'].map(l => [...document.querySelectorAll(`body [lang=${l}] a`)].map(a => a.href)))",
        )
        .await;
        let halves: [Vec<String>; 2] = serde_json::from_str(&halves).unwrap();
        assert_eq!(halves[0], halves[1], "{name}: the HTML's halves link apart");
        viewport(&page, 390, 800).await;
        screenshot_full(&page, &format!("mail-{}", seen.len())).await;
        found.push((name, axe_mail_violations(&page, axe).await));
    }
    eprintln!("screens: mails looked at: {seen:?}");
    assert!(
        seen.len() >= 2,
        "the morning sent {} kinds of mail",
        seen.len()
    );
}

/// The head office overview swaps in fresh figures by itself when a
/// branch's floor changes (its live stream), without a reload.
async fn overview_updates_live(chrome: &Chrome, app: &TestApp, auditor: &str, kiosk: &str) {
    let page = show(
        chrome,
        app,
        ("antre_session", auditor),
        "/audit/branches",
        (1440, 900),
    )
    .await;
    // Waiting plus being served: a new arrival adds one either way.
    let cell = format!(
        "(() => {{ const td = document.querySelectorAll('tr[data-branch=\"{BRANCH}\"] td'); \
         return String(Number(td[0].textContent) + Number(td[2].textContent)); }})()"
    );
    let before: u32 = text(&page, &cell).await.trim().parse().unwrap();
    page.evaluate("window.__same = 1").await.unwrap();
    // Let the page's stream connect before the floor changes.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    fixtures::created(
        app,
        &format!("/api/v1/branches/{BRANCH}/arrivals"),
        kiosk,
        json!({"nik": fixtures::nik(20, 6, 1979, false)}),
    )
    .await;
    let want = format!("{cell} === '{}' && window.__same === 1", before + 1);
    until(&page, 10, "the overview's live update", &want).await;
}

/// Sets a small PNG as the file of the first upload form on `page`, as
/// choosing it does (the `change` event).
const PICK_FILE: &str = "(() => {
    const bytes = Uint8Array.from(atob(window.__png), c => c.charCodeAt(0));
    const dt = new DataTransfer();
    dt.items.add(new File([bytes], 'ktp.png', {type: 'image/png'}));
    const form = document.querySelector('form.upload-form');
    const input = form.querySelector('input[type=file]');
    input.files = dt.files;
    input.dispatchEvent(new Event('change', {bubbles: true}));
    return form.querySelector('input[name=item]').value;
})()";

/// A document sent from a phone with the page's script: a progress bar
/// while it goes up, then the page with the check's result; a connection
/// that fails says so and leaves the form ready to send again, storing
/// nothing.
async fn upload_from_a_phone(chrome: &Chrome, app: &TestApp, db: &TestDb, token: &str) {
    use base64::Engine;
    let png = base64::engine::general_purpose::STANDARD.encode(crate::common::files::png(30, 20));
    let docs = || crate::common::count(db, "SELECT COUNT(*) AS n FROM documents");
    let before = docs();

    // The connection fails (an address the page may not reach).
    let p = show(chrome, app, ("antre_session", token), "/me", (390, 844)).await;
    p.evaluate(format!("window.__png = '{png}'")).await.unwrap();
    text(&p, PICK_FILE).await;
    p.evaluate(
        "(() => { const f = document.querySelector('form.upload-form'); \
         f.action = 'http://127.0.0.1:9/claims/0/documents'; f.requestSubmit(); })()",
    )
    .await
    .unwrap();
    until(
        &p,
        15,
        "the dropped-upload message",
        "!!document.querySelector('.upload-status.field-error')",
    )
    .await;
    let message = text(&p, "document.querySelector('.upload-status').textContent").await;
    assert!(message.contains("terputus"), "{message}");
    let ready = text(
        &p,
        "String(!document.querySelector('form.upload-form button[type=submit]').disabled)",
    )
    .await;
    assert_eq!(ready, "true", "the form can be sent again");
    assert_eq!(docs(), before, "nothing stored");

    // It goes up, with a progress bar, and the page shows the result.
    let p = show(chrome, app, ("antre_session", token), "/me", (390, 844)).await;
    p.evaluate(format!("window.__png = '{png}'")).await.unwrap();
    let item = text(&p, PICK_FILE).await;
    let chosen = text(
        &p,
        "document.querySelector('form.upload-form .file-name').textContent",
    )
    .await;
    assert_eq!(chosen, "ktp.png", "the chosen file on the field's face");
    p.evaluate(
        "(() => { sessionStorage.removeItem('sawProgress'); \
         new MutationObserver(() => { if (document.querySelector('.upload-status progress')) \
           sessionStorage.setItem('sawProgress', '1'); }).observe(document.body, {subtree: true, childList: true}); \
         document.querySelector('form.upload-form').requestSubmit(); })()",
    )
    .await
    .unwrap();
    until(
        &p,
        20,
        "the page after the upload",
        "location.search.includes('done=uploaded')",
    )
    .await;
    until(
        &p,
        10,
        "the page to load",
        "document.readyState === 'complete'",
    )
    .await;
    assert_eq!(text(&p, "location.hash").await, format!("#item-{item}"));
    // The page opens at that item (scrolling there smoothly).
    until(
        &p,
        10,
        "the uploaded item in view",
        &format!(
            "(() => {{ const r = document.getElementById('item-{item}').getBoundingClientRect(); \
             return r.top >= 0 && r.top < innerHeight / 2; }})()"
        ),
    )
    .await;
    assert_eq!(
        text(&p, "String(sessionStorage.getItem('sawProgress'))").await,
        "1"
    );
    assert_eq!(docs(), before + 1);
    assert_page_sound(&p, "upload-done-phone").await;
    assert_thumb_sized(&p, "upload-done-phone").await;
    screenshot(&p, "upload-done-phone").await;
}
