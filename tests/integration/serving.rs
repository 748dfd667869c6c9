//! The real binary's serving threads (`src/server/http/listening.rs`): connections dealt out to
//! several threads are all answered and keep their peer's address, and a SIGTERM lets what is in
//! flight finish while new connections are refused, then stops the workers and the database
//! connections without a warning.

use std::process::Command;
use std::time::{Duration, Instant};

use meeting_admin::server::vendor::mock::Faults;

use crate::support::binary::{export, start_logged, PASSWORD};
use crate::support::{Browser, Mock, VENDOR_MEETING};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_on_every_thread_are_served_and_a_sigterm_finishes_what_is_in_flight() {
    let upstream = Mock::start().await;
    let dir = tempfile::tempdir().unwrap();
    let db = crate::support::database::fresh(dir.path()).await;
    // Nothing kept: every list below goes to the vendor.
    let log = dir.path().join("server.log");
    let mut server = start_logged(&db, &upstream.url, &["--http-threads", "3", "--recordings-cache-ttl", "0"], &log).await;
    let b = Browser::new(&server.url);
    assert_eq!(b.sign_in("admin", PASSWORD).await.status(), 200);
    let list = format!("/api/recordings/list?meeting_id={VENDOR_MEETING}");

    // Seven connections (a client each, one session), dealt out in turn: every thread has some.
    for n in 0..7 {
        let other = Browser { client: reqwest::Client::new(), ..b.clone() };
        let res = other.get(&list).await;
        assert_eq!(res.status(), 200, "connection {n}");
        let body: serde_json::Value = res.json().await.unwrap();
        assert!(body.to_string().contains(VENDOR_MEETING), "connection {n}: {body}");
    }
    // Handlers still see the TCP peer (the audit log's address), not a placeholder.
    let sign_in = export(&db).into_iter().find(|e| e["action"] == "sign_in").expect("the sign-in is audited");
    assert_eq!(sign_in["client_addr"], "127.0.0.1", "{sign_in}");

    // A request waits at the vendor when the signal comes.
    upstream.faults(Faults { latency_ms: 3_000, method: Some("GET".into()), ..Default::default() });
    let seen = upstream.mock.requests().len();
    let in_flight = tokio::spawn({
        let b = b.clone();
        let list = list.clone();
        async move {
            let res = b.get(&list).await;
            (res.status(), res.text().await.unwrap_or_default())
        }
    });
    let deadline = Instant::now() + Duration::from_secs(10);
    while upstream.mock.requests().len() == seen {
        assert!(Instant::now() < deadline, "the request never reached the vendor");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let killed = Command::new("kill").args(["-TERM", &server.child.id().to_string()]).status().unwrap();
    assert!(killed.success());

    // New connections are refused well before the one in flight is answered.
    let deadline = Instant::now() + Duration::from_secs(2);
    while tokio::net::TcpStream::connect(("127.0.0.1", server.port)).await.is_ok() {
        assert!(Instant::now() < deadline, "still accepting connections after SIGTERM");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(!in_flight.is_finished(), "the request in flight was cut off");
    let (status, body) = in_flight.await.unwrap();
    assert_eq!(status, 200, "{body}");
    assert!(body.contains(VENDOR_MEETING), "{body}");

    let deadline = Instant::now() + Duration::from_secs(10);
    let exit = loop {
        if let Some(exit) = server.child.try_wait().unwrap() {
            break exit;
        }
        assert!(Instant::now() < deadline, "the server did not stop after SIGTERM");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(exit.success(), "{exit}");

    // What the stop logged: each worker stopped after its step, and nothing went wrong on the
    // way out (a serving thread that ended first used to take database connections with it that
    // the rest of the shutdown still used).
    let text = std::fs::read_to_string(&log).unwrap();
    let lines: Vec<serde_json::Value> = text.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"))).collect();
    let stop = lines.iter().position(|l| l["message"] == "shutdown signal received; finishing in-flight requests").expect("the signal is logged");
    let after: Vec<&str> = lines[stop..].iter().filter_map(|l| l["message"].as_str()).collect();
    for worker in ["deletion worker stopped", "bulk worker stopped"] {
        assert!(after.contains(&worker), "{worker}: {after:?}");
    }
    assert_eq!(after.last(), Some(&"shut down cleanly"), "{after:?}");
    let troubled: Vec<_> = lines[stop..].iter().filter(|l| l["level"] != "INFO").collect();
    assert!(troubled.is_empty(), "{troubled:?}");
}
