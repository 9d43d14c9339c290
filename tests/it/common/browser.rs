//! The site as a browser sees it: a cookie store of its own, no automatic
//! redirects, the CSRF field of every form, and the two sign-in forms.

use reqwest::{Client, Response};

use super::{fixtures, TestApp};

/// A browser of its own: cookies, no automatic redirects.
pub struct Browser {
    pub client: Client,
    pub base: String,
}

/// A page as answered: status, the headers the tests read, the body.
pub struct Page {
    pub status: u16,
    pub location: String,
    pub content_type: String,
    pub cookies: Vec<String>,
    pub headers: reqwest::header::HeaderMap,
    pub html: String,
}

/// A header of `res` as text ("" when missing).
pub fn header(res: &Response, name: &str) -> String {
    res.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}

impl Page {
    pub async fn of(res: Response) -> Page {
        let status = res.status().as_u16();
        let location = header(&res, "location");
        let content_type = header(&res, "content-type");
        let cookies = res
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok().map(str::to_string))
            .collect();
        let headers = res.headers().clone();
        let html = res.text().await.expect("body");
        Page {
            status,
            location,
            content_type,
            cookies,
            headers,
            html,
        }
    }
}

impl Browser {
    pub fn new(app: &TestApp) -> Browser {
        let client = Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        Browser {
            client,
            base: app.base.clone(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn get(&self, path: &str) -> Page {
        let res = self.client.get(self.url(path)).send().await.expect("GET");
        Page::of(res).await
    }

    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> Page {
        let res = self.client.post(self.url(path)).form(form);
        Page::of(res.send().await.expect("POST")).await
    }

    /// A multipart form posted to `path`.
    pub async fn post_multipart(&self, path: &str, form: reqwest::multipart::Form) -> Page {
        let res = self.client.post(self.url(path)).multipart(form);
        Page::of(res.send().await.expect("POST")).await
    }

    /// The CSRF token of the forms on `path`.
    pub async fn csrf(&self, path: &str) -> String {
        let p = self.get(path).await;
        assert_eq!(p.status, 200, "GET {path}");
        hidden(&p.html, "csrf").expect("csrf field")
    }

    /// Posts the sign-in form at `path` (`/login` or `/staff/login`), with
    /// `next` when given: the answer and the form's CSRF token.
    pub async fn sign_in(
        &self,
        path: &str,
        email: &str,
        password: &str,
        next: Option<&str>,
    ) -> (Page, String) {
        let csrf = self.csrf(path).await;
        let mut form = vec![
            ("csrf", csrf.as_str()),
            ("email", email),
            ("password", password),
        ];
        form.extend(next.map(|n| ("next", n)));
        (self.post(path, &form).await, csrf)
    }

    /// Signs a staff account in through its form (303 expected).
    pub async fn staff_login(&self, email: &str) {
        let (p, _) = self
            .sign_in("/staff/login", email, fixtures::STAFF_PASSWORD, None)
            .await;
        assert_eq!(p.status, 303, "staff login {email}: {}", p.html);
    }

    /// A new browser with a staff account signed in.
    pub async fn staff(app: &TestApp, email: &str) -> Browser {
        let b = Browser::new(app);
        b.staff_login(email).await;
        b
    }

    /// A new browser signed in as a new staff account of `role` made at
    /// the command line (`extra`: its flags, e.g. `--branch`).
    pub async fn new_staff(
        app: &TestApp,
        db: &super::TestDb,
        role: &str,
        extra: &[&str],
    ) -> Browser {
        let email = format!("{role}{}@bpjs.example.id", fixtures::unique());
        fixtures::add_staff(db, role, &email, extra);
        Browser::staff(app, &email).await
    }

    /// A new browser with a participant signed in through /login.
    pub async fn member(app: &TestApp, email: &str, password: &str) -> Browser {
        let b = Browser::new(app);
        let (p, _) = b.sign_in("/login", email, password, None).await;
        assert_eq!(p.status, 303, "login {email}: {}", p.html);
        b
    }
}

/// The value of the first `<input name="NAME" value="…">` in `html`.
pub fn hidden(html: &str, name: &str) -> Option<String> {
    let at = html.find(&format!("name=\"{name}\""))?;
    let rest = &html[at..];
    let tag = &rest[..rest.find('>')?];
    let v = tag.find("value=\"")? + 7;
    let end = tag[v..].find('"')?;
    Some(tag[v..v + end].to_string())
}

/// The value of the first `name="csrf"` input of a page.
pub fn csrf_of(html: &str) -> String {
    hidden(html, "csrf").expect("csrf field")
}

/// The texts of the elements with `class="CLASS"`.
pub fn texts_of(html: &str, class: &str) -> Vec<String> {
    let needle = format!("class=\"{class}\"");
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find(&needle) {
        let r = &rest[at..];
        let Some(start) = r.find('>').map(|s| s + 1) else {
            break;
        };
        let end = r[start..].find('<').unwrap_or(0);
        out.push(r[start..start + end].trim().to_string());
        rest = &r[start..];
    }
    out
}

/// The text of the first element with `class="CLASS"`.
pub fn text_of(html: &str, class: &str) -> Option<String> {
    texts_of(html, class).into_iter().next()
}

/// The `<form … action="ACTION">…</form>` blocks of a page.
pub fn forms<'a>(html: &'a str, action: &str) -> Vec<&'a str> {
    let needle = format!("action=\"{action}\"");
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find(&needle) {
        let block = &rest[at..];
        let end = block.find("</form>").unwrap_or(block.len());
        out.push(&block[..end]);
        rest = &block[end..];
    }
    out
}
