use leptos::prelude::*;

use crate::error::AppError;

/// An error as the user should read it, announced to screen readers.
#[component]
pub fn ErrorAlert(error: AppError) -> impl IntoView {
    let title = match &error {
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
        _ => "Something went wrong",
    };
    view! {
        <div class="alert error" role="alert">
            <p class="alert-title">{title}</p>
            <p>{error.to_string()}</p>
        </div>
    }
}
