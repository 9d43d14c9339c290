//! The way back from a refusal: the page the reader came from — the form
//! they sent, the list whose link they followed — when it is one of this
//! site's own (browsers send it as `Referer`; the site's policy is
//! `same-origin`) and not the refused address itself.

use actix_web::http::header::REFERER;
use actix_web::HttpRequest;

/// The referring page's path and query, when it is this site's and
/// another address than the request's.
pub fn referring_page(req: &HttpRequest) -> Option<String> {
    let referer = req.headers().get(REFERER)?.to_str().ok()?;
    let url = url::Url::parse(referer).ok()?;
    let host = match url.port() {
        Some(port) => format!("{}:{port}", url.host_str()?),
        None => url.host_str()?.to_string(),
    };
    if host != req.connection_info().host() {
        return None;
    }
    let mut back = url.path().to_string();
    if let Some(q) = url.query() {
        back.push('?');
        back.push_str(q);
    }
    let here = req.uri().path_and_query().map(|p| p.as_str());
    (back.starts_with('/') && !back.starts_with("//") && here != Some(back.as_str()))
        .then_some(back)
}

#[cfg(test)]
mod tests {
    use super::referring_page;
    use actix_web::test::TestRequest;

    fn back(referer: &str, uri: &str) -> Option<String> {
        let req = TestRequest::default()
            .uri(uri)
            .insert_header(("host", "antre.example.id"))
            .insert_header(("referer", referer))
            .to_http_request();
        referring_page(&req)
    }

    #[test]
    fn the_way_back_is_the_sites_own_page_it_came_from() {
        assert_eq!(
            back(
                "https://antre.example.id/staff?branch=DPS-DENPASAR",
                "/staff/slots/3/capacity"
            ),
            Some("/staff?branch=DPS-DENPASAR".into())
        );
        // Another site, the same address again, a page of another port.
        assert_eq!(back("https://evil.example/me", "/claims/x"), None);
        assert_eq!(back("https://antre.example.id/claims/x", "/claims/x"), None);
        assert_eq!(back("https://antre.example.id:8443/me", "/claims/x"), None);
        assert_eq!(back("not a url", "/claims/x"), None);
    }
}
