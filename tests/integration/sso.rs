//! Sign-in through an SSO gateway: signed assertions checked against a JWKS server on loopback
//! with keys generated here, and trusted headers honoured only from the gateway's address.

use std::net::IpAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::routing::get;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine as _;
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use ring::rand::SystemRandom;
use ring::signature::{EcdsaKeyPair, Ed25519KeyPair, KeyPair, ECDSA_P256_SHA256_FIXED_SIGNING};
use serde_json::{json, Value};

use crate::support::{TestApp, PASSWORD, VENDOR_MEETING, VIEWER};

const ISSUER: &str = "https://idp.example.com";
const AUDIENCE: &str = "meeting-admin-test";
const JWT_HEADER: &str = "x-test-jwt-assertion";

/// A signing key and its public half as a JWK.
pub struct TestKey {
    pub kid: String,
    pub alg: Algorithm,
    pub pkcs8: Vec<u8>,
    pub jwk: Value,
}

impl TestKey {
    fn ed25519(kid: &str) -> Self {
        let pkcs8 = Ed25519KeyPair::generate_pkcs8(&SystemRandom::new()).unwrap().as_ref().to_vec();
        let pair = Ed25519KeyPair::from_pkcs8(&pkcs8).unwrap();
        let x = B64.encode(pair.public_key().as_ref());
        let jwk = json!({"kty": "OKP", "crv": "Ed25519", "x": x, "kid": kid, "use": "sig", "alg": "EdDSA"});
        Self { kid: kid.into(), alg: Algorithm::EdDSA, pkcs8, jwk }
    }

    pub fn p256(kid: &str) -> Self {
        let rng = SystemRandom::new();
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng).unwrap().as_ref().to_vec();
        let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &pkcs8, &rng).unwrap();
        let point = pair.public_key().as_ref();
        // Uncompressed point: 0x04 || x || y. No `alg`: the key type decides (ES256).
        let jwk = json!({"kty": "EC", "crv": "P-256", "x": B64.encode(&point[1..33]), "y": B64.encode(&point[33..]), "kid": kid});
        Self { kid: kid.into(), alg: Algorithm::ES256, pkcs8, jwk }
    }

    pub fn sign(&self, claims: &Value) -> String {
        let mut header = Header::new(self.alg);
        header.kid = Some(self.kid.clone());
        let key = match self.alg {
            Algorithm::EdDSA => EncodingKey::from_ed_der(&self.pkcs8),
            _ => EncodingKey::from_ec_der(&self.pkcs8),
        };
        encode(&header, claims, &key).unwrap()
    }
}

fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64
}

fn claims(email: &str, groups: &[&str]) -> Value {
    json!({"iss": ISSUER, "aud": AUDIENCE, "sub": "u-1", "email": email, "groups": groups, "iat": now(), "nbf": now() - 5, "exp": now() + 300})
}

/// The identity provider's key set, served on loopback; counts fetches.
struct Jwks {
    url: String,
    keys: Arc<Mutex<Vec<Value>>>,
    fetches: Arc<AtomicUsize>,
}

impl Jwks {
    async fn start(keys: &[&TestKey]) -> Self {
        let set = Arc::new(Mutex::new(keys.iter().map(|k| k.jwk.clone()).collect::<Vec<_>>()));
        let fetches = Arc::new(AtomicUsize::new(0));
        let (s, f) = (set.clone(), fetches.clone());
        let app = axum::Router::new().route(
            "/.well-known/jwks.json",
            get(move || {
                f.fetch_add(1, Ordering::SeqCst);
                let keys = s.lock().unwrap().clone();
                async move { axum::Json(json!({ "keys": keys })) }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self { url: format!("http://{addr}/.well-known/jwks.json"), keys: set, fetches }
    }

    fn publish(&self, key: &TestKey) {
        self.keys.lock().unwrap().push(key.jwk.clone());
    }
}

async fn jwt_app(jwks: &Jwks) -> TestApp {
    TestApp::spawn_with(&[
        "--sso-jwt-header", "X-Test-Jwt-Assertion",
        "--sso-jwks-url", &jwks.url,
        "--sso-issuer", ISSUER,
        "--sso-audience", AUDIENCE,
        "--sso-admin-groups", "meeting-admins",
        "--sso-operator-groups", "support",
        "--sso-viewer-groups", "staff",
        "--sso-jwks-refetch-interval", "300ms",
    ])
    .await
}

/// Who the app thinks is asking, with this assertion: (status, staff or error text).
async fn who(app: &TestApp, token: &str) -> (u16, Value) {
    let res = reqwest::Client::new().get(format!("{}/api/app_info", app.url)).header(JWT_HEADER, token).send().await.unwrap();
    let status = res.status().as_u16();
    let text = res.text().await.unwrap();
    (status, serde_json::from_str::<Value>(&text).map(|v| v["staff"].clone()).unwrap_or(Value::String(text)))
}

#[tokio::test]
async fn a_valid_assertion_signs_in_with_the_role_from_its_groups() {
    let ed = TestKey::ed25519("ed-1");
    let ec = TestKey::p256("ec-1");
    let jwks = Jwks::start(&[&ed, &ec]).await;
    let app = jwt_app(&jwks).await;
    let (status, staff) = who(&app, &ed.sign(&claims("ada@example.com", &["staff", "meeting-admins"]))).await;
    assert_eq!(status, 200);
    assert_eq!(staff, json!({"username": "ada@example.com", "role": "admin", "method": "sso"}));
    let (_, staff) = who(&app, &ec.sign(&claims("sam@example.com", &["support"]))).await;
    assert_eq!(staff["role"], "operator", "ES256 keys work too");
    // Straight into a page, no sign-in step.
    let page = reqwest::Client::new().get(format!("{}/", app.url)).header(JWT_HEADER, ed.sign(&claims("ada@example.com", &["staff"]))).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("ada@example.com") && html.contains("via SSO"));
    assert_eq!(jwks.fetches.load(Ordering::SeqCst), 1, "the key set is cached");
}

#[tokio::test]
async fn bad_assertions_are_each_refused() {
    let ed = TestKey::ed25519("ed-1");
    let jwks = Jwks::start(&[&ed]).await;
    let app = jwt_app(&jwks).await;
    let base = claims("ada@example.com", &["meeting-admins"]);
    let with = |patch: Value| {
        let mut c = base.clone();
        for (k, v) in patch.as_object().unwrap() {
            c[k] = v.clone();
        }
        c
    };
    let impostor = TestKey { kid: "ed-1".into(), ..TestKey::ed25519("ed-1") };
    let unsigned = format!("{}.{}.", B64.encode(br#"{"alg":"none","kid":"ed-1"}"#), B64.encode(base.to_string()));
    // HS256 with the public key as the shared secret: the classic algorithm confusion.
    let confused = {
        let mut h = Header::new(Algorithm::HS256);
        h.kid = Some("ed-1".into());
        encode(&h, &base, &EncodingKey::from_secret(ed.jwk["x"].as_str().unwrap().as_bytes())).unwrap()
    };
    let cases: Vec<(&str, String, &str)> = vec![
        ("expired", ed.sign(&with(json!({"exp": now() - 120}))), "has expired"),
        ("not yet valid", ed.sign(&with(json!({"nbf": now() + 600}))), "not valid yet"),
        ("wrong audience", ed.sign(&with(json!({"aud": "another-app"}))), "meant for another application"),
        ("wrong issuer", ed.sign(&with(json!({"iss": "https://evil.example"}))), "issued by someone else"),
        ("bad signature", impostor.sign(&base), "signature does not verify"),
        ("alg none", unsigned, "alg 'none'"),
        ("algorithm confusion", confused, "HS256 is not allowed"),
        ("no identity", ed.sign(&with(json!({"email": null}))), "no 'email' claim"),
        ("garbage", "not-a-jwt".into(), "not a well-formed JWT"),
    ];
    for (what, token, message) in cases {
        let (status, body) = who(&app, &token).await;
        assert_eq!(status, 401, "{what}: {body}");
        assert!(body.as_str().unwrap_or_default().contains(message), "{what}: {body}");
    }
    // Within the leeway, a just-expired assertion still passes.
    assert_eq!(who(&app, &ed.sign(&with(json!({"exp": now() - 10})))).await.0, 200);
    let sql = "SELECT COUNT(*) FROM audit_log WHERE action = 'denied' AND detail LIKE '%SSO%'";
    let denied: i64 = meeting_admin::on_pool!(&app.db, pool => sqlx::query_scalar(sql).fetch_one(pool).await.unwrap());
    assert_eq!(denied, 9, "each refusal is in the audit log");
}

#[tokio::test]
async fn an_unknown_key_is_found_after_rotation_and_refetches_are_rate_limited() {
    let old = TestKey::ed25519("2026-10");
    let new = TestKey::p256("2026-11");
    let jwks = Jwks::start(&[&old]).await;
    let app = jwt_app(&jwks).await;
    assert_eq!(who(&app, &old.sign(&claims("ada@example.com", &["staff"]))).await.0, 200);
    let token = new.sign(&claims("ada@example.com", &["staff"]));
    tokio::time::sleep(Duration::from_millis(350)).await;
    let (status, body) = who(&app, &token).await;
    assert_eq!(status, 401);
    assert!(body.as_str().unwrap().contains("key '2026-11'"), "{body}");
    let before = jwks.fetches.load(Ordering::SeqCst);
    for _ in 0..20 {
        who(&app, &token).await;
    }
    assert!(jwks.fetches.load(Ordering::SeqCst) - before <= 1, "a flood of unknown key ids does not hammer the IdP");
    jwks.publish(&new);
    tokio::time::sleep(Duration::from_millis(350)).await;
    assert_eq!(who(&app, &token).await.0, 200, "found after the IdP rotated");
    assert_eq!(who(&app, &old.sign(&claims("ada@example.com", &["staff"]))).await.0, 200);
}

/// An app that trusts headers only from 127.0.0.2 (Linux routes all of 127/8 to loopback).
async fn header_app(extra: &[&str]) -> TestApp {
    let mut args = vec![
        "--sso-user-header", "X-Forwarded-Email",
        "--sso-groups-header", "X-Forwarded-Groups",
        "--sso-trusted-proxies", "127.0.0.2/32",
        "--sso-admin-groups", "meeting-admins",
        "--sso-viewer-groups", "staff",
    ];
    args.extend_from_slice(extra);
    TestApp::spawn_with(&args).await
}

fn from(ip: &str) -> reqwest::Client {
    reqwest::Client::builder().local_address(ip.parse::<IpAddr>().unwrap()).redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

async fn header_who(app: &TestApp, client: &reqwest::Client, headers: &[(&str, &str)]) -> (u16, Value) {
    let mut req = client.get(format!("{}/api/app_info", app.url));
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    let text = res.text().await.unwrap();
    (status, serde_json::from_str::<Value>(&text).map(|v| v["staff"].clone()).unwrap_or(Value::String(text)))
}

#[tokio::test]
async fn trusted_headers_count_only_from_the_gateway_and_groups_apply_at_once() {
    let app = header_app(&[]).await;
    let gateway = from("127.0.0.2");
    let elsewhere = from("127.0.0.1");
    let ada = [("x-forwarded-email", "ada@example.com"), ("x-forwarded-groups", "staff, meeting-admins")];
    let (status, staff) = header_who(&app, &gateway, &ada).await;
    assert_eq!((status, staff["role"].as_str(), staff["method"].as_str()), (200, Some("admin"), Some("sso")));
    let (status, staff) = header_who(&app, &elsewhere, &ada).await;
    assert_eq!((status, &staff), (200, &Value::Null), "ignored from any other address");
    let page = elsewhere.get(format!("{}/", app.url)).header("x-forwarded-email", "ada@example.com").send().await.unwrap();
    assert_eq!(page.status(), 303, "sent to sign in instead");

    // The IdP removes a group: the very next request has the lower role, then none.
    let (_, staff) = header_who(&app, &gateway, &[("x-forwarded-email", "ada@example.com"), ("x-forwarded-groups", "staff")]).await;
    assert_eq!(staff["role"], "viewer");
    let none = gateway.get(format!("{}/", app.url)).header("x-forwarded-email", "ada@example.com").header("x-forwarded-groups", "sales").send().await.unwrap();
    assert_eq!(none.status(), 403);
    let text = none.text().await.unwrap();
    assert!(text.contains("You are signed in as ada@example.com, but none of your groups grants a Meeting Admin role"), "{text}");
    let api = gateway.get(format!("{}/api/recordings/list?meeting_id={VENDOR_MEETING}", app.url)).header("x-forwarded-email", "ada@example.com").send().await.unwrap();
    assert_eq!(api.status(), 403);
    assert_eq!(api.json::<Value>().await.unwrap()["kind"], "no_role");
}

#[tokio::test]
async fn doubled_or_look_alike_headers_are_refused() {
    let app = header_app(&[]).await;
    let gateway = from("127.0.0.2");
    let (status, body) = header_who(&app, &gateway, &[("x-forwarded-email", "ada@example.com"), ("x-forwarded-email", "eve@example.com")]).await;
    assert_eq!(status, 400);
    assert!(body.as_str().unwrap().contains("more than once"));
    let (status, body) = header_who(&app, &from("127.0.0.1"), &[("x_forwarded_email", "ada@example.com")]).await;
    assert_eq!(status, 400, "{body}");
    assert!(body.as_str().unwrap().contains("look-alike"));
}

#[tokio::test]
async fn an_sso_admin_acts_and_is_audited_as_sso() {
    let app = header_app(&["--local-login", "false"]).await;
    let gateway = from("127.0.0.2");
    let res = gateway
        .post(format!("{}/api/recordings/delete", app.url))
        .header("origin", &app.url)
        .header("x-forwarded-email", "ada@example.com")
        .header("x-forwarded-groups", "meeting-admins")
        .form(&[("meeting_id", VENDOR_MEETING), ("expected_count", "2"), ("reason", "SSO ticket 3")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let sql = "SELECT username, role, sign_in_method FROM audit_log WHERE action = 'delete_recordings'";
    let row: (String, String, String) = meeting_admin::on_pool!(&app.db, pool => sqlx::query_as(sql).fetch_one(pool).await.unwrap());
    assert_eq!(row, ("ada@example.com".into(), "admin".into(), "sso".into()));

    // Local sign-in is off: the form is gone and the function refuses.
    let b = app.anonymous();
    let res = b.sign_in(VIEWER, PASSWORD).await;
    assert_eq!(res.status(), 403);
    assert_eq!(res.json::<Value>().await.unwrap()["kind"], "local_sign_in_off");
    let page = b.get("/sign-in").await.text().await.unwrap();
    assert!(page.contains("Local sign-in is turned off here") && !page.contains("current-password"));
}

/// Two-person approval holds across sign-in methods: the same name is the same person, whether
/// it signed in with a password or came through the gateway, in any case.
#[tokio::test]
async fn a_requester_cannot_approve_their_own_deletion_through_sso_either() {
    let app = header_app(&["--delete-grace", "10m", "--delete-approval", "required"]).await;
    let gateway = from("127.0.0.2");
    let as_sso = |name: &'static str, path: &'static str, form: Vec<(&'static str, String)>| {
        gateway
            .post(format!("{}{path}", app.url))
            .header("origin", &app.url)
            .header("x-forwarded-email", name)
            .header("x-forwarded-groups", "meeting-admins")
            .form(&form)
            .send()
    };
    // Requested by the local account "ada" (password)...
    let res = app.post_form("/api/recordings/delete", &[("meeting_id", VENDOR_MEETING), ("expected_count", "2"), ("reason", "four eyes")]).await;
    assert_eq!(res.status(), 200);
    let id = res.json::<Value>().await.unwrap()["request_id"].as_i64().unwrap().to_string();
    // ...not approvable by "ADA" through the gateway, nor "ada" there.
    for name in ["ADA", "ada"] {
        let res = as_sso(name, "/api/deletions/approve", vec![("request_id", id.clone())]).await.unwrap();
        assert_eq!(res.status(), 403, "{name} via SSO");
        assert_eq!(res.json::<Value>().await.unwrap()["kind"], "own_deletion_request");
    }
    // Requested through the gateway, it is not approvable by the same name signed in locally.
    let m = "5550e0f8652986000d48148a";
    app.upstream.mock.seed(m, 1);
    let form = vec![("meeting_id", m.to_owned()), ("expected_count", "1".to_owned()), ("reason", "four eyes".to_owned())];
    let res = as_sso("Ada", "/api/recordings/delete", form).await.unwrap();
    assert_eq!(res.status(), 200);
    let id = res.json::<Value>().await.unwrap()["request_id"].as_i64().unwrap().to_string();
    let res = app.post_form("/api/deletions/approve", &[("request_id", id.as_str())]).await;
    assert_eq!(res.status(), 403, "local ada approving SSO Ada's request");
    // Someone else through the gateway may.
    let res = as_sso("sam@example.com", "/api/deletions/approve", vec![("request_id", id.clone())]).await.unwrap();
    assert_eq!(res.status(), 200);
    let sql = "SELECT decided_by, decided_method FROM deletion_requests WHERE id = $1";
    let row: (String, String) = meeting_admin::on_pool!(&app.db, pool => sqlx::query_as(sql).bind(id.parse::<i64>().unwrap()).fetch_one(pool).await.unwrap());
    assert_eq!(row, ("sam@example.com".into(), "sso".into()));
}

/// One person with a local account and a gateway identity under another name: where both ways
/// of signing in are on, an unlinked local account cannot take part in two-person approval with
/// a gateway identity (it may be the same person), and once linked it is that identity's person.
#[tokio::test]
async fn one_person_under_a_local_and_a_gateway_name_cannot_approve_their_own_deletion() {
    let app = header_app(&["--delete-grace", "10m", "--delete-approval", "required"]).await;
    let gateway = from("127.0.0.2");
    let approve_as = |name: &'static str, id: String| {
        gateway
            .post(format!("{}/api/deletions/approve", app.url))
            .header("origin", &app.url)
            .header("x-forwarded-email", name)
            .header("x-forwarded-groups", "meeting-admins")
            .form(&[("request_id", id)])
            .send()
    };
    // Local "ada" asks; the same person through the gateway is "ada.lovelace@example.com".
    let res = app.post_form("/api/recordings/delete", &[("meeting_id", VENDOR_MEETING), ("expected_count", "2"), ("reason", "four eyes")]).await;
    assert_eq!(res.status(), 200);
    let id = res.json::<Value>().await.unwrap()["request_id"].as_i64().unwrap().to_string();
    for name in ["ada.lovelace@example.com", "grace@example.com"] {
        let res = approve_as(name, id.clone()).await.unwrap();
        assert_eq!(res.status(), 403, "{name}: the local account is linked to nobody");
        let body = res.json::<Value>().await.unwrap();
        assert_eq!(body["kind"], "person_not_linked", "{body}");
        assert_eq!(body["account"], "ada", "{body}");
    }
    let clock = meeting_admin::server::clock::Clock::system();
    meeting_admin::server::auth::users::link(&app.db, &clock, "ada", Some("Ada.Lovelace@example.com")).await.unwrap();
    let res = approve_as("ada.lovelace@example.com", id.clone()).await.unwrap();
    assert_eq!(res.status(), 403);
    assert_eq!(res.json::<Value>().await.unwrap()["kind"], "own_deletion_request", "linked: one person");
    let res = approve_as("grace@example.com", id.clone()).await.unwrap();
    assert_eq!(res.status(), 200, "someone else may");
    let refusals = "SELECT COUNT(*) FROM audit_log WHERE action = 'approve_deletion' AND outcome = 'refused'";
    let n: i64 = meeting_admin::on_pool!(&app.db, pool => sqlx::query_scalar(refusals).fetch_one(pool).await.unwrap());
    assert_eq!(n, 3, "each refusal is audited");
}

/// What the identity provider signed is still text from outside: a critical extension we do not
/// understand, or an identity with a line break or a direction override, is refused.
#[tokio::test]
async fn a_signed_assertion_with_crit_or_a_hidden_character_in_its_identity_is_refused() {
    let ed = TestKey::ed25519("ed-1");
    let jwks = Jwks::start(&[&ed]).await;
    let app = jwt_app(&jwks).await;
    // Signed by hand: the JWT library writes no `crit`.
    let header = B64.encode(json!({"alg": "EdDSA", "kid": "ed-1", "crit": ["exp"]}).to_string());
    let payload = B64.encode(claims("ada@example.com", &["meeting-admins"]).to_string());
    let pair = Ed25519KeyPair::from_pkcs8(&ed.pkcs8).unwrap();
    let signature = B64.encode(pair.sign(format!("{header}.{payload}").as_bytes()).as_ref());
    let (status, body) = who(&app, &format!("{header}.{payload}.{signature}")).await;
    assert_eq!(status, 401, "{body}");
    assert!(body.as_str().unwrap_or_default().contains("critical extensions"), "{body}");
    for identity in ["ada@example.com\r\nforged line", "\u{202E}moc.elpmaxe@ada", "ada\u{200B}@example.com"] {
        let (status, body) = who(&app, &ed.sign(&claims(identity, &["meeting-admins"]))).await;
        assert_eq!(status, 400, "{identity:?}: {body}");
        assert!(body.as_str().unwrap_or_default().contains("not plain text"), "{identity:?}: {body}");
    }
}
