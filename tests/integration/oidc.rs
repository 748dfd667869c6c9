//! Sign-in through an OpenID Connect provider, against a provider on loopback whose answers each
//! test writes: discovery, keys, the token endpoint (which checks PKCE), userinfo. Every check on
//! the ID token is shown refusing one defect at a time; the browser tests use a certified provider.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Form, State};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::Json;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine as _;
use serde_json::{json, Value};

use crate::sso::TestKey;
use crate::support::{logs, Browser, TestApp};

const CLIENT: &str = "meeting-admin";

/// What the token endpoint answers next: tokens (for a code whose verifier must match
/// `challenge`), or an error.
enum Answer {
    Tokens { body: Value, challenge: Option<String> },
    Error(Value),
}

#[derive(Clone, Default)]
struct Shared {
    keys: Arc<Mutex<Vec<Value>>>,
    jwks_fetches: Arc<AtomicUsize>,
    answers: Arc<Mutex<VecDeque<Answer>>>,
    grants: Arc<Mutex<Vec<HashMap<String, String>>>>,
    userinfo: Arc<Mutex<Option<Value>>>,
    issuer: Arc<Mutex<String>>,
}

/// The provider on loopback.
struct Op {
    url: String,
    s: Shared,
}

impl Op {
    async fn start(keys: &[&TestKey]) -> Self {
        let s = Shared::default();
        *s.keys.lock().unwrap() = keys.iter().map(|k| k.jwk.clone()).collect();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        *s.issuer.lock().unwrap() = url.clone();
        let app = axum::Router::new()
            .route("/.well-known/openid-configuration", get(discovery))
            .route("/jwks", get(jwks))
            .route("/token", post(token))
            .route("/userinfo", get(userinfo))
            .with_state(s.clone());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self { url, s }
    }

    fn answer(&self, a: Answer) {
        self.s.answers.lock().unwrap().push_back(a);
    }
}

async fn discovery(State(s): State<Shared>) -> Json<Value> {
    let base = s.issuer.lock().unwrap().clone();
    Json(json!({
        "issuer": base,
        "authorization_endpoint": format!("{base}/auth"),
        "token_endpoint": format!("{base}/token"),
        "jwks_uri": format!("{base}/jwks"),
        "userinfo_endpoint": format!("{base}/userinfo"),
        "end_session_endpoint": format!("{base}/logout"),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["ES256"],
    }))
}

async fn jwks(State(s): State<Shared>) -> Json<Value> {
    s.jwks_fetches.fetch_add(1, Ordering::SeqCst);
    Json(json!({"keys": s.keys.lock().unwrap().clone()}))
}

async fn token(State(s): State<Shared>, Form(form): Form<HashMap<String, String>>) -> axum::response::Response {
    s.grants.lock().unwrap().push(form.clone());
    let next = s.answers.lock().unwrap().pop_front();
    match next {
        Some(Answer::Tokens { body, challenge }) => {
            if let Some(challenge) = challenge {
                let verifier = form.get("code_verifier").cloned().unwrap_or_default();
                let digest = ring::digest::digest(&ring::digest::SHA256, verifier.as_bytes());
                if B64.encode(digest.as_ref()) != challenge {
                    return (axum::http::StatusCode::BAD_REQUEST, Json(json!({"error": "invalid_grant", "error_description": "PKCE verification failed"}))).into_response();
                }
            }
            Json(body).into_response()
        }
        Some(Answer::Error(body)) => (axum::http::StatusCode::BAD_REQUEST, Json(body)).into_response(),
        None => (axum::http::StatusCode::BAD_REQUEST, Json(json!({"error": "invalid_grant"}))).into_response(),
    }
}

async fn userinfo(State(s): State<Shared>) -> axum::response::Response {
    match s.userinfo.lock().unwrap().clone() {
        Some(v) => Json(v).into_response(),
        None => axum::http::StatusCode::NOT_FOUND.into_response(),
    }
}

async fn app_for(op_url: &str, extra: &[&str]) -> TestApp {
    let settings = [
        format!("TEST_ISSUER={op_url}"),
        format!("TEST_CLIENT_ID={CLIENT}"),
        "TEST_CLIENT_SECRET=test-client-secret".into(),
        "TEST_DISPLAY_NAME=Test IdP".into(),
        "TEST_GROUPS_CLAIM=access.groups".into(),
        "TEST_ADMIN_GROUPS=it-admins".into(),
        "TEST_OPERATOR_GROUPS=support".into(),
        "TEST_VIEWER_GROUPS=staff".into(),
        "TEST_JWKS_REFETCH_INTERVAL=300ms".into(),
    ];
    let mut args: Vec<&str> = Vec::new();
    for s in &settings {
        args.extend(["--oidc", s.as_str()]);
    }
    args.extend_from_slice(extra);
    TestApp::spawn_with(&args).await
}

/// What the app sent the browser to the provider with.
struct Sent {
    state: String,
    nonce: String,
    challenge: String,
}

async fn start(b: &Browser, next: &str) -> Sent {
    let res = b.get(&format!("/auth/oidc/test/start?next={next}")).await;
    assert_eq!(res.status(), 303, "{:?}", res.text().await);
    let to = url::Url::parse(res.headers()["location"].to_str().unwrap()).unwrap();
    let q: HashMap<String, String> = to.query_pairs().into_owned().collect();
    assert_eq!(to.path(), "/auth");
    assert_eq!(q["response_type"], "code");
    assert_eq!(q["client_id"], CLIENT);
    assert_eq!(q["code_challenge_method"], "S256", "PKCE with S256");
    assert!(q["scope"].split(' ').any(|s| s == "openid"));
    Sent { state: q["state"].clone(), nonce: q["nonce"].clone(), challenge: q["code_challenge"].clone() }
}

fn claims(app: &TestApp, op: &Op, nonce: &str, groups: &[&str]) -> Value {
    let now = app.clock.now_unix();
    json!({"iss": op.url, "aud": CLIENT, "sub": "00u-ada", "email": "ada@example.com", "nonce": nonce,
           "access": {"groups": groups}, "iat": now, "exp": now + 3600})
}

fn tokens(id_token: String, refresh: Option<&str>) -> Value {
    let mut body = json!({"access_token": "at-1", "token_type": "Bearer", "expires_in": 3600, "id_token": id_token});
    if let Some(r) = refresh {
        body["refresh_token"] = json!(r);
    }
    body
}

async fn callback(b: &Browser, state: &str) -> reqwest::Response {
    b.get(&format!("/auth/oidc/test/callback?code=the-code&state={state}")).await
}

/// The sign-in page's notice after a refused sign-in.
async fn notice(b: &Browser) -> String {
    let page = b.get("/sign-in").await.text().await.unwrap();
    let start = page.find("role=\"alert\"").unwrap_or_else(|| panic!("no alert on the sign-in page"));
    page[start..].split("</div>").next().unwrap().to_owned()
}

async fn who(b: &Browser) -> Value {
    b.get("/api/app_info").await.json::<Value>().await.unwrap()["staff"].clone()
}

#[tokio::test]
async fn a_person_signs_in_with_the_role_from_their_groups_and_the_subject_is_audited() {
    logs::capture();
    let key = TestKey::p256("k1");
    let op = Op::start(&[&key]).await;
    let app = app_for(&op.url, &[]).await;
    let b = app.anonymous();
    let sent = start(&b, "/audit").await;
    let id_token = key.sign(&claims(&app, &op, &sent.nonce, &["staff", "support"]));
    op.answer(Answer::Tokens { body: tokens(id_token.clone(), Some("rt-secret-1")), challenge: Some(sent.challenge) });
    let res = callback(&b, &sent.state).await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/audit", "back where the person was going");
    assert_eq!(who(&b).await, json!({"username": "ada@example.com", "role": "operator", "method": "oidc"}));
    let grant = op.s.grants.lock().unwrap()[0].clone();
    assert_eq!(grant["grant_type"], "authorization_code");
    assert!(grant["redirect_uri"].ends_with("/auth/oidc/test/callback"));
    // The sign-in is audited with the provider and subject, and no token is written anywhere.
    let rows: Vec<(String, Option<String>, Option<String>)> = meeting_admin::on_pool!(&app.db, pool =>
        sqlx::query_as("SELECT action, username, detail FROM audit_log WHERE sign_in_method = 'oidc' ORDER BY id").fetch_all(pool).await.unwrap());
    assert_eq!(rows, vec![("sign_in".to_owned(), Some("ada@example.com".to_owned()), Some("through test, subject 00u-ada".to_owned()))]);
    let everything: Vec<String> = meeting_admin::on_pool!(&app.db, pool =>
        sqlx::query_scalar("SELECT COALESCE(detail, '') || COALESCE(error, '') FROM audit_log").fetch_all(pool).await.unwrap());
    assert!(everything.iter().all(|e| !e.contains("rt-secret-1") && !e.contains(&id_token[..40])));
    assert!(logs::lines_with("rt-secret-1").is_empty() && logs::lines_with(&id_token[..40]).is_empty(), "no token in the log");
    assert!(logs::lines_with("test-client-secret").is_empty());
}

#[tokio::test]
async fn each_check_on_the_id_token_refuses_its_defect() {
    let key = TestKey::p256("k1");
    let op = Op::start(&[&key]).await;
    let app = app_for(&op.url, &[]).await;
    let impostor = TestKey { kid: "k1".into(), ..TestKey::p256("k1") };
    let patch = |c: &mut Value, p: Value| {
        for (k, v) in p.as_object().unwrap() {
            c[k] = v.clone();
        }
    };
    type Make<'a> = Box<dyn Fn(&TestApp, &Op, &str) -> String + 'a>;
    let key = &key;
    let with = |p: Value| -> Make<'_> {
        Box::new(move |app, op, nonce| {
            let mut c = claims(app, op, nonce, &["it-admins"]);
            patch(&mut c, p.clone());
            key.sign(&c)
        })
    };
    let now = app.clock.now_unix();
    let cases: Vec<(&str, Make<'_>, &str)> = vec![
        ("wrong issuer", with(json!({"iss": "https://evil.example"})), "wrong issuer"),
        ("wrong audience", with(json!({"aud": "another-app"})), "not meant for Meeting Admin"),
        ("wrong nonce", with(json!({"nonce": "not-the-nonce"})), "does not answer this sign-in"),
        ("expired", with(json!({"iat": now - 7200, "exp": now - 120})), "the ID token has expired"),
        ("issued in the future", with(json!({"iat": now + 900, "exp": now + 4500})), "ahead of our clock"),
        ("bad signature", Box::new(move |app, op, nonce| impostor.sign(&claims(app, op, nonce, &["it-admins"]))), "signature does not verify"),
        (
            "alg none",
            Box::new(|app, op, nonce| format!("{}.{}.", B64.encode(br#"{"alg":"none","kid":"k1"}"#), B64.encode(claims(app, op, nonce, &["it-admins"]).to_string()))),
            "ID token was refused",
        ),
        ("unknown key", Box::new(|app, op, nonce| TestKey::p256("k9").sign(&claims(app, op, nonce, &["it-admins"]))), "signature does not verify"),
        ("no identity claim", with(json!({"email": null})), "did not say who you are"),
        ("no group with a role", with(json!({"access": {"groups": ["sales"]}})), "none of your groups may use Meeting Admin"),
    ];
    for (what, make, message) in cases {
        let b = app.anonymous();
        let sent = start(&b, "/").await;
        op.answer(Answer::Tokens { body: tokens(make(&app, &op, &sent.nonce), None), challenge: Some(sent.challenge) });
        let res = callback(&b, &sent.state).await;
        assert_eq!((res.status().as_u16(), res.headers()["location"].to_str().unwrap()), (303, "/sign-in"), "{what}");
        let said = notice(&b).await;
        assert!(said.contains(message), "{what}: {said}");
        assert!(who(&b).await.is_null(), "{what}: not signed in");
        assert!(!b.get("/sign-in").await.text().await.unwrap().contains(message), "{what}: the notice is said once");
    }
    let refused: i64 = meeting_admin::on_pool!(&app.db, pool =>
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'sign_in_failed' AND detail LIKE 'through test:%'").fetch_one(pool).await.unwrap());
    assert_eq!(refused, 10, "every refusal is audited");
}

#[tokio::test]
async fn a_rotated_key_is_fetched_but_not_more_often_than_the_interval() {
    let old = TestKey::p256("k1");
    let new = TestKey::p256("k2");
    let op = Op::start(&[&old]).await;
    let app = app_for(&op.url, &[]).await;
    let b = app.anonymous();
    let sent = start(&b, "/").await;
    // The provider rotates: tokens are signed with a key the app has not seen yet.
    op.s.keys.lock().unwrap().push(new.jwk.clone());
    let fetched = op.s.jwks_fetches.load(Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(350)).await;
    op.answer(Answer::Tokens { body: tokens(new.sign(&claims(&app, &op, &sent.nonce, &["staff"])), None), challenge: Some(sent.challenge) });
    assert_eq!(callback(&b, &sent.state).await.status(), 303);
    assert_eq!(who(&b).await["role"], "viewer", "signed in with the new key");
    assert_eq!(op.s.jwks_fetches.load(Ordering::SeqCst), fetched + 1, "fetched once more");
    // Tokens naming a key nobody has: at most one fetch per interval, however many arrive.
    let stranger = TestKey::p256("k-unknown");
    for _ in 0..5 {
        let b = app.anonymous();
        let sent = start(&b, "/").await;
        op.answer(Answer::Tokens { body: tokens(stranger.sign(&claims(&app, &op, &sent.nonce, &["staff"])), None), challenge: Some(sent.challenge) });
        callback(&b, &sent.state).await;
        assert!(who(&b).await.is_null());
    }
    assert!(op.s.jwks_fetches.load(Ordering::SeqCst) <= fetched + 2, "refetches are bounded: {}", op.s.jwks_fetches.load(Ordering::SeqCst));
}

#[tokio::test]
async fn a_callback_is_accepted_once_and_only_in_the_browser_that_started_it() {
    let key = TestKey::p256("k1");
    let op = Op::start(&[&key]).await;
    let app = app_for(&op.url, &[]).await;
    let b = app.anonymous();
    let sent = start(&b, "/").await;
    // Another browser cannot finish it (login CSRF): its session holds no such state.
    let other = app.anonymous();
    assert_eq!(callback(&other, &sent.state).await.headers()["location"], "/sign-in");
    assert!(notice(&other).await.contains("does not match a sign-in started in this browser"));
    assert!(op.s.grants.lock().unwrap().is_empty(), "no code was redeemed for it");
    op.answer(Answer::Tokens { body: tokens(key.sign(&claims(&app, &op, &sent.nonce, &["staff"])), None), challenge: Some(sent.challenge.clone()) });
    assert_eq!(callback(&b, &sent.state).await.headers()["location"], "/");
    // Replayed, signed out first so nothing else could explain a refusal.
    b.post_form("/api/sign_out", &[]).await;
    assert_eq!(callback(&b, &sent.state).await.headers()["location"], "/sign-in");
    assert!(notice(&b).await.contains("used already"));
    assert_eq!(op.s.grants.lock().unwrap().len(), 1, "the code was redeemed once");
    // A wrong verifier (a code stolen without its PKCE verifier) is refused by the provider.
    let sent = start(&b, "/").await;
    op.answer(Answer::Tokens { body: tokens(key.sign(&claims(&app, &op, &sent.nonce, &["staff"])), None), challenge: Some("not-the-challenge".into()) });
    callback(&b, &sent.state).await;
    assert!(notice(&b).await.contains("PKCE verification failed"));
    // An answer naming another issuer (RFC 9207, a mix-up between providers) is refused.
    let sent = start(&b, "/").await;
    b.get(&format!("/auth/oidc/test/callback?code=c&state={}&iss=https%3A%2F%2Fevil.example", sent.state)).await;
    assert!(notice(&b).await.contains("names another issuer"));
    // The provider's own refusal is passed on.
    let sent = start(&b, "/").await;
    b.get(&format!("/auth/oidc/test/callback?error=access_denied&error_description=User+cancelled&state={}", sent.state)).await;
    assert!(notice(&b).await.contains("did not sign you in: access_denied (User cancelled)"));
}

#[tokio::test]
async fn a_provider_that_cannot_be_reached_leaves_local_sign_in_offered() {
    // Nothing listens here.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let app = app_for(&url, &[]).await;
    let b = app.anonymous();
    let res = b.get("/auth/oidc/test/start").await;
    assert_eq!(res.headers()["location"], "/sign-in");
    let page = b.get("/sign-in").await.text().await.unwrap();
    assert!(page.contains("Test IdP cannot be reached right now"), "{page}");
    assert!(page.contains("Sign in with Test IdP") && page.contains("id=\"password\""), "both ways are still offered");
    assert_eq!(app.as_user(crate::support::ADMIN).await.get("/api/app_info").await.status(), 200);
}

#[tokio::test]
async fn renewal_applies_a_changed_role_and_a_refused_renewal_ends_the_session() {
    let key = TestKey::p256("k1");
    let op = Op::start(&[&key]).await;
    let app = app_for(&op.url, &[]).await;
    let b = app.anonymous();
    let sent = start(&b, "/").await;
    op.answer(Answer::Tokens { body: tokens(key.sign(&claims(&app, &op, &sent.nonce, &["it-admins"])), Some("rt-1")), challenge: Some(sent.challenge) });
    callback(&b, &sent.state).await;
    assert_eq!(who(&b).await["role"], "admin");
    // Within the renewal interval nothing asks the provider.
    app.clock.advance(Duration::from_secs(60));
    assert_eq!(who(&b).await["role"], "admin");
    assert_eq!(op.s.grants.lock().unwrap().len(), 1);
    // Past it, the refresh token renews the session; the provider now puts them in "staff" only.
    app.clock.advance(Duration::from_secs(300));
    let mut renewed = claims(&app, &op, "", &["staff"]);
    renewed.as_object_mut().unwrap().remove("nonce");
    op.answer(Answer::Tokens { body: tokens(key.sign(&renewed), Some("rt-2")), challenge: None });
    assert_eq!(who(&b).await["role"], "viewer", "the role follows the provider's groups");
    let grant = op.s.grants.lock().unwrap()[1].clone();
    assert_eq!((grant["grant_type"].as_str(), grant["refresh_token"].as_str()), ("refresh_token", "rt-1"));
    // The next renewal is refused (the person was signed out at the provider): the session ends.
    app.clock.advance(Duration::from_secs(301));
    op.answer(Answer::Error(json!({"error": "invalid_grant", "error_description": "grant request is invalid"})));
    assert!(who(&b).await.is_null());
    assert_eq!(op.s.grants.lock().unwrap()[2]["refresh_token"], "rt-2", "the rotated refresh token was used");
    assert_eq!(b.get("/").await.headers()["location"], "/sign-in?next=%2F");
    assert!(notice(&b).await.contains("could not be renewed"));
    let ended: i64 = meeting_admin::on_pool!(&app.db, pool =>
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'sign_out' AND detail = 'session ended by test: renewal failed'").fetch_one(pool).await.unwrap());
    assert_eq!(ended, 1);
}

#[tokio::test]
async fn without_a_refresh_token_the_session_ends_with_the_id_token() {
    let key = TestKey::p256("k1");
    let op = Op::start(&[&key]).await;
    let app = app_for(&op.url, &[]).await;
    let b = app.anonymous();
    let sent = start(&b, "/").await;
    let mut c = claims(&app, &op, &sent.nonce, &["support"]);
    c["exp"] = json!(app.clock.now_unix() + 600);
    op.answer(Answer::Tokens { body: tokens(key.sign(&c), None), challenge: Some(sent.challenge) });
    callback(&b, &sent.state).await;
    app.clock.advance(Duration::from_secs(590));
    assert_eq!(who(&b).await["role"], "operator");
    app.clock.advance(Duration::from_secs(20));
    assert!(who(&b).await.is_null());
    assert!(notice(&b).await.contains("it has expired"));
}

#[tokio::test]
async fn claims_missing_from_the_id_token_are_read_from_userinfo() {
    let key = TestKey::p256("k1");
    let op = Op::start(&[&key]).await;
    let app = app_for(&op.url, &[]).await;
    *op.s.userinfo.lock().unwrap() = Some(json!({"sub": "00u-ada", "email": "ada@example.com", "access": {"groups": ["it-admins"]}}));
    let b = app.anonymous();
    let sent = start(&b, "/").await;
    let mut c = claims(&app, &op, &sent.nonce, &[]);
    c.as_object_mut().unwrap().remove("access");
    c.as_object_mut().unwrap().remove("email");
    op.answer(Answer::Tokens { body: tokens(key.sign(&c), None), challenge: Some(sent.challenge) });
    callback(&b, &sent.state).await;
    assert_eq!(who(&b).await["username"], "ada@example.com", "{}", notice(&b).await);
    assert_eq!(who(&b).await["role"], "admin");
}

#[tokio::test]
async fn signing_out_ends_the_session_at_the_provider_too() {
    let key = TestKey::p256("k1");
    let op = Op::start(&[&key]).await;
    let app = app_for(&op.url, &[]).await;
    let b = app.anonymous();
    let sent = start(&b, "/").await;
    let id_token = key.sign(&claims(&app, &op, &sent.nonce, &["staff"]));
    op.answer(Answer::Tokens { body: tokens(id_token.clone(), Some("rt-1")), challenge: Some(sent.challenge) });
    callback(&b, &sent.state).await;
    let res = b.post_form("/api/sign_out", &[]).await;
    let to = url::Url::parse(res.headers()["location"].to_str().unwrap()).unwrap();
    assert_eq!(to.as_str().split('?').next().unwrap(), format!("{}/logout", op.url));
    let q: HashMap<String, String> = to.query_pairs().into_owned().collect();
    assert_eq!(q["id_token_hint"], id_token);
    assert_eq!(q["post_logout_redirect_uri"], format!("{}/sign-in?signed_out=1", app.url));
    assert!(who(&b).await.is_null());
    let left: Option<String> = meeting_admin::on_pool!(&app.db, pool =>
        sqlx::query_scalar("SELECT refresh_token FROM oidc_sessions").fetch_one(pool).await.unwrap());
    assert_eq!(left, None, "the refresh token is dropped");
}

#[tokio::test]
async fn with_local_sign_in_off_only_break_glass_accounts_may_use_it() {
    let key = TestKey::p256("k1");
    let op = Op::start(&[&key]).await;
    let app = app_for(&op.url, &["--local-login", "false", "--break-glass-accounts", crate::support::ADMIN]).await;
    let page = app.anonymous().get("/sign-in").await.text().await.unwrap();
    assert!(page.contains("Sign in with Test IdP") && page.contains("Emergency sign-in with a local account"));
    let admin = app.anonymous();
    assert_eq!(admin.sign_in(crate::support::ADMIN, crate::support::PASSWORD).await.status(), 200);
    let other = app.anonymous();
    let res = other.sign_in(crate::support::OPERATOR, crate::support::PASSWORD).await;
    assert_eq!(res.status(), 401, "fails as a wrong password would: {:?}", res.text().await);
}

#[tokio::test]
async fn concurrent_requests_spend_the_refresh_token_once() {
    let key = TestKey::p256("k1");
    let op = Op::start(&[&key]).await;
    let app = app_for(&op.url, &[]).await;
    let b = app.anonymous();
    let sent = start(&b, "/").await;
    op.answer(Answer::Tokens { body: tokens(key.sign(&claims(&app, &op, &sent.nonce, &["support"])), Some("rt-1")), challenge: Some(sent.challenge) });
    callback(&b, &sent.state).await;
    app.clock.advance(Duration::from_secs(400));
    let mut renewed = claims(&app, &op, "", &["support"]);
    renewed.as_object_mut().unwrap().remove("nonce");
    // A rotating provider would refuse a second use of rt-1; only one answer is queued.
    op.answer(Answer::Tokens { body: tokens(key.sign(&renewed), Some("rt-2")), challenge: None });
    let asks = (0..6).map(|_| {
        let b = b.clone();
        async move { who(&b).await["role"].clone() }
    });
    let roles = futures_util::future::join_all(asks).await;
    assert!(roles.iter().all(|r| r == "operator"), "{roles:?}");
    let refreshes = op.s.grants.lock().unwrap().iter().filter(|g| g["grant_type"] == "refresh_token").count();
    assert_eq!(refreshes, 1, "one request renewed; the others went on with the role in hand");
    assert_eq!(who(&b).await["role"], "operator", "still signed in");
}

/// A browser signed in through the provider as `subject`/`email` with `groups`.
async fn signed_in(app: &TestApp, op: &Op, key: &TestKey, subject: &str, email: &str, groups: &[&str]) -> Browser {
    let b = app.anonymous();
    let sent = start(&b, "/").await;
    let mut c = claims(app, op, &sent.nonce, groups);
    c["sub"] = json!(subject);
    c["email"] = json!(email);
    op.answer(Answer::Tokens { body: tokens(key.sign(&c), Some("rt")), challenge: Some(sent.challenge) });
    assert_eq!(callback(&b, &sent.state).await.headers()["location"], "/");
    b
}

#[tokio::test]
async fn two_person_approval_tells_people_apart_by_their_provider_subject() {
    let key = TestKey::p256("k1");
    let op = Op::start(&[&key]).await;
    let app = app_for(&op.url, &["--delete-grace", "10m", "--delete-approval", "required", "--delete-approval-ttl", "24h"]).await;
    let ada = signed_in(&app, &op, &key, "00u-ada", "ada@example.com", &["it-admins"]).await;
    let res = ada.post_form("/api/recordings/delete", &[("meeting_id", crate::support::VENDOR_MEETING), ("expected_count", "2"), ("reason", "GDPR-9")]).await;
    let body: Value = res.json().await.unwrap();
    let id = body["request_id"].as_i64().unwrap_or_else(|| panic!("{body}")).to_string();
    let decide = |b: Browser| {
        let id = id.clone();
        async move {
            let res = b.post_form("/api/deletions/approve", &[("request_id", id.as_str()), ("comment", "ok")]).await;
            (res.status().as_u16(), res.text().await.unwrap())
        }
    };
    // The same subject under a new e-mail address is the same person.
    let renamed = signed_in(&app, &op, &key, "00u-ada", "ada.lovelace@example.com", &["it-admins"]).await;
    let (status, text) = decide(renamed).await;
    assert_eq!(status, 403, "{text}");
    // A local admin account may be the same person under another name: refused until linked.
    let (status, text) = decide(app.http.clone()).await;
    assert_eq!(status, 403, "{text}");
    assert!(text.contains(crate::support::ADMIN), "names the account to link: {text}");
    // Linked to ada's subject, it is ada.
    meeting_admin::server::auth::users::link_subject(&app.db, &app.clock, crate::support::ADMIN, Some("test:00u-ada")).await.unwrap();
    let (status, _) = decide(app.http.clone()).await;
    assert_eq!(status, 403);
    // Another subject at the provider is another person.
    let grace = signed_in(&app, &op, &key, "00u-grace", "grace@example.com", &["it-admins"]).await;
    let (status, text) = decide(grace).await;
    assert_eq!(status, 200, "{text}");
}
