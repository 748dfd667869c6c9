//! What only PostgreSQL has: a least-privilege role, and a database server that goes away and
//! comes back while the app runs (run in the PostgreSQL pass only).

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::{database, logs, Mock, TestApp, OPERATOR, VENDOR_MEETING};

/// The app runs as a role that may use the tables but can never remove or rewrite audit entries,
/// nor alter or drop the table; the grant script in README is the one tested here.
#[tokio::test]
async fn the_app_runs_as_a_role_that_cannot_touch_the_audit_log() {
    if !database::is_postgres() {
        return;
    }
    let owner = TestApp::spawn().await;
    let grants = include_str!("../../scripts/postgres-app-role.sql");
    meeting_admin::on_pool!(&owner.db, pool => {
        sqlx::raw_sql("DO $$ BEGIN CREATE ROLE meeting_admin_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$")
            .execute(pool)
            .await
            .unwrap();
        sqlx::raw_sql(grants).execute(pool).await.unwrap();
    });
    // Every table a migration made is granted, but the audit log (its own grants, below) and
    // the migrations' record (read only): a migration whose table the script misses fails here.
    let ungranted: Vec<String> = meeting_admin::on_pool!(&owner.db, pool => sqlx::query_scalar(
        "SELECT tablename::text FROM pg_tables \
         WHERE schemaname = 'public' AND tablename NOT IN ('audit_log', '_sqlx_migrations') \
         AND NOT has_table_privilege('meeting_admin_app', format('%I.%I', schemaname, tablename), 'SELECT, INSERT, UPDATE, DELETE') ORDER BY 1",
    )
    .fetch_all(pool)
    .await
    .unwrap());
    assert!(ungranted.is_empty(), "scripts/postgres-app-role.sql grants nothing on {ungranted:?}");
    let mut url = url::Url::parse(&owner.database_url).unwrap();
    url.set_username("meeting_admin_app").unwrap();
    let app = TestApp::replicas_on(&owner.upstream, url.as_str(), 1).await.pop().unwrap();

    // Everything the app does works under that role: sign-in, sessions, a change and its audit.
    let res = app.http.post_form("/api/recordings/delete", &[("meeting_id", VENDOR_MEETING), ("expected_count", "2"), ("reason", "least privilege")]).await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let found: Value = app.http.get("/api/audit/search?filter[action]=delete_recordings").await.json().await.unwrap();
    assert_eq!(found["entries"][0]["outcome"], "succeeded", "{found}");

    // And none of this is allowed to it.
    for sql in [
        "DELETE FROM audit_log",
        "TRUNCATE audit_log",
        "UPDATE audit_log SET reason = 'nothing to see'",
        "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_delete",
        "DROP TRIGGER audit_log_no_delete ON audit_log",
        "DROP TABLE audit_log",
    ] {
        let err = meeting_admin::on_pool!(&app.db, pool => sqlx::query(sql).execute(pool).await.map(|_| ())).unwrap_err().to_string();
        assert!(err.contains("permission denied") || err.contains("must be owner"), "{sql}: {err}");
    }
}

/// A throwaway cluster of this test's own, so stopping it disturbs no other test.
struct Cluster {
    dir: tempfile::TempDir,
    url: String,
}

/// This checkout's script. Cargo names the checkout when it runs the tests; the path compiled in
/// may be another checkout's, because cargo reuses a test binary built from another checkout
/// into the same target folder (after CI's clone had built there, this test found no script).
fn script() -> PathBuf {
    let root = std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from).unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    root.join("scripts/postgres.sh")
}

impl Cluster {
    fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let out = Command::new(script()).arg("start").arg(dir.path()).arg("25532").output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let url = String::from_utf8(out.stdout).unwrap().trim().to_owned();
        Self { dir, url }
    }

    fn run(&self, cmd: &str) {
        let out = Command::new(script()).arg(cmd).arg(self.dir.path()).output().unwrap();
        assert!(out.status.success(), "{cmd}: {}", String::from_utf8_lossy(&out.stderr));
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = Command::new(script()).arg("stop").arg(self.dir.path()).output();
    }
}

async fn readyz(app: &TestApp) -> (u16, Value) {
    let res = app.anonymous().get("/readyz").await;
    (res.status().as_u16(), res.json().await.unwrap())
}

/// PostgreSQL stops under load and starts again: every request gets a plain answer (no panic,
/// no hang), no change goes to the vendor without its audit intent, `/readyz` reads 503 and
/// then 200, and the app recovers with no restart.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_database_goes_away_under_load_and_comes_back() {
    if !database::is_postgres() {
        return;
    }
    logs::capture();
    let panics_before = logs::server_panics();
    let cluster = Cluster::start();
    let app = TestApp::launch_on(Mock::start().await, Some(cluster.url.clone()), &[]).await;
    let operator = app.as_user(OPERATOR).await;
    let (status, body) = readyz(&app).await;
    assert_eq!((status, body["backend"].as_str()), (200, Some("postgres")), "{body}");

    // Readers keep asking while the database goes away.
    let load: Vec<_> = (0..4)
        .map(|_| {
            let b = operator.clone();
            tokio::spawn(async move {
                let mut statuses = Vec::new();
                let until = Instant::now() + Duration::from_secs(4);
                while Instant::now() < until {
                    let res = b.get(&format!("/meetings/{VENDOR_MEETING}/recordings")).await;
                    statuses.push(res.status().as_u16());
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
                statuses
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(500)).await;
    cluster.run("stop");

    let (status, body) = readyz(&app).await;
    assert_eq!((status, body["database"].as_str()), (503, Some("unreachable")), "{body}");
    let page = operator.get(&format!("/meetings/{VENDOR_MEETING}/recordings")).await;
    assert_eq!(page.status(), 503);
    let html = page.text().await.unwrap();
    assert!(html.contains("cannot reach its database"), "{html}");
    // A change while the database is away: refused plainly, never sent to the vendor.
    let vendor_calls = app.upstream.mock.requests().len();
    let res = app.http.post_form("/api/recordings/delete", &[("meeting_id", VENDOR_MEETING), ("expected_count", "2"), ("reason", "in the outage")]).await;
    assert_eq!(res.status(), 503);
    let err: Value = res.json().await.unwrap();
    assert!(err["kind"] == "database_unavailable" || err["kind"] == "audit_unavailable", "{err}");
    assert!(app.upstream.mock.requests()[vendor_calls..].iter().all(|r| r.method != "DELETE"), "no DELETE reached the vendor");
    // Sign-in says the same, not "wrong password".
    let res = app.anonymous().sign_in(OPERATOR, crate::support::PASSWORD).await;
    assert_eq!(res.status(), 503);

    cluster.run("restart");
    let back = Instant::now();
    while readyz(&app).await.0 != 200 {
        assert!(back.elapsed() < Duration::from_secs(15), "ready again after the database is back");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    for task in load {
        let statuses = task.await.unwrap();
        assert!(statuses.iter().all(|s| [200, 503].contains(s)), "only pages or 'database unavailable': {statuses:?}");
        assert!(statuses.contains(&200));
    }
    // Working again, the same session and all, with no restart.
    assert_eq!(operator.get(&format!("/meetings/{VENDOR_MEETING}/recordings")).await.status(), 200);
    let res = app.http.post_form("/api/recordings/delete", &[("meeting_id", VENDOR_MEETING), ("expected_count", "2"), ("reason", "after the outage")]).await;
    assert_eq!(res.status(), 200);
    let found: Value = app.http.get("/api/audit/search?filter[action]=delete_recordings").await.json().await.unwrap();
    let reasons: Vec<&str> = found["entries"].as_array().unwrap().iter().filter_map(|e| e["reason"].as_str()).collect();
    assert_eq!(reasons, ["after the outage"], "the refused change left no entry; the later one did");
    assert!(!logs::lines_with("cannot read the session").is_empty(), "the outage is in the log");
    assert_eq!(logs::server_panics(), panics_before, "no panic");
}
