#![recursion_limit = "512"]
//! Meeting Admin: a Leptos app (server-rendered, with islands) that lets support staff administer ConnectyCube
//! meetings and recordings without ever holding the administration key.

pub mod api;
pub mod app;
pub mod domain;
pub mod error;
pub mod ui;

#[cfg(feature = "ssr")]
pub mod server;

#[cfg(feature = "ssr")]
pub mod serve;

/// A page that follows work in progress sets this response header (seconds); the server turns
/// it into a `<noscript>` refresh, so only a browser without JavaScript reloads the page.
pub const REFRESH_HEADER: &str = "x-meeting-admin-refresh";

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Pages render on the server; only their islands run here (the page's script wakes each).
    leptos::mount::hydrate_islands();
}
