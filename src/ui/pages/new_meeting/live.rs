//! The create form in the browser: checks as typed, the time preview, attendee rows, one send.
//! It works on the form the server wrote, through the DOM (see `MeetingFormLive`): a reactive
//! copy of the form's view cost the bundle 58 KB brotli (130 KB with it, 73 KB without).

use std::cell::Cell;
use std::rc::Rc;

use wasm_bindgen::{closure::Closure, JsCast};
use web_sys::{ClipboardEvent, Document, Element, Event, HtmlInputElement, HtmlSelectElement};

use super::{input_id, preview_lines, range_hint, remove_label, row_input_names, ROW_PARTS};
use crate::domain::{split_pasted_emails, AttendeeRow, MeetingForm, Zone};
use crate::error::FieldError;
use crate::ui::components::browser::{browser_zone, focus_id, number_attr, on_page_restored, target_closest};

struct Live {
    doc: Document,
    form: Element,
    /// The reader's zone, for the preview.
    mine: Option<Zone>,
    /// Each error line the server wrote (line id, text): shown while the browser's own check
    /// finds nothing wrong there (the vendor's refusals are known only to the server).
    from_server: Vec<(String, String)>,
    /// A send was tried: from then on the errors follow what is typed.
    attempted: Cell<bool>,
    submitting: Cell<bool>,
}

/// Wakes the form. Its `data-now` is the server's clock as the page was made, for a fresh form's
/// times; `data-fresh` marks a new form (not one sent back with errors).
pub fn start() {
    let doc = leptos::prelude::document();
    let Some(form) = doc.get_element_by_id("meeting-form") else { return };
    let now = number_attr(&form, "data-now").unwrap_or_else(crate::domain::browser_now_unix);
    let fresh = form.has_attribute("data-fresh");
    let from_server = all(&form, "p.field-error").into_iter().filter_map(|p| Some((p.id(), p.text_content().filter(|t| !t.is_empty())?))).collect();
    let mine = browser_zone().and_then(|z| Zone::parse(&z).ok());
    let live = Rc::new(Live { doc, form, mine, from_server, attempted: Cell::new(false), submitting: Cell::new(false) });
    live.trim_rows();
    if let (true, Some(zone)) = (fresh, &live.mine) {
        // A fresh form starts in the staff member's own zone.
        let blank = MeetingForm::blank(now, zone);
        for (id, value) in [("m-timezone", &blank.timezone), ("m-start", &blank.start), ("m-end", &blank.end)] {
            if let Some(input) = live.input(id) {
                input.set_value(value);
            }
        }
    }
    live.show_notify();
    live.preview();
    listen(&live, "input", Live::changed);
    listen(&live, "change", Live::changed);
    listen(&live, "click", Live::clicked);
    listen(&live, "paste", Live::pasted);
    listen(&live, "submit", Live::submitted);
    // Back to this page from the browser's memory: the form can be sent again.
    let restored = live.clone();
    on_page_restored(move || restored.set_submitting(false));
}

/// One listener on the form for every event of a kind, for as long as the page lives.
fn listen(live: &Rc<Live>, kind: &str, f: fn(&Live, &Event)) {
    let l = live.clone();
    let cb = Closure::<dyn Fn(Event)>::new(move |ev: Event| f(&l, &ev));
    let _ = live.form.add_event_listener_with_callback(kind, cb.as_ref().unchecked_ref());
    cb.forget();
}

fn all(root: &Element, selector: &str) -> Vec<Element> {
    let Ok(list) = root.query_selector_all(selector) else { return Vec::new() };
    (0..list.length()).filter_map(|i| list.item(i)?.dyn_into().ok()).collect()
}

fn row_input(row: &Element, part: &str) -> Option<HtmlInputElement> {
    row.query_selector(&format!("input[name$='[{part}]']")).ok()??.dyn_into().ok()
}

fn row_value(row: &Element, part: &str) -> String {
    row_input(row, part).map(|i| i.value()).unwrap_or_default()
}

/// Gives row `i` the names, ids and labels the server gives it (`AttendeeRowView`).
fn number_row(row: &Element, i: usize) {
    let (labels, inputs, errors) = (all(row, "label"), all(row, "input"), all(row, "p.field-error"));
    for (k, (part, words)) in ROW_PARTS.into_iter().enumerate() {
        let (id, name, text) = row_input_names(i, part, words);
        if let Some(label) = labels.get(k) {
            let _ = label.set_attribute("for", &id);
            label.set_text_content(Some(&text));
        }
        if let Some(input) = inputs.get(k) {
            input.set_id(&id);
            let _ = input.set_attribute("name", &name);
            let _ = input.set_attribute("aria-describedby", &format!("{id}-error"));
        }
        if let Some(p) = errors.get(k) {
            p.set_id(&format!("{id}-error"));
        }
    }
    if let Ok(Some(remove)) = row.query_selector(".remove-attendee") {
        let _ = remove.set_attribute("aria-label", &remove_label(i));
    }
}

impl Live {
    fn input(&self, id: &str) -> Option<HtmlInputElement> {
        self.doc.get_element_by_id(id)?.dyn_into().ok()
    }

    fn rows(&self) -> Vec<Element> {
        all(&self.form, ".attendee-row")
    }

    /// The form as typed, as the server will read it.
    fn read(&self) -> MeetingForm {
        let text = |id| self.input(id).map(|i| i.value()).unwrap_or_default();
        let on = |id| self.input(id).filter(HtmlInputElement::checked).map(|_| "on".to_owned());
        let metric = self.doc.get_element_by_id("m-notify_metric").and_then(|e| e.dyn_into::<HtmlSelectElement>().ok());
        MeetingForm {
            host_id: text("m-host_id"),
            name: text("m-name"),
            start: text("m-start"),
            end: text("m-end"),
            timezone: text("m-timezone"),
            attendees: self.rows().iter().map(|r| AttendeeRow { id: row_value(r, "id"), email: row_value(r, "email") }).collect(),
            record: on("m-record"),
            chat: on("m-chat"),
            public: on("m-public"),
            scheduled: on("m-scheduled"),
            notify: on("m-notify"),
            notify_metric: metric.map(|m| m.value()).unwrap_or_default(),
            notify_value: text("m-notify_value"),
        }
    }

    /// Each field's error line: the browser's own finding, else what the server said there.
    fn show(&self, errors: &[FieldError]) {
        for line in all(&self.form, "p.field-error") {
            let line_id = line.id();
            let Some(field_id) = line_id.strip_suffix("-error") else { continue };
            let message = errors
                .iter()
                .find(|e| input_id(&e.field) == field_id)
                .map(|e| e.message.as_str())
                .or_else(|| self.from_server.iter().find(|(id, _)| *id == line_id).map(|(_, m)| m.as_str()));
            line.set_text_content(message);
            if let Some(input) = self.doc.get_element_by_id(field_id) {
                let _ = input.set_attribute("aria-invalid", if message.is_some() { "true" } else { "false" });
            }
        }
    }

    fn recheck(&self) {
        if self.attempted.get() {
            self.show(&self.read().parse().err().unwrap_or_default());
        }
    }

    fn changed(&self, _: &Event) {
        self.show_notify();
        self.preview();
        self.recheck();
    }

    /// The times in UTC and in the reader's zone, as typed. Rewritten only when they change:
    /// the region is live, and a screen reader would read it out again at every key.
    fn preview(&self) {
        let Some(place) = self.doc.get_element_by_id("m-preview") else { return };
        let lines = preview_lines(&self.read(), self.mine.as_ref()).unwrap_or_default();
        let text: String = lines.iter().flat_map(|(title, span)| [title.as_str(), span.as_str()]).collect();
        if place.text_content().unwrap_or_default() == text {
            return;
        }
        place.set_text_content(None);
        if lines.is_empty() {
            return;
        }
        let Ok(list) = self.doc.create_element("dl") else { return };
        list.set_class_name("preview-times");
        for (tag, text) in lines.iter().flat_map(|(title, span)| [("dt", title), ("dd", span)]) {
            if let Ok(el) = self.doc.create_element(tag) {
                el.set_text_content(Some(text));
                let _ = list.append_child(&el);
            }
        }
        let _ = place.append_child(&list);
    }

    /// "Notify before the start" only while "Notify attendees" is ticked, with the chosen unit's range.
    fn show_notify(&self) {
        let ticked = self.input("m-notify").is_some_and(|i| i.checked());
        if let Ok(Some(fields)) = self.form.query_selector(".notify-before") {
            let _ = if ticked { fields.remove_attribute("hidden") } else { fields.set_attribute("hidden", "") };
        }
        if let Some(range) = self.doc.get_element_by_id("m-notify_value-range") {
            range.set_text_content(Some(&range_hint(&self.read().notify_metric)));
        }
    }

    /// With JavaScript rows are added as needed, so one empty row at the end is enough.
    fn trim_rows(&self) {
        let empty = |r: &Element| row_value(r, "id").trim().is_empty() && row_value(r, "email").trim().is_empty();
        let mut rows = self.rows();
        while rows.len() > 1 && rows.iter().rev().take(2).all(empty) {
            if let Some(last) = rows.pop() {
                last.remove();
            }
        }
    }

    /// A new empty row after `after` (at the end when None), numbered with the rest.
    fn add_row(&self, after: Option<&Element>) -> Option<Element> {
        let rows = self.rows();
        let row: Element = rows.first()?.clone_node_with_deep(true).ok()?.dyn_into().ok()?;
        for input in all(&row, "input") {
            let _ = input.remove_attribute("autofocus");
            let _ = input.set_attribute("aria-invalid", "false");
            if let Ok(input) = input.dyn_into::<HtmlInputElement>() {
                input.set_value("");
            }
        }
        for line in all(&row, "p.field-error") {
            line.set_text_content(None);
        }
        let list = rows.first()?.parent_node()?;
        let before = after.and_then(|a| a.next_sibling());
        list.insert_before(&row, before.as_ref()).ok()?;
        self.renumber();
        Some(row)
    }

    fn renumber(&self) {
        for (i, row) in self.rows().iter().enumerate() {
            number_row(row, i);
        }
    }

    fn clicked(&self, ev: &Event) {
        let Some(button) = target_closest(ev, "button") else { return };
        if button.id() == "m-add-attendee" {
            if let Some(input) = self.add_row(None).and_then(|row| row_input(&row, "id")) {
                let _ = input.focus();
            }
        } else if button.class_list().contains("remove-attendee") {
            let Some(row) = button.closest(".attendee-row").ok().flatten() else { return };
            if self.rows().len() > 1 {
                row.remove();
                self.renumber();
            } else {
                // The last row is emptied, not removed: there is always a row to type in.
                for part in ["id", "email"] {
                    if let Some(input) = row_input(&row, part) {
                        input.set_value("");
                    }
                }
            }
            focus_id("m-add-attendee");
            self.recheck();
        }
    }

    /// Pasting "a@x.com, b@y.com" into an email box fills this row and adds one per address.
    fn pasted(&self, ev: &Event) {
        let Some(input) = target_closest(ev, "input").and_then(|el| el.dyn_into::<HtmlInputElement>().ok()) else { return };
        if !input.name().ends_with("[email]") {
            return;
        }
        let text = ev.dyn_ref::<ClipboardEvent>().and_then(|c| c.clipboard_data()).and_then(|d| d.get_data("text").ok()).unwrap_or_default();
        let emails = split_pasted_emails(&text);
        let (Some(first), true) = (emails.first(), emails.len() > 1) else { return };
        ev.prevent_default();
        input.set_value(first);
        let mut after = input.closest(".attendee-row").ok().flatten();
        for email in &emails[1..] {
            after = self.add_row(after.as_ref());
            if let Some(input) = after.as_ref().and_then(|row| row_input(row, "email")) {
                input.set_value(email);
            }
        }
        self.recheck();
    }

    fn submitted(&self, ev: &Event) {
        // Sent once: a second click while the first post is on its way does nothing.
        if self.submitting.get() {
            ev.prevent_default();
            return;
        }
        self.attempted.set(true);
        match self.read().parse() {
            Err(errors) => {
                ev.prevent_default();
                self.show(&errors);
                if let Some(first) = errors.first() {
                    focus_id(&input_id(&first.field));
                }
            }
            // The browser posts it; the page stays until the answer arrives.
            Ok(_) => self.set_submitting(true),
        }
    }

    fn set_submitting(&self, on: bool) {
        self.submitting.set(on);
        if let Some(button) = self.doc.get_element_by_id("m-submit") {
            let _ = if on { button.set_attribute("aria-disabled", "true") } else { button.remove_attribute("aria-disabled") };
            button.set_text_content(Some(if on { "Creating…" } else { "Create meeting" }));
        }
    }
}
