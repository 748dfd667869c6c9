//! A small page of its own for an error that stops a request before (or instead of) a Leptos
//! page: the guards' refusals and the audited download redirects. JSON for server functions.

use axum::http::{header, StatusCode};
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

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}
