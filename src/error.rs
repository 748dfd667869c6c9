//! The one error type every server function returns. It crosses the wire as JSON, so the page can
//! show a precise message, and it carries its own HTTP status.

use serde::{Deserialize, Serialize};
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};

/// A message tied to one form field (`field` is the input's `name`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: field.into(), message: message.into() }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AppError {
    #[error("Sign in to continue.")]
    Unauthenticated,
    #[error("Your role ({role}) may not {action}. Ask an administrator if you need to.")]
    Forbidden { role: String, action: String },
    /// Deliberately vague: it never says whether the user exists or which part was wrong.
    #[error("Wrong username or password.")]
    SignInFailed,
    #[error("Local sign-in is turned off here: sign in through your company's single sign-on.")]
    LocalSignInOff,
    #[error("You are signed in as {identity}, but none of your groups grants a Meeting Admin role. Ask an administrator to add you to one of its groups.")]
    NoRole { identity: String },
    #[error("Too many failed sign-ins. Try again in {retry_after_secs} s.")]
    SignInThrottled { retry_after_secs: u64 },
    #[error("{}", message.as_deref().unwrap_or("Some fields need attention."))]
    Invalid { fields: Vec<FieldError>, message: Option<String> },
    #[error("ConnectyCube refused our administration key (HTTP {status}). The key is wrong, was rotated, or the account lacks the Advanced plan: ask whoever runs Meeting Admin to check CONNECTYCUBE_ADMIN_API_KEY.")]
    UpstreamKeyRejected { status: u16 },
    #[error("{}", rate_limited_message(*retry_after_secs))]
    UpstreamRateLimited { retry_after_secs: Option<u64> },
    #[error("ConnectyCube is unavailable right now ({detail}). Try again in a minute.")]
    UpstreamUnavailable { detail: String },
    #[error("ConnectyCube refused the request (HTTP {status}): {}", messages.join("; "))]
    UpstreamRejected { status: u16, messages: Vec<String> },
    #[error("ConnectyCube sent a reply we could not read ({detail}). Request id {request_id}.")]
    UpstreamBadReply { detail: String, request_id: String },
    #[error("ConnectyCube {}, so we cannot tell whether it managed to {action}. Check before retrying. Request id {request_id}.", cause.phrase())]
    OutcomeUnknown { action: String, cause: NoClearAnswer, request_id: String },
    #[error("The recordings changed since you opened the confirmation: you confirmed {expected}, there are now {found}. Review the list and confirm again.")]
    ListChanged { expected: usize, found: usize },
    #[error("The recordings changed since you opened the confirmation: there are still {count}, but not the same ones. Review the list and confirm again.")]
    RecordingsReplaced { count: usize },
    #[error("This meeting has no recordings to delete.")]
    NothingToDelete,
    #[error("A deletion of this meeting's recordings is already open ({detail}). Cancel it, or wait until it has run, before asking again.")]
    DeletionAlreadyOpen { detail: String },
    #[error("There is no deletion request #{id}.")]
    DeletionNotFound { id: String },
    #[error("Deletion request #{id} is {state} now, so it can no longer be {action}.")]
    DeletionClosed { id: i64, state: String, action: String },
    #[error("Deletion request #{id} is running: ConnectyCube is being asked right now, so it can no longer be cancelled.")]
    DeletionRunning { id: i64 },
    #[error("You requested this deletion, so someone else allowed to delete must approve or reject it.")]
    OwnDeletionRequest,
    /// Local sign-in and a gateway are both on, and one side is a local account linked to no
    /// gateway identity: the two may be one person.
    #[error("Two-person approval cannot tell whether the local account '{account}' and the other side are one person: an administrator links the account to its company sign-in first (meeting-admin user link {account} --sso NAME).")]
    PersonNotLinked { account: String },
    /// A link another site's page opened, to an address that records something (a download).
    #[error("This link was opened from another site, so nothing was handed out or recorded. Open it from Meeting Admin if you meant to.")]
    FromAnotherSite,
    #[error("The outcome of this deletion is unknown: {detail}.")]
    DeletionInterrupted { detail: String },
    #[error("There is no erasure case #{id}.")]
    CaseNotFound { id: String },
    #[error("Case {reference} {why}")]
    CaseNotNow { reference: String, why: String },
    #[error("There is no bulk batch #{id}.")]
    BatchNotFound { id: i64 },
    #[error("Batch #{id} {state}, so it cannot be {action}.")]
    BatchNotReady { id: i64, state: String, action: String },
    #[error("Recording {recording_id} is not among this meeting's recordings any more: it was deleted, or the link is wrong. Look at the meeting's recordings again.")]
    RecordingGone { recording_id: String },
    #[error("ConnectyCube sent no https download link for recording {recording_id}, so Meeting Admin does not hand one out.")]
    NoSafeLink { recording_id: String },
    #[error("{at_once} downloads are already passing through this server, the most it takes at once. Try again in a minute.")]
    DownloadsBusy { at_once: u32 },
    #[error("The recordings' storage {detail}, so the download of recording {recording_id} did not start. Try again in a minute; if it lasts, tell whoever runs Meeting Admin.")]
    StorageFailed { recording_id: String, detail: String },
    #[error("Nothing was handed out: every download, preview and shared link of a recording is recorded in the audit log, and the log cannot be written right now. Try again in a minute. Request id {request_id}.")]
    AccessNotRecorded { request_id: String },
    #[error("This shared link is no longer shown here: a link is shown only to the person who shared it, for {minutes} minutes. Share it again to get a new one (that is recorded too).")]
    ShareNoLongerShown { minutes: u32 },
    #[error("This meeting is on legal hold ({detail}), so nothing was deleted. An administrator must lift the hold first.")]
    OnLegalHold { detail: String },
    #[error("This meeting is already on legal hold ({detail}); that hold stands.")]
    AlreadyOnHold { detail: String },
    #[error("This meeting is not on legal hold, so there is nothing to lift.")]
    NotOnHold,
    #[error("Nothing was changed: the audit log cannot be written right now, and changes are only made when they can be recorded. Request id {request_id}.")]
    AuditUnavailable { request_id: String },
    #[error("Meeting Admin cannot reach its database right now, so nothing was looked up or changed. Try again in a minute; if it lasts, tell whoever runs Meeting Admin. Request id {request_id}.")]
    DatabaseUnavailable { request_id: String },
    #[error("Something went wrong on our side. Request id {request_id}.")]
    Internal { request_id: String },
    #[error("Could not reach Meeting Admin's server: {detail}")]
    Transport { detail: String },
}

/// Why a change sent to the vendor may or may not have happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoClearAnswer {
    /// Our timeout passed with no reply.
    Timeout,
    /// The connection broke after the request went out.
    BrokeOff,
    /// It answered 2xx, with a body we could not read.
    Unreadable,
}

impl NoClearAnswer {
    fn phrase(self) -> &'static str {
        match self {
            Self::Timeout => "did not answer in time",
            Self::BrokeOff => "broke off the connection before it finished answering",
            Self::Unreadable => "answered with a reply we could not read",
        }
    }
}

fn rate_limited_message(after: Option<u64>) -> String {
    match after {
        Some(s) => format!("ConnectyCube is rate limiting us; try again in {s} s."),
        None => "ConnectyCube is rate limiting us; try again shortly.".to_owned(),
    }
}

impl AppError {
    pub fn invalid_field(field: &str, message: impl Into<String>) -> Self {
        Self::Invalid { fields: vec![FieldError::new(field, message)], message: None }
    }

    /// The HTTP status our server answers with for this error.
    pub fn status(&self) -> u16 {
        match self {
            Self::Unauthenticated => 401,
            Self::Forbidden { .. } => 403,
            Self::SignInFailed => 401,
            Self::LocalSignInOff | Self::NoRole { .. } => 403,
            Self::SignInThrottled { .. } => 429,
            Self::Invalid { .. } => 422,
            Self::ListChanged { .. } | Self::OnLegalHold { .. } | Self::AlreadyOnHold { .. } | Self::NotOnHold => 409,
            Self::RecordingsReplaced { .. } | Self::NothingToDelete | Self::DeletionAlreadyOpen { .. } => 409,
            Self::DeletionClosed { .. } | Self::DeletionRunning { .. } => 409,
            Self::OwnDeletionRequest | Self::PersonNotLinked { .. } => 403,
            Self::DeletionNotFound { .. } | Self::BatchNotFound { .. } | Self::CaseNotFound { .. } => 404,
            Self::CaseNotNow { .. } => 409,
            Self::BatchNotReady { .. } => 409,
            Self::DeletionInterrupted { .. } => 502,
            Self::RecordingGone { .. } | Self::ShareNoLongerShown { .. } => 404,
            Self::FromAnotherSite => 403,
            Self::NoSafeLink { .. } | Self::StorageFailed { .. } => 502,
            Self::DownloadsBusy { .. } => 503,
            Self::UpstreamKeyRejected { .. } | Self::UpstreamRejected { .. } | Self::UpstreamBadReply { .. } => 502,
            Self::UpstreamRateLimited { .. } => 429,
            Self::UpstreamUnavailable { .. } => 503,
            Self::OutcomeUnknown { cause: NoClearAnswer::Timeout, .. } => 504,
            Self::OutcomeUnknown { .. } => 502,
            Self::AuditUnavailable { .. } | Self::AccessNotRecorded { .. } | Self::DatabaseUnavailable { .. } => 503,
            Self::Internal { .. } | Self::Transport { .. } => 500,
        }
    }

    /// The message for one field, if any.
    pub fn field(&self, name: &str) -> Option<String> {
        match self {
            Self::Invalid { fields, .. } => {
                fields.iter().find(|f| f.field == name).map(|f| f.message.clone())
            }
            _ => None,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(detail) | ServerFnErrorErr::MissingArg(detail) => Self::Invalid {
                fields: vec![],
                message: Some(format!("The request was malformed: {detail}")),
            },
            other => Self::Transport { detail: other.to_string() },
        }
    }
}

pub type AppResult<T> = Result<T, AppError>;

/// The status as the server sends it.
#[cfg(feature = "ssr")]
impl AppError {
    pub fn status_code(&self) -> http::StatusCode {
        http::StatusCode::from_u16(self.status()).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR)
    }
}

/// A script's answer: the status and the error as JSON (what server functions send too).
#[cfg(feature = "ssr")]
impl axum::response::IntoResponse for AppError {
    fn into_response(self) -> axum::response::Response {
        let body = serde_json::to_string(&self).unwrap_or_default();
        (self.status_code(), [(http::header::CONTENT_TYPE, "application/json"), (http::header::CACHE_CONTROL, "no-store")], body).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_as_json_with_a_kind_tag() {
        let e = AppError::UpstreamRateLimited { retry_after_secs: Some(7) };
        let json = serde_json::to_string(&e).unwrap();
        assert_eq!(json, r#"{"kind":"upstream_rate_limited","retry_after_secs":7}"#);
        assert_eq!(serde_json::from_str::<AppError>(&json).unwrap(), e);
        assert_eq!(e.to_string(), "ConnectyCube is rate limiting us; try again in 7 s.");
        assert_eq!(e.status(), 429);
    }

    #[test]
    fn field_lookup() {
        let e = AppError::invalid_field("meeting_id", "Enter a meeting id.");
        assert_eq!(e.field("meeting_id").as_deref(), Some("Enter a meeting id."));
        assert_eq!(e.field("name"), None);
        assert_eq!(e.status(), 422);
    }

    #[test]
    fn key_rejection_says_what_to_do() {
        let msg = AppError::UpstreamKeyRejected { status: 401 }.to_string();
        assert!(msg.contains("CONNECTYCUBE_ADMIN_API_KEY"));
        assert!(msg.contains("Advanced plan"));
    }
}
