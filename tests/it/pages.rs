//! The server-rendered pages, driven like a browser: a cookie store, the
//! CSRF field of every form, 303 redirects after posts.
#![allow(clippy::unwrap_used)]

use crate::common;
use crate::common::browser::{forms, hidden, text_of, Browser, Page};
use crate::common::{fixtures, TestApp, TestDb};

const CLOCK: &str = "2026-11-23T07:00:00+07:00";
const DAY: &str = "2026-11-24";

fn assert_html(p: &Page, lang: &str, what: &str) {
    assert!(
        p.content_type.starts_with("text/html"),
        "{what}: content-type {:?}",
        p.content_type
    );
    assert!(
        p.html.contains(&format!("<html lang=\"{lang}\"")),
        "{what}: not <html lang=\"{lang}\">"
    );
}

fn registration_form(n: u32) -> Vec<(String, String)> {
    let b = fixtures::registration(n);
    ["nik", "kpj", "full_name", "email", "phone", "password"]
        .iter()
        .map(|k| (k.to_string(), b[*k].as_str().unwrap().to_string()))
        .collect()
}

/// Active bookings in the database.
fn booked(db: &TestDb) -> i64 {
    common::count(
        db,
        "SELECT COUNT(*) AS n FROM bookings WHERE status = 'booked'",
    )
}

fn pairs(v: &[(String, String)]) -> Vec<(&str, &str)> {
    v.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

// ---------------------------------------------------------------- public pages

async fn public_pages_render_in_indonesian(_db: TestDb, app: TestApp) {
    let b = Browser::new(&app);
    for path in ["/", "/register", "/login", "/staff/login", "/branches"] {
        let p = b.get(path).await;
        assert_eq!(p.status, 200, "{path}");
        assert_html(&p, "id", path);
    }
    let home = b.get("/").await;
    assert!(
        home.html.contains("Cari kantor cabang"),
        "home in Indonesian"
    );
    assert!(!home.html.contains("Find a branch"), "home has English");
    // Forms carry a CSRF token.
    for path in ["/register", "/login", "/staff/login"] {
        let p = b.get(path).await;
        assert!(
            hidden(&p.html, "csrf").is_some_and(|t| t.len() >= 20),
            "{path} without csrf"
        );
    }
}
sqlite_only!(public_pages_render_in_indonesian, clock = CLOCK);

async fn branch_finder_filters(_db: TestDb, app: TestApp) {
    let b = Browser::new(&app);
    let (s, all) = app.get("/api/v1/branches", None).await;
    assert_eq!(s, 200);
    let all = all.as_array().unwrap().clone();
    let papua: Vec<String> = all
        .iter()
        .filter(|x| x["province"].as_str().unwrap().contains("Papua"))
        .map(|x| x["code"].as_str().unwrap().to_string())
        .collect();
    assert!(papua.contains(&"JYP-JAYAPURA".to_string()), "{papua:?}");

    let p = b.get("/branches?q=papua").await;
    assert_eq!(p.status, 200);
    assert_html(&p, "id", "/branches?q=papua");
    let listed: Vec<String> = p
        .html
        .split("href=\"/branches/")
        .skip(1)
        .map(|s| s[..s.find('"').unwrap()].to_string())
        .collect();
    assert!(listed.contains(&"JYP-JAYAPURA".to_string()), "{listed:?}");
    assert!(p.html.contains("Kantor Cabang Jayapura"));
    assert!(!listed.contains(&"DPS-DENPASAR".to_string()), "{listed:?}");
    assert!(
        !p.html.contains("Kantor Cabang Denpasar"),
        "Denpasar listed for papua"
    );
    let mut l = listed.clone();
    l.sort();
    l.dedup();
    let mut e = papua.clone();
    e.sort();
    assert_eq!(l, e, "the Papua search lists other offices or misses some");

    // The full list has them all.
    let p = b.get("/branches").await;
    for x in &all {
        let code = x["code"].as_str().unwrap();
        assert!(
            p.html.contains(&format!("href=\"/branches/{code}\"")),
            "{code} not listed"
        );
    }
}
sqlite_only!(branch_finder_filters, clock = CLOCK);

async fn day_view_shows_local_times(_db: TestDb, app: TestApp) {
    let b = Browser::new(&app);
    let p = b.get(&format!("/branches/DPS-DENPASAR?date={DAY}")).await;
    assert_eq!(p.status, 200);
    assert_html(&p, "id", "day view");
    assert!(p.html.contains("WITA"), "no WITA label");
    for t in [
        "08.00–09.00",
        "09.00–10.00",
        "11.00–12.00",
        "13.00–14.00",
        "14.00–15.00",
    ] {
        assert!(p.html.contains(t), "{t} missing");
    }
    assert!(!p.html.contains("12.00–13.00"), "a lunch session is shown");
    assert!(
        !p.html.contains("07.00–08.00"),
        "times shown in WIB, not WITA"
    );
    // Signed out: no booking forms.
    assert!(forms(&p.html, "/bookings").is_empty());
    // Jayapura: WIT.
    let p = b.get(&format!("/branches/JYP-JAYAPURA?date={DAY}")).await;
    assert_eq!(p.status, 200);
    assert!(p.html.contains("WIT") && p.html.contains("08.00–09.00"));
    // Unknown branch: a 404 page.
    let p = b.get(&format!("/branches/NOPE-NOPE?date={DAY}")).await;
    assert_eq!(p.status, 404);
    assert_html(&p, "id", "unknown branch");
}
sqlite_only!(day_view_shows_local_times, clock = CLOCK);

async fn language_switch(_db: TestDb, app: TestApp) {
    let b = Browser::new(&app);
    let p = b.get("/lang/en?next=/").await;
    assert!(matches!(p.status, 302 | 303), "{}", p.status);
    assert_eq!(p.location, "/");
    let p = b.get("/").await;
    assert_eq!(p.status, 200);
    assert_html(&p, "en", "after /lang/en");
    assert!(
        p.html.contains("Find a branch"),
        "no English on the home page"
    );
    let p = b.get("/branches").await;
    assert_html(&p, "en", "/branches after /lang/en");
    let p = b.get("/lang/id?next=/branches").await;
    assert_eq!(p.location, "/branches");
    let p = b.get("/").await;
    assert_html(&p, "id", "back to Indonesian");
}
sqlite_only!(language_switch, clock = CLOCK);

async fn language_switch_stays_on_the_site(_db: TestDb, app: TestApp) {
    let b = Browser::new(&app);
    // The switch redirects only to local paths.
    for next in [
        "//evil.example/x",
        "https://evil.example/",
        "/\\evil.example",
        "/\t/evil.example",
    ] {
        let q = url::form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>();
        let p = b.get(&format!("/lang/id?next={q}")).await;
        // Browsers drop tabs and line breaks from URLs before using them.
        let seen: String = p
            .location
            .chars()
            .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
            .collect();
        assert!(
            seen.starts_with('/') && !seen.starts_with("//"),
            "{next:?} → {:?}",
            p.location
        );
        assert!(!seen.contains("evil"), "{next:?} → {:?}", p.location);
    }
}
sqlite_only!(language_switch_stays_on_the_site, clock = CLOCK);

async fn access_and_not_found_pages(_db: TestDb, app: TestApp) {
    let anon = Browser::new(&app);
    for path in ["/me", "/claims/new", "/staff"] {
        let p = anon.get(path).await;
        assert_eq!(p.status, 303, "{path} signed out");
        assert!(p.location.starts_with("/login"), "{path} → {}", p.location);
    }
    let p = anon.get("/tidak-ada").await;
    assert_eq!(p.status, 404);
    assert_html(&p, "id", "unknown page");
    assert!(p.html.contains("Tidak ditemukan"));

    // A participant on the staff page: 403 page.
    let m = fixtures::register(&app).await;
    let b = Browser::new(&app);
    let (p, _) = b.sign_in("/login", &m.email, &m.password, None).await;
    assert_eq!(p.status, 303);
    assert_eq!(p.location, "/me");
    let p = b.get("/staff").await;
    assert_eq!(p.status, 403);
    assert_html(&p, "id", "/staff as a participant");
    assert!(p.html.contains("Akses ditolak"));
    // The participant cannot sign in on the staff form either.
    let other = Browser::new(&app);
    let (p, _) = other
        .sign_in("/staff/login", &m.email, &m.password, None)
        .await;
    assert_ne!(p.status, 303, "a participant signed in as staff");
}
sqlite_only!(access_and_not_found_pages, clock = CLOCK);

/// A form the server cannot read, or a page address whose id is not a
/// number, is refused with a page of the site in the reader's language —
/// with the way back to the page the reader came from — never the API's
/// bare JSON message.
async fn unreadable_forms_and_addresses_get_a_page(db: TestDb, app: TestApp) {
    let b = Browser::new_staff(&app, &db, "supervisor", &["--branch", "DPS-DENPASAR"]).await;
    let csrf = b.csrf("/staff").await;
    let from = b.url("/staff?branch=DPS-DENPASAR");
    // A field missing, then a number no field holds: refused before the
    // handler runs, as a page naming the field, with the way back.
    let cases = [
        (
            "/staff/slots/1/capacity",
            vec![("branch", "DPS-DENPASAR"), ("date", "2026-11-24")],
            "Kolom &quot;capacity&quot; wajib diisi.",
        ),
        (
            "/staff/sessions/1/reassign",
            vec![("to_agent", "99999999999999999999")],
            "Isi kolom &quot;to_agent&quot; tidak valid.",
        ),
    ];
    let post = |to: &str, form: Vec<(&str, &str)>| {
        let req = b
            .client
            .post(b.url(to))
            .header("referer", &from)
            .form(&form);
        async move { Page::of(req.send().await.unwrap()).await }
    };
    for (to, fields, said) in cases {
        let mut form = vec![("csrf", csrf.as_str())];
        form.extend(fields);
        let p = post(to, form).await;
        assert_eq!(p.status, 400, "{to}: {}", p.html);
        assert_html(&p, "id", "an unreadable form");
        assert!(
            p.html.contains(said),
            "{to}: the field is not named: {}",
            p.html
        );
        assert!(
            p.html.contains("href=\"/staff?branch=DPS-DENPASAR\"")
                && p.html.contains("Kembali ke halaman sebelumnya")
                && p.html.contains("Kembali ke beranda"),
            "no way back: {}",
            p.html
        );
    }
    // A number typed where the browser's range was got around is the
    // setting's own sentence, not the form reader's field name.
    for typed in ["99999999999999999999", "9", "lima"] {
        let form = vec![("csrf", csrf.as_str()), ("seats_per_agent", typed)];
        let p = post("/staff/floor/DPS-DENPASAR/settings", form).await;
        assert_eq!(p.status, 422, "seats {typed}: {}", p.html);
        assert!(
            p.html
                .contains("Jumlah kursi per petugas harus 1 sampai 6.")
                && !p.html.contains("seats_per_agent&quot;"),
            "seats {typed}: {}",
            p.html
        );
    }
    let p = b.get("/booth/DPS-DENPASAR/bukan-angka").await;
    assert_eq!(p.status, 404);
    assert_html(&p, "id", "an address whose id is not a number");
    assert!(p.html.contains("Tidak ditemukan"), "{}", p.html);
    assert!(
        !p.html.contains("halaman sebelumnya"),
        "no page to go back to"
    );
}
sqlite_only!(unreadable_forms_and_addresses_get_a_page, clock = CLOCK);

// ---------------------------------------------------------------- registration form

async fn bad_registration_form_keeps_the_values(db: TestDb, app: TestApp) {
    let b = Browser::new(&app);
    let csrf = b.csrf("/register").await;
    let mut form = registration_form(fixtures::unique());
    form[0].1 = "31710101".into(); // NIK too short
    form[5].1 = "Rahasia-Ku-9876".into();
    let mut fields = pairs(&form);
    fields.push(("csrf", &csrf));
    let p = b.post("/register", &fields).await;
    assert_eq!(p.status, 422);
    assert_html(&p, "id", "bad registration");
    assert!(p.html.contains("error-summary"), "no error summary");
    assert!(
        p.html.contains("href=\"#nik\""),
        "the summary does not point at the NIK field"
    );
    for (k, v) in &form[..5] {
        assert_eq!(
            hidden(&p.html, k).as_deref(),
            Some(v.as_str()),
            "{k} not kept"
        );
    }
    assert!(
        !p.html.contains("Rahasia-Ku-9876"),
        "the password is sent back"
    );
    assert_eq!(hidden(&p.html, "password").unwrap_or_default(), "");
    assert_eq!(
        common::count(&db, "SELECT COUNT(*) AS n FROM participants"),
        0
    );

    // Without the CSRF field: 403 and nothing stored.
    let good = registration_form(fixtures::unique());
    let p = b.post("/register", &pairs(&good)).await;
    assert_eq!(p.status, 403);
    assert_html(&p, "id", "register without csrf");
    let mut wrong = pairs(&good);
    wrong.push(("csrf", "0123456789abcdefghijklmnopqrstuv"));
    let p = b.post("/register", &wrong).await;
    assert_eq!(p.status, 403);
    assert_eq!(
        common::count(&db, "SELECT COUNT(*) AS n FROM participants"),
        0
    );
}
sqlite_only!(bad_registration_form_keeps_the_values, clock = CLOCK);

// ---------------------------------------------------------------- the participant's flow

async fn participant_flow(db: TestDb, app: TestApp) {
    let b = Browser::new(&app);

    // Register: straight in, on to the claim form.
    let csrf = b.csrf("/register").await;
    let form = registration_form(fixtures::unique());
    let mut fields = pairs(&form);
    fields.push(("csrf", &csrf));
    let p = b.post("/register", &fields).await;
    assert_eq!(p.status, 303, "{}", p.html);
    assert!(p.location.starts_with("/claims/new"), "{}", p.location);
    let p = b.get(&p.location).await;
    assert_eq!(p.status, 200);
    let csrf = hidden(&p.html, "csrf").expect("csrf on the claim form");
    // The step indicator: account done, claim current.
    assert!(p.html.contains("step step-done"), "no done step");
    assert!(p.html.contains(r#"aria-current="step""#), "no current step");

    // A claim too early: the waiting period's refusal sits on the date it
    // is about, and the form sent back shows only that reason's fields.
    let early = b
        .post(
            "/claims/new",
            &[
                ("csrf", &csrf),
                ("reason", "resignation"),
                ("last_working_day", "2026-11-20"),
            ],
        )
        .await;
    assert_eq!(early.status, 422, "{}", early.html);
    assert!(
        early.html.contains(r#"id="last_working_day-error""#),
        "the refusal is on the date: {}",
        early.html
    );
    assert!(!early.html.contains(r#"id="reason-error""#));
    assert!(!early.html.contains(r#"name="date_of_death""#));
    assert!(!early.html.contains(r#"name="heir_is_child""#));

    // Open a claim.
    let p = b
        .post(
            "/claims/new",
            &[
                ("csrf", &csrf),
                ("reason", "resignation"),
                ("last_working_day", "2026-01-15"),
            ],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.html);
    assert!(p.location.starts_with("/me"), "{}", p.location);
    assert_eq!(
        common::count(
            &db,
            "SELECT COUNT(*) AS n FROM claims WHERE status = 'open'"
        ),
        1
    );
    // The claim form again (the back button, a bookmark): the claim in
    // progress, not a form whose sending would be refused.
    let again = b.get("/claims/new").await;
    assert_eq!(
        (again.status, again.location.as_str()),
        (303, "/me?done=claim_in_progress")
    );
    let me = b.get(&again.location).await;
    assert!(
        me.html
            .contains("Anda masih memiliki klaim yang sedang diproses"),
        "{}",
        me.html
    );

    // The day view offers "Pesan" on every session.
    let day = b.get(&format!("/branches/DPS-DENPASAR?date={DAY}")).await;
    assert_eq!(day.status, 200);
    assert!(day.html.contains("Pesan"), "no Pesan buttons");
    let offers = forms(&day.html, "/bookings");
    let slots = fixtures::slots(&app, "DPS-DENPASAR", DAY).await;
    assert_eq!(offers.len(), slots.len(), "one booking form per session");
    // Each "Pesan" names its session for a screen reader.
    let names: std::collections::BTreeSet<&str> = day
        .html
        .split(r#"aria-label="Pesan "#)
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect();
    assert_eq!(names.len(), offers.len(), "{names:?}");
    let slot_id = hidden(offers[1], "slot_id").expect("slot_id");
    let claim_id = hidden(offers[1], "claim_id").expect("claim_id");
    let form_csrf = hidden(offers[1], "csrf").expect("csrf in the booking form");
    assert_eq!(slot_id, slots[1]["id"].to_string());

    // Without the token: 403, no booking.
    let p = b
        .post(
            "/bookings",
            &[("slot_id", &slot_id), ("claim_id", &claim_id)],
        )
        .await;
    assert_eq!(p.status, 403);
    let p = b
        .post(
            "/bookings",
            &[
                ("csrf", "x".repeat(32).as_str()),
                ("slot_id", &slot_id),
                ("claim_id", &claim_id),
            ],
        )
        .await;
    assert_eq!(p.status, 403);
    assert_eq!(common::count(&db, "SELECT COUNT(*) AS n FROM bookings"), 0);

    // Book.
    let p = b
        .post(
            "/bookings",
            &[
                ("csrf", &form_csrf),
                ("slot_id", &slot_id),
                ("claim_id", &claim_id),
            ],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.html);
    assert_eq!(p.location, "/me/booking?done=booked");
    // The confirmation: code, QR, the branch's time and zone, one
    // instruction for the day (video from home, or the kiosk with the NIK).
    let confirm = b.get(&p.location).await;
    assert_eq!(confirm.status, 200);
    let confirmed = text_of(&confirm.html, "booking-code").expect("code on the confirmation");
    assert!(confirm.html.contains("<svg"), "no QR code");
    assert!(confirm.html.contains("WITA"));
    assert!(confirm.html.contains("masukkan NIK"), "kiosk instruction");
    assert!(confirm.html.contains(&format!("/session/{confirmed}")));
    assert!(confirm.html.contains("Apa selanjutnya"));
    assert!(confirm.html.contains("Jadwal tercatat"), "flash");
    let me = b.get("/me").await;
    assert_eq!(me.status, 200);
    let code = text_of(&me.html, "booking-code").expect("booking code on /me");
    assert_eq!(code, confirmed);
    assert_eq!(code.chars().count(), 8, "{code:?}");
    assert!(me.html.contains("<svg"), "no QR code");
    assert!(
        me.html.contains("08.00") || me.html.contains("09.00"),
        "no session time"
    );
    assert!(me.html.contains("WITA"));
    assert_eq!(booked(&db), 1);
    let after = fixtures::slots(&app, "DPS-DENPASAR", DAY).await;
    assert_eq!(after[1]["booked"], 1);
    // The API (cookie, safe method) sees the same booking.
    let res = b
        .client
        .get(format!("{}/api/v1/bookings/{code}", b.base))
        .send()
        .await
        .expect("GET");
    let (s, v) = common::json_of(res).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["slot_id"].to_string(), slot_id);

    // Cancel without the token: 403, still booked.
    let cancel = format!("/bookings/{code}/cancel");
    let cancel_forms = forms(&me.html, &cancel);
    assert_eq!(cancel_forms.len(), 1, "no cancel form on /me");
    let p = b.post(&cancel, &[]).await;
    assert_eq!(p.status, 403);
    assert_eq!(booked(&db), 1);
    // Cancel.
    let csrf = hidden(cancel_forms[0], "csrf").expect("csrf");
    let p = b.post(&cancel, &[("csrf", &csrf)]).await;
    assert_eq!(p.status, 303, "{}", p.html);
    let me = b.get("/me").await;
    assert_eq!(me.status, 200);
    assert!(
        !me.html.contains(&code),
        "/me still shows the cancelled booking"
    );
    assert_eq!(booked(&db), 0);
    let after = fixtures::slots(&app, "DPS-DENPASAR", DAY).await;
    assert_eq!(after[1]["booked"], 0);

    // Sign out with the header form; /me then sends to the sign-in page.
    let csrf = hidden(&me.html, "csrf").unwrap();
    let p = b.post("/logout", &[("csrf", &csrf)]).await;
    assert_eq!(p.status, 303);
    let p = b.get("/me").await;
    assert_eq!(p.status, 303);
    assert!(p.location.starts_with("/login"));
}
both_backends!(participant_flow, clock = CLOCK);

// ---------------------------------------------------------------- staff

/// Each staff role lands where its work is and its header links to that
/// work, with a sign-out control; a page's link to itself is marked.
async fn staff_roles_land_on_their_work(db: TestDb, app: TestApp) {
    let roles: [(&str, &[&str], &[&str]); 5] = [
        ("cs", &["--branch", "DPS-DENPASAR"], &["/console", "/staff"]),
        (
            "supervisor",
            &["--branch", "DPS-DENPASAR"],
            &["/staff/floor", "/staff/batches", "/staff"],
        ),
        ("hr", &["--company", "LAND01"], &["/hr"]),
        (
            "auditor",
            &[],
            &[
                "/audit",
                "/audit/anomalies",
                "/audit/agents",
                "/audit/branches",
            ],
        ),
        (
            "admin",
            &[],
            &[
                "/staff",
                "/staff/floor",
                "/staff/batches",
                "/audit",
                "/audit/branches",
            ],
        ),
    ];
    let admin = fixtures::staff(&app, &db, "admin", &[]).await;
    let company = serde_json::json!({"npp": "LAND01", "name": "PT Landing", "headcount": 100, "branch_code": "DPS-DENPASAR"});
    fixtures::created(&app, "/api/v1/admin/companies", &admin.token, company).await;
    for (role, extra, links) in roles {
        let email = format!("{role}.land@bpjs.example.id");
        fixtures::add_staff(&db, role, &email, extra);
        let b = Browser::new(&app);
        let (p, _) = b
            .sign_in("/staff/login", &email, fixtures::STAFF_PASSWORD, None)
            .await;
        assert_eq!(p.status, 303, "{role}: {}", p.html);
        assert_eq!(p.location, links[0], "{role} lands on its work");
        let home = b.get(links[0]).await;
        assert_eq!(home.status, 200, "{role} {}: {}", links[0], home.html);
        let nav = &home.html[home.html.find("<nav").expect("nav")..];
        let nav = &nav[..nav.find("</nav>").expect("</nav>")];
        for l in links {
            assert!(
                nav.contains(&format!("href=\"{l}\"")),
                "{role}: header link {l} in {nav}"
            );
        }
        assert!(
            nav.contains(&format!("href=\"{}\" aria-current=\"page\"", links[0])),
            "{role}: current page marked: {nav}"
        );
        assert!(
            nav.contains("action=\"/logout\""),
            "{role}: sign-out in {nav}"
        );
        assert!(!nav.contains("href=\"/login\""), "{role}: {nav}");
    }
}
both_backends!(staff_roles_land_on_their_work, clock = CLOCK);

async fn staff_dashboard_and_capacity(db: TestDb, app: TestApp) {
    fixtures::add_staff(
        &db,
        "supervisor",
        "spv.dps@bpjs.example.id",
        &["--branch", "DPS-DENPASAR"],
    );
    let b = Browser::new(&app);
    let (p, _) = b
        .sign_in(
            "/staff/login",
            "spv.dps@bpjs.example.id",
            fixtures::STAFF_PASSWORD,
            None,
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.html);
    // A supervisor's work is the service floor.
    assert_eq!(p.location, "/staff/floor");

    // Today at the branch (Monday 2026-11-23, 08.00 WITA): its sessions.
    let p = b.get("/staff").await;
    assert_eq!(p.status, 200);
    assert_html(&p, "id", "/staff");
    assert!(p.html.contains("Kantor Cabang Denpasar"));
    assert!(
        p.html.contains("08.00–09.00") && p.html.contains("14.00–15.00"),
        "sessions missing"
    );
    let today = fixtures::slots(&app, "DPS-DENPASAR", "2026-11-23").await;
    assert!(!today.is_empty());
    for s in &today {
        assert!(
            p.html
                .contains(&format!("/staff/slots/{}/capacity", s["id"])),
            "no capacity form for {}",
            s["id"]
        );
    }

    // Change a session's capacity with the form.
    let slot = &today[today.len() - 1];
    let id = slot["id"].as_i64().unwrap();
    let action = format!("/staff/slots/{id}/capacity");
    let form = forms(&p.html, &action)[0];
    let csrf = hidden(form, "csrf").unwrap();
    let branch = hidden(form, "branch").unwrap();
    let date = hidden(form, "date").unwrap();
    assert_eq!(
        (branch.as_str(), date.as_str()),
        ("DPS-DENPASAR", "2026-11-23")
    );
    let new_cap = (slot["capacity"].as_i64().unwrap() + 4).to_string();
    // Without the token nothing changes.
    let p = b
        .post(
            &action,
            &[("capacity", &new_cap), ("branch", &branch), ("date", &date)],
        )
        .await;
    assert_eq!(p.status, 403);
    let fields = [
        ("csrf", &csrf),
        ("capacity", &new_cap),
        ("branch", &branch),
        ("date", &date),
    ];
    let p = b.post(&action, &fields.map(|(k, v)| (k, v.as_str()))).await;
    assert_eq!(p.status, 303, "{}", p.html);
    assert!(p.location.starts_with("/staff"), "{}", p.location);
    let after = fixtures::slots(&app, "DPS-DENPASAR", "2026-11-23").await;
    let changed = after.iter().find(|s| s["id"] == id).unwrap();
    assert_eq!(changed["capacity"].to_string(), new_cap);

    // Another branch's session: refused, unchanged.
    let jkt = fixtures::slots(&app, "JKT-CILANDAK", DAY).await;
    let jid = jkt[0]["id"].as_i64().unwrap();
    let p = b
        .post(
            &format!("/staff/slots/{jid}/capacity"),
            &[
                ("csrf", &csrf),
                ("capacity", "99"),
                ("branch", "JKT-CILANDAK"),
                ("date", DAY),
            ],
        )
        .await;
    assert!(matches!(p.status, 403 | 404), "{}", p.status);
    let jkt_after = fixtures::slots(&app, "JKT-CILANDAK", DAY).await;
    assert_eq!(jkt_after[0]["capacity"], jkt[0]["capacity"]);

    // The capacity change is also visible through the API to everyone.
    let (s, v) = app
        .get("/api/v1/branches/DPS-DENPASAR/slots?date=2026-11-23", None)
        .await;
    assert_eq!(s, 200);
    assert!(v.as_array().unwrap().iter().any(|s| s["id"] == id
        && s["capacity"].as_i64().map(|c| c.to_string()).as_deref() == Some(new_cap.as_str())));
}
sqlite_only!(staff_dashboard_and_capacity, clock = CLOCK);
