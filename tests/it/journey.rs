//! The participant's journey as a person on a phone makes it, in a real
//! headless Chromium at 390×844: from "Daftar" on the home page through
//! registration, the claim form, their page, the branch finder and a day's
//! sessions to the booking confirmation — by clicking links and buttons
//! and typing into fields, no request made by hand. Every page on the way
//! fits the screen (no sideways scroll) and has no critical or serious
//! axe-core violation; with `ANTRE_TEST_SCREENSHOTS=DIR` each is saved.
//! The layout does not depend on the database: SQLite only.
#![allow(clippy::unwrap_used)]

use chromiumoxide::Page;

use crate::common::chrome::{
    axe_source, axe_violations, chromium, screenshot_full, Chrome, BROWSER_LOCK,
};
use crate::common::{self, fixtures, TestApp, TestDb};
use crate::screens::{show, text, until};

/// 10:00 WITA on Monday 2026-11-23: Tuesday's sessions are open.
const CLOCK: &str = "2026-11-23T10:00:00+08:00";
const PHONE: (i64, i64) = (390, 844);

/// The page fits the phone's width, passes axe, and is saved as `name`.
async fn looked_at(page: &Page, axe: &str, name: &str) {
    until(page, 10, name, "document.readyState === 'complete'").await;
    let wide = text(
        page,
        "String(document.documentElement.scrollWidth - window.innerWidth)",
    )
    .await;
    assert_eq!(wide, "0", "{name} scrolls sideways by {wide} px");
    let violations = axe_violations(page, axe).await;
    assert!(violations.is_empty(), "{name}: {violations:#?}");
    screenshot_full(page, &format!("journey-{name}")).await;
}

/// Clicks the element `selector` and waits for the next page at `path`.
async fn click_to(page: &Page, selector: &str, path: &str) {
    let js = format!(
        "(() => {{ const e = document.querySelector({selector:?}); if (!e) return 'missing'; e.click(); return 'ok'; }})()"
    );
    assert_eq!(text(page, &js).await, "ok", "nothing to click: {selector}");
    let arrived = format!("location.pathname === {path:?} && document.readyState === 'complete'");
    until(page, 15, &format!("the page {path}"), &arrived).await;
}

/// Types `value` into the field with id `id`, as a person would leave it.
async fn type_into(page: &Page, id: &str, value: &str) {
    let js = format!(
        "(() => {{ const e = document.getElementById({id:?}); e.focus(); e.value = {value:?}; \
         e.dispatchEvent(new Event('input', {{bubbles: true}})); e.dispatchEvent(new Event('change', {{bubbles: true}})); \
         return e.value; }})()"
    );
    assert_eq!(text(page, &js).await, value, "field {id}");
}

async fn from_daftar_to_the_confirmation(db: TestDb, app: TestApp) {
    let Some(path) = chromium() else { return };
    let Some(axe) = axe_source() else { return };
    let _one_at_a_time = BROWSER_LOCK.lock().await;
    let chrome = Chrome::launch(path).await;
    let page = show(&chrome, &app, ("antre_probe", "1"), "/", PHONE).await;
    looked_at(&page, &axe, "home").await;

    // "Daftar": the registration form, filled in and sent.
    click_to(&page, "a[href='/register']", "/register").await;
    looked_at(&page, &axe, "register").await;
    let me = fixtures::registration(fixtures::unique());
    for field in ["nik", "kpj", "full_name", "email", "phone", "password"] {
        type_into(&page, field, me[field].as_str().unwrap()).await;
    }
    assert_eq!(
        text(&page, "(() => { document.getElementById('messages').click(); return document.querySelector('input[name=messages]:checked').value; })()").await,
        "whatsapp"
    );
    click_to(
        &page,
        "form[action='/register'] button[type=submit]",
        "/claims/new",
    )
    .await;
    looked_at(&page, &axe, "claim-form").await;

    // The claim: the reason first, then only its fields.
    type_into(&page, "reason", "resignation").await;
    let hidden_fields = text(
        &page,
        "String(['date_of_death', 'heir_is_child'].filter(n => { const e = document.querySelector(`[name=${n}]`); \
         return e && e.offsetParent !== null; }).length)",
    )
    .await;
    assert_eq!(hidden_fields, "0", "another reason's fields are shown");
    type_into(&page, "last_working_day", "2026-01-15").await;
    click_to(
        &page,
        "form[action='/claims/new'] button[type=submit]",
        "/me",
    )
    .await;
    looked_at(&page, &axe, "me").await;

    // The branch finder, the branch, the next day, "Pesan".
    click_to(&page, "main a[href='/branches']", "/branches").await;
    looked_at(&page, &axe, "branches").await;
    click_to(
        &page,
        "a[href='/branches/DPS-DENPASAR']",
        "/branches/DPS-DENPASAR",
    )
    .await;
    let next_day = "a[href^='/branches/DPS-DENPASAR?date=2026-11-24']";
    click_to(&page, next_day, "/branches/DPS-DENPASAR").await;
    until(
        &page,
        10,
        "Tuesday's sessions",
        "location.search.includes('2026-11-24')",
    )
    .await;
    looked_at(&page, &axe, "day").await;
    let pesan = "form[action='/bookings'] button[type=submit]";
    let named = text(
        &page,
        &format!("document.querySelector({pesan:?}).getAttribute('aria-label')"),
    )
    .await;
    assert!(named.starts_with("Pesan "), "{named}");
    click_to(&page, pesan, "/me/booking").await;
    looked_at(&page, &axe, "confirmation").await;

    // The confirmation: the code, the branch time with its zone, the day's
    // one instruction.
    let code = common::text(
        &db,
        "SELECT code AS s FROM bookings WHERE status = 'booked'",
    );
    let shown = text(&page, "document.querySelector('main').innerText").await;
    assert!(shown.contains(&code), "no booking code {code}: {shown}");
    assert!(shown.contains("WITA"), "no zone: {shown}");
    assert!(
        shown.contains("NIK") || shown.contains("video"),
        "no instruction: {shown}"
    );
    chrome.close().await;
}
crate::sqlite_only!(from_daftar_to_the_confirmation, clock = CLOCK);
