//! The audit log survives a crash: the real binary is killed (SIGKILL) in the middle of a burst
//! of creates and deletes, then started again on the same SQLite file.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use meeting_admin::server::vendor::mock::Faults;
use serde_json::Value;

use crate::support::binary::{export, start, start_with, PASSWORD};
use crate::support::webhook::{Answer, Hook};
use crate::support::{create_form, Browser, Mock};

fn meeting(n: usize) -> String {
    format!("{:024x}", 0xc0ffee_0000_usize + n)
}

/// One worker (its client carries the session cookie): alternately creates a meeting and deletes the recordings of one of its own
/// meetings, until the server stops answering.
async fn worker(b: Browser, w: usize) -> usize {
    let mut sent = 0;
    for i in 0.. {
        let res = if i % 2 == 0 {
            let form = create_form(&format!("crash {w}-{i}"));
            let req = b.client.post(format!("{}/api/meetings/create", b.base)).header("origin", &b.base).form(&form);
            req.send().await
        } else {
            let id = meeting(w * 1000 + i);
            let form = [("meeting_id", id.as_str()), ("expected_count", "3"), ("reason", "crash test")];
            let req = b.client.post(format!("{}/api/recordings/delete", b.base)).header("origin", &b.base);
            req.form(&form).send().await
        };
        if res.is_err() {
            break;
        }
        sent += 1;
    }
    sent
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_change_the_vendor_saw_is_in_the_audit_log_after_a_kill() {
    const WORKERS: usize = 12;
    let upstream = Mock::start().await;
    for w in 0..WORKERS {
        for i in 0..100 {
            upstream.mock.seed(&meeting(w * 1000 + i), 3);
        }
    }
    // Every vendor call takes a while, so some are always in flight when the kill comes.
    upstream.faults(Faults { latency_ms: 120, ..Default::default() });
    let dir = tempfile::tempdir().unwrap();
    let db = crate::support::database::fresh(dir.path()).await;

    let mut server = start(&db, &upstream.url).await;
    let b = Browser::new(&server.url);
    assert_eq!(b.sign_in("admin", PASSWORD).await.status(), 200);
    let cookie = b.cookie().unwrap();
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("cookie", cookie.parse().unwrap());
    let client = reqwest::Client::builder().default_headers(headers).build().unwrap();
    let workers: Vec<_> = (0..WORKERS).map(|w| tokio::spawn(worker(Browser { client: client.clone(), ..b.clone() }, w))).collect();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    // Then the vendor stops answering; once a call has reached it, that change is surely in
    // flight (intent written, no outcome) when the kill comes.
    upstream.faults(Faults { latency_ms: 60_000, ..Default::default() });
    tokio::time::sleep(Duration::from_millis(200)).await;
    let seen = upstream.mock.requests().len();
    let deadline = Instant::now() + Duration::from_secs(20);
    while !upstream.mock.requests()[seen..].iter().any(|r| r.method != "GET") {
        assert!(Instant::now() < deadline, "no change reached the vendor after the burst");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    server.child.kill().unwrap(); // SIGKILL: no shutdown code runs.
    server.child.wait().unwrap();
    drop(server);
    upstream.faults(Faults::default());
    let mut answered = 0;
    for w in workers {
        answered += w.await.unwrap();
    }

    let received = upstream.mock.requests();
    let creates: Vec<String> = received
        .iter()
        .filter(|r| r.method == "POST")
        .map(|r| r.body.as_ref().unwrap()["name"].as_str().unwrap().to_owned())
        .collect();
    let deletes: Vec<String> = received
        .iter()
        .filter(|r| r.method == "DELETE")
        .map(|r| r.path.rsplit('/').next().unwrap().to_owned())
        .collect();
    assert!(creates.len() >= 10 && deletes.len() >= 10, "a real burst: {} creates, {} deletes", creates.len(), deletes.len());

    // Started again on the same file, it serves, and the log has every change the vendor saw.
    let server = start(&db, &upstream.url).await;
    let entries = export(&db);
    let mut by_detail: HashMap<String, &Value> = HashMap::new();
    for e in entries.iter().filter(|e| e["action"] == "create_meeting") {
        by_detail.insert(e["detail"].as_str().unwrap().to_owned(), e);
    }
    for name in &creates {
        let detail = format!("'{name}' for host 32242");
        assert!(by_detail.contains_key(&detail), "the vendor created {name:?} but the log has no entry");
    }
    let deleted: HashMap<&str, &Value> = entries
        .iter()
        .filter(|e| e["action"] == "delete_recordings")
        .map(|e| (e["meeting_id"].as_str().unwrap(), e))
        .collect();
    for id in &deletes {
        assert!(deleted.contains_key(id.as_str()), "the vendor deleted {id}'s recordings but the log has no entry");
    }
    // Changes cut off by the kill have no outcome, and say so; none claims an outcome it never had.
    let changes: Vec<&Value> = entries.iter().filter(|e| e["action"] == "create_meeting" || e["action"] == "delete_recordings").collect();
    let unrecorded: Vec<&&Value> = changes.iter().filter(|e| e["outcome_recorded"] == false).collect();
    assert!(!unrecorded.is_empty(), "some changes were in flight at the kill");
    assert!(unrecorded.iter().all(|e| e["outcome"] == "unknown"));
    for e in changes.iter().filter(|e| e["outcome"] == "succeeded") {
        match e["action"].as_str() {
            Some("create_meeting") => {
                let name = e["detail"].as_str().unwrap().split('\'').nth(1).unwrap();
                assert!(creates.iter().any(|c| c == name), "{e}");
            }
            _ => assert!(deletes.iter().any(|d| Some(d.as_str()) == e["meeting_id"].as_str()), "{e}"),
        }
    }
    let b = Browser::new(&server.url);
    assert_eq!(b.sign_in("admin", PASSWORD).await.status(), 200);
    let interrupted = unrecorded.iter().find(|e| e["action"] == "delete_recordings").or(unrecorded.first()).unwrap();
    let page = match interrupted["meeting_id"].as_str() {
        Some(id) => format!("/audit?filter[meeting_id]={id}"),
        None => "/audit".to_owned(),
    };
    let html = b.get(&page).await.text().await.unwrap();
    assert!(html.contains("outcome unknown"), "{page} shows the interrupted change as outcome unknown");
    eprintln!(
        "crash: {answered} answered before the kill; the vendor saw {} creates and {} deletes; {} changes logged, {} without an outcome",
        creates.len(),
        deletes.len(),
        changes.len(),
        unrecorded.len()
    );
}

/// A deletion request survives the server: one due while the server was down runs after it
/// starts again, and one killed while its DELETE was in flight is never sent twice; the audit
/// log and the request say what most likely happened.
#[tokio::test]
async fn a_killed_deletion_is_never_sent_twice() {
    let upstream = Mock::start().await;
    let (waiting, in_flight) = (meeting(900_001), meeting(900_002));
    upstream.mock.seed(&waiting, 2);
    upstream.mock.seed(&in_flight, 3);
    let dir = tempfile::tempdir().unwrap();
    let db = crate::support::database::fresh(dir.path()).await;
    let args = ["--delete-grace", "2s", "--deletion-lease", "2s"];
    let server = start_with(&db, &upstream.url, &args).await;
    let b = Browser::new(&server.url);
    assert_eq!(b.sign_in("admin", PASSWORD).await.status(), 200);
    let ask = |m: String, n: &'static str| {
        let b = b.clone();
        async move { b.post_form("/api/recordings/delete", &[("meeting_id", m.as_str()), ("expected_count", n), ("reason", "kill test")]).await.status() }
    };
    // The first request's DELETE hangs at the vendor, and the server is killed while it does.
    upstream.faults(Faults { latency_ms: 30_000, method: Some("DELETE".into()), ..Default::default() });
    assert_eq!(ask(in_flight.clone(), "3").await, 200);
    let deletes_of = |m: &str| upstream.mock.requests().iter().filter(|r| r.method == "DELETE" && r.path.ends_with(m)).count();
    let deadline = Instant::now() + Duration::from_secs(20);
    while deletes_of(&in_flight) == 0 {
        assert!(Instant::now() < deadline, "the worker never sent the DELETE");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(ask(waiting.clone(), "2").await, 200);
    let mut server = server;
    server.child.kill().unwrap();
    server.child.wait().unwrap();
    drop(server);
    upstream.faults(Faults::default());
    // Down for longer than the grace period and the lease.
    tokio::time::sleep(Duration::from_secs(3)).await;

    let metrics_port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let metrics_addr = format!("127.0.0.1:{metrics_port}");
    let server = start_with(&db, &upstream.url, &[&args[..], &["--metrics-addr", &metrics_addr]].concat()).await;
    let b = Browser::new(&server.url);
    assert_eq!(b.sign_in("admin", PASSWORD).await.status(), 200);
    let state = |id: i64| {
        let b = b.clone();
        async move { b.get(&format!("/api/deletions/one?request_id={id}")).await.json::<Value>().await.unwrap()["request"].clone() }
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    let (first, second) = loop {
        let (first, second) = (state(1).await, state(2).await);
        if !first["state"].as_str().is_some_and(|s| ["scheduled", "running"].contains(&s))
            && !second["state"].as_str().is_some_and(|s| ["scheduled", "running"].contains(&s))
        {
            break (first, second);
        }
        assert!(Instant::now() < deadline, "still open after the restart: {first} {second}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(second["state"], "done", "due while the server was down, run after it started: {second}");
    assert_eq!(deletes_of(&waiting), 1);
    assert_eq!(first["state"], "unknown", "{first}");
    assert!(first["result"].as_str().unwrap().contains("all 3 confirmed recordings are still listed"), "{first}");
    assert_eq!(deletes_of(&in_flight), 1, "never sent twice");
    let metrics = crate::support::Metrics(reqwest::get(format!("http://{metrics_addr}/metrics")).await.unwrap().text().await.unwrap());
    assert_eq!(
        metrics.value(r#"meeting_admin_leases_taken_over_total{queue="deletion_requests"}"#),
        1.0,
        "the killed replica's running request was taken over: {}",
        metrics.0
    );
    assert_eq!(metrics.value(r#"meeting_admin_deletion_requests{state="running"}"#), 0.0);
    drop(server);
    let entries = export(&db);
    let story: Vec<(&str, &str)> = entries
        .iter()
        .filter(|e| e["meeting_id"] == in_flight.as_str())
        .map(|e| (e["action"].as_str().unwrap(), e["outcome"].as_str().unwrap()))
        .collect();
    assert_eq!(story, vec![("request_deletion", "succeeded"), ("delete_recordings", "unknown"), ("delete_recordings", "unknown")], "the cut-off attempt, then the check after the restart");
    eprintln!("kill mid-deletion: 2 requests, DELETEs seen by the vendor: {} and {}", deletes_of(&in_flight), deletes_of(&waiting));
}

/// A bulk batch survives the server being killed twice: in the middle of its look-up, and in
/// the middle of its deletions. After each restart it goes on where it was; every meeting ends
/// with a result, and ConnectyCube carries out at most one DELETE per meeting.
#[tokio::test]
async fn a_bulk_batch_goes_on_after_the_server_is_killed_mid_lookup_and_mid_deletion() {
    const N: usize = 40;
    let upstream = Mock::start().await;
    for n in 0..N {
        upstream.mock.seed(&meeting(700_000 + n), 1 + n % 2);
    }
    let dir = tempfile::tempdir().unwrap();
    let db = crate::support::database::fresh(dir.path()).await;
    let args = ["--delete-grace", "0", "--deletion-lease", "2s"];
    let signed_in = |url: String| async move {
        let b = Browser::new(&url);
        assert_eq!(b.sign_in("admin", PASSWORD).await.status(), 200);
        b
    };
    let calls = |method: &str| upstream.mock.requests().iter().filter(|r| r.method == method).count();
    let wait_for = |what: &'static str, done: Box<dyn Fn() -> bool>| async move {
        let deadline = Instant::now() + Duration::from_secs(30);
        while !done() {
            assert!(Instant::now() < deadline, "{what} never happened");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };

    // Killed while the look-ups are slow and under way.
    let mut server = start_with(&db, &upstream.url, &args).await;
    let b = signed_in(server.url.clone()).await;
    let ids: String = (0..N).map(|n| format!("{}\n", meeting(700_000 + n))).collect();
    let batch: Value = b.post_form("/api/bulk/create", &[("ids", &ids)]).await.json().await.unwrap();
    let id = batch["batch_id"].as_i64().unwrap().to_string();
    upstream.faults(Faults { latency_ms: 300, method: Some("GET".into()), ..Default::default() });
    assert_eq!(b.post_form("/api/bulk/start", &[("batch_id", &id)]).await.status(), 200);
    let up = upstream.clone();
    wait_for("a look-up", Box::new(move || up.mock.requests().iter().any(|r| r.method == "GET"))).await;
    server.child.kill().unwrap();
    server.child.wait().unwrap();
    let looked_up_before = calls("GET");
    assert!(looked_up_before < N, "killed before the look-up ended");
    upstream.faults(Faults::default());
    // Longer than the lease, so the restarted process takes the claimed look-ups over.
    tokio::time::sleep(Duration::from_secs(2)).await;

    let mut server = start_with(&db, &upstream.url, &args).await;
    let b = signed_in(server.url.clone()).await;
    let phase = |b: Browser, id: String| async move { b.get(&format!("/api/bulk/one?batch_id={id}")).await.json::<Value>().await.unwrap() };
    let deadline = Instant::now() + Duration::from_secs(30);
    while phase(b.clone(), id.clone()).await["phase"] != "ready" {
        assert!(Instant::now() < deadline, "the look-up did not go on after the restart");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // Killed while DELETEs are slow and under way.
    upstream.faults(Faults { latency_ms: 300, method: Some("DELETE".into()), ..Default::default() });
    assert_eq!(b.post_form("/api/bulk/request", &[("batch_id", &id), ("reason", "kill test")]).await.status(), 200);
    let up = upstream.clone();
    wait_for("a DELETE", Box::new(move || up.mock.requests().iter().filter(|r| r.method == "DELETE").count() >= 3)).await;
    server.child.kill().unwrap();
    server.child.wait().unwrap();
    drop(server);
    let deletes_at_kill = calls("DELETE");
    upstream.faults(Faults::default());
    tokio::time::sleep(Duration::from_secs(3)).await;

    let server = start_with(&db, &upstream.url, &args).await;
    let b = signed_in(server.url.clone()).await;
    let deadline = Instant::now() + Duration::from_secs(60);
    let view = loop {
        let v = phase(b.clone(), id.clone()).await;
        if v["phase"] == "finished" {
            break v;
        }
        assert!(Instant::now() < deadline, "the batch did not finish after the restart: {}", v["totals"]);
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let mut per_meeting: HashMap<String, usize> = HashMap::new();
    for r in upstream.mock.requests().into_iter().filter(|r| r.method == "DELETE" && !r.faulted) {
        *per_meeting.entry(r.path.rsplit('/').next().unwrap().to_owned()).or_default() += 1;
    }
    assert!(per_meeting.values().all(|n| *n == 1), "a DELETE sent twice: {per_meeting:?}");
    let totals = &view["totals"];
    let results: Vec<String> = view["items"].as_array().unwrap().iter().map(|i| i["request"]["state"].as_str().unwrap_or("none").to_owned()).collect();
    assert!(results.iter().all(|s| s == "done" || s == "unknown"), "{results:?}");
    assert_eq!(totals["finished"], N as u64);
    eprintln!(
        "bulk kill test: {looked_up_before} of {N} looked up before the first kill; {deletes_at_kill} DELETEs before the second; \
         after the restarts {} deleted, {} outcome unknown, {} DELETEs in all",
        totals["deleted_meetings"],
        results.iter().filter(|s| *s == "unknown").count(),
        per_meeting.len()
    );
}

/// An approval notice outlives the server: killed while the webhook holds its POST, the server
/// is started again and sends the notice once the killed one's lease has run out, once.
#[tokio::test]
async fn an_approval_notice_is_sent_after_the_server_is_killed_while_sending_it() {
    let upstream = Mock::start().await;
    let waiting = meeting(900_100);
    upstream.mock.seed(&waiting, 2);
    let hook = Hook::start(Answer::Hold).await;
    let dir = tempfile::tempdir().unwrap();
    let db = crate::support::database::fresh(dir.path()).await;
    let args = ["--delete-approval", "required", "--deletion-lease", "2s", "--approval-webhook-url", hook.url.as_str()];
    let mut server = start_with(&db, &upstream.url, &args).await;
    let b = Browser::new(&server.url);
    assert_eq!(b.sign_in("admin", PASSWORD).await.status(), 200);
    let res = b.post_form("/api/recordings/delete", &[("meeting_id", waiting.as_str()), ("expected_count", "2"), ("reason", "kill test")]).await;
    assert_eq!(res.status(), 200);
    let id = res.json::<Value>().await.unwrap()["request_id"].as_i64().unwrap();
    hook.tried(1, Duration::from_secs(10)).await;
    server.child.kill().unwrap();
    server.child.wait().unwrap();
    drop(server);
    hook.answer(Answer::Take);

    let started = Instant::now();
    let _server = start_with(&db, &upstream.url, &args).await;
    let sent = hook.next(Duration::from_secs(20)).await.expect("the restarted server sends the notice");
    let after = started.elapsed();
    assert_eq!(sent["request_id"], id);
    assert!(sent["text"].as_str().unwrap().contains("requested by admin: kill test"), "{sent}");
    assert!(hook.next(Duration::from_secs(3)).await.is_none(), "sent once");
    assert_eq!(hook.tries(), 2, "the post cut off by the kill, and the one taken");
    eprintln!("approval notice after a kill: sent {:.1} s after the restart began (lease 2 s)", after.as_secs_f64());
}
