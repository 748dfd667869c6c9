use leptos::prelude::*;
use leptos_meta::Title;

use crate::domain::MeetingId;
use crate::ui::components::{use_frame, FindRecordingsForm};

#[component]
pub fn HomePage() -> impl IntoView {
    let frame = use_frame();
    view! {
        <Title text=""/>
        <h1>"Meeting Admin"</h1>
        <p class="lead">"Look up a meeting's recordings, download them, or delete them on a customer's request."</p>
        <section aria-labelledby="find-heading" class="card">
            <h2 id="find-heading">"Find recordings"</h2>
            <FindRecordingsForm id_prefix="home"/>
        </section>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let demo = frame.0.await.ok().filter(|i| i.demo)?;
                Some(view! {
                    <section aria-labelledby="demo-heading" class="card">
                        <h2 id="demo-heading">"Demo meetings"</h2>
                        <p>"The built-in mock holds these meetings:"</p>
                        <ul class="demo-meetings">
                            {demo.demo_meetings.into_iter().filter_map(|raw| MeetingId::parse(&raw).ok()).map(|id| view! {
                                <li><a href=id.recordings_path()><code>{id.to_string()}</code></a></li>
                            }).collect_view()}
                        </ul>
                    </section>
                })
            })}
        </Suspense>
    }
}
