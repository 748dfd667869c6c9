//! A closed case's deletion record: the case, each meeting's listing before its deletion, who
//! requested and who approved it, the vendor's answer, the listing after, and the audit
//! chain's head when it was made. Signed (`evidence::signed`) as the file a privacy officer
//! files; the printable page reads the same JSON.

use serde_json::{json, Value};

use crate::domain::{format_rfc3339_ms, Case, CaseMeeting, ListedRecording, BACKUPS_NOTE};
use crate::server::deletions::store::Stored;

fn iso_day_of_unix(s: Option<i64>) -> Value {
    s.map(|s| Value::from(format_rfc3339_ms(s * 1000))).unwrap_or(Value::Null)
}

fn listing(rs: &[ListedRecording]) -> Value {
    rs.iter()
        .map(|r| json!({ "id": r.id, "created_at": iso_day_of_unix(r.created_unix), "size_bytes": r.size_bytes, "duration_ms": r.duration_ms }))
        .collect()
}

fn at(ms: Option<i64>) -> Value {
    ms.map(|m| Value::from(format_rfc3339_ms(m))).unwrap_or(Value::Null)
}

/// One meeting's part.
pub struct MeetingPart<'a> {
    pub meeting: &'a CaseMeeting,
    pub before: Option<Vec<ListedRecording>>,
    pub request: Option<&'a Stored>,
    pub after: &'a [ListedRecording],
    pub listed_after_ms: i64,
}

pub struct Head {
    pub seq: i64,
    pub hash: String,
}

pub fn build(case: &Case, closed_by: &str, closed_at_ms: i64, state: crate::domain::CaseState, parts: &[MeetingPart<'_>], head: &Head, deployment: &str) -> Value {
    let meetings: Vec<Value> = parts
        .iter()
        .map(|p| {
            let m = p.meeting;
            let outcome = m.result.as_ref().map(|r| r.label()).unwrap_or_else(|| "deletion never requested".to_owned());
            let on_hold = m.result.as_ref().is_some_and(|r| r.key() == "on_hold");
            let deletion = p.request.map(|s| {
                let r = &s.request;
                json!({
                    "request_id": r.id,
                    "batch_id": r.batch_id,
                    "state": r.state.as_str(),
                    "reason": r.reason,
                    "requested_by": r.requested_by,
                    "requested_at": at(Some(r.requested_at_ms)),
                    "decided_by": r.decided_by,
                    "decided_at": at(r.decided_at_ms),
                    "finished_at": at(r.finished_at_ms),
                    "vendor_status": r.vendor_status,
                    "deleted_count": r.deleted_count,
                    "vendor_answer": r.result,
                })
            });
            json!({
                "meeting_id": m.meeting_id.as_str(),
                "added_by": m.added_by,
                "added_at": at(Some(m.added_at_ms)),
                "added_from": m.source,
                "legal_hold_checked": m.result.is_some(),
                "on_legal_hold": on_hold,
                "outcome": outcome,
                "listed_before_deletion": p.before.as_deref().map(listing),
                "deletion": deletion,
                "listed_after": { "at": at(Some(p.listed_after_ms)), "recordings": listing(p.after) },
            })
        })
        .collect();
    let listed: usize = parts.iter().map(|p| p.before.as_ref().map_or(0, Vec::len)).sum();
    let deleted: u64 = parts.iter().filter_map(|p| p.request.and_then(|s| s.request.deleted_count)).sum();
    let left: usize = parts.iter().map(|p| p.after.len()).sum();
    json!({
        "case": {
            "reference": case.reference,
            "legal_ground": case.ground.label(),
            "note": case.note,
            "received": case.received.to_string(),
            "identity_verified": case.verified.map(|d| d.to_string()),
            "due": case.due.to_string(),
            "extended_to": case.extended_to.map(|d| d.to_string()),
            "extension_reason": case.extension_reason,
            "days_paused": case.paused_days,
            "deadline": case.deadline().to_string(),
            "opened_by": case.opened_by,
            "opened_at": at(Some(case.opened_at_ms)),
            "closed_by": closed_by,
            "closed_at": at(Some(closed_at_ms)),
            "state": state.as_str(),
        },
        "summary": {
            "meetings": parts.len(),
            "recordings_listed_before": listed,
            "recordings_deleted": deleted,
            "recordings_left_after": left,
        },
        "meetings": meetings,
        "systems_searched": "ConnectyCube meeting recordings, through its administration API, for each meeting listed here",
        "outside_this_record": BACKUPS_NOTE,
        "audit_chain_head": { "position": head.seq, "hash": head.hash },
        "deployment": deployment,
    })
}
