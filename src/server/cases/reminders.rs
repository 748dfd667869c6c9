//! The approval webhook is told once when a case is 7 days from its deadline and once when it is
//! overdue. Each reminder is taken by one replica (a conditional UPDATE), given back if the
//! webhook does not take it (sent again at the next look), and audited.

use std::time::Duration;

use crate::domain::{day_of_ms, format_day, AuditAction, Case, Outcome, Role, SignInMethod, Staff};
use crate::server::audit::{Completion, Intent};
use crate::server::deletions::webhook::escaped;
use crate::server::metrics::labels::WorkerName;
use crate::server::state::{AppState, Work};
use crate::server::store::on_pool;
use crate::server::workers::Next;

/// How often each replica looks for cases to remind of.
pub const POLL: Duration = Duration::from_secs(10 * 60);
const POST_WITHIN: Duration = Duration::from_secs(10);

/// Who a reminder is from: the app itself.
fn sender() -> Staff {
    Staff { username: "cases".to_owned(), role: Role::Admin, method: SignInMethod::System }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Soon,
    Overdue,
}

impl Kind {
    fn column(self) -> &'static str {
        match self {
            Self::Soon => "reminded_soon_ms",
            Self::Overdue => "reminded_overdue_ms",
        }
    }
}

fn text(c: &Case, kind: Kind, today: jiff::civil::Date, origin: &str) -> String {
    let when = c.standing(today).describe();
    let head = match kind {
        Kind::Soon => "Erasure case due soon",
        Kind::Overdue => "Erasure case OVERDUE",
    };
    format!("{head}: {} is {when} (deadline {}, {}). {origin}{}", escaped(&c.reference), format_day(c.deadline()), c.state.label(), c.path())
}

/// One look: sends each reminder that is due and not yet sent; how many were sent.
pub async fn tick(state: &Work<'_>) -> Result<usize, sqlx::Error> {
    let Some(hook) = &state.deletions.webhook else { return Ok(0) };
    let now = state.clock.now_ms();
    let today = day_of_ms(now);
    let mut sent = 0;
    for c in super::store::list(state.db, 1000).await?.into_iter().filter(|c| !c.state.is_closed()) {
        let s = c.standing(today);
        let kind = if s.is_overdue() { Kind::Overdue } else if s.is_due_soon() { Kind::Soon } else { continue };
        if !super::store::take_reminder(state.db, c.id, kind.column(), now).await? {
            continue;
        }
        let body = serde_json::json!({ "text": text(&c, kind, today, state.public_origin), "case": c.reference, "deadline": c.deadline().to_string() });
        let intent = Intent {
            actor: Some(sender()),
            claimed_user: None,
            client_addr: "-".to_owned(),
            action: AuditAction::CaseReminder,
            meeting_id: None,
            reason: None,
            detail: Some(format!("case {}: {} (deadline {})", c.reference, s.describe(), format_day(c.deadline()))),
            request_id: format!("case-{}", c.id),
        };
        match hook.post(&body.to_string(), POST_WITHIN).await {
            Ok(()) => {
                state.audit.record(&intent, &Completion::new(Outcome::Succeeded)).await;
                sent += 1;
            }
            Err(e) => {
                tracing::warn!(case = c.id, error = %e, "a case reminder was not taken; sent again at the next look");
                let sql = format!("UPDATE erasure_cases SET {} = NULL WHERE id = $1", kind.column());
                on_pool!(state.db, pool => sqlx::query(&sql).bind(c.id).execute(pool).await?.rows_affected());
                state.audit.record(&intent, &Completion::new(Outcome::Failed).error(&e)).await;
                break;
            }
        }
    }
    Ok(sent)
}

pub fn spawn(state: AppState) {
    if state.deletions.webhook.is_none() {
        return;
    }
    let env = state.clone();
    state.workers.poll(WorkerName::CaseReminders, POLL, std::sync::Arc::default(), move || {
        let state = env.clone();
        async move {
            if let Err(e) = tick(&state.work()).await {
                tracing::warn!(error = %e, "cannot look for case reminders");
                state.metrics.step_failed(WorkerName::CaseReminders);
            }
            Next::Wait
        }
    });
}
