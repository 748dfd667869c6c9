//! The audit log over HTTP: every action writes a complete entry, refusals too; filters, CSV,
//! the SIEM export; append-only; never the key or a presigned URL.

use meeting_admin::server::vendor::mock::Faults;
use serde_json::Value;
use meeting_admin::server::store::Store;
use sqlx::Row;

use crate::support::{database, Browser, TestApp, ADMIN, KEY, OPERATOR, PASSWORD, VENDOR_MEETING, VIEWER};

async fn search(b: &Browser, query: &str) -> (u16, Value) {
    // The filter must be present even when empty.
    let query = if query.is_empty() { "filter[user]=" } else { query };
    let res = b.get(&format!("/api/audit/search?{query}")).await;
    (res.status().as_u16(), res.json().await.unwrap())
}

/// Entries with `action`, newest first, as an admin sees them through the API.
async fn entries(app: &TestApp, action: &str) -> Vec<Value> {
    let (status, body) = search(&app.http, &format!("filter[action]={action}")).await;
    assert_eq!(status, 200, "{body}");
    body["entries"].as_array().unwrap().clone()
}

fn assert_request_id(e: &Value) {
    assert_eq!(e["request_id"].as_str().map(str::len), Some(36), "a UUID request id: {e}");
}

async fn delete(b: &Browser, id: &str, expected: &str, reason: &str) -> reqwest::Response {
    b.post_form("/api/recordings/delete", &[("meeting_id", id), ("expected_count", expected), ("reason", reason)]).await
}

#[tokio::test]
async fn each_change_writes_an_entry_with_every_field() {
    let app = TestApp::spawn().await;
    let operator = app.as_user(OPERATOR).await;
    let form = [("form[host_id]", "32242"), ("form[name]", "Audit sync"), ("form[start]", "2026-07-15T10:00"), ("form[end]", "2026-07-15T11:00"), ("form[timezone]", "UTC")];
    let created: Value = operator.post_form("/api/meetings/create", &form).await.json().await.unwrap();
    let new_id = created["meeting_id"].as_str().unwrap();

    let e = &entries(&app, "create_meeting").await[0];
    assert_eq!(e["username"], OPERATOR);
    assert_eq!(e["role"], "operator");
    assert_eq!(e["method"], "password");
    assert_eq!(e["client_addr"], "127.0.0.1");
    assert_eq!(e["outcome"], "succeeded");
    assert_eq!(e["vendor_status"], 201);
    assert_eq!(e["new_meeting_id"], new_id);
    assert_eq!(e["detail"], "'Audit sync' for host 32242");
    assert!(e["at_ms"].as_i64().unwrap() > 1_700_000_000_000);
    assert_request_id(e);

    let res = delete(&app.http, VENDOR_MEETING, "2", "TICKET-881 customer asked").await;
    assert_eq!(res.status(), 200);
    let request_id = res.headers()["x-request-id"].to_str().unwrap().to_owned();
    let e = &entries(&app, "delete_recordings").await[0];
    assert_eq!(e["username"], ADMIN);
    assert_eq!(e["role"], "admin");
    assert_eq!(e["meeting_id"], VENDOR_MEETING);
    assert_eq!(e["reason"], "TICKET-881 customer asked");
    assert_eq!(e["outcome"], "succeeded");
    assert_eq!(e["vendor_status"], 200);
    assert_eq!(e["deleted_count"], 2);
    assert_eq!(e["request_id"], request_id.as_str(), "the same id as the response header and log lines");
}

#[tokio::test]
async fn sign_in_out_and_failures_are_recorded() {
    let app = TestApp::spawn().await;
    let b = app.anonymous();
    assert_eq!(b.sign_in(VIEWER, "wrong password!!").await.status(), 401);
    assert_eq!(b.sign_in("mallory", "whatever password").await.status(), 401);
    assert_eq!(b.sign_in(VIEWER, PASSWORD).await.status(), 200);
    b.post_form("/api/sign_out", &[]).await;

    let failed = entries(&app, "sign_in_failed").await;
    assert_eq!(failed.len(), 2);
    assert_eq!((failed[0]["username"].as_str(), failed[0]["error"].as_str()), (Some("mallory"), Some("no such account, or it is disabled")));
    assert_eq!((failed[1]["username"].as_str(), failed[1]["error"].as_str()), (Some(VIEWER), Some("wrong password")));
    assert!(failed.iter().all(|e| e["outcome"] == "refused" && e["role"].is_null()));
    let signed_in = entries(&app, "sign_in").await;
    assert_eq!(signed_in.iter().filter(|e| e["username"] == VIEWER).count(), 1);
    let out = entries(&app, "sign_out").await;
    assert_eq!((out.len(), out[0]["username"].as_str(), out[0]["role"].as_str()), (1, Some(VIEWER), Some("viewer")));
    assert_request_id(&out[0]);
}

#[tokio::test]
async fn refused_requests_write_denied_entries() {
    let app = TestApp::spawn().await;
    let viewer = app.as_user(VIEWER).await;
    assert_eq!(delete(&viewer, VENDOR_MEETING, "2", "trying").await.status(), 403);
    let evil = app.http.send(
        app.http.client.post(format!("{}/api/recordings/delete", app.url)).header("origin", "https://evil.example").form(&[("meeting_id", VENDOR_MEETING)]),
    );
    assert_eq!(evil.await.status(), 403);
    assert_eq!(delete(&app.anonymous(), VENDOR_MEETING, "2", "x").await.status(), 401);
    assert_eq!(app.upstream.count("DELETE"), 0);

    let denied = entries(&app, "denied").await;
    assert_eq!(denied.len(), 3, "{denied:?}");
    let [anon, cross, role] = [&denied[0], &denied[1], &denied[2]];
    assert!(anon["username"].is_null());
    assert_eq!(anon["detail"], "POST /api/recordings/delete: not signed in");
    assert_eq!(cross["username"], ADMIN);
    assert!(cross["detail"].as_str().unwrap().contains("cross-site, Origin 'https://evil.example' is not ours"), "{cross}");
    assert_eq!((role["username"].as_str(), role["role"].as_str()), (Some(VIEWER), Some("viewer")));
    assert_eq!(role["meeting_id"], VENDOR_MEETING);
    assert!(role["error"].as_str().unwrap().contains("may not delete recordings"));
    assert!(denied.iter().all(|e| e["outcome"] == "refused" && e["client_addr"] == "127.0.0.1"));
    denied.iter().for_each(assert_request_id);
}

/// One access check: a refusal by role reads the same in the audit log whether a server
/// function, a CSV export, a bulk upload or a batch's results were asked for (before, the plain
/// handlers' refusals left no entry at all).
#[tokio::test]
async fn every_refusal_by_role_leaves_the_same_kind_of_entry() {
    let app = TestApp::spawn().await;
    let viewer = app.as_user(VIEWER).await;
    let asked = [
        ("/api/recordings/delete", "delete recordings", delete(&viewer, VENDOR_MEETING, "2", "trying").await),
        ("/audit.csv", "read the audit log", viewer.get("/audit.csv").await),
        ("/api/bulk/create", "delete recordings", viewer.post_form("/api/bulk/create", &[("ids", VENDOR_MEETING)]).await),
        ("/bulk/1/results.csv", "delete recordings", viewer.get("/bulk/1/results.csv").await),
    ];
    for (path, _, res) in &asked {
        assert_eq!(res.status(), 403, "{path}");
    }
    let mut denied = entries(&app, "denied").await;
    denied.reverse();
    assert_eq!(denied.len(), asked.len(), "{denied:#?}");
    for ((path, permission, _), e) in asked.iter().zip(&denied) {
        assert_eq!(e["detail"], format!("{path}: needs the permission to {permission}"), "{e}");
        assert_eq!((e["username"].as_str(), e["role"].as_str(), e["outcome"].as_str()), (Some(VIEWER), Some("viewer"), Some("refused")), "{e}");
        assert!(e["error"].as_str().unwrap().contains(&format!("may not {permission}")), "{e}");
        assert_eq!(e["client_addr"], "127.0.0.1");
        assert_request_id(e);
    }
    // The refused page or JSON is the same error too.
    let page = viewer.send(viewer.client.get(format!("{}/audit.csv", app.url)).header("accept", "text/html")).await;
    assert_eq!(page.status(), 403);
    assert!(page.text().await.unwrap().contains("may not read the audit log"));
    let json: Value = viewer.get("/audit.csv").await.json().await.unwrap();
    assert_eq!(json["kind"], "forbidden", "{json}");
}

#[tokio::test]
async fn vendor_failures_and_timeouts_complete_the_entry() {
    let app = TestApp::spawn().await;
    app.upstream.faults(Faults { status: Some(503), method: Some("DELETE".into()), ..Default::default() });
    assert_eq!(delete(&app.http, VENDOR_MEETING, "2", "ticket 1").await.status(), 503);
    app.upstream.faults(Faults { latency_ms: 1500, method: Some("DELETE".into()), ..Default::default() });
    assert_eq!(delete(&app.http, VENDOR_MEETING, "2", "ticket 2").await.status(), 504);
    app.upstream.faults(Faults::default());
    assert_eq!(delete(&app.http, VENDOR_MEETING, "5", "ticket 3").await.status(), 409);

    let e = entries(&app, "delete_recordings").await;
    assert_eq!((e[2]["outcome"].as_str(), e[2]["vendor_status"].as_u64()), (Some("failed"), Some(503)));
    assert!(e[2]["error"].as_str().unwrap().contains("ConnectyCube is unavailable"));
    assert_eq!((e[1]["outcome"].as_str(), e[1]["vendor_status"].as_u64()), (Some("unknown"), None));
    assert!(e[1]["error"].as_str().unwrap().contains("Check before retrying"));
    assert_eq!(e[0]["outcome"], "failed");
    assert!(e[0]["error"].as_str().unwrap().contains("you confirmed 5, there are now 2"));
    assert!(e.iter().all(|e| e["deleted_count"].is_null()));
}

#[tokio::test]
async fn a_change_whose_intent_cannot_be_written_is_not_attempted() {
    let app = TestApp::spawn().await;
    // The database refuses writing intents (as when its disk is full), and only those.
    match &app.db {
        Store::Sqlite(pool) => {
            sqlx::query("CREATE TRIGGER block_intents BEFORE INSERT ON audit_log WHEN NEW.outcome IS NULL BEGIN SELECT RAISE(ABORT, 'disk full'); END")
                .execute(pool)
                .await
                .unwrap();
        }
        Store::Postgres(pool) => {
            sqlx::raw_sql(
                "CREATE FUNCTION block_intents() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk full'; END $$;
                 CREATE TRIGGER block_intents BEFORE INSERT ON audit_log FOR EACH ROW WHEN (NEW.outcome IS NULL) EXECUTE FUNCTION block_intents();",
            )
            .execute(pool)
            .await
            .unwrap();
        }
    }
    let res = delete(&app.http, VENDOR_MEETING, "2", "ticket").await;
    assert_eq!(res.status(), 503);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["kind"], "audit_unavailable");
    let operator = app.as_user(OPERATOR).await;
    let form = [("form[host_id]", "1"), ("form[name]", "x"), ("form[start]", "2026-07-15T10:00"), ("form[end]", "2026-07-15T11:00"), ("form[timezone]", "UTC")];
    assert_eq!(operator.post_form("/api/meetings/create", &form).await.status(), 503);
    assert!(app.upstream.mock.requests().is_empty(), "the vendor was never called");
    assert_eq!(app.upstream.mock.recordings(VENDOR_MEETING).len(), 2);
}

#[tokio::test]
async fn entries_are_append_only() {
    let app = TestApp::spawn().await;
    delete(&app.http, VENDOR_MEETING, "2", "ticket").await;
    let before = dump(&app).await.len();
    assert!(before >= 2);
    // The database itself refuses rewriting history, whoever asks.
    let mut refused = vec![
        "DELETE FROM audit_log",
        "UPDATE audit_log SET reason = 'nothing to see'",
        "UPDATE audit_log SET outcome = 'failed' WHERE outcome IS NOT NULL",
        "UPDATE audit_log SET outcome = NULL",
    ];
    if database::is_postgres() {
        refused.push("TRUNCATE audit_log");
    }
    for sql in refused {
        let err = execute(&app, sql).await.unwrap_err().to_string();
        assert!(err.contains("append-only"), "{sql}: {err}");
    }
    assert_eq!(dump(&app).await.len(), before);
    // A pending entry (as after a crash) may get its outcome once, and nothing else.
    execute(&app, "INSERT INTO audit_log (at_ms, client_addr, action, request_id) VALUES (1, '-', 'delete_recordings', 'r')").await.unwrap();
    execute(&app, "UPDATE audit_log SET outcome = 'failed' WHERE request_id = 'r'").await.unwrap();
    assert!(execute(&app, "UPDATE audit_log SET outcome = 'succeeded' WHERE request_id = 'r'").await.is_err());

    // No route changes a past entry: snapshot, call every server function, compare.
    let snapshot = dump(&app).await;
    for (path, method) in leptos::server_fn::axum::server_fn_paths() {
        let req = if method == reqwest::Method::GET {
            app.http.client.get(format!("{}{path}?meeting_id={VENDOR_MEETING}&filter[user]=", app.url))
        } else {
            app.http.client.post(format!("{}{path}", app.url)).header("origin", &app.url).form(&[("meeting_id", VENDOR_MEETING)])
        };
        if path != "/api/sign_out" {
            app.http.send(req).await;
        }
    }
    let after = dump(&app).await;
    assert!(after.len() >= snapshot.len());
    assert_eq!(&after[..snapshot.len()], &snapshot[..], "past entries are unchanged");
}

async fn execute(app: &TestApp, sql: &str) -> Result<u64, sqlx::Error> {
    meeting_admin::on_pool!(&app.db, pool => sqlx::query(sql).execute(pool).await.map(|r| r.rows_affected()))
}

/// Every entry, every column as text.
async fn dump(app: &TestApp) -> Vec<String> {
    fn line<R: Row>(r: &R) -> String
    where
        for<'a> Option<String>: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
        for<'a> Option<i64>: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
        usize: sqlx::ColumnIndex<R>,
    {
        (0..r.len())
            .map(|i| format!("{:?}", r.try_get::<Option<String>, _>(i).ok().flatten().or_else(|| r.try_get::<Option<i64>, _>(i).ok().flatten().map(|n| n.to_string()))))
            .collect::<Vec<_>>()
            .join("|")
    }
    meeting_admin::on_pool!(&app.db, pool => sqlx::query("SELECT * FROM audit_log ORDER BY id").fetch_all(pool).await.unwrap().iter().map(line).collect())
}

#[tokio::test]
async fn never_the_key_nor_a_presigned_url() {
    let app = TestApp::spawn().await;
    // A reason pasted carelessly, with the key and a download link in it.
    let link = app.upstream.mock.recordings(VENDOR_MEETING)[0].download_url.clone();
    assert!(link.contains("X-Amz-Signature"));
    let reason = format!("ticket 7 key {KEY} link {link}");
    assert_eq!(delete(&app.http, VENDOR_MEETING, "2", &reason).await.status(), 200);
    let e = &entries(&app, "delete_recordings").await[0];
    let stored = e["reason"].as_str().unwrap();
    assert!(stored.starts_with("ticket 7 key [redacted] link http"), "{stored}");
    assert!(stored.ends_with("?[redacted]"), "{stored}");
    let everything = dump(&app).await.join("\n");
    assert!(!everything.contains(KEY));
    assert!(!everything.contains("X-Amz-Signature") && !everything.contains("X-Amz-Credential"));
}

#[tokio::test]
async fn filters_paging_and_csv() {
    let app = TestApp::spawn().await;
    // 60 old failed sign-ins spread over three days, then today's real activity.
    for i in 0..60i64 {
        let day = 1_793_491_200_000 + (i % 3) * 86_400_000; // 2026-11-01 .. 03
        let sql = "INSERT INTO audit_log (at_ms, username, client_addr, action, request_id, outcome) VALUES ($1, $2, '10.0.0.9', 'sign_in_failed', $3, 'refused')";
        meeting_admin::on_pool!(&app.db, pool => sqlx::query(sql)
            .bind(day + i)
            .bind(if i % 2 == 0 { "eve" } else { "Ada" })
            .bind(format!("seed-{i}"))
            .execute(pool)
            .await
            .map(|_| ()))
        .unwrap();
    }
    delete(&app.http, VENDOR_MEETING, "2", "ticket, with \"quotes\"").await;

    let (_, all) = search(&app.http, "").await;
    assert_eq!(all["total"], 62, "60 seeded, the admin's sign-in and the delete");
    assert_eq!(all["entries"].as_array().unwrap().len(), 50);
    assert_eq!(all["entries"][0]["action"], "delete_recordings", "newest first");
    let (_, page2) = search(&app.http, "filter[page]=2").await;
    assert_eq!(page2["entries"].as_array().unwrap().len(), 12);

    let (_, by_user) = search(&app.http, "filter[user]=ada").await;
    assert_eq!(by_user["total"], 32, "30 seeded as 'Ada' (names match without case) + sign-in + delete");
    let (_, by_day) = search(&app.http, "filter[from]=2026-11-02&filter[to]=2026-11-02").await;
    assert_eq!(by_day["total"], 20);
    let (_, range) = search(&app.http, "filter[from]=2026-11-02&filter[to]=2026-11-03&filter[user]=eve").await;
    assert_eq!(range["total"], 20);
    let (_, by_meeting) = search(&app.http, &format!("filter[meeting_id]={VENDOR_MEETING}")).await;
    assert_eq!(by_meeting["total"], 1);

    let (status, bad) = search(&app.http, "filter[action]=drop&filter[from]=soon&filter[meeting_id]=zz").await;
    assert_eq!(status, 422);
    let fields: Vec<&str> = bad["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["action", "meeting_id", "from"]);

    let csv = app.get("/audit.csv?user=eve&from=2026-11-01&to=2026-11-01").await;
    assert_eq!(csv.status(), 200);
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    let text = csv.text().await.unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1 + 10, "header and eve's ten on 1 November");
    assert!(lines[0].starts_with("id,time_utc,user,role,"));
    assert!(lines[1..].iter().all(|l| l.contains(",eve,") && l.contains("2026-11-01T")));
    let csv = app.get(&format!("/audit.csv?meeting_id={VENDOR_MEETING}")).await.text().await.unwrap();
    assert!(csv.contains("\"ticket, with \"\"quotes\"\"\""), "{csv}");
    assert_eq!(app.get("/audit.csv?from=nope").await.status(), 422);
    assert_eq!(app.as_user(OPERATOR).await.get("/audit.csv").await.status(), 403);
}

#[tokio::test]
async fn the_pages_show_the_log_and_a_meetings_history() {
    let app = TestApp::spawn().await;
    delete(&app.http, VENDOR_MEETING, "2", "TICKET-42 erase please").await;
    let page = app.get("/audit?action=delete_recordings").await.text().await.unwrap();
    assert!(page.contains("TICKET-42 erase please"));
    assert!(page.contains(&format!("href=\"/meetings/{VENDOR_MEETING}/recordings\"")));
    assert!(page.contains("2 recordings deleted"));
    assert!(page.contains("href=\"/audit.csv?action=delete_recordings\""));
    let bad = app.get("/audit?from=yesterday").await.text().await.unwrap();
    assert!(bad.contains("is not a date; use YYYY-MM-DD."), "the error sits at its field");

    // Under the meeting, for anyone who may see it, without where staff sat.
    let viewer = app.as_user(VIEWER).await;
    let page = viewer.get(&format!("/meetings/{VENDOR_MEETING}/recordings")).await.text().await.unwrap();
    assert!(page.contains("History of this meeting") && page.contains("TICKET-42 erase please"));
    assert!(!page.contains("127.0.0.1"));
    let forbidden = viewer.get("/audit").await.text().await.unwrap();
    assert!(forbidden.contains("may not read the audit log"));
}

#[tokio::test]
async fn exports_json_lines_for_a_siem() {
    let app = TestApp::spawn().await;
    delete(&app.http, VENDOR_MEETING, "2", "ticket 5").await;
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_meeting-admin"))
        .args(["audit", "export", "--since", "1h", "--database-url", &app.database_url])
        .env_remove("CONNECTYCUBE_ADMIN_API_KEY")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let lines: Vec<Value> = String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 2, "the admin's sign-in, then the delete");
    assert_eq!(lines[0]["action"], "sign_in");
    let d = &lines[1];
    assert_eq!((d["action"].as_str(), d["reason"].as_str(), d["outcome"].as_str()), (Some("delete_recordings"), Some("ticket 5"), Some("succeeded")));
    assert!(d["time"].as_str().unwrap().ends_with('Z'));
    let later = std::process::Command::new(env!("CARGO_BIN_EXE_meeting-admin"))
        .args(["audit", "export", "--since", "2999-01-01", "--database-url", &app.database_url])
        .output()
        .unwrap();
    assert!(later.status.success() && later.stdout.is_empty());
}
