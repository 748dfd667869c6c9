use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::cases::{list_cases, CaseList, OpenCase};
use crate::domain::{format_day, CaseFilter, Ground};
use crate::error::AppError;
use crate::ui::components::ErrorAlert;

/// `/cases`: open cases by deadline (or a filter's), and the form that opens one.
#[component]
pub fn CasesPage() -> impl IntoView {
    let query = use_query_map();
    let filter = Memo::new(move |_| query.read().get("filter"));
    let list = Resource::new(move || filter.get(), list_cases);
    view! {
        <Title text="Erasure cases"/>
        <h1>"Erasure cases"</h1>
        <p class="lead">"Each erasure request (GDPR Art. 17) as a case: its deadline, the meetings it covers, their deletion, and a signed record of what was deleted."</p>
        <Suspense fallback=|| view! { <p class="loading">"Loading the cases…"</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(l) => view! { <Cases l/> }.into_any(),
                    Err(e) => view! { <ErrorAlert error=e/> }.into_any(),
                }
            })}
        </Suspense>
        <OpenForm/>
    }
}

#[component]
fn Cases(l: CaseList) -> impl IntoView {
    let today = l.today;
    let tabs = CaseFilter::ALL.into_iter().map(|f| {
        let count = match f {
            CaseFilter::DueSoon => format!(" ({})", l.due_soon),
            CaseFilter::Overdue => format!(" ({})", l.overdue),
            _ => String::new(),
        };
        let current = (f == l.filter).then_some("page");
        view! { <a href=format!("/cases?filter={}", f.as_str()) aria-current=current>{format!("{}{count}", f.label())}</a> }
    }).collect_view();
    let empty = l.cases.is_empty();
    view! {
        <nav class="tabs" aria-label="Which cases">{tabs}</nav>
        {empty.then(|| view! { <p role="status">"No cases here."</p> })}
        {(!empty).then(|| view! {
            <div class="table-scroll">
                <table class="cases cards">
                    <thead><tr>
                        <th scope="col">"Reference"</th>
                        <th scope="col">"State"</th>
                        <th scope="col">"Received"</th>
                        <th scope="col">"Deadline"</th>
                        <th scope="col">"Standing"</th>
                    </tr></thead>
                    <tbody>
                        {l.cases.into_iter().map(|c| {
                            let standing = c.standing(today);
                            let class = if standing.is_overdue() { "overdue" } else if standing.is_due_soon() { "due-soon" } else { "" };
                            view! {
                                <tr class=class>
                                    <td data-label="Reference"><a href=c.path()>{c.reference.clone()}</a></td>
                                    <td data-label="State">{c.state.label()}</td>
                                    <td data-label="Received">{format_day(c.received)}</td>
                                    <td data-label="Deadline">{format_day(c.deadline())}</td>
                                    <td data-label="Standing">{standing.describe()}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        })}
    }
}

#[component]
fn OpenForm() -> impl IntoView {
    let action = ServerAction::<OpenCase>::new();
    let error = move || action.value().get().and_then(Result::err);
    let field = move |f: &'static str| move || error().and_then(|e| e.field(f));
    view! {
        <section class="card" aria-labelledby="open-case-heading">
            <h2 id="open-case-heading">"Open a case"</h2>
            <p class="hint">"Keep personal data to what the case needs: the ticket reference and a note, no contact details."</p>
            <ActionForm action=action>
                <Field id="case-reference" name="form[reference]" label="Reference (ticket)" kind="text" hint="The request's ticket number, e.g. ZD-48213." error=field("reference")/>
                <div class="field">
                    <label for="case-ground">"Legal ground"</label>
                    <select id="case-ground" name="form[ground]" aria-describedby="case-ground-error">
                        {Ground::ALL.into_iter().map(|g| view! { <option value=g.as_str()>{g.label()}</option> }).collect_view()}
                    </select>
                    <p id="case-ground-error" class="field-error">{field("ground")}</p>
                </div>
                <Field id="case-received" name="form[received]" label="Received" kind="date" hint="The day the request reached the company." error=field("received")/>
                <Field id="case-verified" name="form[verified]" label="Identity verified (optional)" kind="date" hint="" error=field("verified")/>
                <Field id="case-due" name="form[due]" label="Due (optional)" kind="date" hint="Empty: one calendar month after received, as the law gives. An earlier target may be set." error=field("due")/>
                <Field id="case-note" name="form[note]" label="Note (optional)" kind="text" hint="For \"another law\", say which." error=field("note")/>
                {move || error().filter(|e| !matches!(e, AppError::Invalid { .. })).map(|e| view! { <ErrorAlert error=e/> })}
                <button type="submit" disabled=move || action.pending().get()>"Open the case"</button>
            </ActionForm>
        </section>
    }
}

#[component]
pub fn Field<F: Fn() -> Option<String> + Send + Sync + 'static>(id: &'static str, name: &'static str, label: &'static str, kind: &'static str, hint: &'static str, error: F) -> impl IntoView {
    let error = Signal::derive(error);
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <input id=id name=name type=kind autocomplete="off" aria-describedby=format!("{id}-hint {id}-error") aria-invalid=move || if error.get().is_some() { "true" } else { "false" }/>
            <p id=format!("{id}-hint") class="hint">{hint}</p>
            <p id=format!("{id}-error") class="field-error">{move || error.get()}</p>
        </div>
    }
}
