//! A failed form post without JavaScript is answered with its page re-rendered (422), not sent
//! back with the error and the form in the address. Leptos answers such a post with a redirect to
//! the page that sent it, the error (and what the page needs to show the form again) in the query;
//! here that redirect is followed on the server, so the error, a typed e-mail address or a
//! username never reach the browser's history, a proxy's log or the Referer of the next request.
//! The page shown this way stands at the form's address (`/api/…`), so a second try's Referer
//! names that address: a cookie sent only to `/api/` remembers which page it was.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::Response;
use axum::Router;
use tower::ServiceExt as _;

/// Fields a page puts back in its form after a failure: the sign-in page's username.
const KEPT_FIELDS: [(&str, &str); 1] = [("/api/sign_in", "username")];
/// The most of a form body read here to keep a field (sign-in forms are far smaller).
const MAX_FORM: usize = 16 * 1024;
/// Which page a re-rendered form came from (its path and query, which hold no form data).
const PAGE_COOKIE: &str = "ma-form-page";
const MAX_PAGE: usize = 2000;

/// Wraps `app`: everything passes through unchanged but a plain form post's error redirect to
/// a page of ours (`public_origin`, or a relative address).
pub fn wrap(app: Router, public_origin: String) -> Router {
    let ours = std::sync::Arc::new(url::Url::parse(&public_origin).unwrap_or_else(|_| url::Url::parse("http://localhost").expect("a URL")));
    Router::new().fallback_service(tower::service_fn(move |req: Request| {
        let (app, ours) = (app.clone(), ours.clone());
        async move { Ok::<_, std::convert::Infallible>(answer(app, req, &ours).await) }
    }))
}

fn is_plain_form_post(req: &Request) -> bool {
    let accepts_html = req.headers().get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|a| a.contains("text/html"));
    req.method() == Method::POST && req.uri().path().starts_with("/api/") && accepts_html
}

async fn answer(app: Router, req: Request, ours: &url::Url) -> Response {
    if !is_plain_form_post(&req) {
        return app.oneshot(req).await.unwrap_or_else(|e| match e {});
    }
    let (mut parts, body) = req.into_parts();
    resolve_referer(&mut parts, ours);
    let kept = KEPT_FIELDS.iter().find(|(path, _)| *path == parts.uri.path()).map(|(_, field)| *field);
    // Read the body only where a field is kept; otherwise it streams on as it came.
    let (body, kept_value) = match kept {
        Some(field) => match axum::body::to_bytes(body, MAX_FORM).await {
            Ok(bytes) => {
                let value = url::form_urlencoded::parse(&bytes).find(|(k, _)| k == field).map(|(_, v)| (field, v.into_owned()));
                (Body::from(bytes), value)
            }
            Err(_) => return too_large(),
        },
        None => (body, None),
    };
    let mut again = Request::builder().method(Method::GET);
    for name in [header::COOKIE, header::ACCEPT, header::ACCEPT_ENCODING, header::ACCEPT_LANGUAGE, header::USER_AGENT] {
        for v in parts.headers.get_all(&name) {
            again = again.header(&name, v);
        }
    }
    let connect_info = parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().cloned();
    let res = app.clone().oneshot(Request::from_parts(parts, body)).await.unwrap_or_else(|e| match e {});
    let Some(target) = error_redirect(&res, ours) else { return res };
    let mut target = target;
    if let Some((field, value)) = kept_value {
        let value: String = value.chars().take(256).collect();
        target.push_str(if target.contains('?') { "&" } else { "?" });
        target.extend(url::form_urlencoded::Serializer::new(String::new()).append_pair(field, &value).finish().chars());
    }
    // The session the post may have changed (a throttled attempt, a new cookie) is the one the page is read with.
    let set_cookies: Vec<HeaderValue> = res.headers().get_all(header::SET_COOKIE).iter().cloned().collect();
    let page_path = page_of(&target);
    let Ok(mut get) = again.uri(target).body(Body::empty()) else { return res };
    if let Some(ci) = connect_info {
        get.extensions_mut().insert(ci);
    }
    let mut page = app.oneshot(get).await.unwrap_or_else(|e| match e {});
    if page.status() != StatusCode::OK {
        return page;
    }
    *page.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    for c in set_cookies {
        page.headers_mut().append(header::SET_COOKIE, c);
    }
    let encoded: String = url::form_urlencoded::byte_serialize(page_path.as_bytes()).collect();
    if let Ok(v) = HeaderValue::from_str(&format!("{PAGE_COOKIE}={encoded}; Path=/api/; HttpOnly; SameSite=Strict")) {
        page.headers_mut().append(header::SET_COOKIE, v);
    }
    page
}

/// The page behind `target` as it was opened: without Leptos' error and the kept field.
fn page_of(target: &str) -> String {
    let Ok(u) = url::Url::parse("http://x").and_then(|b| b.join(target)) else { return "/".to_owned() };
    let kept: Vec<(String, String)> =
        u.query_pairs().filter(|(k, _)| k != "__err" && k != "__path" && !KEPT_FIELDS.iter().any(|(_, f)| k == f)).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    let mut page = u.path().to_owned();
    if !kept.is_empty() {
        page.push('?');
        page.push_str(&url::form_urlencoded::Serializer::new(String::new()).extend_pairs(kept).finish());
    }
    page.chars().take(MAX_PAGE).collect()
}

/// A post from a page that was itself a re-rendered form (its Referer is a `/api/` address):
/// the Referer Leptos sends the error back to is the page it came from.
fn resolve_referer(parts: &mut http::request::Parts, ours: &url::Url) {
    let from_api = parts.headers.get(header::REFERER).and_then(|v| v.to_str().ok()).and_then(|r| ours.join(r).ok()).is_some_and(|r| r.origin() == ours.origin() && r.path().starts_with("/api/"));
    if !from_api {
        return;
    }
    let page = parts.headers.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(';')).find_map(|c| c.trim().strip_prefix(&format!("{PAGE_COOKIE}=")).map(str::to_owned));
    let page = page.map(|p| url::form_urlencoded::parse(format!("p={p}").as_bytes()).next().map(|(_, v)| v.into_owned()).unwrap_or_default());
    // Only a path of ours: never another origin, whatever the cookie says.
    let Some(page) = page.filter(|p| p.starts_with('/') && !p.starts_with("//") && !p.starts_with("/api/")) else { return };
    if let Ok(v) = HeaderValue::from_str(&format!("{}{page}", ours.origin().ascii_serialization())) {
        parts.headers.insert(header::REFERER, v);
    }
}

/// The page to show again, when `res` is Leptos' redirect back with an error in the query.
fn error_redirect(res: &Response, ours: &url::Url) -> Option<String> {
    if !res.status().is_redirection() {
        return None;
    }
    let location = res.headers().get(header::LOCATION)?.to_str().ok()?;
    let parsed = ours.join(location).ok()?;
    let has_error = parsed.query_pairs().any(|(k, _)| k == "__err");
    // Only our own pages: a redirect elsewhere is passed on as it is.
    (has_error && parsed.origin() == ours.origin()).then(|| parsed[url::Position::BeforePath..].to_owned())
}

fn too_large() -> Response {
    let mut res = Response::new(Body::from("The form is larger than a sign-in form can be."));
    *res.status_mut() = StatusCode::PAYLOAD_TOO_LARGE;
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    fn redirect(status: u16, location: &str) -> Response {
        let mut res = Response::new(Body::empty());
        *res.status_mut() = StatusCode::from_u16(status).unwrap();
        res.headers_mut().insert(header::LOCATION, HeaderValue::from_str(location).unwrap());
        res
    }

    #[test]
    fn the_page_is_remembered_without_the_error_or_the_form() {
        assert_eq!(page_of("/sign-in?next=%2Faudit&__path=%2Fapi%2Fsign_in&__err=abc&username=ada"), "/sign-in?next=%2Faudit");
        assert_eq!(page_of("/meetings/new?__err=x"), "/meetings/new");
        let ours = url::Url::parse("http://127.0.0.1:3000").unwrap();
        let parts = |referer: &str, cookie: &str| {
            let req = axum::http::Request::builder().header(header::REFERER, referer).header(header::COOKIE, cookie).body(()).unwrap();
            let (mut p, _) = req.into_parts();
            resolve_referer(&mut p, &ours);
            p.headers[header::REFERER].to_str().unwrap().to_owned()
        };
        assert_eq!(parts("http://127.0.0.1:3000/api/sign_in", "a=b; ma-form-page=%2Fsign-in%3Fnext%3D%252Faudit"), "http://127.0.0.1:3000/sign-in?next=%2Faudit");
        assert_eq!(parts("http://127.0.0.1:3000/sign-in", "ma-form-page=%2Fmeetings%2Fnew"), "http://127.0.0.1:3000/sign-in", "a page's own Referer stands");
        assert_eq!(parts("http://127.0.0.1:3000/api/sign_in", "ma-form-page=%2F%2Fevil.example"), "http://127.0.0.1:3000/api/sign_in", "never another origin");
        assert_eq!(parts("http://127.0.0.1:3000/api/sign_in", "ma-form-page=https%3A%2F%2Fevil.example"), "http://127.0.0.1:3000/api/sign_in");
    }

    #[test]
    fn only_error_redirects_to_our_pages_are_followed() {
        let ours = url::Url::parse("http://127.0.0.1:3000").unwrap();
        let error_redirect = |r: &Response| super::error_redirect(r, &ours);
        assert_eq!(error_redirect(&redirect(302, "http://127.0.0.1:3000/sign-in?next=%2F&__err=x")).as_deref(), Some("/sign-in?next=%2F&__err=x"));
        assert_eq!(error_redirect(&redirect(302, "http://127.0.0.1:3001/sign-in?__err=x")), None, "another origin");
        assert_eq!(error_redirect(&redirect(302, "/sign-in?__path=%2Fapi%2Fsign_in&__err=abc")).as_deref(), Some("/sign-in?__path=%2Fapi%2Fsign_in&__err=abc"));
        assert_eq!(error_redirect(&redirect(303, "/meetings/new?x=1&__err=e")).as_deref(), Some("/meetings/new?x=1&__err=e"));
        assert_eq!(error_redirect(&redirect(302, "/")), None, "a success");
        assert_eq!(error_redirect(&redirect(302, "https://idp.example/logout?__err=x")), None);
        assert_eq!(error_redirect(&redirect(302, "//evil.example/?__err=x")), None);
        assert_eq!(error_redirect(&Response::new(Body::empty())), None);
    }
}
