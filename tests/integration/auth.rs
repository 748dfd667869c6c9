//! Sign-in, sessions, roles and cross-site refusal, over HTTP.

use std::time::Duration;

use meeting_admin::domain::Role;
use meeting_admin::server::auth::users;
use reqwest::Method;

use crate::support::{Browser, TestApp, ADMIN, OPERATOR, PASSWORD, VENDOR_MEETING, VIEWER};

/// Who may call each server function. A new server function fails `every_server_function_is_listed`
/// until it is added here, so none can ship without its access rule being tested.
fn access_table() -> Vec<(&'static str, Option<Role>, Vec<(&'static str, &'static str)>)> {
    vec![
        ("/api/app_info", None, vec![]),
        ("/api/sign_in", None, vec![]),
        ("/api/sign_out", Some(Role::Viewer), vec![]),
        ("/api/recordings/list", Some(Role::Viewer), vec![("meeting_id", VENDOR_MEETING)]),
        ("/api/recordings/page", Some(Role::Viewer), vec![("meeting_id", VENDOR_MEETING), ("page", "1")]),
        ("/api/meetings/recent", Some(Role::Viewer), vec![]),
        ("/api/meetings/opened", Some(Role::Viewer), vec![]),
        ("/api/go/places", Some(Role::Viewer), vec![]),
        ("/api/meetings/hold", Some(Role::Viewer), vec![("meeting_id", VENDOR_MEETING)]),
        ("/api/meetings/hold/place", Some(Role::Admin), vec![("meeting_id", VENDOR_MEETING), ("reason", "role test")]),
        ("/api/meetings/hold/lift", Some(Role::Admin), vec![("meeting_id", VENDOR_MEETING), ("reason", "role test")]),
        (
            "/api/recordings/share",
            Some(Role::Operator),
            vec![("meeting_id", VENDOR_MEETING), ("recording_id", "6932e49ab470430179b26dcb"), ("note", "role test")],
        ),
        (
            "/api/recordings/shared",
            Some(Role::Operator),
            vec![("meeting_id", VENDOR_MEETING), ("recording_id", "6932e49ab470430179b26dcb"), ("entry", "1")],
        ),
        ("/api/audit/search", Some(Role::Admin), vec![("filter[user]", "")]),
        ("/api/audit/meeting", Some(Role::Viewer), vec![("meeting_id", VENDOR_MEETING)]),
        ("/api/meetings/record", Some(Role::Viewer), vec![("meeting_id", VENDOR_MEETING)]),
        ("/api/meetings/create", Some(Role::Operator), vec![("form[host_id]", "1"), ("form[name]", "role test")]),
        (
            "/api/recordings/delete",
            Some(Role::Admin),
            vec![("meeting_id", VENDOR_MEETING), ("expected_count", "2"), ("reason", "role test")],
        ),
        ("/api/deletions/open", Some(Role::Viewer), vec![("meeting_id", VENDOR_MEETING)]),
        ("/api/deletions/list", Some(Role::Admin), vec![]),
        ("/api/deletions/awaiting", Some(Role::Viewer), vec![]),
        ("/api/deletions/one", Some(Role::Admin), vec![("request_id", "1")]),
        // Anyone may cancel their own request; the store says whose it is (a 404 here).
        ("/api/deletions/cancel", Some(Role::Viewer), vec![("request_id", "1")]),
        ("/api/deletions/approve", Some(Role::Admin), vec![("request_id", "1")]),
        ("/api/deletions/reject", Some(Role::Admin), vec![("request_id", "1"), ("comment", "role test")]),
        ("/api/bulk/one", Some(Role::Admin), vec![("batch_id", "1")]),
        ("/api/bulk/progress", Some(Role::Admin), vec![("batch_id", "1")]),
        ("/api/bulk/list", Some(Role::Admin), vec![]),
        ("/api/bulk/source", Some(Role::Admin), vec![("batch_id", "1")]),
        ("/api/bulk/start", Some(Role::Admin), vec![("batch_id", "1")]),
        ("/api/bulk/look_up_again", Some(Role::Admin), vec![("batch_id", "1")]),
        ("/api/bulk/request", Some(Role::Admin), vec![("batch_id", "1"), ("reason", "role test")]),
        ("/api/bulk/approve", Some(Role::Admin), vec![("batch_id", "1")]),
        ("/api/bulk/reject", Some(Role::Admin), vec![("batch_id", "1"), ("comment", "role test")]),
        ("/api/bulk/cancel", Some(Role::Admin), vec![("batch_id", "1")]),
        ("/api/bulk/retry", Some(Role::Admin), vec![("batch_id", "1")]),
        ("/api/retention/overview", Some(Role::Viewer), vec![]),
        ("/api/retention/report", Some(Role::Viewer), vec![]),
        ("/api/retention/due_soon", Some(Role::Viewer), vec![]),
        ("/api/retention/meeting", Some(Role::Viewer), vec![("meeting_id", VENDOR_MEETING)]),
        ("/api/retention/preview", Some(Role::Admin), vec![("kind", "general"), ("default_days", "30"), ("warn_days", "7"), ("calls_per_hour", "600")]),
        (
            "/api/retention/save",
            Some(Role::Admin),
            vec![("kind", "general"), ("default_days", "30"), ("warn_days", "7"), ("calls_per_hour", "600"), ("reason", "role test")],
        ),
        ("/api/retention/extend", Some(Role::Operator), vec![("meeting_id", VENDOR_MEETING), ("by", "30"), ("reason", "role test")]),
        ("/api/retention/keep", Some(Role::Admin), vec![("meeting_id", VENDOR_MEETING), ("reason", "role test")]),
        ("/api/retention/clear", Some(Role::Admin), vec![("meeting_id", VENDOR_MEETING), ("reason", "role test")]),
        ("/api/retention/track", Some(Role::Admin), vec![("meetings", VENDOR_MEETING)]),
        ("/api/about", Some(Role::Viewer), vec![]),
        ("/api/cases/list", Some(Role::Admin), vec![]),
        ("/api/cases/due_soon", Some(Role::Viewer), vec![]),
        ("/api/deletions/mine", Some(Role::Viewer), vec![]),
        ("/api/deletions/state", Some(Role::Admin), vec![("request_id", "1")]),
        ("/api/cases/get", Some(Role::Admin), vec![("case_id", "1")]),
        ("/api/cases/progress", Some(Role::Admin), vec![("case_id", "1")]),
        ("/api/cases/open", Some(Role::Admin), vec![("form[reference]", "role test"), ("form[ground]", "a"), ("form[received]", "2026-01-01")]),
        ("/api/cases/add", Some(Role::Admin), vec![("case_id", "1"), ("ids", VENDOR_MEETING)]),
        ("/api/cases/request", Some(Role::Admin), vec![("case_id", "1")]),
        ("/api/cases/change", Some(Role::Admin), vec![("case_id", "1"), ("what", "resume")]),
        ("/api/cases/close", Some(Role::Admin), vec![("case_id", "1")]),
        ("/api/cases/record", Some(Role::Admin), vec![("case_id", "1")]),
    ]
}

async fn call(b: &Browser, path: &str, method: &Method, args: &[(&str, &str)]) -> reqwest::Response {
    if *method == Method::GET {
        let q = serde_urlencoded_pairs(args);
        b.get(&format!("{path}?{q}")).await
    } else {
        b.post_form(path, args).await
    }
}

fn serde_urlencoded_pairs(args: &[(&str, &str)]) -> String {
    url::form_urlencoded::Serializer::new(String::new()).extend_pairs(args).finish()
}

#[tokio::test]
async fn every_server_function_is_listed() {
    let mut registered: Vec<&str> = leptos::server_fn::axum::server_fn_paths().map(|(p, _)| p).collect();
    registered.sort_unstable();
    let mut listed: Vec<&str> = access_table().into_iter().map(|(p, _, _)| p).collect();
    listed.sort_unstable();
    assert_eq!(registered, listed, "add the new server function to access_table with its role");
}

#[tokio::test]
async fn every_server_function_refuses_without_a_session_or_with_a_lower_role() {
    let app = TestApp::spawn().await;
    let methods: std::collections::HashMap<_, _> = leptos::server_fn::axum::server_fn_paths().collect();
    let anonymous = app.anonymous();
    let viewer = app.as_user(VIEWER).await;
    let operator = app.as_user(OPERATOR).await;
    for (path, needs, args) in access_table() {
        let method = &methods[path];
        let Some(needs) = needs else { continue };
        let res = call(&anonymous, path, method, &args).await;
        assert_eq!(res.status(), 401, "{path} without a session");
        let body: serde_json::Value = res.json().await.unwrap();
        assert_eq!(body["kind"], "unauthenticated", "{path}");
        for (who, role) in [(&viewer, Role::Viewer), (&operator, Role::Operator)] {
            if role < needs {
                let res = call(who, path, method, &args).await;
                assert_eq!(res.status(), 403, "{path} as {role}");
                let body: serde_json::Value = res.json().await.unwrap();
                // Create answers with its form kept alongside the error.
                let kind = body["kind"].as_str().or(body["error"]["kind"].as_str());
                assert_eq!(kind, Some("forbidden"), "{path}: {body}");
            }
        }
    }
    assert_eq!(app.upstream.count("DELETE"), 0, "nothing refused reached the vendor");
}

#[tokio::test]
async fn pages_send_the_anonymous_to_sign_in_and_back() {
    let app = TestApp::spawn().await;
    let anon = app.anonymous();
    let res = anon.get(&format!("/meetings/{VENDOR_MEETING}/recordings?sort=size")).await;
    assert_eq!(res.status(), 303);
    let to = res.headers()["location"].to_str().unwrap();
    assert_eq!(to, format!("/sign-in?next=%2Fmeetings%2F{VENDOR_MEETING}%2Frecordings%3Fsort%3Dsize"));
    assert_eq!(anon.get(&format!("/meetings/{VENDOR_MEETING}/recordings.csv")).await.status(), 303);
    let page = anon.get("/sign-in").await;
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("autocomplete=\"current-password\""));
    // Signing in with `next` lands there.
    let res = anon.sign_in_to(VIEWER, PASSWORD, "/meetings/x/recordings").await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["location"], "/meetings/x/recordings");
    let home = anon.get("/").await.text().await.unwrap();
    assert!(home.contains(VIEWER) && home.contains("viewer"), "the frame shows who is signed in");
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_user_read_the_same() {
    let app = TestApp::spawn().await;
    let b = app.anonymous();
    let wrong = b.sign_in(ADMIN, "not the password").await;
    assert_eq!(wrong.status(), 401);
    let wrong: serde_json::Value = wrong.json().await.unwrap();
    let unknown: serde_json::Value = b.sign_in("nobody", "not the password").await.json().await.unwrap();
    assert_eq!(wrong, unknown);
    assert_eq!(wrong["kind"], "sign_in_failed");
    assert!(b.cookie().is_none(), "no session for a failed sign-in");
}

#[tokio::test]
async fn sign_in_rotates_the_session_id() {
    let app = TestApp::spawn().await;
    let b = app.as_user(VIEWER).await;
    let first = b.cookie().unwrap();
    assert_eq!(b.sign_in(VIEWER, PASSWORD).await.status(), 200);
    let second = b.cookie().unwrap();
    assert_ne!(first, second);
    let old = app.anonymous();
    old.set_cookie(Some(first));
    assert_eq!(old.get("/api/recordings/list?meeting_id=6932e0f8652986000d48148a").await.status(), 401);
}

#[tokio::test]
async fn sign_out_ends_the_session_on_the_server() {
    let app = TestApp::spawn().await;
    let b = app.as_user(VIEWER).await;
    let cookie = b.cookie().unwrap();
    let res = b.post_form("/api/sign_out", &[]).await;
    assert!(res.status().is_success() || res.status() == 302, "{}", res.status());
    assert!(b.cookie().is_none(), "the cookie is cleared");
    let replay = app.anonymous();
    replay.set_cookie(Some(cookie));
    assert_eq!(replay.get("/api/recordings/list?meeting_id=6932e0f8652986000d48148a").await.status(), 401);
}

#[tokio::test]
async fn the_cookie_is_http_only_and_same_site() {
    let app = TestApp::spawn().await;
    let res = app.anonymous().sign_in(VIEWER, PASSWORD).await;
    let set = res.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(set.starts_with("meeting-admin="), "{set}");
    assert!(set.contains("HttpOnly") && set.contains("SameSite=Lax") && set.contains("Path=/"), "{set}");
    assert!(!set.contains("Secure"), "plain http for local setups");

    let https = TestApp::spawn_with(&["--public-url", "https://meetings.example.com"]).await;
    let res = https
        .http
        .client
        .post(format!("{}/api/sign_in", https.url))
        .header("origin", "https://meetings.example.com")
        .form(&[("username", VIEWER), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    let set = res.headers()["set-cookie"].to_str().unwrap();
    assert!(set.starts_with("__Host-meeting-admin=") && set.contains("Secure"), "{set}");
    assert!(res.headers()["strict-transport-security"].to_str().unwrap().contains("max-age="));
}

#[tokio::test]
async fn idle_sessions_expire() {
    // 3 s, so a request delayed by a loaded machine (the suite runs in parallel on 2 cores)
    // still comes well within it.
    let app = TestApp::spawn_with(&["--session-idle-timeout", "3s"]).await;
    let b = app.as_user(VIEWER).await;
    let list = "/api/recordings/list?meeting_id=6932e0f8652986000d48148a";
    // Activity keeps it alive past the idle timeout (sliding)...
    for _ in 0..3 {
        tokio::time::sleep(Duration::from_millis(1000)).await;
        assert_eq!(b.get(list).await.status(), 200);
    }
    // ...and idleness ends it.
    tokio::time::sleep(Duration::from_millis(4200)).await;
    assert_eq!(b.get(list).await.status(), 401);
}

#[tokio::test]
async fn a_busy_session_is_not_rewritten_on_every_request() {
    let app = TestApp::spawn().await;
    let b = app.as_user(VIEWER).await;
    let list = "/api/recordings/list?meeting_id=6932e0f8652986000d48148a";
    let saved_before = saved_sessions(&app).await;
    for _ in 0..3 {
        let res = b.get(list).await;
        assert_eq!(res.status(), 200);
        assert!(res.headers().get("set-cookie").is_none(), "the session was saved again");
    }
    let saved_after = saved_sessions(&app).await;
    assert_eq!(saved_before, saved_after);
}

/// Every stored session with its expiry, in id order.
async fn saved_sessions(app: &TestApp) -> Vec<(String, Vec<u8>, String)> {
    let sql = "SELECT id, data, CAST(expiry_date AS TEXT) FROM sessions ORDER BY id";
    meeting_admin::on_pool!(&app.db, pool => sqlx::query_as(sql).fetch_all(pool).await.unwrap())
}

#[tokio::test]
async fn sessions_end_at_their_absolute_lifetime_however_active() {
    let app = TestApp::spawn_with(&["--session-idle-timeout", "2s", "--session-max-lifetime", "3s"]).await;
    let b = app.as_user(VIEWER).await;
    let list = "/api/recordings/list?meeting_id=6932e0f8652986000d48148a";
    let mut statuses = Vec::new();
    for _ in 0..5 {
        tokio::time::sleep(Duration::from_millis(1000)).await;
        statuses.push(b.get(list).await.status().as_u16());
    }
    assert_eq!(&statuses[..2], &[200, 200]);
    assert_eq!(statuses[4], 401, "{statuses:?}");
}

#[tokio::test]
async fn a_disabled_account_loses_its_session_within_a_second() {
    let app = TestApp::spawn().await;
    let b = app.as_user(OPERATOR).await;
    let list = "/api/recordings/list?meeting_id=6932e0f8652986000d48148a";
    assert_eq!(b.get(list).await.status(), 200);
    users::disable(&app.db, &app.clock, OPERATOR).await.unwrap();
    let start = std::time::Instant::now();
    while b.get(list).await.status() != 401 {
        assert!(start.elapsed() < Duration::from_secs(1), "still served after {:?}", start.elapsed());
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(app.anonymous().sign_in(OPERATOR, PASSWORD).await.status(), 401);
}

#[tokio::test]
async fn failed_sign_ins_are_throttled_per_account() {
    let app = TestApp::spawn().await;
    let b = app.anonymous();
    for _ in 0..5 {
        assert_eq!(b.sign_in(VIEWER, "guess").await.status(), 401);
    }
    // Locked now, even for the right password; the message says how long.
    let res = b.sign_in(VIEWER, PASSWORD).await;
    assert_eq!(res.status(), 429);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["kind"], "sign_in_throttled");
    let wait = body["retry_after_secs"].as_u64().unwrap();
    assert!((1..=30).contains(&wait), "{wait}");
    // Other accounts are not locked by it.
    assert_eq!(app.anonymous().sign_in(OPERATOR, PASSWORD).await.status(), 200);
}

/// Guesses sent at once are counted as they arrive, before any is checked: the lock read before
/// the check and written after it once let 39 parallel guesses all be checked (and a 40th, the
/// right one, in). Now only the free tries are checked, and the rest are refused unchecked.
#[tokio::test]
async fn parallel_guesses_are_counted_before_any_is_checked() {
    let app = TestApp::spawn().await;
    let guesses = (0..39).map(|i| {
        let b = app.anonymous();
        async move { b.sign_in(VIEWER, &format!("wrong guess {i}")).await.status().as_u16() }
    });
    let guessing = tokio::spawn(futures_util::future::join_all(guesses));
    // The right password, once the guesses have been counted past the free tries.
    let counted = || async {
        let sql = "SELECT failures FROM sign_in_failures WHERE throttle_key = $1";
        let key = format!("user:{VIEWER}");
        let n: Option<i64> = meeting_admin::on_pool!(&app.db, pool => sqlx::query_scalar(sql).bind(&key).fetch_optional(pool).await.unwrap());
        n.unwrap_or(0)
    };
    let started = std::time::Instant::now();
    while counted().await <= 5 {
        assert!(started.elapsed() < Duration::from_secs(20), "the guesses were not counted");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert_eq!(app.anonymous().sign_in(VIEWER, PASSWORD).await.status(), 429, "the right password, after the guesses, is refused");
    let statuses = guessing.await.unwrap();
    let checked = statuses.iter().filter(|s| **s == 401).count();
    assert!((1..=5).contains(&checked), "only the free tries are checked: {statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 429).count(), 39 - checked, "{statuses:?}");
}

#[tokio::test]
async fn failed_sign_ins_are_throttled_per_address_too() {
    let app = TestApp::spawn().await;
    let b = app.anonymous();
    // Twenty failures spread over many names never lock one account, but do lock the address.
    for i in 0..20 {
        assert_eq!(b.sign_in(&format!("spray{i}"), "guess").await.status(), 401);
    }
    assert_eq!(b.sign_in(OPERATOR, PASSWORD).await.status(), 429);
}

#[tokio::test]
async fn cross_site_posts_are_refused_and_same_origin_accepted() {
    let app = TestApp::spawn().await;
    let post = |origin: Option<&str>, fetch_site: Option<&str>| {
        let mut req = app
            .http
            .client
            .post(format!("{}/api/recordings/delete", app.url))
            .form(&[("meeting_id", VENDOR_MEETING), ("expected_count", "2"), ("reason", "csrf test")]);
        if let Some(o) = origin {
            req = req.header("origin", o);
        }
        if let Some(s) = fetch_site {
            req = req.header("sec-fetch-site", s);
        }
        app.http.send(req)
    };
    assert_eq!(post(Some("https://evil.example"), Some("cross-site")).await.status(), 403);
    assert_eq!(post(None, Some("cross-site")).await.status(), 403);
    assert_eq!(post(None, None).await.status(), 403);
    assert_eq!(app.upstream.count("DELETE"), 0);
    // A cross-site sign-in (login CSRF) is refused too.
    let res = app
        .http
        .client
        .post(format!("{}/api/sign_in", app.url))
        .header("origin", "https://evil.example")
        .form(&[("username", VIEWER), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    assert_eq!(post(None, Some("same-origin")).await.status(), 200);
    assert_eq!(app.upstream.count("DELETE"), 1);
}

#[tokio::test]
async fn the_csp_nonce_matches_the_pages_scripts() {
    let app = TestApp::spawn().await;
    let res = app.get("/").await;
    let csp = res.headers()["content-security-policy"].to_str().unwrap().to_owned();
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    assert_eq!(res.headers()["referrer-policy"], "same-origin");
    let nonce = csp.split("'nonce-").nth(1).unwrap().split('\'').next().unwrap().to_owned();
    assert!(nonce.len() >= 22);
    let html = res.text().await.unwrap();
    let scripts = html.matches("<script").count();
    assert!(scripts >= 1);
    assert_eq!(html.matches(&format!("nonce=\"{nonce}\"")).count() >= scripts, true, "every script carries the nonce:\n{html}");
    for part in ["'wasm-unsafe-eval'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "media-src 'self' https://*.amazonaws.com"] {
        assert!(csp.contains(part), "{part}: {csp}");
    }
    let again = app.get("/").await.headers()["content-security-policy"].to_str().unwrap().to_owned();
    assert_ne!(again, csp, "a fresh nonce per response");
}

#[tokio::test]
async fn the_first_start_creates_admin_once() {
    use clap::Parser;
    use meeting_admin::server::config::{Cli, Config};
    use meeting_admin::serve::startup;
    let dir = tempfile::tempdir().unwrap();
    let db = crate::support::database::fresh(dir.path()).await;
    let cli = Cli::try_parse_from(["meeting-admin", "--database-url", &db, "--admin-password", "bootstrap password 1"]).unwrap();
    let config = Config::from_args(&cli.serve).unwrap();
    let (state, _) = startup::build_state(&config).await.unwrap();
    startup::bootstrap_admin(&state, &config).await.unwrap();
    let admin = users::find(&state.db, "admin").await.unwrap().unwrap();
    assert_eq!(admin.role, Role::Admin);
    assert!(admin.password_hash.starts_with("$argon2id$"));
    // A second start changes nothing.
    startup::bootstrap_admin(&state, &config).await.unwrap();
    assert_eq!(users::list(&state.db).await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_failed_plain_form_sign_in_goes_back_to_the_form_with_the_message() {
    let app = TestApp::spawn().await;
    let b = app.anonymous();
    let sign_in_page = format!("{}/sign-in?next=%2Faudit", app.url);
    let req = b
        .client
        .post(format!("{}/api/sign_in", app.url))
        .header("origin", &app.url)
        .header("referer", &sign_in_page)
        .header("accept", "text/html")
        .form(&[("username", VIEWER), ("password", "wrong-password-typed"), ("next", "/audit")]);
    let res = b.send(req).await;
    // The page itself, again: nothing of the attempt in an address the browser keeps.
    assert_eq!(res.status(), 422);
    assert!(res.headers().get("location").is_none());
    let res_cookie = res.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_owned()).find(|c| c.starts_with("ma-form-page=")).expect("the page is remembered");
    assert!(res_cookie.contains("Path=/api/") && res_cookie.contains("HttpOnly"), "{res_cookie}");
    let html = res.text().await.unwrap();
    assert!(html.contains("Wrong username or password."), "{html}");
    assert!(html.contains(&format!(r#"value="{VIEWER}""#)), "the username typed is kept");
    assert!(!html.contains("wrong-password-typed"), "the password is not");
    assert!(html.contains(r#"name="next" value="/audit""#), "and where it was going");
    // The page is remembered for the next try, which a browser sends from the form's address.
    let page_cookie = res_cookie.split(';').next().unwrap().to_owned();
    assert_eq!(page_cookie, "ma-form-page=%2Fsign-in%3Fnext%3D%252Faudit");
    let req = b.client.post(format!("{}/api/sign_in", app.url)).header("origin", &app.url).header("referer", format!("{}/api/sign_in", app.url)).header("accept", "text/html");
    let res = b.send(req.header("cookie", &page_cookie).form(&[("username", VIEWER), ("password", "wrong"), ("next", "/audit")])).await;
    assert_eq!(res.status(), 422, "the same page again, not an address growing with each failure");
    assert!(res.text().await.unwrap().contains("Wrong username or password."));
    // Success is still a redirect into the app.
    let req = b.client.post(format!("{}/api/sign_in", app.url)).header("origin", &app.url).header("referer", &sign_in_page).header("accept", "text/html");
    let res = b.send(req.form(&[("username", VIEWER), ("password", PASSWORD), ("next", "/audit")])).await;
    assert_eq!((res.status().as_u16(), res.headers()["location"].to_str().unwrap()), (302, "/audit"));
}
