//! The daily digest: once a day, the approval webhook is told which meetings are due now and
//! which soon, so nobody learns of a deletion only from its request. One replica sends it (the
//! day is claimed on the settings row); a digest the webhook did not take gives the day back,
//! and the next sweep's turn sends it again.

use std::time::Duration;

use super::store;
use crate::domain::{format_bytes, format_utc_ms, Standing, Tally, DAY_MS};
use crate::server::state::Work;
use crate::server::store::on_pool;

/// How long the webhook has to take it.
const WITHIN: Duration = Duration::from_secs(10);
/// How many meetings the digest names (the rest are counted).
const NAMED: usize = 20;

/// What a digest says, or nothing when nothing is due now or soon.
pub fn text(due_now: &Tally, soon: &[(String, i64)], soon_tally: &Tally, warn_days: i64, origin: &str) -> Option<String> {
    if due_now.meetings == 0 && soon_tally.meetings == 0 {
        return None;
    }
    let mut t = format!(
        "Retention: {} meeting{} due now ({} recordings, {}) and {} due within {warn_days} days ({} recordings, {}). Extend or keep them: {origin}/retention",
        due_now.meetings,
        if due_now.meetings == 1 { " is" } else { "s are" },
        due_now.recordings,
        format_bytes(due_now.bytes),
        soon_tally.meetings,
        soon_tally.recordings,
        format_bytes(soon_tally.bytes),
    );
    for (id, at) in soon.iter().take(NAMED) {
        t.push_str(&format!("\n• {id} due {}", format_utc_ms(*at)));
    }
    if soon.len() > NAMED {
        t.push_str(&format!("\n… and {} more", soon.len() - NAMED));
    }
    Some(t)
}

/// Sends today's digest if no replica has; whether one was sent.
pub async fn send_if_due(state: &Work<'_>) -> Result<bool, sqlx::Error> {
    let Some(webhook) = &state.deletions.webhook else { return Ok(false) };
    let now = state.clock.now_ms();
    let day = now.div_euclid(DAY_MS);
    let before: Option<i64> = on_pool!(state.db, pool => sqlx::query_scalar("SELECT last_digest_day FROM retention_settings WHERE id = 1").fetch_one(pool).await?);
    if before.is_some_and(|d| d >= day) {
        return Ok(false);
    }
    let claim = "UPDATE retention_settings SET last_digest_day = $1 WHERE id = 1 AND COALESCE(last_digest_day, -1) = COALESCE($2, -1)";
    let taken = on_pool!(state.db, pool => sqlx::query(claim).bind(day).bind(before).execute(pool).await?.rows_affected());
    if taken != 1 {
        return Ok(false);
    }
    let (rows, settings, hosts) = (store::inventory(state.db).await?, store::settings(state.db).await?, store::host_rules(state.db).await?);
    let rules = store::rules_of(&settings, &hosts);
    let (mut due_now, mut soon_tally, mut soon) = (Tally::default(), Tally::default(), vec![]);
    for r in rows.iter().filter(|r| !r.in_hand) {
        let s = Standing::of(&r.known, &rules);
        if s.is_due(now) {
            due_now.add(&r.known);
        } else if s.is_due_within(now, settings.warn_days * DAY_MS) {
            soon_tally.add(&r.known);
            soon.push((r.known.meeting_id.to_string(), s.due_at().unwrap_or(now)));
        }
    }
    soon.sort_by_key(|(_, at)| *at);
    let Some(text) = text(&due_now, &soon, &soon_tally, settings.warn_days, state.public_origin) else { return Ok(false) };
    let body = serde_json::json!({ "text": text, "due_now": due_now.meetings, "due_soon": soon_tally.meetings, "url": format!("{}/retention", state.public_origin) });
    match webhook.post(&body.to_string(), WITHIN).await {
        Ok(()) => {
            tracing::info!(due_now = due_now.meetings, due_soon = soon_tally.meetings, "retention digest sent");
            Ok(true)
        }
        Err(e) => {
            tracing::warn!(error = %e, "the retention digest was not taken; sent again at the next sweep");
            let give_back = "UPDATE retention_settings SET last_digest_day = $1 WHERE id = 1 AND last_digest_day = $2";
            on_pool!(state.db, pool => sqlx::query(give_back).bind(before).bind(day).execute(pool).await?.rows_affected());
            Ok(false)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_digest_counts_and_names_the_soonest_and_says_nothing_when_nothing_is_due() {
        assert_eq!(text(&Tally::default(), &[], &Tally::default(), 7, "https://x"), None);
        let soon: Vec<(String, i64)> = (0..25).map(|i| (format!("m{i}"), 1_800_000_000_000 + i)).collect();
        let t = text(&Tally { meetings: 1, recordings: 2, bytes: 2048 }, &soon, &Tally { meetings: 25, recordings: 50, bytes: 0 }, 7, "https://x").unwrap();
        assert!(t.starts_with("Retention: 1 meeting is due now (2 recordings, 2.05 KB) and 25 due within 7 days"), "{t}");
        assert!(t.contains("https://x/retention") && t.contains("• m0 due ") && t.contains("… and 5 more"));
        assert!(!t.contains("• m20 "));
    }
}
