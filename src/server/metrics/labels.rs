//! Label values: each an enum or a route template, so what a label can say is fixed by the code
//! and the router, never by a request, the vendor or a person.


use std::fmt::Write;

use prometheus_client::encoding::{EncodeLabelSet, EncodeLabelValue, LabelValueEncoder};

/// Label values by their strum names.
macro_rules! by_name {
    ($($t:ty),* $(,)?) => {$(
        impl EncodeLabelValue for $t {
            fn encode(&self, encoder: &mut LabelValueEncoder) -> Result<(), std::fmt::Error> {
                encoder.write_str((*self).into())
            }
        }
    )*};
}

by_name!(StatusClass, Call, OutcomeLabel, WorkerName, Queue, SignInMethod, SignInOutcome);

/// A route as the router declares it (`/meetings/{meeting_id}/recordings.csv`), never the path
/// asked for; `unmatched` for whatever no route took. Kept as the router's own shared string, so
/// naming a request's route allocates nothing.
#[derive(Debug, Clone)]
pub enum Route {
    Template(axum::extract::MatchedPath),
    Unmatched,
}

impl Route {
    pub fn as_str(&self) -> &str {
        match self {
            Self::Template(m) => m.as_str(),
            Self::Unmatched => "unmatched",
        }
    }
}

impl PartialEq for Route {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Route {}

impl std::hash::Hash for Route {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl EncodeLabelValue for Route {
    fn encode(&self, encoder: &mut LabelValueEncoder) -> Result<(), std::fmt::Error> {
        encoder.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, Hash, PartialEq, Eq, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum StatusClass {
    #[strum(serialize = "1xx")]
    Informational,
    #[strum(serialize = "2xx")]
    Success,
    #[strum(serialize = "3xx")]
    Redirection,
    #[strum(serialize = "4xx")]
    ClientError,
    #[strum(serialize = "5xx")]
    ServerError,
}

impl StatusClass {
    pub fn of(status: u16) -> Self {
        match status {
            ..=199 => Self::Informational,
            200..=299 => Self::Success,
            300..=399 => Self::Redirection,
            400..=499 => Self::ClientError,
            _ => Self::ServerError,
        }
    }
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    pub route: Route,
    pub status: StatusClass,
}

/// The vendor's three calls.
#[derive(Debug, Clone, Copy, Hash, PartialEq, Eq, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum Call {
    Create,
    List,
    Delete,
}

/// How one attempt ended: answered (with its status), or what broke before an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VendorOutcome {
    Answered(u16),
    Timeout,
    Connect,
    Interrupted,
    /// The reply was longer than we read.
    TooLarge,
}

#[derive(Debug, Clone, Copy, Hash, PartialEq, Eq, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum OutcomeLabel {
    Ok,
    #[strum(serialize = "4xx")]
    ClientError,
    #[strum(serialize = "429")]
    RateLimited,
    #[strum(serialize = "5xx")]
    ServerError,
    Timeout,
    Connect,
    Interrupted,
    TooLarge,
}

/// A status the vendor answered with, as a label: a number from 100 to 599, or none.
#[derive(Debug, Clone, Copy, Hash, PartialEq, Eq)]
pub struct Status(Option<u16>);

impl EncodeLabelValue for Status {
    fn encode(&self, encoder: &mut LabelValueEncoder) -> Result<(), std::fmt::Error> {
        match self.0 {
            Some(s) => write!(encoder, "{s}"),
            None => encoder.write_str("none"),
        }
    }
}

#[derive(Debug, Clone, Copy, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct VendorCallLabels {
    pub call: Call,
    pub outcome: OutcomeLabel,
    pub status: Status,
}

impl VendorCallLabels {
    pub fn new(call: Call, outcome: VendorOutcome) -> Self {
        let (outcome, status) = match outcome {
            VendorOutcome::Answered(s) => {
                // A status outside HTTP's range is not a number worth a series of its own.
                let s = (100..=599).contains(&s).then_some(s);
                let class = match s {
                    Some(429) => OutcomeLabel::RateLimited,
                    Some(400..=499) => OutcomeLabel::ClientError,
                    Some(100..=399) => OutcomeLabel::Ok,
                    _ => OutcomeLabel::ServerError,
                };
                (class, Status(s))
            }
            VendorOutcome::Timeout => (OutcomeLabel::Timeout, Status(None)),
            VendorOutcome::Connect => (OutcomeLabel::Connect, Status(None)),
            VendorOutcome::Interrupted => (OutcomeLabel::Interrupted, Status(None)),
            VendorOutcome::TooLarge => (OutcomeLabel::TooLarge, Status(None)),
        };
        Self { call, outcome, status }
    }
}

#[derive(Debug, Clone, Copy, Hash, PartialEq, Eq, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum WorkerName {
    Deletion,
    Bulk,
    ApprovalNotice,
    /// Re-lists known meetings for retention.
    Inventory,
    /// Opens deletion requests for the meetings retention made due.
    RetentionSweep,
    /// Tells the webhook of erasure cases due soon or overdue.
    CaseReminders,
}

/// The store's queues of work, each row claimed with a lease.
#[derive(Debug, Clone, Copy, Hash, PartialEq, Eq, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum Queue {
    DeletionRequests,
    BulkItems,
    ApprovalNotices,
    /// Known meetings to re-list (retention's inventory).
    KnownMeetings,
}

#[derive(Debug, Clone, Copy, Hash, PartialEq, Eq, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum SignInMethod {
    Password,
    Sso,
    Oidc,
}

#[derive(Debug, Clone, Copy, Hash, PartialEq, Eq, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum SignInOutcome {
    Ok,
    /// Wrong password, unknown or disabled account.
    Failed,
    Throttled,
    /// A gateway identity no rule gives a role.
    NoRole,
    /// A gateway assertion refused (bad signature, untrusted sender, expired).
    Refused,
}

#[derive(Debug, Clone, Copy, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct SignInLabels {
    pub method: SignInMethod,
    pub outcome: SignInOutcome,
}

/// `domain::Permission` as a label.
#[derive(Debug, Clone, Copy, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct Permission {
    pub permission: PermissionName,
}

#[derive(Debug, Clone, Copy, Hash, PartialEq, Eq)]
pub struct PermissionName(crate::domain::Permission);

impl EncodeLabelValue for PermissionName {
    fn encode(&self, encoder: &mut LabelValueEncoder) -> Result<(), std::fmt::Error> {
        encoder.write_str(self.0.as_str())
    }
}

impl From<crate::domain::Permission> for Permission {
    fn from(p: crate::domain::Permission) -> Self {
        Self { permission: PermissionName(p) }
    }
}

/// Label sets of one label each.
#[derive(Debug, Clone, Copy, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct CallLabel {
    pub call: Call,
}

#[derive(Debug, Clone, Copy, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct QueueLabel {
    pub queue: Queue,
}

#[derive(Debug, Clone, Copy, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct WorkerLabel {
    pub worker: WorkerName,
}


/// An open deletion request's state, as a label.
#[derive(Debug, Clone, Copy, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct DeletionStateLabel {
    pub state: DeletionStateName,
}

#[derive(Debug, Clone, Copy, Hash, PartialEq, Eq)]
pub struct DeletionStateName(crate::domain::DeletionState);

impl EncodeLabelValue for DeletionStateName {
    fn encode(&self, encoder: &mut LabelValueEncoder) -> Result<(), std::fmt::Error> {
        encoder.write_str(self.0.as_str())
    }
}

impl From<crate::domain::DeletionState> for DeletionStateLabel {
    fn from(s: crate::domain::DeletionState) -> Self {
        Self { state: DeletionStateName(s) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_vendor_attempt_is_labelled_by_what_came_back() {
        let label = |o| {
            let l = VendorCallLabels::new(Call::List, o);
            (<&str>::from(l.outcome), l.status.0)
        };
        assert_eq!(label(VendorOutcome::Answered(200)), ("ok", Some(200)));
        assert_eq!(label(VendorOutcome::Answered(404)), ("4xx", Some(404)));
        assert_eq!(label(VendorOutcome::Answered(429)), ("429", Some(429)));
        assert_eq!(label(VendorOutcome::Answered(503)), ("5xx", Some(503)));
        // A status no HTTP server sends gets no series of its own.
        assert_eq!(label(VendorOutcome::Answered(7)), ("5xx", None));
        assert_eq!(label(VendorOutcome::Answered(61_000)), ("5xx", None));
        assert_eq!(label(VendorOutcome::Timeout), ("timeout", None));
        assert_eq!(label(VendorOutcome::Connect), ("connect", None));
        assert_eq!(label(VendorOutcome::TooLarge), ("too_large", None));
    }

    #[test]
    fn statuses_fall_in_their_class() {
        let class = |s| <&str>::from(StatusClass::of(s));
        assert_eq!([class(101), class(204), class(303), class(404), class(500), class(999)], ["1xx", "2xx", "3xx", "4xx", "5xx", "5xx"]);
    }
}
