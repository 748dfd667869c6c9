//! `/retention/report`: the inventory per host (count, bytes, oldest, due soon, held, exempt),
//! its CSV, and the bytes by age as a chart.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::retention::read_retention_report;
use crate::domain::{format_bytes, RetentionReport};
use crate::ui::components::{local_time, local_time_ms, ErrorAlert};

#[component]
pub fn RetentionReportPage() -> impl IntoView {
    let report = Resource::new(|| (), |_| read_retention_report());
    view! {
        <Title text="Retention report"/>
        <h1>"Retention report"</h1>
        <p class="lead">"What the inventory holds, per host: the meetings known here only (ConnectyCube cannot list the others). " <a href="/retention">"Back to Retention"</a></p>
        <Suspense fallback=|| view! { <p class="loading">"Loading the report…"</p> }>
            {move || Suspend::new(async move {
                match report.await {
                    Ok(r) => view! { <Report r/> }.into_any(),
                    Err(e) => view! { <ErrorAlert error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Report(r: RetentionReport) -> impl IntoView {
    let svg = r.age_chart_svg();
    view! {
        <p class="muted">
            {match r.as_of_ms {
                Some(t) => view! { "As of the listings since " {local_time_ms(t)} "." }.into_any(),
                None => "Nothing listed yet.".into_any(),
            }}
            " "
            <a href="/retention/report.csv" download="retention-report.csv">"Download as CSV"</a>
        </p>
        <section class="card" aria-labelledby="ages-heading">
            <h2 id="ages-heading">"Bytes by age"</h2>
            <div class="chart" inner_html=svg></div>
        </section>
        <section class="card" aria-labelledby="hosts-report-heading">
            <h2 id="hosts-report-heading">"Per host"</h2>
            {if r.hosts.is_empty() {
                view! { <p class="muted">"No meeting is known yet."</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap">
                        <table class="deletions cards">
                            <caption>"Recordings known per host"</caption>
                            <thead>
                                <tr>
                                    <th scope="col">"Host"</th>
                                    <th scope="col">"Meetings"</th>
                                    <th scope="col">"Recordings"</th>
                                    <th scope="col">"Size"</th>
                                    <th scope="col">"Oldest"</th>
                                    <th scope="col">"Due within 7 days"</th>
                                    <th scope="col">"Due within 30 days"</th>
                                    <th scope="col">"On hold"</th>
                                    <th scope="col">"Exempt"</th>
                                </tr>
                            </thead>
                            <tbody>
                                {r.hosts.into_iter().map(|h| view! {
                                    <tr>
                                        <th scope="row">{h.host.map(|h| h.to_string()).unwrap_or_else(|| "unknown host".to_owned())}</th>
                                        <td data-label="Meetings">{h.meetings}</td>
                                        <td data-label="Recordings">{h.recordings}</td>
                                        <td data-label="Size">{format_bytes(h.bytes)}</td>
                                        <td data-label="Oldest">{h.oldest.map(local_time)}</td>
                                        <td data-label="Due within 7 days">{h.due_7}</td>
                                        <td data-label="Due within 30 days">{h.due_30}</td>
                                        <td data-label="On hold">{h.held}</td>
                                        <td data-label="Exempt">{h.exempt}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
        </section>
    }
}
