//! The real binary's serving (`src/server/http/listening.rs`): connections on several threads
//! are all answered and keep their peer's address; a SIGTERM lets what is in flight finish while
//! new connections are refused, then stops the workers and the database connections without a
//! warning; slow and idle clients are dropped within `CLIENT_TIMEOUT`, and no more than
//! `MAX_CONNECTIONS` are served at once.

use std::process::Command;
use std::time::{Duration, Instant};

use meeting_admin::server::vendor::mock::Faults;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::support::binary::{export, start_logged, start_with, PASSWORD};
use crate::support::{Browser, Mock, VENDOR_MEETING};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_are_served_with_their_peer_and_a_sigterm_finishes_what_is_in_flight() {
    let upstream = Mock::start().await;
    let dir = tempfile::tempdir().unwrap();
    let db = crate::support::database::fresh(dir.path()).await;
    // Nothing kept: every list below goes to the vendor.
    let log = dir.path().join("server.log");
    let mut server = start_logged(&db, &upstream.url, &["--http-threads", "3", "--recordings-cache-ttl", "0"], &log).await;
    let b = Browser::new(&server.url);
    assert_eq!(b.sign_in("admin", PASSWORD).await.status(), 200);
    let list = format!("/api/recordings/list?meeting_id={VENDOR_MEETING}");

    // Seven connections (a client each, one session), served on the runtime's three threads.
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

/// What a connection got before the server closed it, and how long that took; `None` if it was
/// still open after `within`.
async fn read_until_closed(stream: &mut TcpStream, within: Duration) -> Option<(String, Duration)> {
    let started = Instant::now();
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match tokio::time::timeout(within.saturating_sub(started.elapsed()), stream.read(&mut buf)).await {
            Err(_) => return None,
            Ok(Ok(0)) | Ok(Err(_)) => return Some((String::from_utf8_lossy(&got).into_owned(), started.elapsed())),
            Ok(Ok(n)) => got.extend_from_slice(&buf[..n]),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_and_idle_clients_are_dropped_within_the_client_timeout() {
    let upstream = Mock::start().await;
    let dir = tempfile::tempdir().unwrap();
    let db = crate::support::database::fresh(dir.path()).await;
    let server = start_with(&db, &upstream.url, &["--client-timeout", "1s"]).await;
    let addr = ("127.0.0.1", server.port);
    let within = Duration::from_secs(5);

    // Half a request line, then nothing.
    let mut half = TcpStream::connect(addr).await.unwrap();
    half.write_all(b"GET /hea").await.unwrap();
    let (_, took) = read_until_closed(&mut half, within).await.expect("half a request line is dropped");
    assert!(took >= Duration::from_millis(900), "not before the timeout: {took:?}");

    // A request answered, then a kept-alive connection left idle.
    let mut idle = TcpStream::connect(addr).await.unwrap();
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n").await.unwrap();
    let (reply, _) = read_until_closed(&mut idle, within).await.expect("an idle connection is closed");
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");

    // A body that stops partway: its pause ends the request, well before the 75 s default.
    let mut slow = TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST /api/sign_in HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nOrigin: {}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nusername=",
        server.port, server.url
    );
    slow.write_all(head.as_bytes()).await.unwrap();
    let (reply, took) = read_until_closed(&mut slow, within).await.expect("a stalled body ends its request");
    assert!(!reply.starts_with("HTTP/1.1 2"), "{reply}");
    assert!(took >= Duration::from_millis(900), "not before the timeout: {took:?}");
    let entries = export(&db);
    assert!(!entries.iter().any(|e| e["action"] == "sign_in"), "nobody was signed in: {entries:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn past_max_connections_a_new_connection_waits_until_one_closes() {
    let upstream = Mock::start().await;
    let dir = tempfile::tempdir().unwrap();
    let db = crate::support::database::fresh(dir.path()).await;
    let server = start_with(&db, &upstream.url, &["--max-connections", "2"]).await;
    let addr = ("127.0.0.1", server.port);
    let mut holders = vec![TcpStream::connect(addr).await.unwrap(), TcpStream::connect(addr).await.unwrap()];
    // Both served: each gets an answer (and then holds its place, kept alive).
    for h in &mut holders {
        h.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n").await.unwrap();
        let mut buf = [0u8; 512];
        let n = tokio::time::timeout(Duration::from_secs(5), h.read(&mut buf)).await.expect("served").unwrap();
        assert!(buf[..n].starts_with(b"HTTP/1.1 200"));
    }
    let mut third = TcpStream::connect(addr).await.unwrap();
    third.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").await.unwrap();
    assert!(read_until_closed(&mut third, Duration::from_millis(700)).await.is_none(), "the third waits");
    drop(holders.pop());
    let (reply, _) = read_until_closed(&mut third, Duration::from_secs(5)).await.expect("served once a place is free");
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
}
