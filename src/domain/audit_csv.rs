//! The audit log as CSV, for a spreadsheet or a SIEM: one row per entry, every cell defused.

use super::audit::AuditEntry;
use super::civil_time::format_rfc3339_ms;
use super::csv::cell;

pub fn audit_csv(entries: &[AuditEntry]) -> String {
    let mut out = String::from(
        "id,time_utc,user,role,sign_in_method,client_addr,action,meeting_id,reason,detail,outcome,vendor_status,deleted_count,new_meeting_id,error,request_id\r\n",
    );
    let opt = |v: &Option<String>| cell(v.as_deref().unwrap_or(""));
    for e in entries {
        let row = [
            e.id.to_string(),
            format_rfc3339_ms(e.at_ms),
            opt(&e.username),
            e.role.map(|r| r.as_str()).unwrap_or("").to_owned(),
            e.method.map(|m| m.as_str()).unwrap_or("").to_owned(),
            cell(&e.client_addr),
            e.action.as_str().to_owned(),
            opt(&e.meeting_id),
            opt(&e.reason),
            opt(&e.detail),
            e.outcome_label().to_owned(),
            e.vendor_status.map(|s| s.to_string()).unwrap_or_default(),
            e.deleted_count.map(|s| s.to_string()).unwrap_or_default(),
            opt(&e.new_meeting_id),
            opt(&e.error),
            cell(&e.request_id),
        ];
        out.push_str(&row.join(","));
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{AuditAction, Role, SignInMethod};

    #[test]
    fn csv_defuses_and_labels_unfinished_entries() {
        let e = AuditEntry {
            id: 7,
            at_ms: 1_764_943_697_123,
            username: Some("ada".into()),
            role: Some(Role::Admin),
            method: Some(SignInMethod::Password),
            client_addr: "127.0.0.1".into(),
            action: AuditAction::DeleteRecordings,
            meeting_id: Some("6932e0f8652986000d48148a".into()),
            reason: Some("=HYPERLINK(\"x\"), ticket 4".into()),
            detail: None,
            request_id: "rid".into(),
            outcome: None,
            vendor_status: None,
            deleted_count: None,
            new_meeting_id: None,
            error: None,
        };
        let csv = audit_csv(&[e.clone()]);
        let row = csv.lines().nth(1).unwrap();
        assert!(row.starts_with("7,2025-12-05T14:08:17.123Z,ada,admin,password,127.0.0.1,delete_recordings,"), "{row}");
        assert!(row.contains("\"'=HYPERLINK(\"\"x\"\"), ticket 4\""), "{row}");
        assert!(row.contains(",outcome unknown,"), "{row}");
        assert!(e.result_text().contains("no outcome was recorded"));
    }
}
