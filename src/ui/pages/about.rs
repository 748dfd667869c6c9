use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::info::about;
use crate::ui::components::ErrorAlert;

/// `/about`: the version, and the public key anyone can check a deletion record against.
#[component]
pub fn AboutPage() -> impl IntoView {
    let info = Resource::new(|| (), |_| about());
    view! {
        <Title text="About"/>
        <h1>"About Meeting Admin"</h1>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match info.await {
                    Ok(a) => view! {
                        <p>{format!("Version {}.", a.version)}</p>
                        <section class="card" aria-labelledby="evidence-key">
                            <h2 id="evidence-key">"The key deletion records are signed with"</h2>
                            <p>
                                "A case's deletion record is signed with this Ed25519 key. Anyone can check a record with "
                                <code>"meeting-admin evidence verify FILE"</code>
                                ", or with any Ed25519 tool and this public key."
                            </p>
                            <dl class="details">
                                <dt>"Key id"</dt><dd><code>{a.key_id}</code></dd>
                                <dt>"Kept"</dt>
                                <dd>{if a.key_from_file { "in the file EVIDENCE_KEY_FILE names" } else { "in the database (made at first start)" }}</dd>
                            </dl>
                            <pre class="key">{a.public_key}</pre>
                        </section>
                    }.into_any(),
                    Err(e) => view! { <ErrorAlert error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}
