//! What the Retention page asks of the server: the overview, a rule change's dry run, and the
//! changes (rules, a meeting's extension or exemption, meetings tracked), each audited, each
//! under the meeting's history where it names one. Runs inside a server function's request.


use super::known::{self, Source};
use super::store::{self, General, InventoryRow};
use crate::domain::{
    AuditAction, Coverage, DryRun, DueRow, Extension, MeetingId, MeetingList, MeetingRule, Outcome, Permission, RetentionOverview, RetentionPreview,
    RuleChange, RuleForm, Rules, Staff, Standing, DAY_MS,
};
use crate::error::AppError;
use crate::server::audit::Completion;
use crate::server::fn_context::{begin_change, fail, intent, store_failed};
use crate::server::state::AppState;

/// How many meetings each of the page's lists shows (the counts say how many there are).
pub const LISTED: usize = 200;

fn due_row(r: &InventoryRow, standing: Standing) -> DueRow {
    DueRow {
        meeting_id: r.known.meeting_id.clone(),
        host: r.known.host,
        recordings: r.known.recordings,
        bytes: r.known.bytes,
        newest_created: r.known.newest_created,
        due_at_ms: standing.due_at(),
        rule: r.rule_row.clone(),
        inventoried_at_ms: r.inventoried_at_ms,
        in_hand: r.in_hand,
    }
}

fn coverage(rows: &[InventoryRow]) -> Coverage {
    let listed = rows.iter().filter_map(|r| r.inventoried_at_ms);
    let (oldest, newest) = listed.fold((None, None), |(lo, hi): (Option<i64>, Option<i64>), t| (Some(lo.map_or(t, |l| l.min(t))), Some(hi.map_or(t, |h| h.max(t)))));
    Coverage {
        by_source: Source::ALL
            .iter()
            .map(|s| (s.label().to_owned(), rows.iter().filter(|r| r.source == <&str>::from(*s)).count() as i64))
            .collect(),
        known: rows.len() as i64,
        never_listed: rows.iter().filter(|r| r.inventoried_at_ms.is_none()).count() as i64,
        failing: rows.iter().filter(|r| r.last_error.is_some()).count() as i64,
        oldest_listing_ms: oldest,
        newest_listing_ms: newest,
        held: rows.iter().filter(|r| r.known.held).count() as u64,
    }
}

pub async fn overview(state: &AppState, staff: &Staff) -> Result<RetentionOverview, AppError> {
    let failed = |what| store_failed(what);
    let settings = store::settings(&state.db).await.map_err(failed("cannot read the retention settings"))?;
    let rows = store::inventory(&state.db).await.map_err(failed("cannot read the retention inventory"))?;
    let hosts = store::host_rules(&state.db).await.map_err(failed("cannot read the retention rules"))?;
    let rules = store::rules_of(&settings, &hosts);
    let now = state.clock.now_ms();
    let warn_days = u32::try_from(settings.warn_days).unwrap_or(7);
    let (mut due_now, mut due_soon, mut exceptions) = (vec![], vec![], vec![]);
    for r in &rows {
        let standing = Standing::of(&r.known, &rules);
        if standing.is_due(now) {
            due_now.push(due_row(r, standing));
        } else if standing.is_due_within(now, i64::from(warn_days) * DAY_MS) {
            due_soon.push(due_row(r, standing));
        }
        if r.rule_row.is_some() {
            exceptions.push(due_row(r, standing));
        }
    }
    // Soonest first; the longest overdue first.
    for list in [&mut due_now, &mut due_soon] {
        list.sort_by_key(|r| (r.due_at_ms, r.meeting_id.clone()));
        list.truncate(LISTED);
    }
    exceptions.truncate(LISTED);
    let default = rules.default;
    let calls_per_hour = u32::try_from(settings.calls_per_hour).unwrap_or(600);
    Ok(RetentionOverview {
        now_ms: now,
        default,
        warn_days,
        calls_per_hour,
        form: RuleForm::general(default, warn_days, calls_per_hour),
        set_by: settings.set_by,
        set_at_ms: settings.set_at_ms,
        hosts,
        coverage: coverage(&rows),
        last_sweep_ms: settings.last_sweep_ms,
        sweep_every_minutes: state.retention.sweep_every.as_secs() / 60,
        paused_until_ms: Some(settings.paused_until_ms).filter(|t| *t > now),
        due_now,
        due_soon,
        exceptions,
        may_extend: staff.may(Permission::ExtendRetention),
        may_manage: staff.may(Permission::ManageRetention),
    })
}

/// What the sweep would take now and soon, under the rules as they are and with `change`.
pub async fn preview(state: &AppState, change: RuleChange) -> Result<RetentionPreview, AppError> {
    let rows = store::inventory(&state.db).await.map_err(store_failed("cannot read the retention inventory"))?;
    let rules = store::rules(&state.db).await.map_err(store_failed("cannot read the retention rules"))?;
    let now = state.clock.now_ms();
    let (before, after) = dry_runs(&rows, &rules, &change.apply(&rules), now);
    Ok(RetentionPreview::new(change, before, after, now))
}

/// The dry run counts what the sweep would take: meetings already in hand are left out of both.
pub fn dry_runs(rows: &[InventoryRow], before: &Rules, after: &Rules, now_ms: i64) -> (DryRun, DryRun) {
    let open: Vec<&crate::domain::Known> = rows.iter().filter(|r| !r.in_hand).map(|r| &r.known).collect();
    (DryRun::of(open.iter().copied(), before, now_ms), DryRun::of(open.iter().copied(), after, now_ms))
}

/// Writes a change around its audit entry: the intent first (no entry, no change), then the
/// outcome.
async fn audited<T>(state: &AppState, entry: crate::server::audit::Intent, change: impl std::future::Future<Output = Result<T, AppError>>) -> Result<T, AppError> {
    let id = begin_change(state, &entry).await?;
    match change.await {
        Ok(v) => {
            state.audit.complete(&id, &Completion::new(Outcome::Succeeded)).await;
            Ok(v)
        }
        Err(e) => {
            state.audit.complete(&id, &Completion::new(Outcome::Failed).error(&e)).await;
            Err(e)
        }
    }
}

pub async fn save_rule(state: &AppState, staff: &Staff, change: RuleChange, reason: String) -> Result<(), AppError> {
    let mut entry = intent(AuditAction::SetRetentionRule, Some(staff.clone()), None, Some(reason.clone()));
    entry.detail = Some(change.describe());
    let now = state.clock.now_ms();
    audited(state, entry, async {
        let written = match change {
            RuleChange::General { default, warn_days, calls_per_hour } => {
                store::set_general(&state.db, General { default, warn_days, calls_per_hour }, &staff.username, now).await
            }
            RuleChange::Host { host, rule } => store::set_host_rule(&state.db, host, rule, &reason, &staff.username, now).await,
        };
        written.map_err(store_failed("cannot store a retention rule"))
    })
    .await?;
    tracing::info!(user = %staff.username, change = %change.describe(), "retention rule changed");
    state.retention.rule_changed();
    Ok(())
}

/// A meeting's own rule: extended, kept, or back to the rules (`None`).
pub enum MeetingChange {
    Extend(Extension),
    Keep,
    Clear,
}

pub async fn change_meeting(state: &AppState, staff: &Staff, id: &MeetingId, change: MeetingChange, reason: String) -> Result<(), AppError> {
    let now = state.clock.now_ms();
    let (action, rule) = match change {
        MeetingChange::Extend(ext) => {
            let rows = store::inventory_of(&state.db, id).await.map_err(store_failed("cannot read the retention inventory"))?;
            let rules = store::rules(&state.db).await.map_err(store_failed("cannot read the retention rules"))?;
            let Some(row) = rows else {
                return Err(fail(AppError::invalid_field("meeting_id", "This meeting is not known to retention; track it first.")));
            };
            // From its due date as it stands (not counting an earlier extension twice).
            let due = Standing::of(&row.known, &rules).due_at();
            (AuditAction::ExtendRetention, Some(MeetingRule::ExtendedUntil(ext.until_ms(due, now))))
        }
        MeetingChange::Keep => (AuditAction::KeepRecordings, Some(MeetingRule::Keep)),
        MeetingChange::Clear => (AuditAction::ExtendRetention, None),
    };
    let mut entry = intent(action, Some(staff.clone()), Some(id.to_string()), Some(reason.clone()));
    entry.detail = Some(match rule {
        Some(MeetingRule::ExtendedUntil(at)) => format!("kept until {}", crate::domain::format_utc_ms(at)),
        Some(MeetingRule::Keep) => "exempt from retention".to_owned(),
        None => "back to the retention rules".to_owned(),
    });
    audited(state, entry, async {
        store::set_meeting_rule(&state.db, id, rule, &reason, &staff.username, now).await.map_err(store_failed("cannot store a meeting's retention rule"))
    })
    .await
}

/// Adds a list of meetings to the inventory (listed at once, within the budget); how many were new.
pub async fn track(state: &AppState, staff: &Staff, list: &MeetingList, host: Option<u64>) -> Result<u64, AppError> {
    let ids: Vec<MeetingId> = list.ids.iter().map(|(_, id)| id.clone()).collect();
    let mut entry = intent(AuditAction::TrackMeetings, Some(staff.clone()), None, None);
    entry.detail = Some(format!("{} meeting{}{}", ids.len(), if ids.len() == 1 { "" } else { "s" }, host.map(|h| format!(" of host {h}")).unwrap_or_default()));
    let now = state.clock.now_ms();
    let added = audited(state, entry, async {
        known::note(&state.db, &ids, Source::Tracked, host, now).await.map_err(store_failed("cannot track meetings"))
    })
    .await?;
    state.retention.wake.notify_one();
    Ok(added)
}

pub async fn meeting(state: &AppState, staff: &Staff, id: &MeetingId) -> Result<crate::domain::RetentionMeeting, AppError> {
    let row = store::inventory_of(&state.db, id).await.map_err(store_failed("cannot read the retention inventory"))?;
    let rules = store::rules(&state.db).await.map_err(store_failed("cannot read the retention rules"))?;
    let Some(row) = row else {
        return Err(fail(AppError::invalid_field("meeting_id", "This meeting is not known to retention yet: open its recordings, or track it on the Retention page.")));
    };
    let standing = Standing::of(&row.known, &rules);
    let host_rule = row.known.host.and_then(|h| rules.hosts.get(&h).map(|r| (h, *r)));
    let period_text = match (host_rule, rules.default) {
        (Some((h, crate::domain::HostRule::Days(d))), _) => format!("Its host's rule (host {h}): kept {d}."),
        (Some((h, crate::domain::HostRule::Keep)), _) => format!("Its host's rule (host {h}): kept, never due by age."),
        (None, Some(d)) => format!("The default rule: kept {d}."),
        (None, None) => "No rule applies: there is no default period, and its host has no rule.".to_owned(),
    };
    Ok(crate::domain::RetentionMeeting {
        row: due_row(&row, standing),
        standing_label: standing.label().to_owned(),
        period_text,
        now_ms: state.clock.now_ms(),
        may_extend: staff.may(Permission::ExtendRetention),
        may_manage: staff.may(Permission::ManageRetention),
    })
}

pub async fn report(state: &AppState) -> Result<crate::domain::RetentionReport, sqlx::Error> {
    use crate::domain::{AgeBucket, RetentionReport, AGE_BUCKETS};
    let rows = store::inventory(&state.db).await?;
    let rules = store::rules(&state.db).await?;
    let now = state.clock.now_ms();
    let mut ages: Vec<AgeBucket> = AGE_BUCKETS.iter().map(|(_, label)| AgeBucket { label: (*label).to_owned(), recordings: 0, bytes: 0 }).collect();
    for (i, n, bytes) in store::ages(&state.db, now.div_euclid(1000)).await? {
        if let Some(a) = ages.get_mut(i) {
            a.recordings = u64::try_from(n).unwrap_or(0);
            a.bytes = u64::try_from(bytes).unwrap_or(0);
        }
    }
    Ok(RetentionReport {
        hosts: RetentionReport::hosts(rows.iter().map(|r| (&r.known, r.oldest_created)), &rules, now),
        ages,
        as_of_ms: rows.iter().filter_map(|r| r.inventoried_at_ms).min(),
        now_ms: now,
    })
}

/// What the home page shows an admin: the meetings due now or within the warning, soonest first.
pub async fn due_soon(state: &AppState, limit: usize) -> Result<Vec<DueRow>, AppError> {
    let rows = store::inventory(&state.db).await.map_err(store_failed("cannot read the retention inventory"))?;
    let settings = store::settings(&state.db).await.map_err(store_failed("cannot read the retention settings"))?;
    let hosts = store::host_rules(&state.db).await.map_err(store_failed("cannot read the retention rules"))?;
    let rules = store::rules_of(&settings, &hosts);
    let until = state.clock.now_ms() + settings.warn_days * DAY_MS;
    let mut due: Vec<DueRow> = rows
        .iter()
        .filter(|r| !r.in_hand)
        .filter_map(|r| {
            let s = Standing::of(&r.known, &rules);
            s.is_due(until).then(|| due_row(r, s))
        })
        .collect();
    due.sort_by_key(|r| (r.due_at_ms, r.meeting_id.clone()));
    due.truncate(limit);
    Ok(due)
}
