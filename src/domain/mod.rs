//! The shared vocabulary of the app. Every value here is parsed once, at the edge, and is valid
//! from then on; both the server and the wasm bundle use these types.

mod audit;
mod bulk;
mod bulk_list;
mod civil_time;
mod csv;
mod deletion;
mod legal_hold;
mod meeting;
mod meeting_form;
mod meeting_id;
mod person;
mod recording;
mod recording_id;
mod recording_page;
mod recordings_csv;
mod schedule;
mod staff;
mod text;
mod units;
mod vendor_errors;
mod vendor_reply;

pub use audit::{
    audit_csv, format_rfc3339_ms, format_utc_ms, AuditAction, AuditEntry, AuditFilterForm, AuditPage, AuditQuery, Outcome,
    AUDIT_PAGE_SIZE,
};
pub use bulk::{batch_csv, phase, Batch, BatchPhase, BatchTotals, BulkItem, ItemOutcome, ItemRequest, ItemResult, LookupState};
pub use bulk_list::{ListProblem, MeetingList, MAX_BATCH};
pub use recordings_csv::recordings_csv;
pub use deletion::{decision_comment, relative, same_person, when, DeletionFilter, DeletionRequest, DeletionRules, DeletionState};
pub use civil_time::{format_utc, parse_amz_date, parse_iso8601_utc, push_utc};
pub use legal_hold::{required_reason, LegalHold};
pub use meeting::{Attendee, CreatedMeeting, Email, Meeting, NewMeeting, NotifyBefore, NotifyMetric, Timezone, UserId};
pub use meeting_form::{attendee_field, browser_now_unix, split_pasted_emails, AttendeeRow, MeetingForm, ParsedMeeting, MAX_ATTENDEES};
pub use meeting_id::{MeetingId, MeetingIdError};
pub use person::{different_people, NotLinked, Person};
pub use recording::{fingerprint, LinkExpiry, Recording, RecordingRow, RecordingSummary};
pub use recording_id::{RecordingAccess, RecordingId, RecordingIdError};
pub use recording_page::{IndexedRecordings, RecordingPage, RecordingView, SortKey, RECORDINGS_PER_PAGE};
pub use schedule::{LocalDateTime, Zone, MAX_YEARS_AHEAD};
pub use staff::{Permission, Role, SignInMethod, Staff};
pub use text::{is_hidden, plain_text, visible};
pub use units::{format_bytes, format_duration_ms, push_bytes, push_duration_ms, push_u64};
pub use vendor_errors::VendorErrors;
pub use vendor_reply::{decode_reply, Reply, UpstreamError};
