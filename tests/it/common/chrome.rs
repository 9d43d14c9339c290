//! A real headless Chromium for the tests that need JavaScript (video,
//! the screens' layout and accessibility): one browser per test, every
//! page in its own window and cookie jar, killed when the test ends.
//!
//! Needs Chromium at /usr/lib/chromium/chromium (`.ci/run` installs it):
//! without it the browser tests are skipped with a notice, except under
//! `CI=true`, where they fail.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::time::Duration;

use chromiumoxide::browser::{Browser, BrowserConfig};
use chromiumoxide::cdp::browser_protocol::network::CookieParam;
use chromiumoxide::cdp::browser_protocol::target::{
    CreateBrowserContextParams, CreateTargetParams,
};
use chromiumoxide::Page;
use futures::StreamExt;

use super::TestApp;

const CHROMIUM: &str = "/usr/lib/chromium/chromium";

/// One browser test at a time: six pages already use most of two cores.
pub static BROWSER_LOCK: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

pub fn under_ci() -> bool {
    matches!(std::env::var("CI").as_deref(), Ok("true" | "1"))
}

pub fn chromium() -> Option<&'static str> {
    if Path::new(CHROMIUM).exists() {
        return Some(CHROMIUM);
    }
    if under_ci() {
        panic!("CI=true but Chromium is missing at {CHROMIUM} (.ci/run installs it)");
    }
    eprintln!("NOTICE: skipping a browser test: no Chromium at {CHROMIUM} (apt-get install -y chromium chromium-driver)");
    None
}

/// Kills the browser when the test ends, also on a failed assertion.
pub struct Chrome {
    browser: Option<Browser>,
    handler: tokio::task::JoinHandle<()>,
    _dir: tempfile::TempDir,
}

impl Chrome {
    pub async fn launch(path: &str) -> Chrome {
        let dir = tempfile::tempdir().unwrap();
        let config = BrowserConfig::builder()
            .chrome_executable(path)
            .new_headless_mode()
            .no_sandbox()
            .user_data_dir(dir.path())
            .window_size(400, 400)
            .launch_timeout(Duration::from_secs(30))
            .request_timeout(Duration::from_secs(20))
            .args([
                "disable-gpu",
                "disable-background-networking",
                "disable-component-update",
                "disable-sync",
                "no-first-run",
                "use-fake-device-for-media-stream",
                "use-fake-ui-for-media-stream",
                "allow-loopback-in-peer-connection",
                "autoplay-policy=no-user-gesture-required",
            ])
            .build()
            .unwrap();
        let (browser, mut handler) = Browser::launch(config).await.unwrap();
        let handler = tokio::spawn(async move { while handler.next().await.is_some() {} });
        Chrome {
            browser: Some(browser),
            handler,
            _dir: dir,
        }
    }

    pub fn browser(&self) -> &Browser {
        self.browser.as_ref().unwrap()
    }

    /// A page in its own window and its own cookie jar, with `cookie` set
    /// for `app`, at `path`.
    pub async fn open(&self, app: &TestApp, cookie: (&str, &str), path: &str) -> Page {
        self.open_with(app, cookie, path, "").await
    }

    /// As `open`, running `script` before the page's own scripts.
    pub async fn open_with(
        &self,
        app: &TestApp,
        cookie: (&str, &str),
        path: &str,
        script: &str,
    ) -> Page {
        let ctx = self
            .browser()
            .create_browser_context(CreateBrowserContextParams::default())
            .await
            .unwrap();
        let page = self
            .browser()
            .new_page(
                CreateTargetParams::builder()
                    .url("about:blank")
                    .browser_context_id(ctx)
                    .new_window(true)
                    .build()
                    .unwrap(),
            )
            .await
            .unwrap();
        page.evaluate_on_new_document(format!(
            "window.ANTRE_VIDEO = {{width: 320, height: 240, fps: 15}};{script}"
        ))
        .await
        .unwrap();
        page.set_cookie(
            CookieParam::builder()
                .name(cookie.0)
                .value(cookie.1)
                .url(app.base.clone())
                .build()
                .unwrap(),
        )
        .await
        .unwrap();
        page.goto(app.url(path)).await.unwrap();
        page
    }

    pub async fn close(mut self) {
        if let Some(mut b) = self.browser.take() {
            let _ = tokio::time::timeout(Duration::from_secs(5), b.close()).await;
            let _ = tokio::time::timeout(Duration::from_secs(5), b.wait()).await;
            let _ = b.kill().await;
        }
        self.handler.abort();
    }
}

impl Drop for Chrome {
    fn drop(&mut self) {
        // The child was spawned with kill_on_drop: dropping the browser
        // kills it, also when an assertion failed.
        self.browser.take();
        self.handler.abort();
    }
}

/// Lays `page` out as a screen of `width` × `height` CSS pixels.
pub async fn viewport(page: &Page, width: i64, height: i64) {
    use chromiumoxide::cdp::browser_protocol::emulation::SetDeviceMetricsOverrideParams;
    page.execute(SetDeviceMetricsOverrideParams::new(
        width, height, 1.0, false,
    ))
    .await
    .unwrap();
}

/// Where axe-core is (`.ci/run` installs it from npm):
/// `ANTRE_TEST_AXE`, or the path `.ci/run` uses.
fn axe_path() -> std::path::PathBuf {
    std::env::var_os("ANTRE_TEST_AXE").map_or_else(
        || {
            let home = std::env::var_os("HOME").unwrap_or_default();
            Path::new(&home).join(".cache/antre-test/node_modules/axe-core/axe.min.js")
        },
        Into::into,
    )
}

/// axe-core's source, or `None` (with a notice) outside CI when it is not
/// installed.
pub fn axe_source() -> Option<String> {
    let path = axe_path();
    match std::fs::read_to_string(&path) {
        Ok(s) => Some(s),
        Err(e) if under_ci() => panic!("CI=true but axe-core is missing at {path:?}: {e}"),
        Err(_) => {
            eprintln!("NOTICE: skipping the accessibility checks: no axe-core at {path:?} (npm install --prefix ~/.cache/antre-test axe-core)");
            None
        }
    }
}

/// The critical, serious and moderate accessibility violations axe-core
/// finds on `page` (WCAG 2.1 A and AA rules and axe's best practices: the
/// order of headings, one level-one heading, every part of the page in a
/// landmark), one line each with where they are.
pub async fn axe_violations(page: &Page, axe: &str) -> Vec<String> {
    axe_run(page, axe, &[]).await
}

/// As [`axe_violations`] for a mail's HTML, which a mail client shows
/// inside its own page: the page's structure (its landmarks and its
/// level-one heading) is the client's, not the mail's.
pub async fn axe_mail_violations(page: &Page, axe: &str) -> Vec<String> {
    axe_run(
        page,
        axe,
        &["region", "landmark-one-main", "page-has-heading-one"],
    )
    .await
}

async fn axe_run(page: &Page, axe: &str, not: &[&str]) -> Vec<String> {
    page.evaluate(axe).await.unwrap();
    let rules: serde_json::Map<String, serde_json::Value> = not
        .iter()
        .map(|id| (id.to_string(), serde_json::json!({"enabled": false})))
        .collect();
    let js = format!(
        r#"axe.run(document, {{runOnly: {{type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}}, rules: {}}})
        .then(r => JSON.stringify(r.violations
            .filter(v => v.impact === "critical" || v.impact === "serious" || v.impact === "moderate")
            .map(v => v.impact + " " + v.id + ": " + v.help + " at " +
                 v.nodes.slice(0, 4).map(n => n.target.join(" ")).join(", "))))"#,
        serde_json::Value::Object(rules)
    );
    let text: String = page.evaluate(js).await.unwrap().into_value().unwrap();
    serde_json::from_str(&text).unwrap()
}

/// With `ANTRE_TEST_SCREENSHOTS=DIR`, saves what `page` shows as
/// `DIR/NAME.png` (the viewport), for a person to look at.
pub async fn screenshot(page: &Page, name: &str) {
    let Some(dir) = std::env::var_os("ANTRE_TEST_SCREENSHOTS") else {
        return;
    };
    let path = Path::new(&dir).join(format!("{name}.png"));
    let params = chromiumoxide::page::ScreenshotParams::builder().build();
    page.save_screenshot(params, &path).await.unwrap();
}

/// As [`screenshot`], the whole page rather than the screen's part.
pub async fn screenshot_full(page: &Page, name: &str) {
    let Some(dir) = std::env::var_os("ANTRE_TEST_SCREENSHOTS") else {
        return;
    };
    let path = Path::new(&dir).join(format!("{name}.png"));
    let params = chromiumoxide::page::ScreenshotParams::builder()
        .full_page(true)
        .build();
    page.save_screenshot(params, &path).await.unwrap();
}
