//! What the Retention page shows: the rules, how much the inventory covers and how fresh it is,
//! the meetings due now and soon, the exceptions, and a rule change's dry run.

use serde::{Deserialize, Serialize};

use super::meeting_id::MeetingId;
use super::retention::{DryRun, HostRule, MeetingRule, RetentionDays, Tally};
use super::retention_change::{RuleChange, RuleForm};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostRuleRow {
    pub host_id: u64,
    pub rule: HostRule,
    pub reason: String,
    pub set_by: String,
    pub set_at_ms: i64,
}

/// A meeting's own rule, who set it and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingRuleRow {
    pub rule: MeetingRule,
    pub reason: String,
    pub set_by: String,
    pub set_at_ms: i64,
}

/// A known meeting on the page's lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DueRow {
    pub meeting_id: MeetingId,
    pub host: Option<u64>,
    pub recordings: u64,
    pub bytes: u64,
    /// Unix seconds.
    pub newest_created: Option<i64>,
    /// When it is (or was) due; `None` for an exempt meeting.
    pub due_at_ms: Option<i64>,
    pub rule: Option<MeetingRuleRow>,
    /// The listing this is as of (Unix ms).
    pub inventoried_at_ms: Option<i64>,
    /// A deletion request is open for it, or a sweep's batch is under way.
    pub in_hand: bool,
}

/// How the meetings became known, with how many.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coverage {
    pub by_source: Vec<(String, i64)>,
    pub known: i64,
    pub never_listed: i64,
    /// Whose last listing failed (they keep the one before).
    pub failing: i64,
    /// The oldest and newest listing of those listed (Unix ms).
    pub oldest_listing_ms: Option<i64>,
    pub newest_listing_ms: Option<i64>,
    pub held: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetentionOverview {
    pub now_ms: i64,
    pub default: Option<RetentionDays>,
    pub warn_days: u32,
    pub calls_per_hour: u32,
    /// The general form as the rules stand.
    pub form: RuleForm,
    pub set_by: Option<String>,
    pub set_at_ms: Option<i64>,
    pub hosts: Vec<HostRuleRow>,
    pub coverage: Coverage,
    pub last_sweep_ms: Option<i64>,
    /// How often the sweep runs (`RETENTION_SWEEP_EVERY`), in minutes.
    pub sweep_every_minutes: u64,
    /// After the vendor said "too many requests": no listing before then (Unix ms).
    pub paused_until_ms: Option<i64>,
    pub due_now: Vec<DueRow>,
    pub due_soon: Vec<DueRow>,
    /// Meetings kept or extended by their own rule.
    pub exceptions: Vec<DueRow>,
    pub may_extend: bool,
    pub may_manage: bool,
}

/// A rule change's dry run: what is due under the rules now, and what would be with the change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetentionPreview {
    pub change: RuleChange,
    pub before: DryRun,
    pub after: DryRun,
    /// Of `after.due_now_ids`, how many are not listed (the page shows the first ones).
    pub more_due_now: usize,
    pub now_ms: i64,
}

/// How many meetings a preview names by id.
pub const PREVIEW_IDS: usize = 50;

impl RetentionPreview {
    pub fn new(change: RuleChange, mut before: DryRun, mut after: DryRun, now_ms: i64) -> Self {
        before.due_now_ids.clear();
        let more_due_now = after.due_now_ids.len().saturating_sub(PREVIEW_IDS);
        after.due_now_ids.truncate(PREVIEW_IDS);
        Self { change, before, after, more_due_now, now_ms }
    }

    /// The three windows side by side: (label, before, after).
    pub fn rows(&self) -> [(&'static str, Tally, Tally); 3] {
        [
            ("Due now (the next sweep)", self.before.due_now, self.after.due_now),
            ("Due within 7 days", self.before.within_7, self.after.within_7),
            ("Due in 8 to 30 days", self.before.within_30, self.after.within_30),
        ]
    }
}

/// One meeting's page: where it stands and who may change it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetentionMeeting {
    pub row: DueRow,
    /// Why it is not due, when it is not ("on legal hold", "kept (exempt)").
    pub standing_label: String,
    /// "Its host's rule: 90 days." / "The default: 30 days."
    pub period_text: String,
    pub now_ms: i64,
    pub may_extend: bool,
    pub may_manage: bool,
}
