//! From what the vendor did to what the user reads.

use crate::error::{AppError, FieldError};
use crate::server::connectycube::UpstreamError;

/// Which call failed: decides how a timeout reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Call {
    ListRecordings,
    DeleteRecordings,
    CreateMeeting,
}

impl Call {
    /// A change whose reply never came may or may not have happened.
    fn changes_something(self) -> Option<&'static str> {
        match self {
            Self::ListRecordings => None,
            Self::DeleteRecordings => Some("delete the recordings"),
            Self::CreateMeeting => Some("create the meeting"),
        }
    }
}

/// The vendor's field names, as our forms name them.
fn our_field(vendor: &str) -> &str {
    match vendor {
        "user_id" => "host_id",
        "start_date" => "start",
        "end_date" => "end",
        "notify_before" => "notify_value",
        other => other,
    }
}

pub fn to_app_error(err: UpstreamError, call: Call, request_id: String) -> AppError {
    match err {
        UpstreamError::Timeout(after) => match call.changes_something() {
            Some(action) => AppError::OutcomeUnknown { action: action.to_owned(), request_id },
            None => AppError::UpstreamUnavailable { detail: format!("no answer within {} s", after.as_secs_f32()) },
        },
        UpstreamError::Interrupted(_) if call.changes_something().is_some() => AppError::OutcomeUnknown {
            action: call.changes_something().unwrap_or_default().to_owned(),
            request_id,
        },
        UpstreamError::Interrupted(_) => AppError::UpstreamUnavailable { detail: "the connection broke off mid-reply".into() },
        UpstreamError::Connect(_) => AppError::UpstreamUnavailable { detail: "could not connect".into() },
        UpstreamError::KeyRejected { status, .. } => AppError::UpstreamKeyRejected { status },
        UpstreamError::RateLimited { retry_after } => {
            AppError::UpstreamRateLimited { retry_after_secs: retry_after.map(|d| d.as_secs().max(1)) }
        }
        UpstreamError::Status { status: 500.., .. } | UpstreamError::UnreadableError { status: 500.. } => {
            let status = match &err {
                UpstreamError::Status { status, .. } | UpstreamError::UnreadableError { status } => *status,
                _ => 500,
            };
            AppError::UpstreamUnavailable { detail: format!("it answered HTTP {status}") }
        }
        UpstreamError::Status { status, errors } if !errors.fields.is_empty() && matches!(status, 400 | 422) => {
            AppError::Invalid {
                fields: errors
                    .fields
                    .iter()
                    .map(|(f, msgs)| FieldError::new(our_field(f), format!("ConnectyCube says: {f} {}", msgs.join(", "))))
                    .collect(),
                message: Some(if errors.general.is_empty() {
                    "ConnectyCube refused some fields.".to_owned()
                } else {
                    format!("ConnectyCube refused the request: {}", errors.general.join("; "))
                }),
            }
        }
        UpstreamError::Status { status, errors } => AppError::UpstreamRejected { status, messages: errors.all_messages() },
        UpstreamError::UnreadableError { status } => AppError::UpstreamRejected {
            status,
            messages: vec![format!("no readable error message (request id {request_id})")],
        },
        UpstreamError::Redirect { status } => AppError::UpstreamBadReply {
            detail: format!("an unexpected redirect (HTTP {status}); check CONNECTYCUBE_API_URL"),
            request_id,
        },
        UpstreamError::BadReply(detail) => AppError::UpstreamBadReply { detail, request_id },
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::server::vendor_errors::VendorErrors;

    fn map(e: UpstreamError, call: Call) -> AppError {
        to_app_error(e, call, "rid-1".into())
    }

    #[test]
    fn timeouts_of_changes_are_outcome_unknown() {
        let t = UpstreamError::Timeout(Duration::from_secs(10));
        assert!(matches!(map(t.clone(), Call::CreateMeeting), AppError::OutcomeUnknown { .. }));
        assert!(matches!(map(t.clone(), Call::DeleteRecordings), AppError::OutcomeUnknown { .. }));
        assert!(matches!(map(t, Call::ListRecordings), AppError::UpstreamUnavailable { .. }));
        let msg = map(UpstreamError::Timeout(Duration::from_secs(1)), Call::DeleteRecordings).to_string();
        assert!(msg.contains("Check before retrying"), "{msg}");
    }

    #[test]
    fn statuses() {
        assert_eq!(map(UpstreamError::KeyRejected { status: 403, messages: vec![] }, Call::ListRecordings).status(), 502);
        let rl = map(UpstreamError::RateLimited { retry_after: Some(Duration::from_secs(30)) }, Call::ListRecordings);
        assert_eq!(rl, AppError::UpstreamRateLimited { retry_after_secs: Some(30) });
        let five = map(UpstreamError::UnreadableError { status: 503 }, Call::ListRecordings);
        assert_eq!(five.status(), 503);
        let nf = map(
            UpstreamError::Status { status: 404, errors: VendorErrors { fields: vec![], general: vec!["Not found".into()] } },
            Call::ListRecordings,
        );
        assert_eq!(nf, AppError::UpstreamRejected { status: 404, messages: vec!["Not found".into()] });
    }

    #[test]
    fn vendor_422_maps_to_our_fields() {
        let e = map(
            UpstreamError::Status {
                status: 422,
                errors: VendorErrors { fields: vec![("name".into(), vec!["can't be blank".into()]), ("user_id".into(), vec!["bad".into()])], general: vec![] },
            },
            Call::CreateMeeting,
        );
        assert_eq!(e.field("name").as_deref(), Some("ConnectyCube says: name can't be blank"));
        assert!(e.field("host_id").is_some());
    }
}
