#![recursion_limit = "512"]
//! Meeting Admin: a Leptos app (SSR + hydration) that lets support staff administer ConnectyCube
//! meetings and recordings without ever holding the administration key.

pub mod api;
pub mod app;
pub mod domain;
pub mod error;
pub mod ui;

#[cfg(feature = "ssr")]
pub mod server;

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    use leptos::prelude::document;
    console_error_panic_hook::set_once();
    let Some(body) = document().body() else { return };
    // What `hydrate_lazy` does (the current page's chunk of the bundle loads first, then the page
    // hydrates), and then the page says so: browser tests wait for `data-hydrated` before
    // clicking, and an attribute set any earlier could land before the page's own handlers.
    wasm_bindgen_futures::spawn_local(async move {
        let mounted = leptos::mount::hydrate_from_async(body.clone(), app::App).await;
        mounted.forget();
        let _ = body.set_attribute("data-hydrated", "true");
    });
}
