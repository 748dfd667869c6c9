//! A small page of its own for an error that stops a request before (or instead of) a Leptos
//! page: the guards' refusals, the plain handlers' errors and the audited download redirects.
//! JSON for scripts and server functions. `ErrorReply` decides which, from the request's
//! `Accept`, for every plain handler.

use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::error::AppError;

/// `back`: a link (our own path, and its text) to where the visitor can go on from.
pub fn error_response(status: StatusCode, title: &str, err: &AppError, api: bool, back: Option<(&str, &str)>) -> Response {
    if api {
        let body = serde_json::to_string(err).unwrap_or_default();
        return (status, [(header::CONTENT_TYPE, "application/json")], body).into_response();
    }
    let back = back
        .map(|(href, text)| format!("<p><a href=\"{}\">{}</a></p>", html_escape(href), html_escape(text)))
        .unwrap_or_default();
    let page = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title} · Meeting Admin</title><link rel=\"stylesheet\" href=\"{css}\"><link rel=\"icon\" href=\"/favicon.svg\" type=\"image/svg+xml\"></head>\
         <body><main id=\"main\"><h1>{title}</h1><div class=\"alert error\" role=\"alert\"><p>{}</p></div>{back}</main></body></html>",
        html_escape(&err.to_string()),
        css = super::assets::names().css,
    );
    (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8"), (header::CACHE_CONTROL, "no-store")], page).into_response()
}

/// A plain handler's error: a page for a browser, JSON for a script.
#[derive(Debug)]
pub struct ErrorReply {
    err: AppError,
    html: bool,
    title: Option<&'static str>,
    back: Option<(String, &'static str)>,
}

impl ErrorReply {
    pub fn new(err: AppError, html: bool) -> Self {
        Self { err, html, title: None, back: None }
    }

    /// Whether the client reads pages (a browser asks for `text/html`); else it gets JSON.
    pub fn wants_html(headers: &HeaderMap) -> bool {
        headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|a| a.contains("text/html"))
    }

    /// The page's heading (else one by the status).
    pub fn titled(mut self, title: &'static str) -> Self {
        self.title = Some(title);
        self
    }

    /// A link on the page to where the visitor can go on from.
    pub fn back(mut self, href: impl Into<String>, text: &'static str) -> Self {
        self.back = Some((href.into(), text));
        self
    }
}

impl IntoResponse for ErrorReply {
    fn into_response(self) -> Response {
        let status = self.err.status_code();
        let title = self.title.unwrap_or(match status.as_u16() {
            401 => "Sign in to continue",
            403 => "Not allowed",
            404 => "Not found",
            422 => "Check what was sent",
            502..=504 => "ConnectyCube did not answer",
            _ => "Something went wrong",
        });
        error_response(status, title, &self.err, !self.html, self.back.as_ref().map(|(h, t)| (h.as_str(), *t)))
    }
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}
