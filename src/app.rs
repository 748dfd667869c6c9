//! The HTML shell, the router and the frame every page shares.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
#[cfg(feature = "ssr")]
use leptos_meta::MetaTags;
use leptos_meta::{provide_meta_context, Stylesheet, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};

use crate::api::auth::SignOut;
use crate::domain::{Permission, SignInMethod};
use crate::ui::components::{provide_frame, use_frame, GoForm};
use crate::ui::pages::{AboutPage, AuditPage, BatchPage, BulkPage, CasePage, CaseRecordPage, CasesPage, ConfirmDeletePage, DeletionPage, DeletionsPage, FindRecordingsPage, GoPage, HomePage, MeetingPage, NewMeetingPage, NotFound, RecordingsPage, RetentionMeetingPage, RetentionPage, RetentionPreviewPage, RetentionReportPage, ShareLinkPage, SignInPage};

#[cfg(feature = "ssr")]
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let _ = options;
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="description" content="Administer ConnectyCube meetings and recordings"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <IslandScripts/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// Loads the wasm bundle and wakes the islands, as Leptos' `HydrationScripts islands=true`
/// does, with three differences: the assets' hashed names come from `server::http::assets`; the
/// preload links are valid (Leptos 0.8 puts the CSP nonce into their `crossorigin` attribute);
/// and `data-hydrated` is set on the body once every island runs, which the browser tests
/// wait for. It starts at once rather than when the browser is idle: the islands are small,
/// and a form should answer as soon as it shows. A page without islands (signing in, most
/// error pages) loads no wasm at all; a page with islands gets the wasm's preload link from
/// `server::http::html_tidy`, which sees the whole page (this head is written before the body).
/// Tells the server the browser's zone (the `tz` cookie), so pages show times in it; see
/// `ui::components::moment`. Written only when it changed, and read by no script.
#[cfg(feature = "ssr")]
const ZONE_SCRIPT: &str = "try { const z = Intl.DateTimeFormat().resolvedOptions().timeZone;\
  if (z && !document.cookie.split('; ').includes('tz=' + z)) document.cookie = 'tz=' + z + '; path=/; max-age=31536000; samesite=lax'; } catch (e) {}";

#[cfg(feature = "ssr")]
#[component]
fn IslandScripts() -> impl IntoView {
    // Outside islands nothing is hydrated, so no resource is serialised into the page.
    if let Some(sc) = Owner::current_shared_context() {
        sc.set_is_hydrating(false);
    }
    let assets = crate::server::http::assets::names();
    let nonce = leptos::nonce::use_nonce();
    let script = format!(
        "{zone}\
         if (!document.querySelector('leptos-island')) document.body.setAttribute('data-hydrated', 'true');\
         else import({js:?}).then(async function (mod) {{\
           await mod.default({{module_or_path: {wasm:?}}});\
           mod.hydrate();\
           const childrenHooks = [];\
           async function visit(node) {{\
             const tag = node.tagName.toLowerCase();\
             if (tag === 'leptos-island') {{\
               const wake = mod[node.dataset.component];\
               if (wake) {{ const hook = childrenHooks[childrenHooks.length - 1]; if (hook) hook(); await wake(node); }}\
               else console.warn('no island named ' + node.dataset.component);\
             }}\
             if (tag === 'leptos-children') childrenHooks.push(node.$$on_hydrate);\
             for (const child of node.children) await visit(child);\
             if (tag === 'leptos-children') childrenHooks.pop();\
           }}\
           await visit(document.body);\
           document.body.setAttribute('data-hydrated', 'true');\
         }});",
        js = assets.js,
        wasm = assets.wasm,
        zone = ZONE_SCRIPT,
    );
    view! {
        <link rel="modulepreload" href=assets.js.clone() crossorigin=""/>
        <script type="module" nonce=nonce.clone()>{script}</script>
        // The command palette: plain script, so no page loads the wasm bundle for it.
        <script type="module" src=crate::server::http::assets::PALETTE_SCRIPT nonce=nonce></script>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // Pages that must work without JavaScript render in one piece (no streamed <template>s).
    let ssr = SsrMode::Async;
    view! {
        <Stylesheet id="leptos" href=stylesheet()/>
        <Title formatter=|page: String| if page.is_empty() { "Meeting Admin".to_owned() } else { format!("{page} · Meeting Admin") }/>
        <Router>
            {provide_frame()}
            <a class="skip-link" href="#main">"Skip to content"</a>
            <Header/>
            <main id="main" tabindex="-1">
                <Routes fallback=|| view! { <NotFound/> }>
                    <Route path=path!("/") view=HomePage ssr=ssr.clone()/>
                    <Route path=path!("/sign-in") view=SignInPage ssr=ssr.clone()/>
                    <Route path=path!("/audit") view=AuditPage ssr=ssr.clone()/>
                    <Route path=path!("/about") view=AboutPage ssr=ssr.clone()/>
                    <Route path=path!("/cases") view=CasesPage ssr=ssr.clone()/>
                    <Route path=path!("/cases/:case_id") view=CasePage ssr=ssr.clone()/>
                    <Route path=path!("/cases/:case_id/record") view=CaseRecordPage ssr=ssr.clone()/>
                    <Route path=path!("/deletions") view=DeletionsPage ssr=ssr.clone()/>
                    <Route path=path!("/bulk") view=BulkPage ssr=ssr.clone()/>
                    <Route path=path!("/retention") view=RetentionPage ssr=ssr.clone()/>
                    <Route path=path!("/retention/preview") view=RetentionPreviewPage ssr=ssr.clone()/>
                    <Route path=path!("/retention/report") view=RetentionReportPage ssr=ssr.clone()/>
                    <Route path=path!("/retention/meetings/:meeting_id") view=RetentionMeetingPage ssr=ssr.clone()/>
                    <Route path=path!("/bulk/:batch_id") view=BatchPage ssr=ssr.clone()/>
                    <Route path=path!("/deletions/:request_id") view=DeletionPage ssr=ssr.clone()/>
                    <Route path=path!("/meetings/new") view=NewMeetingPage ssr=ssr.clone()/>
                    <Route path=path!("/meetings/:meeting_id") view=MeetingPage ssr=ssr.clone()/>
                    <Route path=path!("/recordings") view=FindRecordingsPage ssr=ssr.clone()/>
                    <Route path=path!("/go") view=GoPage ssr=ssr.clone()/>
                    <Route path=path!("/meetings/:meeting_id/recordings") view=RecordingsPage ssr=ssr.clone()/>
                    <Route path=path!("/meetings/:meeting_id/recordings/delete") view=ConfirmDeletePage ssr=ssr.clone()/>
                    <Route path=path!("/meetings/:meeting_id/recordings/:recording_id/share") view=ShareLinkPage ssr=ssr/>
                </Routes>
            </main>
            <footer class="site-footer"><a href="/about">"About and the evidence key"</a></footer>
        </Router>
    }
}

fn stylesheet() -> String {
    #[cfg(feature = "ssr")]
    return crate::server::http::assets::names().css.clone();
    #[cfg(not(feature = "ssr"))]
    String::new()
}

#[component]
fn Header() -> impl IntoView {
    let frame = use_frame();
    view! {
        <header class="topbar">
            <a class="brand" href="/">"Meeting Admin"</a>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let info = frame.0.await.ok()?;
                    let staff = info.staff?;
                    let may_audit = staff.may(Permission::ReadAudit);
                    let may_create = staff.may(Permission::CreateMeeting);
                    let may_delete = staff.may(Permission::DeleteRecordings);
                    Some(view! {
                        <nav aria-label="Main">
                            <a href="/">"Home"</a>
                            {may_create.then(|| view! { <a href="/meetings/new">"New meeting"</a> })}
                            {may_delete.then(|| {
                                let n = info.awaiting_approval;
                                let count = (n > 0).then(|| view! { " " <span class="count-badge">{n}</span><span class="visually-hidden">" awaiting your approval"</span> });
                                view! { <a href="/deletions">"Deletions"{count}</a> <a href="/bulk">"Bulk"</a> <a href="/cases">"Cases"</a> }
                            })}
                            <a href="/retention">"Retention"</a>
                            {may_audit.then(|| view! { <a href="/audit">"Audit log"</a> })}
                        </nav>
                        <GoForm id_prefix="header" compact=true/>
                        <div class="who">
                            <span class="who-name">{staff.username.clone()}</span>
                            <span class="role-badge" title="Your role">{staff.role.to_string()}</span>
                            {if staff.method == SignInMethod::Sso {
                                // The gateway signs people in and out; a sign-out here would not stick.
                                view! { <span class="muted" title="Signed in through your company's single sign-on">"via SSO"</span> }.into_any()
                            } else {
                                // A plain POST: signing out reloads the page, so nothing signed-in lingers.
                                view! {
                                    <form method="post" action=SignOut::PATH class="sign-out">
                                        <button type="submit" class="link-button">"Sign out"</button>
                                    </form>
                                }.into_any()
                            }}
                        </div>
                    })
                })}
            </Suspense>
        </header>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match frame.0.await {
                    Ok(i) if i.demo => Some(view! {
                        <p class="demo-banner" role="note">
                            <strong>"Demo mode: "</strong>
                            "data comes from a built-in mock of ConnectyCube, not from your account."
                        </p>
                    }),
                    _ => None,
                }
            })}
        </Suspense>
    }
}
