//! `AdminClient` against the mock upstream over loopback: the vendor's examples, every error
//! shape, retries, timeouts and redirects.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::http::HeaderMap;
use axum::routing::any;
use axum::Router;
use meeting_admin::domain::{Attendee, Email, MeetingId, NewMeeting, UserId};
use meeting_admin::server::vendor::client::UpstreamError;
use meeting_admin::server::vendor::mock::Faults;
use serde_json::{json, Value};

use crate::support::{Mock, KEY, VENDOR_MEETING};

const VENDOR_RECORDINGS: &str = include_str!("../fixtures/recordings.json");

fn id(s: &str) -> MeetingId {
    MeetingId::parse(s).unwrap()
}

fn vendor_example_meeting() -> NewMeeting {
    NewMeeting {
        name: "Friday weekly sync".into(),
        start_date: 1_613_729_948,
        end_date: 1_613_731_012,
        attendees: vec![
            Attendee::Both(UserId::new(245).unwrap(), Email::parse("email1@domen.com").unwrap()),
            Attendee::Email(Email::parse("email2@domen.com").unwrap()),
        ],
        record: false,
        chat: false,
        public: false,
        scheduled: false,
        notify: false,
        notify_before: None,
        timezone: None,
    }
}

#[tokio::test]
async fn lists_the_vendor_example_exactly() {
    let m = Mock::start().await;
    let raw: Vec<Value> = serde_json::from_str(VENDOR_RECORDINGS).unwrap();
    m.mock.put_raw_recordings(VENDOR_MEETING, raw);
    let recs = m.client(KEY, Duration::from_secs(2)).list_recordings(&id(VENDOR_MEETING)).await.unwrap();
    assert_eq!(recs.len(), 2);
    assert_eq!(recs[0].id, "6932e49ab470430179b26dcb");
    assert_eq!(recs[1].file_uid, "UF4wqqkvZgPt9YaLBkj-P2xS");
    assert_eq!((recs[1].duration, recs[1].size), (60_000, 1_000_000));
    assert!(recs[1].download_url.contains("X-Amz-Date=20251205T140721Z"));
    let seen = m.mock.requests();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].method, "GET");
    assert_eq!(seen[0].path, format!("/admin/meetings/recordings/{VENDOR_MEETING}"));
    assert!(seen[0].key_ok);
    assert!(seen[0].user_agent.as_deref().unwrap().starts_with("meeting-admin/"));
}

#[tokio::test]
async fn an_unknown_meeting_lists_empty() {
    let m = Mock::start().await;
    let recs = m.client(KEY, Duration::from_secs(2)).list_recordings(&id("aaaaaaaaaaaaaaaaaaaaaaaa")).await.unwrap();
    assert!(recs.is_empty());
}

#[tokio::test]
async fn creates_with_the_vendor_example_request() {
    let m = Mock::start().await;
    let client = m.client(KEY, Duration::from_secs(2));
    let reply = client.create_meeting(UserId::new(32242).unwrap(), &vendor_example_meeting()).await.unwrap();
    assert_eq!(reply.status, 201);
    let meeting = reply.value;
    assert_eq!(meeting.id.len(), 24);
    assert_eq!(meeting.host_id, Some(32242));
    assert_eq!(meeting.name, "Friday weekly sync");
    assert_eq!(meeting.chat_dialog_id, None);

    let seen = m.mock.requests();
    assert_eq!(seen.len(), 1);
    let req = &seen[0];
    assert_eq!((req.method.as_str(), req.path.as_str()), ("POST", "/admin/meetings"));
    assert!(req.key_ok);
    assert_eq!(req.content_type.as_deref(), Some("application/json"));
    // The vendor's example request, field by field.
    let example = json!({"user_id": 32242, "name": "Friday weekly sync", "start_date": 1613729948, "end_date": 1613731012, "attendees": [{"id": 245,"email": "email1@domen.com"}, {"email": "email2@domen.com"}], "record": false, "chat": false});
    let body = req.body.as_ref().unwrap();
    for (field, value) in example.as_object().unwrap() {
        assert_eq!(&body[field], value, "field {field}");
    }
    // Optional objects are left out rather than sent as null.
    assert!(body.get("notify_before").is_none());
    assert!(body.get("timezone").is_none());
}

#[tokio::test]
async fn delete_removes_everything_and_sends_the_key() {
    let m = Mock::start().await;
    let client = m.client(KEY, Duration::from_secs(2));
    assert_eq!(m.mock.recordings(VENDOR_MEETING).len(), 2);
    assert_eq!(client.delete_recordings(&id(VENDOR_MEETING)).await.unwrap().status, 200);
    assert!(m.mock.recordings(VENDOR_MEETING).is_empty());
    let seen = m.mock.requests();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].method, "DELETE");
    assert!(seen[0].key_ok);
}

#[tokio::test]
async fn a_wrong_key_is_rejected_with_401() {
    let m = Mock::start().await;
    let err = m.client("wrong", Duration::from_secs(2)).list_recordings(&id(VENDOR_MEETING)).await.unwrap_err();
    assert_eq!(err, UpstreamError::KeyRejected { status: 401, messages: vec!["Required session does not exist".into()] });
}

#[tokio::test]
async fn both_error_shapes_and_non_json() {
    let m = Mock::start().await;
    let client = m.client(KEY, Duration::from_secs(2));
    let meeting = vendor_example_meeting();
    let host = UserId::new(1).unwrap();

    m.faults(Faults { status: Some(422), ..Default::default() });
    match client.create_meeting(host, &meeting).await.unwrap_err() {
        UpstreamError::Status { status: 422, errors } => {
            assert_eq!(errors.fields, vec![("name".to_string(), vec!["can't be blank".to_string()])]);
        }
        other => panic!("unexpected {other:?}"),
    }

    m.faults(Faults { status: Some(404), ..Default::default() });
    match client.list_recordings(&id(VENDOR_MEETING)).await.unwrap_err() {
        UpstreamError::Status { status: 404, errors } => assert_eq!(errors.general, vec!["Not found".to_string()]),
        other => panic!("unexpected {other:?}"),
    }

    m.faults(Faults { non_json: true, ..Default::default() });
    assert_eq!(client.create_meeting(host, &meeting).await.unwrap_err(), UpstreamError::UnreadableError { status: 502 });
}

#[tokio::test]
async fn get_is_retried_after_503_then_succeeds() {
    let m = Mock::start().await;
    m.faults(Faults { status: Some(503), count: Some(1), ..Default::default() });
    let recs = m.client(KEY, Duration::from_secs(2)).list_recordings(&id(VENDOR_MEETING)).await.unwrap();
    assert_eq!(recs.len(), 2);
    assert_eq!(m.count("GET"), 2);
}

#[tokio::test]
async fn retries_stop_after_two() {
    let m = Mock::start().await;
    m.faults(Faults { status: Some(503), ..Default::default() });
    let err = m.client(KEY, Duration::from_secs(2)).delete_recordings(&id(VENDOR_MEETING)).await.unwrap_err();
    assert!(matches!(err, UpstreamError::Status { status: 503, .. }));
    assert_eq!(m.count("DELETE"), 3);
}

#[tokio::test]
async fn post_is_never_retried_even_when_it_times_out() {
    let m = Mock::start().await;
    let client = m.client(KEY, Duration::from_millis(300));
    m.faults(Faults { latency_ms: 800, ..Default::default() });
    let err = client.create_meeting(UserId::new(1).unwrap(), &vendor_example_meeting()).await.unwrap_err();
    assert!(matches!(err, UpstreamError::Timeout(_)), "{err:?}");
    m.faults(Faults { status: Some(503), ..Default::default() });
    let err = client.create_meeting(UserId::new(1).unwrap(), &vendor_example_meeting()).await.unwrap_err();
    assert!(matches!(err, UpstreamError::Status { status: 503, .. }));
    assert_eq!(m.count("POST"), 2, "exactly one call per create");
}

#[tokio::test]
async fn a_slow_get_times_out() {
    let m = Mock::start().await;
    m.faults(Faults { latency_ms: 800, ..Default::default() });
    let started = Instant::now();
    let err = m.client(KEY, Duration::from_millis(300)).list_recordings(&id(VENDOR_MEETING)).await.unwrap_err();
    assert!(matches!(err, UpstreamError::Timeout(_)));
    assert!(started.elapsed() < Duration::from_millis(750), "timeouts are not retried");
}

#[tokio::test]
async fn retry_after_is_honoured() {
    let m = Mock::start().await;
    m.faults(Faults { status: Some(429), retry_after: Some(1), count: Some(1), ..Default::default() });
    let started = Instant::now();
    let recs = m.client(KEY, Duration::from_secs(2)).list_recordings(&id(VENDOR_MEETING)).await.unwrap();
    assert_eq!(recs.len(), 2);
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert_eq!(m.count("GET"), 2);
}

#[tokio::test]
async fn a_long_retry_after_is_reported_not_waited_for() {
    let m = Mock::start().await;
    m.faults(Faults { status: Some(429), retry_after: Some(60), ..Default::default() });
    let err = m.client(KEY, Duration::from_secs(2)).list_recordings(&id(VENDOR_MEETING)).await.unwrap_err();
    assert_eq!(err, UpstreamError::RateLimited { retry_after: Some(Duration::from_secs(60)) });
    assert_eq!(m.count("GET"), 1);
}

#[tokio::test]
async fn broken_connections_and_truncated_bodies() {
    let m = Mock::start().await;
    let client = m.client(KEY, Duration::from_secs(2));
    m.faults(Faults { truncated: true, ..Default::default() });
    let err = client.list_recordings(&id(VENDOR_MEETING)).await.unwrap_err();
    assert!(matches!(err, UpstreamError::Interrupted(_) | UpstreamError::BadReply(_)), "{err:?}");
    m.faults(Faults { drop_connection: true, ..Default::default() });
    let err = client.create_meeting(UserId::new(1).unwrap(), &vendor_example_meeting()).await.unwrap_err();
    assert!(matches!(err, UpstreamError::Interrupted(_) | UpstreamError::BadReply(_) | UpstreamError::Connect(_)), "{err:?}");
}

#[tokio::test]
async fn an_unreachable_vendor_is_a_connect_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let m = vendor_at(format!("http://127.0.0.1:{port}"));
    let err = m.client(KEY, Duration::from_secs(1)).list_recordings(&id(VENDOR_MEETING)).await.unwrap_err();
    assert!(matches!(err, UpstreamError::Connect(_)), "{err:?}");
}

#[tokio::test]
async fn redirects_are_not_followed_and_never_carry_the_key() {
    // Another host that would receive the key if the redirect were followed.
    let hits = Arc::new(AtomicUsize::new(0));
    let elsewhere = {
        let hits = hits.clone();
        Router::new().fallback(any(move |headers: HeaderMap| {
            let hits = hits.clone();
            async move {
                hits.fetch_add(1, Ordering::SeqCst);
                assert!(headers.get("cb-administration-api-key").is_none());
                "[]"
            }
        }))
    };
    let elsewhere_addr = serve(elsewhere).await;
    let redirector = Router::new().fallback(any(move || async move {
        axum::response::Redirect::temporary(&format!("http://{elsewhere_addr}/steal"))
    }));
    let redirector_addr = serve(redirector).await;
    let m = vendor_at(format!("http://{redirector_addr}"));
    let err = m.client(KEY, Duration::from_secs(2)).list_recordings(&id(VENDOR_MEETING)).await.unwrap_err();
    assert_eq!(err, UpstreamError::Redirect { status: 307 });
    assert_eq!(hits.load(Ordering::SeqCst), 0);
}

/// A client's view of a vendor that is not our mock (`url` is whatever stands there instead).
fn vendor_at(url: String) -> Mock {
    Mock { mock: meeting_admin::server::vendor::mock::MockUpstream::new(KEY, "x", meeting_admin::server::clock::Clock::system()), url }
}

async fn serve(router: Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    addr
}

#[tokio::test]
async fn one_client_reuses_its_connection_to_the_vendor() {
    let m = Mock::start().await;
    let client = m.client(KEY, Duration::from_secs(2));
    for _ in 0..5 {
        client.list_recordings(&id(VENDOR_MEETING)).await.unwrap();
    }
    let stats = m.mock.stats();
    assert_eq!(stats.requests, 5);
    assert_eq!(stats.connections, 1, "each call opened a new connection");
    let over_http: Value = reqwest::get(format!("{}/_mock/stats", m.url)).await.unwrap().json().await.unwrap();
    assert_eq!(over_http["requests"], 5);
}

#[tokio::test]
async fn concurrent_calls_open_what_they_need_and_reuse_it_afterwards() {
    let m = Mock::start().await;
    let client = m.client(KEY, Duration::from_secs(2));
    let meeting = id(VENDOR_MEETING);
    let burst = futures_util::future::join_all((0..8).map(|_| client.list_recordings(&meeting))).await;
    assert!(burst.iter().all(Result::is_ok), "{burst:?}");
    let opened = m.mock.stats().connections;
    assert!((1..=8).contains(&opened), "{opened} connections for 8 calls");
    for _ in 0..8 {
        client.list_recordings(&meeting).await.unwrap();
    }
    let stats = m.mock.stats();
    assert_eq!(stats.requests, 16);
    assert_eq!(stats.connections, opened, "calls after the burst opened new connections");
}

/// A vendor that answers one request per connection and then closes it, without saying so in
/// the reply: what an idle timeout on its side looks like to us.
async fn closes_after_each_reply() -> (SocketAddr, Arc<AtomicUsize>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let accepted = Arc::new(AtomicUsize::new(0));
    let count = accepted.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            count.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let mut seen = Vec::new();
                let mut buf = [0u8; 1024];
                while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => seen.extend_from_slice(&buf[..n]),
                    }
                }
                let _ = socket.write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n[]").await;
            });
        }
    });
    (addr, accepted)
}

#[tokio::test]
async fn a_connection_the_vendor_closed_while_idle_is_not_written_into() {
    let (addr, accepted) = closes_after_each_reply().await;
    let m = vendor_at(format!("http://{addr}"));
    let client = m.client(KEY, Duration::from_secs(2));
    for _ in 0..3 {
        assert_eq!(client.list_recordings(&id(VENDOR_MEETING)).await.unwrap(), vec![]);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(accepted.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn requests_keep_the_base_path_and_name_the_host() {
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let router = {
        let seen = seen.clone();
        Router::new().fallback(any(move |uri: axum::http::Uri, headers: HeaderMap| {
            let seen = seen.clone();
            async move {
                let host = headers.get("host").and_then(|h| h.to_str().ok()).unwrap_or_default().to_owned();
                seen.lock().unwrap().push((uri.to_string(), host));
                "[]"
            }
        }))
    };
    let addr = serve(router).await;
    let m = vendor_at(format!("http://{addr}/cc"));
    m.client(KEY, Duration::from_secs(2)).list_recordings(&id(VENDOR_MEETING)).await.unwrap();
    assert_eq!(*seen.lock().unwrap(), vec![(format!("/cc/admin/meetings/recordings/{VENDOR_MEETING}"), addr.to_string())]);
}
