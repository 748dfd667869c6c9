use leptos::prelude::*;

use crate::error::AppError;

/// An error as the user should read it, announced to screen readers.
#[component]
pub fn ErrorAlert(error: AppError) -> impl IntoView {
    view! { <Alert title=alert_title(&error) message=error.to_string()/> }
}

/// The alert's heading for this kind of error.
pub fn alert_title(error: &AppError) -> &'static str {
    match error {
        AppError::Unauthenticated => "Not signed in",
        AppError::Forbidden { .. } => "Not allowed",
        AppError::SignInFailed => "Sign-in failed",
        AppError::SignInThrottled { .. } => "Too many attempts",
        AppError::Invalid { .. } => "Check your input",
        AppError::UpstreamRateLimited { .. } => "Rate limited",
        AppError::UpstreamUnavailable { .. } => "ConnectyCube is unavailable",
        AppError::UpstreamKeyRejected { .. } => "Administration key refused",
        AppError::OutcomeUnknown { .. } => "Outcome unknown",
        AppError::ListChanged { .. } => "The recordings changed",
        AppError::AuditUnavailable { .. } => "Nothing was changed",
        AppError::CaseNotNow { .. } => "Not possible now",
        // A deletion request or batch by a number that names none, a recording gone: the
        // message says which, and nothing went wrong.
        e if e.status() == 404 => "Not found",
        _ => "Something went wrong",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_not_there_is_titled_not_found() {
        assert_eq!(alert_title(&AppError::DeletionNotFound { id: "9".into() }), "Not found");
        assert_eq!(alert_title(&AppError::BatchNotFound { id: 9 }), "Not found");
        assert_eq!(alert_title(&AppError::RecordingGone { recording_id: "r".into() }), "Not found");
        assert_eq!(alert_title(&AppError::NothingToDelete), "Something went wrong");
    }
}

/// The alert itself, from its text: islands show server errors this way, so the browser's code
/// carries no error type.
#[component]
pub fn Alert(#[prop(into)] title: String, message: String) -> impl IntoView {
    view! {
        <div class="alert error" role="alert">
            <p class="alert-title">{title}</p>
            <p>{message}</p>
        </div>
    }
}
