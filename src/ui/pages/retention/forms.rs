//! The rule forms: GETs to `/retention/preview`, which shows the dry run before anything is
//! saved, and where a bad value comes back beside its field.

use leptos::prelude::*;

use crate::domain::RuleForm;
use crate::error::AppError;

/// The general rules' form: a GET to the preview, which shows the dry run before anything is saved.
#[component]
pub fn GeneralForm(form: RuleForm, errors: Option<AppError>) -> impl IntoView {
    let err = move |f: &str| errors.as_ref().and_then(|e| e.field(f));
    let (d_err, w_err, c_err) = (err("default_days"), err("warn_days"), err("calls_per_hour"));
    view! {
        <form method="get" action="/retention/preview" class="retention-rules">
            <input type="hidden" name="kind" value="general"/>
            <NumberField id="default_days" label="Default period (days)" value=form.default_days
                hint="1 to 3650; leave empty for no default." error=d_err/>
            <NumberField id="warn_days" label="Due soon (days before)" value=form.warn_days hint="1 to 90." error=w_err/>
            <NumberField id="calls_per_hour" label="Vendor calls an hour" value=form.calls_per_hour
                hint="What the inventory may spend of the vendor's rate limit." error=c_err/>
            <button type="submit">"Preview the change"</button>
        </form>
    }
}

#[component]
pub fn NumberField(id: &'static str, label: &'static str, value: String, hint: &'static str, error: Option<String>) -> impl IntoView {
    let invalid = if error.is_some() { "true" } else { "false" };
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <input id=id name=id type="text" inputmode="numeric" value=value autocomplete="off"
                aria-describedby=format!("{id}-hint {id}-error") aria-invalid=invalid/>
            <p id=format!("{id}-hint") class="hint">{hint}</p>
            <p id=format!("{id}-error") class="field-error">{error}</p>
        </div>
    }
}

/// A host's rule: a GET to the preview too.
#[component]
pub fn HostForm(form: RuleForm, errors: Option<AppError>) -> impl IntoView {
    let err = move |f: &str| errors.as_ref().and_then(|e| e.field(f));
    let (h_err, d_err) = (err("host_id"), err("host_days"));
    let rule = form.host_rule.clone();
    view! {
        <form method="get" action="/retention/preview" class="retention-rules">
            <input type="hidden" name="kind" value="host"/>
            <NumberField id="host_id" label="Host user id" value=form.host_id hint="The ConnectyCube user id of the meetings' host." error=h_err/>
            <div class="field">
                <label for="host_rule">"Rule"</label>
                <select id="host_rule" name="host_rule">
                    <option value="days" selected=rule.is_empty() || rule == "days">"Keep for a period"</option>
                    <option value="keep" selected=rule == "keep">"Keep (never due by age)"</option>
                    <option value="remove" selected=rule == "remove">"Back to the default"</option>
                </select>
            </div>
            <NumberField id="host_days" label="Period (days)" value=form.host_days hint="For \"keep for a period\": 1 to 3650." error=d_err/>
            <button type="submit">"Preview the change"</button>
        </form>
    }
}
