//! The recordings list kept a few seconds: paging and sorting cost no vendor call, "Refresh"
//! and the TTL ask again, and a deletion drops the kept list.

use std::time::Duration;

use serde_json::Value;

use meeting_admin::server::vendor::mock::Faults;

use crate::support::{TestApp, VENDOR_MEETING};

fn gets(app: &TestApp, meeting: &str) -> usize {
    app.upstream.mock.requests().iter().filter(|r| r.method == "GET" && r.path.ends_with(meeting)).count()
}

const MEETING: &str = "cac4e0000000000000000001";

async fn page_of(app: &TestApp, meeting: &str, query: &str) -> Value {
    let res = app.get(&format!("/api/recordings/page?meeting_id={meeting}{query}")).await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

async fn page(app: &TestApp, query: &str) -> Value {
    page_of(app, MEETING, query).await
}

#[tokio::test]
async fn paging_and_sorting_use_the_kept_list_until_refresh_or_the_ttl() {
    let app = TestApp::spawn_with(&["--recordings-cache-ttl", "10s"]).await;
    app.upstream.mock.seed(MEETING, 120);
    let first = page(&app, "&page=1").await;
    let fetched = first["fetched_at"].as_i64().unwrap();
    for q in ["&page=2", "&page=3", "&sort=size&dir=desc", "&sort=duration&page=2"] {
        let p = page(&app, q).await;
        assert_eq!(p["fetched_at"], fetched, "{q}: the same list");
        assert_eq!(p["summary"]["count"], 120);
    }
    assert_eq!(gets(&app, MEETING), 1, "one vendor call for five views");
    // The page says as of when.
    let html = app.get(&format!("/meetings/{MEETING}/recordings?page=2")).await.text().await.unwrap();
    assert!(html.contains("as listed by ConnectyCube at "), "the page states when the list was read");
    assert_eq!(gets(&app, MEETING), 1);

    // Refresh asks again, and what it read is kept.
    app.upstream.mock.seed(MEETING, 7);
    assert_eq!(page(&app, "&refresh=1").await["summary"]["count"], 7);
    assert_eq!(page(&app, "&page=1").await["summary"]["count"], 7);
    assert_eq!(gets(&app, MEETING), 2);

    // After the TTL the vendor is asked again.
    app.upstream.mock.seed(MEETING, 9);
    app.clock.advance(Duration::from_secs(11));
    assert_eq!(page(&app, "").await["summary"]["count"], 9);
    assert_eq!(gets(&app, MEETING), 3);
}

#[tokio::test]
async fn a_deletion_here_drops_the_kept_list() {
    let app = TestApp::spawn_with(&["--recordings-cache-ttl", "10s"]).await;
    assert_eq!(page_of(&app, VENDOR_MEETING, "").await["summary"]["count"], 2);
    let res = app.post_form("/api/recordings/delete", &[("meeting_id", VENDOR_MEETING), ("expected_count", "2"), ("reason", "cache test")]).await;
    assert_eq!(res.status(), 200);
    assert_eq!(page_of(&app, VENDOR_MEETING, "").await["summary"]["count"], 0, "no deleted recording is shown from memory");
}

/// A view whose vendor call was under way while a deletion ran: what it read is not kept, so
/// the next view asks the vendor again rather than showing a list that may predate the deletion.
#[tokio::test]
async fn a_list_read_across_a_deletion_is_not_kept() {
    let app = TestApp::spawn_with(&["--recordings-cache-ttl", "10s"]).await;
    app.upstream.faults(Faults { latency_ms: 600, method: Some("GET".into()), count: Some(1), ..Faults::default() });
    let slow_view = page_of(&app, VENDOR_MEETING, "");
    let delete_meanwhile = async {
        while gets(&app, VENDOR_MEETING) == 0 {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        let res = app.post_form("/api/recordings/delete", &[("meeting_id", VENDOR_MEETING), ("expected_count", "2"), ("reason", "cache race test")]).await;
        assert_eq!(res.status(), 200);
    };
    // What the slow view shows depends on when the vendor read its list; it is not kept either way.
    let (_, ()) = tokio::join!(slow_view, delete_meanwhile);
    let asked = gets(&app, VENDOR_MEETING);
    assert_eq!(page_of(&app, VENDOR_MEETING, "").await["summary"]["count"], 0, "no deleted recording is shown from memory");
    assert_eq!(gets(&app, VENDOR_MEETING), asked + 1, "the vendor was asked again");
}

/// "Refresh" pressed by several people at once while a call for the list is under way: they
/// share one call begun after that one ended, and each sees what the vendor had after they asked.
#[tokio::test]
async fn refreshes_at_once_share_one_call_begun_after_them() {
    let app = TestApp::spawn_with(&["--recordings-cache-ttl", "10s"]).await;
    app.upstream.mock.seed(MEETING, 3);
    // The mock reads its data after the latency, so the first call answers 3 recordings and the
    // second, seeded with 7 while it waits, answers 7.
    app.upstream.faults(Faults { latency_ms: 400, method: Some("GET".into()), count: Some(2), ..Faults::default() });
    let first = async {
        let p = page(&app, "&refresh=1").await;
        app.upstream.mock.seed(MEETING, 7);
        p
    };
    let others = async {
        while gets(&app, MEETING) == 0 {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        let views = futures_util::future::join_all((0..5).map(|_| page(&app, "&refresh=1")));
        let queued = async {
            tokio::time::sleep(Duration::from_millis(150)).await;
            assert_eq!(gets(&app, MEETING), 1, "a refresh began a call while one was under way");
        };
        tokio::join!(views, queued).0
    };
    let (first, others) = tokio::join!(first, others);
    assert_eq!(first["summary"]["count"], 3);
    for p in &others {
        assert_eq!(p["summary"]["count"], 7, "a refresh was answered by a call begun before it");
        assert_eq!(p["fetched_at"], others[0]["fetched_at"]);
    }
    assert_eq!(gets(&app, MEETING), 2, "six refreshes, two vendor calls");
}

/// Two replicas on PostgreSQL: a deletion run by one drops the other's kept list too (it hears
/// of it through NOTIFY), while the shared manual clock keeps the TTL from doing it.
#[tokio::test]
async fn a_deletion_on_one_replica_drops_the_kept_list_on_the_others() {
    if !crate::support::database::is_postgres() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let url = crate::support::database::fresh(dir.path()).await;
    let upstream = crate::support::Mock::start().await;
    let clock = meeting_admin::server::clock::Clock::manual();
    let apps = TestApp::replicas_with(&upstream, &url, 2, &clock, &["--recordings-cache-ttl", "10s"]).await;
    let (a, b) = (&apps[0], &apps[1]);
    for app in &apps {
        app.wait_identity_cache_live().await;
    }
    assert_eq!(page_of(b, VENDOR_MEETING, "").await["summary"]["count"], 2);
    assert_eq!(page_of(b, VENDOR_MEETING, "&page=1").await["summary"]["count"], 2, "kept");
    let res = a.post_form("/api/recordings/delete", &[("meeting_id", VENDOR_MEETING), ("expected_count", "2"), ("reason", "cache test")]).await;
    assert_eq!(res.status(), 200);
    let start = std::time::Instant::now();
    while page_of(b, VENDOR_MEETING, "").await["summary"]["count"] != 0 {
        assert!(start.elapsed() < Duration::from_secs(1), "the other replica still shows deleted recordings");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
