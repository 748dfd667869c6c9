use leptos::prelude::*;

/// The required reason of a change the audit log must explain, with its hint and its error.
/// `id` names the input; the hint and the error take `{id}-hint` and `{id}-error`.
#[component]
pub fn ReasonField(id: &'static str, label: &'static str, hint: &'static str, #[prop(into)] error: Signal<Option<String>>) -> impl IntoView {
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <input
                id=id
                name="reason"
                type="text"
                required
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
