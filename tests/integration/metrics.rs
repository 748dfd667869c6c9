//! `/metrics`: each counter moves when its event happens, nothing is served on the app's own
//! address, and no label carries an id, a user name, a link or the key.

use std::time::Duration;

use meeting_admin::server::vendor::mock::Faults;

use crate::support::{TestApp, KEY, PASSWORD, VENDOR_MEETING, VIEWER};

#[tokio::test]
async fn each_counter_moves_when_its_event_happens_and_no_label_names_an_id_a_person_or_a_link() {
    let app = TestApp::spawn_with(&["--metrics-addr", "127.0.0.1:0"]).await;
    let before = app.metrics().await;
    let list = format!("/api/recordings/list?meeting_id={VENDOR_MEETING}");

    // A page's vendor call, answered.
    assert_eq!(app.get(&list).await.status(), 200);
    // The vendor rate-limits once with a short Retry-After: waited out, then answered.
    app.upstream.faults(Faults { status: Some(429), retry_after: Some(1), count: Some(1), ..Default::default() });
    assert_eq!(app.get(&list).await.status(), 200);
    // A viewer refused the audit export, a wrong password.
    let viewer = app.as_user(VIEWER).await;
    assert_eq!(viewer.get("/audit.csv").await.status(), 403);
    assert_eq!(app.anonymous().sign_in(VIEWER, "not the password").await.status(), 401);

    let after = app.metrics().await;
    let moved = |series: &str| after.value(series) - before.value(series);
    assert_eq!(moved(r#"meeting_admin_vendor_calls_total{call="list",outcome="ok",status="200"}"#), 2.0, "{}", after.0);
    assert_eq!(moved(r#"meeting_admin_vendor_calls_total{call="list",outcome="429",status="429"}"#), 1.0);
    assert_eq!(moved(r#"meeting_admin_vendor_retry_after_waits_total{call="list"}"#), 1.0);
    assert_eq!(moved(r#"meeting_admin_vendor_call_duration_seconds_count{call="list"}"#), 3.0);
    assert_eq!(moved(r#"meeting_admin_refusals_total{permission="read_audit"}"#), 1.0);
    assert_eq!(moved(r#"meeting_admin_sign_ins_total{method="password",outcome="failed"}"#), 1.0);
    assert_eq!(moved(r#"meeting_admin_sign_ins_total{method="password",outcome="ok"}"#), 1.0, "the viewer's");
    assert_eq!(moved(r#"meeting_admin_http_request_duration_seconds_count{route="/api/recordings/list",status="2xx"}"#), 2.0);
    assert_eq!(moved(r#"meeting_admin_http_request_duration_seconds_count{route="/audit.csv",status="4xx"}"#), 1.0);
    assert_eq!(moved(r#"meeting_admin_http_request_duration_seconds_bucket{route="/api/recordings/list",status="2xx",le="+Inf"}"#), 2.0);
    assert_eq!(after.value("meeting_admin_ready"), 1.0);
    assert!(after.value(r#"meeting_admin_db_pool_max_connections"#) >= 1.0);

    // An unknown path is counted under one label, whatever was asked.
    let unknown = format!("/no/such/{VENDOR_MEETING}");
    assert_eq!(app.get(&unknown).await.status(), 404);
    let text = app.metrics().await.0;
    assert!(text.contains(r#"meeting_admin_http_request_duration_seconds_count{route="unmatched",status="4xx"} 1"#), "{text}");

    // Labels: routes as declared, never ids, names, links or the key.
    let links: Vec<String> = app.upstream.mock.recordings(VENDOR_MEETING).into_iter().map(|r| r.download_url).collect();
    for banned in [VENDOR_MEETING, KEY, PASSWORD, VIEWER, crate::support::ADMIN, "not the password", "http://", "https://"]
        .into_iter()
        .chain(links.iter().map(String::as_str))
    {
        assert!(!text.contains(banned), "{banned:?} in /metrics:\n{text}");
    }
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        assert!(line.starts_with("meeting_admin_"), "every series is ours: {line}");
    }
}

#[tokio::test]
async fn metrics_are_not_served_on_the_apps_own_address() {
    let app = TestApp::spawn_with(&["--metrics-addr", "127.0.0.1:0"]).await;
    let res = app.get("/metrics").await;
    assert_eq!(res.status(), 404, "signed in: no such page");
    assert!(!res.text().await.unwrap().contains("meeting_admin_"));
    let res = app.anonymous().get("/metrics").await;
    assert_eq!(res.status(), 303, "anonymous: sent to sign in, like any page");
    assert!(!res.text().await.unwrap().contains("meeting_admin_"));
}

/// Without METRICS_ADDR requests are not counted (the layer is not there), while what costs
/// nothing on the hot path still is.
#[tokio::test]
async fn without_a_metrics_address_requests_are_not_counted() {
    let app = TestApp::spawn().await;
    assert_eq!(app.get(&format!("/api/recordings/list?meeting_id={VENDOR_MEETING}")).await.status(), 200);
    let m = app.metrics().await;
    assert!(!m.0.contains("meeting_admin_http_request_duration_seconds"), "{}", m.0);
    assert_eq!(m.value(r#"meeting_admin_vendor_calls_total{call="list",outcome="ok",status="200"}"#), 1.0);
}

/// The queues read at the scrape: a deletion request waiting for its grace period, then due.
#[tokio::test]
async fn the_queues_say_what_waits_and_since_when() {
    let app = TestApp::spawn_with(&["--delete-grace", "60s"]).await;
    let count = app.upstream.mock.recordings(VENDOR_MEETING).len().to_string();
    let res = app
        .http
        .post_form("/api/recordings/delete", &[("meeting_id", VENDOR_MEETING), ("expected_count", &count), ("reason", "metrics test")])
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let m = app.metrics().await;
    assert_eq!(m.value(r#"meeting_admin_deletion_requests{state="scheduled"}"#), 1.0, "{}", m.0);
    assert_eq!(m.value(r#"meeting_admin_oldest_due_seconds{queue="deletion_requests"}"#), 0.0, "not due yet");
    app.clock.advance(Duration::from_secs(90));
    let m = app.metrics().await;
    let waited = m.value(r#"meeting_admin_oldest_due_seconds{queue="deletion_requests"}"#);
    assert!((30.0..31.0).contains(&waited), "due 30 s ago, not {waited}");
    meeting_admin::server::deletions::worker::tick(&app.state.work()).await;
    let m = app.metrics().await;
    assert_eq!(m.value(r#"meeting_admin_deletion_requests{state="scheduled"}"#), 0.0);
    assert_eq!(m.value(r#"meeting_admin_oldest_due_seconds{queue="deletion_requests"}"#), 0.0);
}

/// The Grafana dashboard and the alert rules ask only for series the app exports, the rules are
/// valid and fire when they should (`promtool`, from Debian's prometheus package), and the
/// scrape itself passes promtool's checks.
#[tokio::test]
async fn the_dashboard_and_the_alerts_ask_only_for_what_the_app_exports() {
    let app = TestApp::spawn_with(&["--metrics-addr", "127.0.0.1:0"]).await;
    assert_eq!(app.get("/healthz").await.status(), 200);
    let scrape = app.metrics().await.0;
    let mut exported = std::collections::BTreeSet::new();
    for line in scrape.lines().filter_map(|l| l.strip_prefix("# TYPE ")) {
        let (name, kind) = line.split_once(' ').unwrap();
        let base = name.strip_suffix("_total").unwrap_or(name);
        exported.insert(name.to_owned());
        match kind {
            "counter" => {
                exported.insert(format!("{base}_total"));
            }
            "histogram" => exported.extend(["_bucket", "_sum", "_count"].map(|s| format!("{name}{s}"))),
            _ => {}
        }
    }
    assert!(exported.len() > 20, "{scrape}");
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy");
    let named = |text: &str| -> Vec<String> {
        let mut names = Vec::new();
        let mut rest = text;
        while let Some(at) = rest.find("meeting_admin_") {
            let name: String = rest[at..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            rest = &rest[at + name.len()..];
            names.push(name);
        }
        names
    };
    let dashboard: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(root.join("grafana/meeting-admin.json")).unwrap()).unwrap();
    let exprs: Vec<String> = dashboard["panels"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["targets"].as_array().unwrap().iter().map(|t| t["expr"].as_str().unwrap().to_owned()))
        .collect();
    assert!(exprs.len() >= 12);
    let rules = std::fs::read_to_string(root.join("prometheus/alerts.yml")).unwrap();
    let asked: Vec<String> = exprs.iter().flat_map(|e| named(e)).chain(named(&rules)).collect();
    for name in &asked {
        assert!(exported.contains(name), "{name} is asked for but not exported; exported: {exported:?}");
    }
    // Every family the app exports is on the dashboard.
    let families: Vec<&String> = exported.iter().filter(|n| scrape.contains(&format!("# TYPE {n} "))).collect();
    for family in families {
        let base = family.strip_suffix("_total").unwrap_or(family);
        assert!(asked.iter().any(|a| a.starts_with(base)), "{family} is on no panel");
    }

    let promtool = |args: &[&str], input: Option<&str>| {
        use std::io::Write;
        let mut child = std::process::Command::new("promtool")
            .args(args)
            .current_dir(root.join("prometheus"))
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("promtool runs (Debian's prometheus package: scripts/install-tools.sh --test installs it)");
        child.stdin.take().unwrap().write_all(input.unwrap_or_default().as_bytes()).unwrap();
        let out = child.wait_with_output().unwrap();
        let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(out.status.success(), "promtool {args:?}: {said}");
        said
    };
    promtool(&["check", "rules", "alerts.yml"], None);
    promtool(&["test", "rules", "alerts_test.yml"], None);
    let lint = promtool(&["check", "metrics"], Some(&scrape));
    assert!(lint.trim().is_empty(), "promtool's remarks on the scrape: {lint}");
}
