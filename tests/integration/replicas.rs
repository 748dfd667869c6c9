//! Two replicas on one PostgreSQL database (run in the PostgreSQL pass only: an SQLite file
//! belongs to one process). Each replica has its own pool and memory; all they share is the
//! database and the vendor.

use serde_json::Value;

use crate::support::{database, Mock, TestApp, ADMIN, OPERATOR, PASSWORD, VENDOR_MEETING};

/// Replicas started at the same moment on an empty database all come up (migrations take an
/// advisory lock), and then serve one another's users.
#[tokio::test]
async fn replicas_started_together_on_an_empty_database_share_everything() {
    if !database::is_postgres() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let url = database::fresh(dir.path()).await;
    let upstream = Mock::start().await;
    let apps = TestApp::replicas_on(&upstream, &url, 3).await;
    let (a, b) = (&apps[0], &apps[1]);

    // Signed in through one, the same cookie works on the other, request after request.
    let on_a = a.as_user(OPERATOR).await;
    let on_b = crate::support::Browser::new(&b.url);
    on_b.set_cookie(on_a.cookie());
    let list = format!("/api/recordings/list?meeting_id={VENDOR_MEETING}");
    for i in 0..6 {
        let via = if i % 2 == 0 { &on_a } else { &on_b };
        assert_eq!(via.get(&list).await.status(), 200, "request {i}");
    }

    // A delete through one replica is in the other's audit log.
    let res = a.http.post_form("/api/recordings/delete", &[("meeting_id", VENDOR_MEETING), ("expected_count", "2"), ("reason", "ACC-9")]).await;
    assert_eq!(res.status(), 200);
    let found: Value = b.http.get("/api/audit/search?filter[action]=delete_recordings").await.json().await.unwrap();
    assert_eq!(found["entries"][0]["reason"], "ACC-9", "{found}");

    // Disabling an account ends its sessions on every replica within a second (identity.rs
    // times it; this is the same with the session read through the replicas in turn).
    meeting_admin::server::auth::users::disable(&a.db, &a.clock, OPERATOR).await.unwrap();
    let again = crate::support::Browser::new(&b.url);
    again.set_cookie(on_b.cookie());
    let start = std::time::Instant::now();
    for via in [&on_a, &again] {
        while via.get(&list).await.status() != 401 {
            assert!(start.elapsed() < std::time::Duration::from_secs(1), "still served after {:?}", start.elapsed());
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
    }

    // Sign-in failures count on whichever replica they land: 5 spread over both lock the account.
    for i in 0..5 {
        let via = &apps[i % 2];
        assert_eq!(via.anonymous().sign_in(ADMIN, "not the password at all").await.status(), 401);
    }
    let res = apps[2].anonymous().sign_in(ADMIN, PASSWORD).await;
    assert_eq!(res.status(), 429, "locked on the third replica too");
}
