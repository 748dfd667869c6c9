//! The audit log's hash chain: `audit verify` finds an entry edited, removed or added by hand
//! (past the triggers), and two replicas writing at once still make one chain.

use crate::cli::console;
use crate::support::{database, TestApp, ADMIN, OPERATOR, PASSWORD, VENDOR_MEETING};

async fn execute(app: &TestApp, sql: &str) {
    meeting_admin::on_pool!(&app.db, pool => sqlx::query(sql).execute(pool).await.map(|r| r.rows_affected())).unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// Lets the test edit the log as someone with the database's own rights would.
async fn lift_the_triggers(app: &TestApp) {
    if database::is_postgres() {
        execute(app, "ALTER TABLE audit_log DISABLE TRIGGER USER").await;
    } else {
        execute(app, "DROP TRIGGER audit_log_outcome_once").await;
        execute(app, "DROP TRIGGER audit_log_no_delete").await;
    }
}

async fn text(app: &TestApp, sql: &str) -> String {
    meeting_admin::on_pool!(&app.db, pool => sqlx::query_scalar(sql).fetch_one(pool).await.unwrap())
}

async fn ids(app: &TestApp) -> Vec<i64> {
    meeting_admin::on_pool!(&app.db, pool => sqlx::query_scalar("SELECT id FROM audit_log ORDER BY id").fetch_all(pool).await.unwrap())
}

/// `meeting-admin audit verify`: its exit code and what it said.
fn verify(app: &TestApp) -> (i32, String) {
    console(&app.database_url, &["audit", "verify"], "")
}

#[tokio::test]
async fn verify_names_the_entry_edited_removed_or_added_by_hand() {
    let app = TestApp::spawn().await;
    let operator = app.as_user(OPERATOR).await;
    operator.get(&format!("/api/recordings/list?meeting_id={VENDOR_MEETING}")).await;
    let res = app.http.post_form("/api/recordings/delete", &[("meeting_id", VENDOR_MEETING), ("expected_count", "2"), ("reason", "ZD-1")]).await;
    assert_eq!(res.status(), 200);
    app.http.sign_in("nobody", "wrong").await;
    let (code, out) = verify(&app);
    assert_eq!(code, 0, "{out}");
    let n = ids(&app).await.len();
    assert!(out.contains(&format!("valid: {n} entries in the chain")), "{out}");

    // The audit page says when, and what it found.
    let page = app.http.get("/audit").await.text().await.unwrap();
    assert!(page.contains("Chain verified"), "the audit page shows the last verification");

    lift_the_triggers(&app).await;
    let all = ids(&app).await;
    let third = all[2];

    // Edited: an address rewritten, then put back.
    let original = text(&app, &format!("SELECT client_addr FROM audit_log WHERE id = {third}")).await;
    execute(&app, &format!("UPDATE audit_log SET client_addr = '10.9.9.9' WHERE id = {third}")).await;
    let (code, out) = verify(&app);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains(&format!("entry {third} was changed after it was written")), "{out}");
    let page = app.http.get("/audit").await.text().await.unwrap();
    assert!(page.contains(&format!("entry {third} was changed")), "the audit page shows the problem found");
    execute(&app, &format!("UPDATE audit_log SET client_addr = '{original}' WHERE id = {third}")).await;
    let (code, out) = verify(&app);
    assert_eq!(code, 0, "restored, it verifies again: {out}");

    // An outcome rewritten.
    let done = *all.last().unwrap();
    let outcome = text(&app, &format!("SELECT outcome FROM audit_log WHERE id = {done}")).await;
    execute(&app, &format!("UPDATE audit_log SET outcome = 'failed' WHERE id = {done}")).await;
    let (code, out) = verify(&app);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains(&format!("entry {done}'s outcome was changed")) || out.contains(&format!("entry {done} was changed")), "{out}");
    execute(&app, &format!("UPDATE audit_log SET outcome = '{outcome}' WHERE id = {done}")).await;
    assert_eq!(verify(&app).0, 0);

    // Added: a copy of an entry, and an entry with no link at all.
    let copy = "INSERT INTO audit_log (at_ms, username, role, sign_in_method, client_addr, action, meeting_id, reason, detail, request_id, \
                outcome, vendor_status, deleted_count, new_meeting_id, error, completed_ms, chain_seq, chain_prev, chain_hash, outcome_hash) \
                SELECT at_ms, username, role, sign_in_method, client_addr, action, meeting_id, reason, detail, request_id, \
                outcome, vendor_status, deleted_count, new_meeting_id, error, completed_ms, chain_seq, chain_prev, chain_hash, outcome_hash \
                FROM audit_log WHERE id = ";
    execute(&app, &format!("{copy}{third}")).await;
    let added = *ids(&app).await.last().unwrap();
    let (code, out) = verify(&app);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains(&format!("entry {added} repeats or reorders chain position")), "{out}");
    execute(&app, &format!("DELETE FROM audit_log WHERE id = {added}")).await;
    execute(&app, "INSERT INTO audit_log (at_ms, client_addr, action, request_id) VALUES (1, '-', 'sign_in', 'forged')").await;
    let added = *ids(&app).await.last().unwrap();
    let (code, out) = verify(&app);
    assert!(code == 1 && out.contains(&format!("entry {added} has no place in the chain")), "{out}");
    execute(&app, &format!("DELETE FROM audit_log WHERE id = {added}")).await;
    assert_eq!(verify(&app).0, 0);

    // Removed: one from the middle, then (on a fresh copy of the story) the newest.
    let fourth = all[3];
    execute(&app, &format!("DELETE FROM audit_log WHERE id = {third}")).await;
    let (code, out) = verify(&app);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains(&format!("the chain is broken before entry {fourth}: 1 entry was removed")), "{out}");
}

#[tokio::test]
async fn removing_the_newest_entries_is_found() {
    let app = TestApp::spawn().await;
    app.http.sign_in("nobody", "wrong").await;
    app.http.sign_in(ADMIN, PASSWORD).await;
    assert_eq!(verify(&app).0, 0);
    lift_the_triggers(&app).await;
    let last = *ids(&app).await.last().unwrap();
    execute(&app, &format!("DELETE FROM audit_log WHERE id = {last}")).await;
    let (code, out) = verify(&app);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("the newest entries were removed"), "{out}");
}

/// Two replicas writing at once (and many requests at once in each) make one unbroken chain, in
/// the order of the entries' ids.
#[tokio::test]
async fn two_replicas_writing_at_once_make_one_chain() {
    let r = TestApp::replicas(2, &[]).await;
    let (a, b) = (&r.apps[0], &r.apps[1]);
    let writes = (0..40).map(|i| {
        let app = if i % 2 == 0 { a } else { b };
        async move { app.anonymous().sign_in(if i % 3 == 0 { OPERATOR } else { ADMIN }, PASSWORD).await }
    });
    futures_util::future::join_all(writes).await;
    let v = a.state.audit.verify().await.unwrap();
    assert!(v.ok, "{v:?}");
    let total = ids(a).await.len() as u64;
    assert_eq!(v.chained + v.before_chain, total);
    // Sign-ins past the per-address throttle are refused without an entry each.
    assert!(v.chained >= 20, "{v:?}");
}
