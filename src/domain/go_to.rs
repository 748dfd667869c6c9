//! Where a text typed into "Go to" leads: the header's box (a plain form, `/go`) and the command
//! palette (Ctrl+K) search the same places the same way.

use serde::{Deserialize, Serialize};

use super::meeting_id::MeetingId;
use super::staff::{Permission, Staff};

/// One place to go: a page, a meeting, a deletion request, a batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Destination {
    pub label: String,
    /// What kind of place, or a detail that tells two apart ("Page", "Opened 5 Dec").
    pub hint: String,
    pub path: String,
}

impl Destination {
    pub fn new(label: impl Into<String>, hint: impl Into<String>, path: impl Into<String>) -> Self {
        Self { label: label.into(), hint: hint.into(), path: path.into() }
    }

    /// Whether every word of `query` is in its label or hint, ignoring case.
    pub fn matches(&self, query: &str) -> bool {
        let hay = format!("{} {}", self.label, self.hint).to_lowercase();
        query.split_whitespace().all(|w| hay.contains(&w.to_lowercase()))
    }
}

/// The longest text the box takes: a pasted link with its query is well within it.
pub const MAX_GO_QUERY: usize = 500;

/// A text that names one place outright: a meeting id or a link with one in it, a deletion
/// request (`#12`, `request 12`), a batch (`batch 3`).
pub fn straight_to(query: &str) -> Option<String> {
    let q = query.trim();
    if let Ok(id) = MeetingId::parse(q) {
        return Some(id.recordings_path());
    }
    let lower = q.to_ascii_lowercase();
    let number = |rest: &str| rest.trim().trim_start_matches('#').parse::<i64>().ok().filter(|n| *n > 0);
    for (prefix, base) in [("#", "/deletions"), ("request", "/deletions"), ("deletion", "/deletions"), ("batch", "/bulk")] {
        if let Some(n) = lower.strip_prefix(prefix).and_then(number) {
            return Some(format!("{base}/{n}"));
        }
    }
    None
}

/// The pages this person may open, as the header's links offer them.
pub fn pages_for(staff: &Staff) -> Vec<Destination> {
    let page = |label: &str, path: &str| Destination::new(label, "Page", path);
    let mut out = vec![page("Home", "/"), page("Find recordings", "/recordings")];
    if staff.may(Permission::CreateMeeting) {
        out.push(page("New meeting", "/meetings/new"));
    }
    if staff.may(Permission::DeleteRecordings) {
        out.extend([page("Deletions", "/deletions"), page("Bulk deletion", "/bulk"), page("Erasure cases", "/cases")]);
    }
    out.extend([page("Retention", "/retention"), page("Retention report", "/retention/report")]);
    if staff.may(Permission::ReadAudit) {
        out.push(page("Audit log", "/audit"));
    }
    out.push(page("About and the evidence key", "/about"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_a_link_a_request_or_a_batch_leads_straight_there() {
        let id = "6932e0f8652986000d48148a";
        assert_eq!(straight_to(id).as_deref(), Some("/meetings/6932e0f8652986000d48148a/recordings"));
        assert_eq!(straight_to(&format!(" https://admin.example.com/meetings/{}/recordings?page=2 ", id.to_uppercase())).as_deref(), Some("/meetings/6932e0f8652986000d48148a/recordings"));
        assert_eq!(straight_to("#12").as_deref(), Some("/deletions/12"));
        assert_eq!(straight_to("Request 12").as_deref(), Some("/deletions/12"));
        assert_eq!(straight_to("deletion #7").as_deref(), Some("/deletions/7"));
        assert_eq!(straight_to("batch 3").as_deref(), Some("/bulk/3"));
        for none in ["", "audit", "#", "#0", "#-1", "batch x", "request 1 2", "6932e0f86529"] {
            assert_eq!(straight_to(none), None, "{none}");
        }
    }

    #[test]
    fn every_word_must_match_label_or_hint() {
        let d = Destination::new("Retention report", "Page", "/retention/report");
        assert!(d.matches("ret rep") && d.matches("PAGE report") && d.matches(""));
        assert!(!d.matches("audit"));
    }
}
