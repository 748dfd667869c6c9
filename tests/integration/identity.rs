//! Who is asking, answered from memory (`auth::identity_cache`): every change to an account or a
//! session reaches a kept session within a second, from the console (another process) on
//! SQLite, and on every replica on PostgreSQL, also when the listener connection is cut.

use std::time::{Duration, Instant};

use meeting_admin::domain::Role;
use meeting_admin::server::auth::users;
use meeting_admin::server::store::changes::LISTENER_NAME;
use serde_json::Value;

use crate::support::{database, Browser, Mock, TestApp, ADMIN, OPERATOR, PASSWORD, VIEWER};

/// The README's promise.
const BOUND: Duration = Duration::from_secs(1);

/// Who the server takes this client for: (name, role), or None when not signed in.
async fn whoami(b: &Browser) -> Option<(String, String)> {
    let res = b.get("/api/app_info").await;
    assert_eq!(res.status(), 200);
    let info: Value = res.json().await.unwrap();
    let staff = &info["staff"];
    staff["username"].as_str().map(|u| (u.to_owned(), staff["role"].as_str().unwrap_or_default().to_owned()))
}

/// How long until `b` is taken for `want`; fails past the bound.
async fn seen_within(b: &Browser, want: Option<(&str, &str)>, what: &str) -> Duration {
    let start = Instant::now();
    loop {
        let got = whoami(b).await;
        if got.as_ref().map(|(u, r)| (u.as_str(), r.as_str())) == want {
            return start.elapsed();
        }
        assert!(start.elapsed() < BOUND, "{what}: still {got:?} after {:?}", start.elapsed());
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// `meeting-admin user ...` in a process of its own, as an administrator runs it.
fn console(database_url: &str, args: &[&str], stdin: &str) {
    let (code, out) = crate::cli::console(database_url, args, stdin);
    assert_eq!(code, 0, "{args:?}: {out}");
}

#[tokio::test]
async fn console_changes_reach_a_kept_session_within_a_second() {
    let app = TestApp::spawn().await;
    app.wait_identity_cache_live().await;
    let otto = app.as_user(OPERATOR).await;
    for _ in 0..3 {
        assert_eq!(whoami(&otto).await, Some((OPERATOR.into(), "operator".into())));
    }

    console(&app.database_url, &["user", "role", OPERATOR, "viewer"], "");
    let role = seen_within(&otto, Some((OPERATOR, "viewer")), "a new role").await;
    console(&app.database_url, &["user", "disable", OPERATOR], "");
    let disabled = seen_within(&otto, None, "a disabled account").await;
    assert_eq!(app.anonymous().sign_in(OPERATOR, PASSWORD).await.status(), 401);

    // A new password ends the sessions signed in before it, and only those.
    let vera = app.as_user(VIEWER).await;
    assert!(whoami(&vera).await.is_some());
    console(&app.database_url, &["user", "passwd", VIEWER], "a brand new long password\n");
    let passwd = seen_within(&vera, None, "a new password").await;
    let again = app.anonymous();
    assert_eq!(again.sign_in(VIEWER, "a brand new long password").await.status(), 200);
    assert_eq!(whoami(&again).await, Some((VIEWER.into(), "viewer".into())));
    println!("console changes seen after: role {role:?}, disable {disabled:?}, passwd {passwd:?}");
}

#[tokio::test]
async fn a_sign_out_is_immediate() {
    let app = TestApp::spawn().await;
    app.wait_identity_cache_live().await;
    let vera = app.as_user(VIEWER).await;
    let stolen = Browser::new(&app.url);
    stolen.set_cookie(vera.cookie());
    assert!(whoami(&stolen).await.is_some(), "kept in memory now");
    let res = vera.post_form("/api/sign_out", &[]).await;
    assert!(res.status().is_success() || res.status().is_redirection(), "{}", res.status());
    assert_eq!(whoami(&stolen).await, None, "the same cookie, the very next request");
}

/// Two replicas on one PostgreSQL database: each change reaches both within the bound, and a
/// listener connection cut in the middle makes a replica forget everything until it listens
/// again, so a change made meanwhile is not missed either.
#[tokio::test]
async fn every_replica_follows_changes_also_when_its_listener_is_cut() {
    if !database::is_postgres() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let url = database::fresh(dir.path()).await;
    let upstream = Mock::start().await;
    let apps = TestApp::replicas_on(&upstream, &url, 2).await;
    let (a, b) = (&apps[0], &apps[1]);
    for app in &apps {
        app.wait_identity_cache_live().await;
    }
    let on_a = a.as_user(OPERATOR).await;
    let on_b = Browser::new(&b.url);
    on_b.set_cookie(on_a.cookie());
    for via in [&on_a, &on_b, &on_a, &on_b] {
        assert_eq!(whoami(via).await, Some((OPERATOR.into(), "operator".into())));
    }

    users::set_role(&a.db, &a.clock, OPERATOR, Role::Viewer).await.unwrap();
    for via in [&on_a, &on_b] {
        seen_within(via, Some((OPERATOR, "viewer")), "a role change on each replica").await;
    }

    // Signed out through A: A refuses the cookie at once, B within the bound.
    let vera = a.as_user(VIEWER).await;
    let vera_on_b = Browser::new(&b.url);
    vera_on_b.set_cookie(vera.cookie());
    let stolen_on_a = Browser::new(&a.url);
    stolen_on_a.set_cookie(vera.cookie());
    assert!(whoami(&vera_on_b).await.is_some() && whoami(&stolen_on_a).await.is_some());
    vera.post_form("/api/sign_out", &[]).await;
    assert_eq!(whoami(&stolen_on_a).await, None);
    seen_within(&vera_on_b, None, "a sign-out on the other replica").await;

    // Cut both listeners, and disable the account before they are back.
    let (cut,): (i64,) = sqlx::query_as(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()",
    )
    .bind(LISTENER_NAME)
    .fetch_one(match &a.db {
        meeting_admin::server::store::Store::Postgres(pool) => pool,
        _ => unreachable!(),
    })
    .await
    .unwrap();
    assert_eq!(cut, 2, "one listener per replica");
    users::disable(&a.db, &a.clock, OPERATOR).await.unwrap();
    for via in [&on_a, &on_b] {
        seen_within(via, None, "a disable while the listener was cut").await;
    }

    // Both listen again, and follow changes as before.
    for app in &apps {
        app.wait_identity_cache_live().await;
    }
    let admin_on_b = Browser::new(&b.url);
    admin_on_b.set_cookie(a.http.cookie());
    assert_eq!(whoami(&admin_on_b).await, Some((ADMIN.into(), "admin".into())));
    users::set_role(&a.db, &a.clock, ADMIN, Role::Operator).await.unwrap();
    for via in [&a.http, &admin_on_b] {
        seen_within(via, Some((ADMIN, "operator")), "a role change after the listener came back").await;
    }
}
