//! What the recordings page shows of a meeting from our own store (its legal hold, its open
//! deletion request, its history) is kept in memory while the meeting's version stands. Every
//! write moves the version, whoever makes it, so the next view shows the change: here plain SQL
//! stands in for the console, another process or another replica.

use serde_json::Value;

use crate::support::{TestApp, VENDOR_MEETING};
use meeting_admin::domain::{AuditAction, MeetingId, Outcome};
use meeting_admin::server::audit::{Completion, Intent};
use meeting_admin::server::meetings::state as meeting_state;

async fn sql(app: &TestApp, sql: &str) {
    meeting_admin::on_pool!(&app.db, pool => sqlx::query(sql).bind(VENDOR_MEETING).execute(pool).await.map(|r| r.rows_affected())).unwrap();
}

async fn version(app: &TestApp) -> i64 {
    meeting_state::version(&app.db, &MeetingId::parse(VENDOR_MEETING).unwrap()).await.unwrap()
}

async fn get(app: &TestApp, endpoint: &str) -> Value {
    let res = app.get(&format!("/api/{endpoint}?meeting_id={VENDOR_MEETING}")).await;
    assert_eq!(res.status(), 200, "{endpoint}");
    res.json().await.unwrap()
}

async fn hold_reason(app: &TestApp) -> Option<String> {
    get(app, "meetings/hold").await["reason"].as_str().map(str::to_owned)
}

fn intent(reason: &str) -> Intent {
    Intent {
        actor: None,
        claimed_user: Some("console".into()),
        client_addr: "-".into(),
        action: AuditAction::HoldMeeting,
        meeting_id: Some(VENDOR_MEETING.into()),
        reason: Some(reason.into()),
        detail: None,
        request_id: "meeting-state-test".into(),
    }
}

#[tokio::test]
async fn every_write_to_a_meeting_shows_on_its_next_view() {
    let app = TestApp::spawn_with(&["--delete-grace", "10m"]).await;
    assert_eq!(hold_reason(&app).await, None);
    assert_eq!(get(&app, "audit/meeting").await, Value::Array(vec![]));
    assert_eq!(version(&app).await, 0, "nothing was ever written about it");

    sql(&app, "INSERT INTO legal_holds (meeting_id, reason, held_by, held_at_ms) VALUES ($1, 'LIT-9 from the console', 'carol', 1)").await;
    assert_eq!(hold_reason(&app).await.as_deref(), Some("LIT-9 from the console"));
    sql(&app, "UPDATE legal_holds SET reason = 'LIT-9, amended' WHERE meeting_id = $1").await;
    assert_eq!(hold_reason(&app).await.as_deref(), Some("LIT-9, amended"));
    sql(&app, "DELETE FROM legal_holds WHERE meeting_id = $1").await;
    assert_eq!(hold_reason(&app).await, None);

    // An audit entry, then its outcome: the history shows each as it is written.
    let entry = app.state.audit.begin(&intent("pending for a moment")).await.unwrap();
    let history = get(&app, "audit/meeting").await;
    assert_eq!((history[0]["reason"].as_str(), &history[0]["outcome"]), (Some("pending for a moment"), &Value::Null));
    app.state.audit.complete(&entry, &Completion::new(Outcome::Succeeded)).await;
    assert_eq!(get(&app, "audit/meeting").await[0]["outcome"], "succeeded");

    // A deletion request made here, then cancelled behind the app's back.
    let res = app.post_form("/api/recordings/delete", &[("meeting_id", VENDOR_MEETING), ("expected_count", "2"), ("reason", "TICKET-5")]).await;
    assert_eq!(res.status(), 200);
    assert_eq!(get(&app, "deletions/open").await["request"]["state"], "scheduled");
    sql(&app, "UPDATE deletion_requests SET state = 'cancelled', cancelled_by = 'carol' WHERE meeting_id = $1").await;
    assert_eq!(get(&app, "deletions/open").await, Value::Null);
    let page = app.get(&format!("/meetings/{VENDOR_MEETING}/recordings")).await.text().await.unwrap();
    assert!(page.contains("Delete all recordings") && !page.contains("Cancel deletion"), "the page offers a new deletion");
}

#[tokio::test]
async fn an_unchanged_meeting_is_answered_from_memory() {
    let app = TestApp::spawn().await;
    assert_eq!(hold_reason(&app).await, None);
    assert!(app.state.meeting_state.bytes() > 0, "the rows are kept");
    // A write that leaves the version where it was (only a test would do this) is not seen:
    // the view was answered from memory, not from the three queries.
    let before = version(&app).await;
    sql(&app, "INSERT INTO legal_holds (meeting_id, reason, held_by, held_at_ms) VALUES ($1, 'unseen', 'carol', 1)").await;
    let after = version(&app).await;
    assert_eq!(after, before + 1);
    sql(&app, &format!("UPDATE meeting_versions SET v = {before} WHERE meeting_id = $1")).await;
    assert_eq!(hold_reason(&app).await, None);
    sql(&app, "UPDATE meeting_versions SET v = v + 5 WHERE meeting_id = $1").await;
    assert_eq!(hold_reason(&app).await.as_deref(), Some("unseen"));
}

/// Two replicas on one PostgreSQL: what one writes, the other shows on its very next view
/// (no notification to wait for).
#[tokio::test]
async fn a_hold_placed_on_one_replica_shows_on_the_other_at_once() {
    if !crate::support::database::is_postgres() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let url = crate::support::database::fresh(dir.path()).await;
    let upstream = crate::support::Mock::start().await;
    let apps = TestApp::replicas_on(&upstream, &url, 2).await;
    let (a, b) = (&apps[0], &apps[1]);
    assert_eq!(hold_reason(b).await, None);
    let res = a.post_form("/api/meetings/hold/place", &[("meeting_id", VENDOR_MEETING), ("reason", "LIT-11")]).await;
    assert_eq!(res.status(), 200);
    assert_eq!(hold_reason(b).await.as_deref(), Some("LIT-11"));
    assert_eq!(get(b, "audit/meeting").await[0]["action"], "hold_meeting");
    let page = b.get(&format!("/meetings/{VENDOR_MEETING}/recordings")).await.text().await.unwrap();
    assert!(page.contains("LIT-11") && !page.contains("Delete all recordings"), "the other replica offers no deletion of a held meeting");
}
