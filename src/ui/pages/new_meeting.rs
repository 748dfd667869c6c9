use leptos::ev::{ClipboardEvent, SubmitEvent};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;

use crate::api::meetings::{CreateFailed, CreateMeeting};
use crate::domain::{attendee_field, split_pasted_emails, AttendeeRow, LocalDateTime, MeetingForm, NotifyMetric, Permission, Zone};
use crate::error::{AppError, FieldError};
use crate::ui::components::browser::{browser_zone, focus_id, on_page_restored, pasted_text};
use crate::ui::components::{alert_title, use_frame, Alert, ErrorAlert};

/// `/meetings/new`: create a meeting on behalf of a host (operators and admins).
#[component]
pub fn NewMeetingPage() -> impl IntoView {
    let frame = use_frame();
    view! {
        <Title text="New meeting"/>
        <h1>"Create a meeting"</h1>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match frame.0.await {
                    Ok(info) => match info.staff {
                        Some(s) if s.may(Permission::CreateMeeting) => {
                            // After a failed plain-form post the server sends the form back with the error.
                            let failed = ServerAction::<CreateMeeting>::new().value().get_untracked().and_then(Result::err).map(ReturnedForm::from);
                            let zones = jiff::tz::db().available().map(|n| n.to_string()).collect::<Vec<_>>();
                            view! {
                                <MeetingFormView now=info.now failed/>
                                // Outside the island: the zone names come from the server's database.
                                <datalist id="zones">{zones.into_iter().map(|z| view! { <option value=z></option> }).collect_view()}</datalist>
                            }.into_any()
                        }
                        Some(s) => view! { <ErrorAlert error=Permission::CreateMeeting.refused_for(s.role)/> }.into_any(),
                        None => view! { <ErrorAlert error=AppError::Unauthenticated/> }.into_any(),
                    },
                    Err(e) => view! { <ErrorAlert error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// What a failed post sends back to the form: as text, so the browser's code needs no error type.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ReturnedForm {
    pub form: Option<MeetingForm>,
    pub fields: Vec<FieldError>,
    /// The alert's title and message.
    pub alert: (String, String),
}

impl From<CreateFailed> for ReturnedForm {
    fn from(f: CreateFailed) -> Self {
        let fields = match &f.error {
            AppError::Invalid { fields, .. } => fields.clone(),
            _ => Vec::new(),
        };
        Self { form: f.form, fields, alert: (alert_title(&f.error).to_owned(), f.error.to_string()) }
    }
}

/// The id of the input for a form field (`attendees[2][email]` → `m-attendees-2-email`).
fn input_id(field: &str) -> String {
    let mut id = String::from("m-");
    for c in field.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            id.push(c);
        } else if !id.ends_with('-') {
            id.push('-');
        }
    }
    id.trim_end_matches('-').to_owned()
}

/// No-JavaScript browsers cannot add rows, so the form always offers a few empty ones.
const MIN_ROWS: usize = 3;

fn padded(mut f: MeetingForm) -> MeetingForm {
    while f.attendees.len() < MIN_ROWS {
        f.attendees.push(AttendeeRow::default());
    }
    f
}

/// The form, an island: it checks what is typed as it is typed (the same parsing the server
/// does), previews the times, and adds attendee rows. A valid form is then posted as a plain
/// form, exactly as without JavaScript, and the server's answer is a new page.
#[island]
fn MeetingFormView(now: i64, failed: Option<ReturnedForm>) -> impl IntoView {
    // Without JavaScript, the browser focuses the first field in error on load.
    let first_bad: Option<String> = failed.as_ref().and_then(|e| e.fields.first().map(|f| f.field.clone()));
    let (returned, server_error) = match failed {
        Some(f) => (f.form, Some((f.fields, f.alert))),
        None => (None, None),
    };
    let server_error = StoredValue::new(server_error);
    let from_server = returned.is_some();
    let form = RwSignal::new(padded(returned.unwrap_or_else(|| MeetingForm::blank(now, &Zone::utc()))));
    let attempted = RwSignal::new(false);
    let live = RwSignal::new(false);
    let my_zone = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        live.set(true);
        // With JavaScript rows are added as needed: one empty row is enough (without it the
        // page offers a few, as it cannot add any).
        form.update(|f| {
            let empty = |r: &AttendeeRow| r.id.trim().is_empty() && r.email.trim().is_empty();
            while f.attendees.len() > 1 && f.attendees.iter().rev().take(2).all(empty) {
                f.attendees.pop();
            }
        });
        let zone = browser_zone();
        my_zone.set(zone.clone());
        // A fresh form starts in the staff member's own zone.
        if let (false, Some(z)) = (from_server, zone.and_then(|z| Zone::parse(&z).ok())) {
            form.update(|f| {
                let blank = MeetingForm::blank(now, &z);
                f.timezone = blank.timezone;
                f.start = blank.start;
                f.end = blank.end;
            });
        }
    });

    let server_error = move || server_error.get_value();
    let submitting = RwSignal::new(false);
    // Back to this page from the browser's memory: the form can be sent again.
    on_page_restored(move || submitting.set(false));
    let client_errors = Memo::new(move |_| if attempted.get() { form.with(|f| f.parse().err().unwrap_or_default()) } else { Vec::new() });
    let error_for = move |field: String| {
        move || {
            client_errors
                .with(|errs| errs.iter().find(|e| e.field == field).map(|e| e.message.clone()))
                .or_else(|| server_error().and_then(|(fields, _)| fields.into_iter().find(|f| f.field == field).map(|f| f.message)))
        }
    };
    let on_submit = move |ev: SubmitEvent| {
        // Sent once: a second click while the first post is on its way does nothing.
        if submitting.get_untracked() {
            ev.prevent_default();
            return;
        }
        attempted.set(true);
        match form.with_untracked(MeetingForm::parse) {
            Err(errors) => {
                ev.prevent_default();
                if let Some(first) = errors.first() {
                    focus_id(&input_id(&first.field));
                }
            }
            // The browser posts it; the page stays until the answer arrives.
            Ok(_) => submitting.set(true),
        }
    };

    let autofocus = {
        let first_bad = first_bad.clone();
        move |field: &str| first_bad.as_deref() == Some(field)
    };
    let text = move |field: &'static str, label: &'static str, hint: Option<&'static str>, kind: &'static str, list: Option<&'static str>, get: fn(&MeetingForm) -> String, set: fn(&mut MeetingForm, String)| {
        let id = input_id(field);
        let err = error_for(field.to_owned());
        let err2 = err.clone();
        let hint_id = format!("{id}-hint");
        let err_id = format!("{id}-error");
        let described = if hint.is_some() { format!("{hint_id} {err_id}") } else { err_id.clone() };
        view! {
            <div class="field">
                // Every text field of the meeting is required; the form checks them itself (`novalidate`).
                <label for=id.clone()>{label}<span class="required-mark" aria-hidden="true">" required"</span></label>
                <input
                    id=id
                    name=format!("form[{field}]")
                    type=kind
                    required=true
                    list=list
                    autofocus=autofocus(field)
                    value=move || form.with(get)
                    prop:value=move || form.with(get)
                    on:input=move |ev| form.update(|f| set(f, event_target_value(&ev)))
                    aria-invalid=move || if err2().is_some() { "true" } else { "false" }
                    aria-describedby=described
                />
                {hint.map(|h| view! { <p id=hint_id class="hint">{h}</p> })}
                <p id=err_id class="field-error">{err}</p>
            </div>
        }
    };
    let flag = move |field: &'static str, label: &'static str, hint: &'static str, get: fn(&MeetingForm) -> bool, set: fn(&mut MeetingForm, bool)| {
        let id = input_id(field);
        view! {
            <div class="check">
                <input
                    id=id.clone()
                    name=format!("form[{field}]")
                    type="checkbox"
                    checked=move || form.with(get)
                    prop:checked=move || form.with(get)
                    on:change=move |ev| form.update(|f| set(f, event_target_checked(&ev)))
                    aria-describedby=format!("{id}-hint")
                />
                <label for=id.clone()>{label}</label>
                <span id=format!("{id}-hint") class="hint">{hint}</span>
            </div>
        }
    };

    let general = move || server_error().map(|(_, (title, message))| view! { <Alert title message/> });
    view! {
        <form method="post" action=CreateMeeting::PATH on:submit=on_submit novalidate class="meeting-form card" aria-describedby="form-status">
            <div id="form-status">{general}</div>
            {text("host_id", "Host user id", Some("The ConnectyCube user who will host the meeting, e.g. 32242."), "text", None, |f| f.host_id.clone(), |f, v| f.host_id = v)}
            {text("name", "Meeting name", None, "text", None, |f| f.name.clone(), |f, v| f.name = v)}
            <fieldset class="times">
                <legend>"When"</legend>
                {text("start", "Starts", Some("Date and time in the zone below."), "datetime-local", None, |f| f.start.clone(), |f, v| f.start = v)}
                {text("end", "Ends", None, "datetime-local", None, |f| f.end.clone(), |f, v| f.end = v)}
                {text("timezone", "Time zone", Some("An IANA name such as Europe/Riga; type to search."), "text", Some("zones"), |f| f.timezone.clone(), |f, v| f.timezone = v)}
                <TimesPreview form my_zone/>
            </fieldset>
            <Attendees form first_bad=first_bad.clone() error_for=Callback::new(move |f: String| error_for(f)())/>
            <fieldset class="flags">
                <legend>"Options"</legend>
                {flag("record", "Record", "Recordings appear on the meeting's recordings page.", |f| f.record.is_some(), |f, on| f.record = on.then(|| "on".into()))}
                {flag("chat", "Chat", "Creates a chat dialog for the meeting.", |f| f.chat.is_some(), |f, on| f.chat = on.then(|| "on".into()))}
                {flag("public", "Public", "Anyone with the link may join.", |f| f.public.is_some(), |f, on| f.public = on.then(|| "on".into()))}
                {flag("scheduled", "Scheduled", "Shown as a scheduled meeting in the host's app.", |f| f.scheduled.is_some(), |f, on| f.scheduled = on.then(|| "on".into()))}
                {flag("notify", "Notify attendees", "Remind attendees before the start.", |f| f.notify.is_some(), |f, on| f.notify = on.then(|| "on".into()))}
                <NotifyBeforeFields form live error_for=Callback::new(move |f: String| error_for(f)())/>
            </fieldset>
            <button type="submit" class="primary" aria-disabled=move || submitting.get().then_some("true")>
                {move || if submitting.get() { "Creating…" } else { "Create meeting" }}
            </button>
        </form>
    }
}

#[component]
fn TimesPreview(form: RwSignal<MeetingForm>, my_zone: RwSignal<Option<String>>) -> impl IntoView {
    let preview = move || {
        form.with(|f| {
            let zone = Zone::parse(&f.timezone).ok()?;
            let at = |raw: &str| LocalDateTime::parse(raw).ok().and_then(|l| zone.resolve(l).ok());
            let (start, end) = (at(&f.start)?, at(&f.end)?);
            let mine = my_zone.get().and_then(|z| Zone::parse(&z).ok());
            let utc = Zone::utc();
            Some(view! {
                <dl class="preview-times">
                    <dt>"In UTC"</dt>
                    <dd>{format!("{} → {}", utc.format(start), utc.format(end))}</dd>
                    {mine.map(|z| view! {
                        <dt>{format!("Your time ({})", z.name())}</dt>
                        <dd>{format!("{} → {}", z.format(start), z.format(end))}</dd>
                    })}
                </dl>
            })
        })
    };
    view! { <div class="times-preview" aria-live="polite">{preview}</div> }
}

#[component]
fn Attendees(form: RwSignal<MeetingForm>, first_bad: Option<String>, error_for: Callback<String, Option<String>>) -> impl IntoView {
    let count = move || form.with(|f| f.attendees.len());
    let add = move |_| {
        form.update(|f| f.attendees.push(AttendeeRow::default()));
        focus_id(&input_id(&attendee_field(count() - 1, "id")));
    };
    let row = move |i: usize| {
        let focus_id_field = first_bad.as_deref() == Some(attendee_field(i, "id").as_str());
        let focus_email = first_bad.as_deref() == Some(attendee_field(i, "email").as_str());
        let id_field = attendee_field(i, "id");
        let email_field = attendee_field(i, "email");
        let (id_input, email_input) = (input_id(&id_field), input_id(&email_field));
        let id_err = move || error_for.run(attendee_field(i, "id"));
        let email_err = move || error_for.run(attendee_field(i, "email"));
        let get = move |pick: fn(&AttendeeRow) -> String| move || form.with(|f| f.attendees.get(i).map(pick).unwrap_or_default());
        let remove = move |_| {
            form.update(|f| {
                if i < f.attendees.len() {
                    f.attendees.remove(i);
                }
            })
        };
        // Pasting "a@x.com, b@y.com" into an email box fills this row and adds one per address.
        let on_paste = move |ev: ClipboardEvent| {
            let text = pasted_text(&ev);
            let emails = split_pasted_emails(&text);
            if emails.len() > 1 {
                ev.prevent_default();
                form.update(|f| {
                    let mut rest = emails.into_iter();
                    if let (Some(row), Some(first)) = (f.attendees.get_mut(i), rest.next()) {
                        row.email = first;
                    }
                    for (k, e) in rest.enumerate() {
                        f.attendees.insert(i + 1 + k, AttendeeRow { id: String::new(), email: e });
                    }
                });
            }
        };
        view! {
            <li class="attendee-row">
                <div class="field">
                    <label for=id_input.clone()>{format!("Attendee {} user id", i + 1)}</label>
                    <input id=id_input.clone() name=format!("form[attendees][{i}][id]") type="text" inputmode="numeric" autofocus=focus_id_field
                        value=get(|r| r.id.clone()) prop:value=get(|r| r.id.clone())
                        on:input=move |ev| form.update(|f| if let Some(r) = f.attendees.get_mut(i) { r.id = event_target_value(&ev) })
                        aria-invalid=move || if id_err().is_some() { "true" } else { "false" }
                        aria-describedby=format!("{id_input}-error")/>
                    <p id=format!("{id_input}-error") class="field-error">{id_err}</p>
                </div>
                <div class="field">
                    <label for=email_input.clone()>{format!("Attendee {} email", i + 1)}</label>
                    <input id=email_input.clone() name=format!("form[attendees][{i}][email]") type="email" autocomplete="off" autofocus=focus_email
                        value=get(|r| r.email.clone()) prop:value=get(|r| r.email.clone())
                        on:input=move |ev| form.update(|f| if let Some(r) = f.attendees.get_mut(i) { r.email = event_target_value(&ev) })
                        on:paste=on_paste
                        aria-invalid=move || if email_err().is_some() { "true" } else { "false" }
                        aria-describedby=format!("{email_input}-error")/>
                    <p id=format!("{email_input}-error") class="field-error">{email_err}</p>
                </div>
                <button type="button" class="link-button js-only" on:click=remove aria-label=format!("Remove attendee {}", i + 1)>"Remove"</button>
            </li>
        }
    };
    view! {
        <fieldset class="attendees">
            <legend>"Attendees"</legend>
            <p class="hint" id="attendees-hint">"Each attendee needs a user id, an email, or both. Paste a list of emails into an email box to add them all. Empty rows are ignored."</p>
            <p class="field-error" id="m-attendees-error">{move || error_for.run("attendees".to_owned())}</p>
            <ol class="attendee-list">{move || (0..count()).map(row.clone()).collect_view()}</ol>
            <button type="button" class="js-only" on:click=add>"Add attendee"</button>
        </fieldset>
    }
}

#[component]
fn NotifyBeforeFields(form: RwSignal<MeetingForm>, live: RwSignal<bool>, error_for: Callback<String, Option<String>>) -> impl IntoView {
    // Without JavaScript the fields are always there (and ignored unless "Notify" is ticked).
    let shown = move || !live.get() || form.with(|f| f.notify.is_some());
    let value_err = move || error_for.run("notify_value".to_owned());
    let metric_err = move || error_for.run("notify_metric".to_owned());
    let range_hint = move || {
        form.with(|f| NotifyMetric::parse(&f.notify_metric))
            .map(|m| format!("{} to {} {}.", m.range().start(), m.range().end(), m.as_str()))
            .unwrap_or_default()
    };
    view! {
        <Show when=shown>
            <div class="notify-before">
                <div class="field">
                    <label for="m-notify_value">"Notify before the start"</label>
                    <input id="m-notify_value" name="form[notify_value]" type="number" inputmode="numeric"
                        value=move || form.with(|f| f.notify_value.clone()) prop:value=move || form.with(|f| f.notify_value.clone())
                        on:input=move |ev| form.update(|f| f.notify_value = event_target_value(&ev))
                        aria-invalid=move || if value_err().is_some() { "true" } else { "false" }
                        aria-describedby="m-notify_value-hint m-notify_value-error"/>
                    <p id="m-notify_value-hint" class="hint">{range_hint}" Used only when “Notify attendees” is ticked."</p>
                    <p id="m-notify_value-error" class="field-error">{value_err}</p>
                </div>
                <div class="field">
                    <label for="m-notify_metric">"Unit"</label>
                    <select id="m-notify_metric" name="form[notify_metric]"
                        on:change=move |ev| form.update(|f| f.notify_metric = event_target_value(&ev))
                        aria-invalid=move || if metric_err().is_some() { "true" } else { "false" }
                        aria-describedby="m-notify_metric-error">
                        {NotifyMetric::ALL.into_iter().map(|m| view! {
                            <option value=m.as_str() selected=move || form.with(|f| f.notify_metric == m.as_str())>{m.as_str()}</option>
                        }).collect_view()}
                    </select>
                    <p id="m-notify_metric-error" class="field-error">{metric_err}</p>
                </div>
            </div>
        </Show>
    }
}
