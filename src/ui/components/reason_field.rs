use leptos::prelude::*;

/// The reason of a change the audit log must explain, with its hint and its error. `id` names
/// the input; the hint and the error take `{id}-hint` and `{id}-error`. The form field is
/// `reason` and required unless told otherwise.
#[component]
pub fn ReasonField(
    id: &'static str,
    label: &'static str,
    hint: &'static str,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(default = "reason")] name: &'static str,
    #[prop(default = true)] required: bool,
    /// What it starts with (a retry suggests the first request's reason).
    #[prop(optional, into)] value: String,
) -> impl IntoView {
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <input
                id=id
                name=name
                type="text"
                required=required
                value=value
                maxlength="500"
                autocomplete="off"
                aria-describedby=format!("{hint_id} {error_id}")
                aria-invalid=move || if error.get().is_some() { "true" } else { "false" }
            />
            <p id=hint_id class="hint">{hint}</p>
            <p id=error_id class="field-error">{move || error.get()}</p>
        </div>
    }
}
