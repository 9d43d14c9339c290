//! Booking mails: each booking, reschedule and cancellation sends one mail
//! (text + HTML + an `antre.ics` invitation) to the participant, with the
//! session in the branch's local time and zone label, and the calendar
//! entry in UTC. A mail server that is down never fails a booking: the
//! outbox keeps the mail and delivers it once the server is back.
//! A backlog of many rounds (a rush's confirmations) goes out in one tick
//! of the worker, each mail once.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::common;
use crate::common::mime::Mail;
use crate::common::{fixtures, Backend, Options, TestApp, TestDb};
use crate::common::{free_port, under_ci};
use serde_json::Value;

const CLOCK: &str = "2026-11-23T07:00:00+07:00";

/// The value of a calendar property line (`NAME:value` or `NAME;params:value`).
/// The content type of a mail's calendar part, lower case.
fn ics_type(mail: &Mail) -> String {
    let ct = mail.ics().header("content-type").unwrap_or_default();
    ct.to_ascii_lowercase()
}

fn ics_prop(cal: &str, name: &str) -> Vec<String> {
    cal.lines()
        .filter_map(|l| {
            let (k, v) = l.split_once(':')?;
            let key = k.split(';').next()?;
            key.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
        })
        .collect()
}

// ---------------------------------------------------------------------------

/// The subject of the email-verification link every registration mails.
const VERIFY_SUBJECT: &str = "Verifikasi email Antre Anda";

/// The mails written so far, without the registrations' verification
/// links.
fn booking_mails(db: &TestDb) -> Vec<String> {
    common::mails(db)
        .into_iter()
        .filter(|m| !m.contains(VERIFY_SUBJECT))
        .collect()
}

/// Outbox rows other than verification links, with `filter` (SQL).
fn outbox_rows(db: &TestDb, filter: &str) -> i64 {
    common::count(
        db,
        &format!("SELECT COUNT(*) AS n FROM outbox WHERE subject <> '{VERIFY_SUBJECT}' {filter}"),
    )
}

/// Waits until there are `n` mails and returns them (oldest first); fails
/// if more than `n` appear.
async fn wait_mails(db: &TestDb, n: usize) -> Vec<String> {
    common::eventually(15, &format!("{n} mail(s)"), || async {
        let m = booking_mails(db);
        (m.len() >= n).then_some(m)
    })
    .await;
    // Give the worker a few more ticks to show any duplicate.
    tokio::time::sleep(Duration::from_millis(400)).await;
    let m = booking_mails(db);
    assert_eq!(m.len(), n, "expected exactly {n} mail(s), got {}", m.len());
    m
}

/// The mail in `now` that is not in `before`.
fn new_mail(before: &[String], now: &[String]) -> Mail {
    let fresh: Vec<&String> = now.iter().filter(|m| !before.contains(m)).collect();
    assert_eq!(fresh.len(), 1, "expected one new mail");
    Mail::parse(fresh[0])
}

fn slot_at(slots: &[Value], starts_at: &str) -> i64 {
    slots
        .iter()
        .find(|s| s["starts_at"] == starts_at)
        .and_then(|s| s["id"].as_i64())
        .unwrap_or_else(|| panic!("no session at {starts_at}: {slots:?}"))
}

/// Checks what every booking mail must show.
fn check_common(mail: &Mail, email: &str, code: &str) {
    assert!(
        mail.header("to").contains(email),
        "To: {}",
        mail.header("to")
    );
    assert!(
        mail.header("subject").contains(code),
        "Subject: {}",
        mail.header("subject")
    );
    let text = &mail.part("text/plain").body;
    let html = &mail.part("text/html").body;
    assert!(text.contains(code), "text lacks the booking code:\n{text}");
    assert!(html.contains(code), "HTML lacks the booking code:\n{html}");
    let cal = mail.calendar();
    assert!(cal.contains("BEGIN:VCALENDAR"), "{cal}");
    assert!(cal.contains("BEGIN:VEVENT"), "{cal}");
    let ct = ics_type(mail);
    assert!(ct.starts_with("text/calendar"), "ics content type: {ct}");
}

async fn booking_reschedule_and_cancel_send_mails(db: TestDb, app: TestApp) {
    let (m, claim) = fixtures::member_with_claim(&app).await;
    // Registration sends only its verification link, the claim nothing.
    common::eventually(15, "the verification link", || async {
        common::mails(&db)
            .iter()
            .any(|mail| mail.contains(VERIFY_SUBJECT))
            .then_some(())
    })
    .await;
    assert!(booking_mails(&db).is_empty(), "mail before any booking");

    let slots = fixtures::slots(&app, "DPS-DENPASAR", "2026-11-24").await;
    let eight = slot_at(&slots, "2026-11-24T08:00:00+08:00");
    let ten = slot_at(&slots, "2026-11-24T10:00:00+08:00");

    let code = fixtures::book(&app, &m.token, eight, claim).await;

    let after_book = wait_mails(&db, 1).await;
    let booked = Mail::parse(&after_book[0]);
    check_common(&booked, &m.email, &code);
    let text = &booked.part("text/plain").body;
    let html = &booked.part("text/html").body;
    // 08:00 WITA on Tuesday 24 November, in the branch's own time.
    for body in [text, html] {
        assert!(body.contains("24 November 2026"), "date missing:\n{body}");
        assert!(body.contains("08.00"), "branch-local time missing:\n{body}");
        assert!(body.contains("WITA"), "zone label missing:\n{body}");
    }
    assert!(text.contains("08:00"), "English time missing:\n{text}");
    assert!(
        !text.contains("07.00") && !text.contains("00.00 "),
        "time in another zone:\n{text}"
    );
    let cal = booked.calendar();
    assert_eq!(ics_prop(&cal, "DTSTART"), ["20261124T000000Z"], "{cal}");
    assert_eq!(ics_prop(&cal, "DTEND"), ["20261124T010000Z"], "{cal}");
    assert!(!cal.contains("METHOD:CANCEL"), "{cal}");
    let uid = ics_prop(&cal, "UID");
    assert_eq!(uid.len(), 1, "{cal}");

    // Reschedule: one more mail, at the new time.
    let (s, v) = fixtures::reschedule(&app, &m.token, &code, ten).await;
    assert_eq!(s, 200, "{v}");
    let after_move = wait_mails(&db, 2).await;
    let moved = new_mail(&after_book, &after_move);
    check_common(&moved, &m.email, &code);
    let text = &moved.part("text/plain").body;
    assert!(text.contains("10.00") && text.contains("WITA"), "{text}");
    let cal = moved.calendar();
    assert_eq!(ics_prop(&cal, "DTSTART"), ["20261124T020000Z"], "{cal}");
    assert!(
        !cal.contains("METHOD:CANCEL") && !cal.contains("STATUS:CANCELLED"),
        "{cal}"
    );
    assert_eq!(
        ics_prop(&cal, "UID"),
        uid,
        "the moved event must keep its UID"
    );

    // Cancel: one more mail that cancels the calendar entry.
    let (s, v) = fixtures::cancel(&app, &m.token, &code).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["status"], "cancelled", "{v}");
    let after_cancel = wait_mails(&db, 3).await;
    let cancelled = new_mail(&after_move, &after_cancel);
    check_common(&cancelled, &m.email, &code);
    let cal = cancelled.calendar();
    assert!(cal.contains("METHOD:CANCEL"), "{cal}");
    assert!(cal.contains("STATUS:CANCELLED"), "{cal}");
    assert_eq!(
        ics_prop(&cal, "UID"),
        uid,
        "the cancellation must name the booked event"
    );
    assert_eq!(ics_prop(&cal, "DTSTART"), ["20261124T020000Z"], "{cal}");
    let ct = ics_type(&cancelled);
    assert!(ct.contains("method=cancel"), "{ct}");

    // The calendar revisions never go backwards.
    let seq = |m: &Mail| -> i64 {
        ics_prop(&m.calendar(), "SEQUENCE")
            .first()
            .and_then(|s| s.parse().ok())
            .unwrap_or(0)
    };
    assert!(
        seq(&booked) <= seq(&moved) && seq(&moved) <= seq(&cancelled),
        "SEQUENCE went back"
    );

    assert_eq!(outbox_rows(&db, "AND sent_at IS NOT NULL"), 3);
    assert_eq!(outbox_rows(&db, ""), 3);
}
both_backends!(booking_reschedule_and_cancel_send_mails, clock = CLOCK);

/// Refused booking operations send nothing.
async fn refusals_send_no_mail(db: TestDb, app: TestApp) {
    let (m, claim) = fixtures::member_with_claim(&app).await;
    let slots = fixtures::slots(&app, "JYP-JAYAPURA", "2026-11-24").await;
    let first = slot_at(&slots, "2026-11-24T09:00:00+09:00");
    let code = fixtures::book(&app, &m.token, first, claim).await;
    let mails = wait_mails(&db, 1).await;
    let mail = Mail::parse(&mails[0]);
    // Jayapura: 09:00 WIT = 00:00 UTC.
    assert!(
        mail.part("text/plain").body.contains("09.00"),
        "{}",
        mail.raw
    );
    assert!(mail.part("text/plain").body.contains("WIT"), "{}", mail.raw);
    assert!(
        !mail.part("text/plain").body.contains("WITA"),
        "{}",
        mail.raw
    );
    assert_eq!(ics_prop(&mail.calendar(), "DTSTART"), ["20261124T000000Z"]);

    // A second booking (already booked) and a move to the same session fail
    // and send nothing.
    let (s, v) = fixtures::post_booking(&app, Some(&m.token), first, claim).await;
    assert!(s == 409 || s == 200, "{v}");
    let (s, v) = fixtures::reschedule(&app, &m.token, &code, first).await;
    assert!(s >= 400, "{v}");
    // Another participant cannot cancel it.
    let other = fixtures::register(&app).await;
    let (s, v) = fixtures::cancel(&app, &other.token, &code).await;
    assert_eq!(s, 404, "{v}");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(booking_mails(&db).len(), 1);
    assert_eq!(outbox_rows(&db, ""), 1);
}
both_backends!(refusals_send_no_mail, clock = CLOCK);

// ---------------------------------------------------------------------------
// A real SMTP server that is down at first.

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(rd) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in rd.filter_map(Result::ok) {
        let p = e.path();
        if p.is_dir() {
            out.extend(files_under(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// Whether aiosmtpd can run here (a notice when not; under CI its absence
/// fails the test).
fn have_smtpd() -> bool {
    if common::python_imports("aiosmtpd") {
        return true;
    }
    if under_ci() {
        panic!("CI=true but python3 cannot import aiosmtpd: install it (python3 -m pip install aiosmtpd); the SMTP delivery tests cannot be skipped in CI");
    }
    eprintln!("NOTICE: skipping an SMTP delivery test: python3 -m pip install aiosmtpd to run it");
    false
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn smtp_down_then_up_delivers_later() {
    if !have_smtpd() {
        return;
    }
    let Some(db) = TestDb::create(Backend::Sqlite) else {
        return;
    };
    let port = free_port();
    let app = TestApp::start(
        &db,
        &Options::clock(CLOCK).with_env("ANTRE_SMTP_URL", &format!("smtp://127.0.0.1:{port}")),
    );
    let (m, claim) = fixtures::member_with_claim(&app).await;
    let slots = fixtures::slots(&app, "DPS-DENPASAR", "2026-11-24").await;
    let slot = slot_at(&slots, "2026-11-24T09:00:00+08:00");
    // Nothing listens on the port: the booking still succeeds.
    let (s, v) = fixtures::post_booking(&app, Some(&m.token), slot, claim).await;
    assert_eq!(
        s, 201,
        "a mail server being down must not fail a booking: {v}"
    );
    let code = v["code"].as_str().expect("code").to_string();
    let (s, v) = fixtures::booking(&app, &m.token, &code).await;
    assert_eq!(s, 200, "{v}");

    // The delivery is tried, fails, and the mail stays in the outbox.
    tokio::time::sleep(Duration::from_secs(2)).await;
    common::eventually(10, "a failed delivery attempt", || async {
        (outbox_rows(&db, "AND attempts >= 1 AND sent_at IS NULL") == 1).then_some(())
    })
    .await;
    assert_eq!(outbox_rows(&db, ""), 1);
    assert!(
        common::mails(&db).is_empty(),
        "with SMTP configured nothing goes to the spool"
    );

    // Now the mail server comes up.
    let maildir = tempfile::tempdir().expect("tempdir");
    let mbox = maildir.path().join("mbox");
    let _smtpd = common::smtpd(port, Some(&mbox)).await;

    let delivered = common::eventually(25, "the mail to reach the SMTP server", || async {
        files_under(&mbox)
            .into_iter()
            .filter_map(|p| std::fs::read_to_string(p).ok())
            .find(|t| t.contains(&code))
    })
    .await;
    assert!(
        delivered.contains(&m.email),
        "delivered to the participant:\n{delivered}"
    );
    let mail = Mail::parse(&delivered);
    assert!(mail.header("subject").contains(&code));
    assert_eq!(ics_prop(&mail.calendar(), "DTSTART"), ["20261124T010000Z"]);
    common::eventually(10, "the outbox row to be marked sent", || async {
        (outbox_rows(&db, "AND sent_at IS NOT NULL") == 1).then_some(())
    })
    .await;
    // Exactly one copy arrives.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let copies = files_under(&mbox)
        .into_iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .filter(|t| t.contains(&code))
        .count();
    assert_eq!(copies, 1, "the mail was delivered more than once");
}

/// A rush's backlog: 300 mails already due when the server starts, its
/// mail worker ticking once in ten minutes. The first tick delivers them
/// all through a real SMTP server, each once (one round a tick, as
/// before, delivered 50 and left the rest for the next tick).
async fn a_backlog_goes_out_in_one_tick(backend: Backend) {
    if !have_smtpd() {
        return;
    }
    let Some(db) = TestDb::create(backend) else {
        return;
    };
    let port = free_port();
    let opts = Options::clock(CLOCK)
        .with_env("ANTRE_SMTP_URL", &format!("smtp://127.0.0.1:{port}"))
        .with_env("ANTRE_WORKER_INTERVAL_MS", "600000");
    // The first start migrates the database; the backlog is written
    // while no server runs.
    TestApp::start(&db, &opts).kill();
    const N: usize = 300;
    let rows: Vec<String> = (0..N)
        .map(|i| {
            format!(
                "('r{i}@contoh.id', 'Antre {i}', 'Halo {i}', '<p>Halo {i}</p>', \
                 '2026-11-22 23:00:00', '2026-11-22 23:00:00', 'email')"
            )
        })
        .collect();
    common::sql(
        &db,
        &format!(
            "INSERT INTO outbox (recipient, subject, body_text, body_html, created_at, \
             next_attempt_at, channel) VALUES {}",
            rows.join(", ")
        ),
    );
    let maildir = tempfile::tempdir().expect("tempdir");
    let mbox = maildir.path().join("mbox");
    let _smtpd = common::smtpd(port, Some(&mbox)).await;
    let _app = TestApp::start(&db, &opts);
    common::eventually(120, "the whole backlog marked sent", || async {
        (outbox_rows(&db, "AND sent_at IS NOT NULL") == N as i64).then_some(())
    })
    .await;
    let mut to: Vec<String> = files_under(&mbox)
        .into_iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .filter_map(|t| {
            t.lines()
                .find_map(|l| l.strip_prefix("To: ").map(|v| v.trim().to_string()))
        })
        .collect();
    to.sort();
    let delivered = to.len();
    to.dedup();
    assert_eq!((delivered, to.len()), (N, N), "each mail delivered once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_backlog_goes_out_in_one_tick_sqlite() {
    a_backlog_goes_out_in_one_tick(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_backlog_goes_out_in_one_tick_postgres() {
    a_backlog_goes_out_in_one_tick(Backend::Postgres).await;
}
