use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;

use crate::api::meetings::{CreateFailed, CreateMeeting};
use crate::domain::{attendee_field, AttendeeRow, LocalDateTime, MeetingForm, NotifyMetric, Permission, Zone};
use crate::error::AppError;
use crate::ui::components::{alert_title, use_frame, Alert, ErrorAlert};

#[cfg(feature = "hydrate")]
mod live;

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
                            let failed = ServerAction::<CreateMeeting>::new().value().get_untracked().and_then(Result::err);
                            let zones = jiff::tz::db().available().map(|n| n.to_string()).collect::<Vec<_>>();
                            view! {
                                <MeetingFormView now=info.now failed/>
                                <MeetingFormLive/>
                                // The zone names come from the server's database.
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

/// No-JavaScript browsers cannot add rows, so the form always offers a few empty ones (the
/// browser's code takes the spare ones away again).
const MIN_ROWS: usize = 3;

/// What the time preview lists: each line's title and the start → end it shows. `mine` is the
/// reader's zone, known only in the browser. None while a time or the zone does not parse.
fn preview_lines(f: &MeetingForm, mine: Option<&Zone>) -> Option<Vec<(String, String)>> {
    let zone = Zone::parse(&f.timezone).ok()?;
    let at = |raw: &str| LocalDateTime::parse(raw).ok().and_then(|l| zone.resolve(l).ok());
    let (start, end) = (at(&f.start)?, at(&f.end)?);
    let span = |z: &Zone| format!("{} → {}", z.format(start), z.format(end));
    let mut lines = vec![("In UTC".to_owned(), span(&Zone::utc()))];
    lines.extend(mine.map(|z| (format!("Your time ({})", z.name()), span(z))));
    Some(lines)
}

/// "1 to 24 hours." for the unit chosen.
fn range_hint(metric: &str) -> String {
    NotifyMetric::parse(metric).map(|m| format!("{} to {} {}.", m.range().start(), m.range().end(), m.as_str())).unwrap_or_default()
}

/// The form as the server writes it: what was typed and each field's error in place, working
/// as a plain form. `MeetingFormLive` then checks it as it is typed in the browser.
#[component]
fn MeetingFormView(now: i64, failed: Option<CreateFailed>) -> impl IntoView {
    // A new form starts, in the browser, in the reader's own zone; one sent back keeps what was typed.
    let fresh = failed.as_ref().is_none_or(|f| f.form.is_none());
    let (form, errors, alert) = match failed {
        Some(f) => {
            let fields = match &f.error {
                AppError::Invalid { fields, .. } => fields.clone(),
                _ => Vec::new(),
            };
            let alert = (alert_title(&f.error).to_owned(), f.error.to_string());
            (f.form.unwrap_or_else(|| MeetingForm::blank(now, &Zone::utc())), fields, Some(alert))
        }
        None => (MeetingForm::blank(now, &Zone::utc()), Vec::new(), None),
    };
    let mut form = form;
    while form.attendees.len() < MIN_ROWS {
        form.attendees.push(AttendeeRow::default());
    }
    // Without JavaScript, the browser focuses the first field in error on load.
    let first_bad = errors.first().map(|e| e.field.clone());
    let error_of = |field: &str| errors.iter().find(|e| e.field == field).map(|e| e.message.clone());
    let text = |field: &'static str, label: &'static str, hint: Option<&'static str>, kind: &'static str, list: Option<&'static str>, value: &str| {
        let id = input_id(field);
        let err = error_of(field);
        let hint_id = format!("{id}-hint");
        let err_id = format!("{id}-error");
        let described = if hint.is_some() { format!("{hint_id} {err_id}") } else { err_id.clone() };
        view! {
            <div class="field">
                // Every text field of the meeting is required; the form checks them itself (`novalidate`).
                <label for=id.clone()>{label}<span class="required-mark" aria-hidden="true">" required"</span></label>
                <input id=id name=format!("form[{field}]") type=kind required=true list=list autofocus=first_bad.as_deref() == Some(field)
                    value=value.to_owned() aria-invalid=if err.is_some() { "true" } else { "false" } aria-describedby=described/>
                {hint.map(|h| view! { <p id=hint_id class="hint">{h}</p> })}
                <p id=err_id class="field-error">{err}</p>
            </div>
        }
    };
    let flag = |field: &'static str, label: &'static str, hint: &'static str, on: bool| {
        let id = input_id(field);
        view! {
            <div class="check">
                <input id=id.clone() name=format!("form[{field}]") type="checkbox" checked=on aria-describedby=format!("{id}-hint")/>
                <label for=id.clone()>{label}</label>
                <span id=format!("{id}-hint") class="hint">{hint}</span>
            </div>
        }
    };
    let rows = form.attendees.iter().enumerate().map(|(i, row)| {
        let (id_field, email_field) = (attendee_field(i, "id"), attendee_field(i, "email"));
        view! { <AttendeeRowView i row=row.clone() id_error=error_of(&id_field) email_error=error_of(&email_field) focus=first_bad.clone()/> }
    }).collect_view();
    let value_err = error_of("notify_value");
    let metric_err = error_of("notify_metric");
    let preview = preview_lines(&form, None).map(|lines| view! {
        <dl class="preview-times">{lines.into_iter().map(|(title, span)| view! { <dt>{title}</dt><dd>{span}</dd> }).collect_view()}</dl>
    });
    view! {
        <form id="meeting-form" data-now=now data-fresh=fresh.then_some("") method="post" action=CreateMeeting::PATH novalidate class="meeting-form card" aria-describedby="form-status">
            <div id="form-status">{alert.map(|(title, message)| view! { <Alert title message/> })}</div>
            {text("host_id", "Host user id", Some("The ConnectyCube user who will host the meeting, e.g. 32242."), "text", None, &form.host_id)}
            {text("name", "Meeting name", None, "text", None, &form.name)}
            <fieldset class="times">
                <legend>"When"</legend>
                {text("start", "Starts", Some("Date and time in the zone below."), "datetime-local", None, &form.start)}
                {text("end", "Ends", None, "datetime-local", None, &form.end)}
                {text("timezone", "Time zone", Some("An IANA name such as Europe/Riga; type to search."), "text", Some("zones"), &form.timezone)}
                <div id="m-preview" class="times-preview" aria-live="polite">{preview}</div>
            </fieldset>
            <fieldset class="attendees">
                <legend>"Attendees"</legend>
                <p class="hint" id="attendees-hint">"Each attendee needs a user id, an email, or both. Paste a list of emails into an email box to add them all. Empty rows are ignored."</p>
                <p class="field-error" id="m-attendees-error">{error_of("attendees")}</p>
                <ol class="attendee-list">{rows}</ol>
                <button type="button" id="m-add-attendee" class="js-only">"Add attendee"</button>
            </fieldset>
            <fieldset class="flags">
                <legend>"Options"</legend>
                {flag("record", "Record", "Recordings appear on the meeting's recordings page.", form.record.is_some())}
                {flag("chat", "Chat", "Creates a chat dialog for the meeting.", form.chat.is_some())}
                {flag("public", "Public", "Anyone with the link may join.", form.public.is_some())}
                {flag("scheduled", "Scheduled", "Shown as a scheduled meeting in the host's app.", form.scheduled.is_some())}
                {flag("notify", "Notify attendees", "Remind attendees before the start.", form.notify.is_some())}
                // Without JavaScript the fields are always there (and ignored unless "Notify" is ticked).
                <div class="notify-before">
                    <div class="field">
                        <label for="m-notify_value">"Notify before the start"</label>
                        <input id="m-notify_value" name="form[notify_value]" type="number" inputmode="numeric" value=form.notify_value.clone()
                            autofocus=first_bad.as_deref() == Some("notify_value")
                            aria-invalid=if value_err.is_some() { "true" } else { "false" } aria-describedby="m-notify_value-hint m-notify_value-error"/>
                        <p id="m-notify_value-hint" class="hint"><span id="m-notify_value-range">{range_hint(&form.notify_metric)}</span>" Used only when “Notify attendees” is ticked."</p>
                        <p id="m-notify_value-error" class="field-error">{value_err.clone()}</p>
                    </div>
                    <div class="field">
                        <label for="m-notify_metric">"Unit"</label>
                        <select id="m-notify_metric" name="form[notify_metric]"
                            aria-invalid=if metric_err.is_some() { "true" } else { "false" } aria-describedby="m-notify_metric-error">
                            {NotifyMetric::ALL.into_iter().map(|m| view! {
                                <option value=m.as_str() selected=form.notify_metric == m.as_str()>{m.as_str()}</option>
                            }).collect_view()}
                        </select>
                        <p id="m-notify_metric-error" class="field-error">{metric_err.clone()}</p>
                    </div>
                </div>
            </fieldset>
            <button type="submit" id="m-submit" class="primary">"Create meeting"</button>
        </form>
    }
}

/// An attendee row's two inputs: the form's part and the words in its label.
const ROW_PARTS: [(&str, &str); 2] = [("id", "user id"), ("email", "email")];

/// What row `i`'s input for `part` is called: its id, its name in the form and its label. The
/// server's rows and the browser's renumbering (`live::number_row`) both take them from here.
fn row_input_names(i: usize, part: &str, words: &str) -> (String, String, String) {
    (input_id(&attendee_field(i, part)), format!("form[attendees][{i}][{part}]"), format!("Attendee {} {words}", i + 1))
}

fn remove_label(i: usize) -> String {
    format!("Remove attendee {}", i + 1)
}

/// One attendee's row.
#[component]
fn AttendeeRowView(i: usize, row: AttendeeRow, id_error: Option<String>, email_error: Option<String>, focus: Option<String>) -> impl IntoView {
    let [(id_part, id_words), (email_part, email_words)] = ROW_PARTS;
    let field = |part: &str, words: &str, kind: &'static str, value: String, error: Option<String>| {
        let (id, name, label) = row_input_names(i, part, words);
        let autofocus = focus.as_deref() == Some(attendee_field(i, part).as_str());
        let is_id = part == id_part;
        view! {
            <div class="field">
                <label for=id.clone()>{label}</label>
                <input id=id.clone() name=name type=kind inputmode=is_id.then_some("numeric") autocomplete=(!is_id).then_some("off") autofocus=autofocus
                    value=value aria-invalid=if error.is_some() { "true" } else { "false" } aria-describedby=format!("{id}-error")/>
                <p id=format!("{id}-error") class="field-error">{error}</p>
            </div>
        }
    };
    view! {
        <li class="attendee-row">
            {field(id_part, id_words, "text", row.id, id_error)}
            {field(email_part, email_words, "email", row.email, email_error)}
            <button type="button" class="link-button js-only remove-attendee" aria-label=remove_label(i)>"Remove"</button>
        </li>
    }
}

/// The form's behaviour in the browser, an island with nothing of its own to show: it checks
/// what is typed as it is typed (the same parsing the server does), previews the times, adds and
/// removes attendee rows, and sends the form once. It works on the page's own form through the
/// DOM, so the bundle carries no second copy of the form's view. What it needs to know is in the
/// form's data attributes (islands take no props, so the bundle carries no JSON decoder).
#[island]
fn MeetingFormLive() -> impl IntoView {
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| live::start());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_ids_follow_field_names() {
        assert_eq!(input_id("host_id"), "m-host_id");
        assert_eq!(input_id("attendees[2][email]"), "m-attendees-2-email");
    }

    #[test]
    fn the_preview_lists_utc_and_the_readers_zone() {
        let form = MeetingForm { start: "2026-07-15T10:00".into(), end: "2026-07-15T11:00".into(), timezone: "Europe/Riga".into(), ..MeetingForm::default() };
        let kolkata = Zone::parse("Asia/Kolkata").unwrap();
        let lines = preview_lines(&form, Some(&kolkata)).unwrap();
        assert_eq!(lines[0], ("In UTC".to_owned(), "15 Jul 2026, 07:00 UTC → 15 Jul 2026, 08:00 UTC".to_owned()));
        assert_eq!(lines[1].0, "Your time (Asia/Kolkata)");
        assert_eq!(lines[1].1, "15 Jul 2026, 12:30 IST → 15 Jul 2026, 13:30 IST");
        assert!(preview_lines(&MeetingForm { timezone: "Mars/Base".into(), ..form }, None).is_none());
    }

    #[test]
    fn the_range_hint_names_the_unit() {
        assert_eq!(range_hint("hours"), "1 to 24 hours.");
        assert_eq!(range_hint("fortnights"), "");
    }
}
