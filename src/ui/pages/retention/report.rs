//! `/retention/report`: the inventory per host (count, bytes, oldest, due soon, held, exempt),
//! its CSV, and the bytes by age as a chart.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::retention::read_retention_report;
use crate::domain::{format_bytes, RetentionReport};
use crate::ui::components::{local_time, ErrorAlert, LocalTimes};

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
                Some(t) => view! { "As of the listings since " {local_time(t / 1000)} "." }.into_any(),
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
                        <table class="deletions">
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
                                        <td>{h.meetings}</td>
                                        <td>{h.recordings}</td>
                                        <td>{format_bytes(h.bytes)}</td>
                                        <td>{h.oldest.map(local_time)}</td>
                                        <td>{h.due_7}</td>
                                        <td>{h.due_30}</td>
                                        <td>{h.held}</td>
                                        <td>{h.exempt}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
        </section>
        <LocalTimes/>
    }
}
