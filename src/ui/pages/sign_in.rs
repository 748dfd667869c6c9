use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::auth::SignIn;
use crate::ui::components::{use_frame, Alert, ErrorAlert};

/// `/sign-in`. A plain form POST in every browser: success is a full page load into the app,
/// and a failure comes back here with the message (the server function redirects back).
#[component]
pub fn SignInPage() -> impl IntoView {
    let query = use_query_map();
    // Passed on as it came: the server decides where it may lead (`safe_next`), with the URL
    // parser and the public origin that only it has.
    let next = move || query.read().get("next").map(|n| n.chars().take(2000).collect()).unwrap_or_else(|| "/".to_owned());
    let signed_out = move || query.read().get("signed_out").is_some();
    // After a failed attempt without JavaScript the server renders this page again with the name
    // that was typed (never in the browser's address: `serve::form_errors`).
    let typed = move || query.read().get("username").map(|n| n.chars().take(64).collect::<String>()).unwrap_or_default();
    // Only to read the error the server put in the URL after a failed attempt.
    let action = ServerAction::<SignIn>::new();
    let error = move || action.value().get().and_then(Result::err);
    let frame = use_frame();
    view! {
        <Title text="Sign in"/>
        <div class="sign-in card">
            <h1>"Sign in"</h1>
            {move || signed_out().then(|| view! { <p class="notice success" role="status">"You have signed out."</p> })}
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    frame.staff().await.map(|s| view! {
                        <p class="notice">{format!("You are signed in as {} ({}). ", s.username, s.role)}<a href="/">"Go to the dashboard"</a></p>
                    })
                })}
            </Suspense>
            {move || error().map(|e| view! { <ErrorAlert error=e/> })}
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let info = frame.0.await.ok();
                    let no_role = info.as_ref().and_then(|i| i.no_role.clone());
                    let notice = info.as_ref().and_then(|i| i.sign_in_notice.clone());
                    let local = info.as_ref().is_none_or(|i| i.local_login);
                    let break_glass = info.as_ref().is_some_and(|i| i.break_glass_only);
                    let providers = info.as_ref().map(|i| i.providers.clone()).unwrap_or_default();
                    let has_providers = !providers.is_empty();
                    let start = move |name: &str| format!("/auth/oidc/{name}/start?next={}", crate::domain::encode_component(&next()));
                    view! {
                        {no_role.map(|identity| view! { <ErrorAlert error=crate::error::AppError::NoRole { identity }/> })}
                        {notice.map(|message| view! { <Alert title="Not signed in" message=message/> })}
                        {has_providers.then(|| view! {
                            <ul class="providers">
                                {providers.into_iter().map(|(name, display)| view! {
                                    <li><a class="button primary provider" href=start(&name)>{format!("Sign in with {display}")}</a></li>
                                }).collect_view()}
                            </ul>
                        })}
                        {match (local, break_glass, has_providers) {
                            (true, false, false) => view! { <SignInForm next=next() username=typed()/> }.into_any(),
                            (true, false, true) => view! {
                                <p class="or">"or with a Meeting Admin account"</p>
                                <SignInForm next=next() username=typed()/>
                            }.into_any(),
                            (true, true, _) => view! {
                                <details class="break-glass">
                                    <summary>"Emergency sign-in with a local account"</summary>
                                    <p class="hint">"Only the accounts set aside for when the identity provider is unavailable may sign in here."</p>
                                    <SignInForm next=next() username=typed()/>
                                </details>
                            }.into_any(),
                            (false, _, true) => ().into_any(),
                            (false, _, false) => view! { <p class="notice">"Local sign-in is turned off here. Open Meeting Admin through your company's single sign-on to be signed in."</p> }.into_any(),
                        }}
                    }
                })}
            </Suspense>
        </div>
    }
}

#[component]
fn SignInForm(next: String, username: String) -> impl IntoView {
    view! {
        <form method="post" action=SignIn::PATH>
            <input type="hidden" name="next" value=next/>
            <div class="field">
                <label for="username">"Username"</label>
                <input id="username" name="username" type="text" autocomplete="username" required autofocus value=username
                    autocapitalize="none" spellcheck="false" maxlength="64"/>
            </div>
            <div class="field">
                <label for="password">"Password"</label>
                <input id="password" name="password" type="password" autocomplete="current-password" required maxlength="1024"/>
            </div>
            <button type="submit" class="primary">"Sign in"</button>
        </form>
        <p class="hint">"Accounts are managed by whoever runs Meeting Admin (" <code>"meeting-admin user"</code> ")."</p>
    }
}

