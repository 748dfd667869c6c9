//! From what the vendor did to what the user reads.

use crate::error::{AppError, FieldError, NoClearAnswer};
use crate::domain::UpstreamError;

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
    // A change that may have reached the vendor is never reported as failed or done.
    let unknown = |cause| {
        call.changes_something()
            .map(|action| AppError::OutcomeUnknown { action: action.to_owned(), cause, request_id: request_id.clone() })
    };
    match err {
        UpstreamError::Timeout(after) => unknown(NoClearAnswer::Timeout)
            .unwrap_or_else(|| AppError::UpstreamUnavailable { detail: format!("no answer within {} s", after.as_secs_f32()) }),
        UpstreamError::Interrupted(_) => unknown(NoClearAnswer::BrokeOff)
            .unwrap_or_else(|| AppError::UpstreamUnavailable { detail: "the connection broke off mid-reply".into() }),
        UpstreamError::BadReply(detail) => unknown(NoClearAnswer::Unreadable)
            .unwrap_or(AppError::UpstreamBadReply { detail, request_id }),
        UpstreamError::Connect(_) => AppError::UpstreamUnavailable { detail: "could not connect".into() },
        UpstreamError::KeyRejected { status, .. } => AppError::UpstreamKeyRejected { status },
        UpstreamError::RateLimited { retry_after } => {
            AppError::UpstreamRateLimited { retry_after_secs: retry_after.map(|d| d.as_secs().max(1)) }
        }
        UpstreamError::Status { status: status @ 500.., .. } | UpstreamError::UnreadableError { status: status @ 500.. } => {
            AppError::UpstreamUnavailable { detail: format!("it answered HTTP {status}") }
        }
        // Only the create form has fields the vendor can name; elsewhere its field errors are
        // just its reasons.
        UpstreamError::Status { status: status @ (400 | 422), errors } if call == Call::CreateMeeting && !errors.fields.is_empty() => {
            AppError::Invalid {
                fields: errors
                    .fields
                    .iter()
                    .map(|(f, msgs)| FieldError::new(our_field(f), format!("ConnectyCube says: {f} {}", msgs.join(", "))))
                    .collect(),
                message: Some(if errors.general.is_empty() {
                    format!("ConnectyCube refused some fields (HTTP {status}).")
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
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::domain::VendorErrors;

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
    fn a_change_with_a_broken_or_unreadable_reply_is_outcome_unknown() {
        let broke = map(UpstreamError::Interrupted("reset".into()), Call::DeleteRecordings);
        assert!(matches!(broke, AppError::OutcomeUnknown { cause: NoClearAnswer::BrokeOff, .. }), "{broke:?}");
        assert_eq!(broke.status(), 502);
        let unreadable = map(UpstreamError::BadReply("eof".into()), Call::CreateMeeting);
        assert!(unreadable.to_string().contains("could not read"), "{unreadable}");
        assert!(matches!(map(UpstreamError::BadReply("eof".into()), Call::ListRecordings), AppError::UpstreamBadReply { .. }));
        assert_eq!(map(UpstreamError::Timeout(Duration::from_secs(1)), Call::CreateMeeting).status(), 504);
    }

    #[test]
    fn vendor_field_errors_outside_the_create_form_are_reasons() {
        let errors = VendorErrors { fields: vec![("name".into(), vec!["can't be blank".into()])], general: vec![] };
        let e = map(UpstreamError::Status { status: 422, errors }, Call::DeleteRecordings);
        assert_eq!(e, AppError::UpstreamRejected { status: 422, messages: vec!["name can't be blank".into()] });
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
