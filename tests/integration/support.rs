//! `TestApp`: the whole dashboard on port 0 against the mock upstream on another port.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use clap::Parser;
use meeting_admin::server::config::{Cli, Config};
use meeting_admin::server::connectycube::{AdminClient, ClientSettings, RetryPolicy};
use meeting_admin::server::mock_upstream::{Faults, MockUpstream};
use meeting_admin::server::secret::Secret;
use meeting_admin::domain::Role;
use meeting_admin::server::auth::users::{self, Username};
use meeting_admin::server::{http, startup};
use sqlx::SqlitePool;
use tempfile::TempDir;
use tokio::net::TcpListener;

pub const KEY: &str = "itest-sentinel-key-5d2c";
pub const VENDOR_MEETING: &str = "6932e0f8652986000d48148a";

pub struct Mock {
    pub mock: MockUpstream,
    pub url: String,
}

impl Mock {
    pub async fn start() -> Self {
        let (addr, mock) = startup::start_mock(KEY, "http://{addr}/files", SocketAddr::from(([127, 0, 0, 1], 0)))
            .await
            .expect("mock starts");
        Self { mock, url: format!("http://{addr}") }
    }

    pub fn client(&self, key: &str, timeout: Duration) -> AdminClient {
        AdminClient::new(ClientSettings {
            base_url: url::Url::parse(&self.url).unwrap(),
            key: Secret::new(key),
            timeout,
            connect_timeout: Duration::from_secs(1),
            retry: RetryPolicy { max_retries: 2, base_delay: Duration::from_millis(10), max_retry_after: Duration::from_secs(2) },
        })
        .unwrap()
    }

    pub fn faults(&self, f: Faults) {
        self.mock.set_faults(f);
    }

    pub fn count(&self, method: &str) -> usize {
        self.mock.requests().iter().filter(|r| r.method == method).count()
    }
}

/// Staff accounts every `TestApp` has, one per role.
pub const PASSWORD: &str = "integration-test-password";
pub const ADMIN: &str = "ada";
pub const OPERATOR: &str = "otto";
pub const VIEWER: &str = "vera";

pub struct TestApp {
    pub url: String,
    pub upstream: Mock,
    /// Signed in as `ADMIN`; `as_user` and `anonymous` give other clients.
    pub http: Browser,
    pub db: SqlitePool,
    _dir: TempDir,
}

/// A client that keeps its session cookie, as a browser does, and sends our Origin on POSTs.
#[derive(Clone)]
pub struct Browser {
    pub base: String,
    pub client: reqwest::Client,
    pub cookie: Arc<Mutex<Option<String>>>,
}

impl Browser {
    pub fn new(base: &str) -> Self {
        let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        Self { base: base.to_owned(), client, cookie: Arc::default() }
    }

    pub fn cookie(&self) -> Option<String> {
        self.cookie.lock().unwrap().clone()
    }

    pub fn set_cookie(&self, c: Option<String>) {
        *self.cookie.lock().unwrap() = c;
    }

    pub async fn send(&self, req: reqwest::RequestBuilder) -> reqwest::Response {
        let req = match self.cookie() {
            Some(c) => req.header("cookie", c),
            None => req,
        };
        let res = req.send().await.unwrap();
        for v in res.headers().get_all("set-cookie") {
            let v = v.to_str().unwrap();
            let pair = v.split(';').next().unwrap().to_owned();
            let removed = v.to_ascii_lowercase().contains("max-age=0") || pair.ends_with('=');
            self.set_cookie(if removed { None } else { Some(pair) });
        }
        res
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.send(self.client.get(format!("{}{path}", self.base))).await
    }

    pub async fn post_form(&self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.send(self.client.post(format!("{}{path}", self.base)).header("origin", &self.base).form(form)).await
    }

    /// As the sign-in page's plain form does (so success is a 302 into the app).
    pub async fn sign_in(&self, user: &str, password: &str) -> reqwest::Response {
        self.sign_in_to(user, password, "/").await
    }

    pub async fn sign_in_to(&self, user: &str, password: &str, next: &str) -> reqwest::Response {
        let form = [("username", user), ("password", password), ("next", next)];
        let req = self.client.post(format!("{}/api/sign_in", self.base)).header("origin", &self.base).header("accept", "application/json");
        self.send(req.form(&form)).await
    }
}

impl TestApp {
    pub async fn spawn() -> Self {
        Self::spawn_with(&[]).await
    }

    pub async fn spawn_with(extra_args: &[&str]) -> Self {
        let upstream = Mock::start().await;
        let url = upstream.url.clone();
        let mut args = vec!["--api-key", KEY, "--api-url", &url];
        args.extend_from_slice(extra_args);
        Self::launch(upstream, &args).await
    }

    /// No key: the app starts its own in-process mock, as `serve` does for a demo.
    pub async fn spawn_demo() -> Self {
        // This mock stays unused; the app's own is reachable only through the app.
        Self::launch(Mock::start().await, &[]).await
    }

    async fn launch(upstream: Mock, extra_args: &[&str]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let db = format!("sqlite://{}", dir.path().join("test.db").display());
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let public = format!("http://{addr}");
        let mut argv = vec!["meeting-admin", "--database-url", &db, "--addr", "127.0.0.1:0", "--upstream-timeout", "1s"];
        if !extra_args.contains(&"--public-url") {
            argv.extend(["--public-url", &public]);
        }
        argv.extend_from_slice(extra_args);
        let cli = Cli::try_parse_from(argv).unwrap();
        let config = Config::from_args(&cli.serve).unwrap();
        let (state, _) = startup::build_state(&config).await.expect("state builds");
        for (name, role) in [(ADMIN, Role::Admin), (OPERATOR, Role::Operator), (VIEWER, Role::Viewer)] {
            users::add(&state.db, &Username::parse(name).unwrap(), role, PASSWORD).await.unwrap();
        }
        let db = state.db.clone();
        let app = http::build_router(state).await.expect("router builds");
        tokio::spawn(async move {
            axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>()).await.unwrap();
        });
        let http = Browser::new(&public);
        // An https PUBLIC_URL refuses our http Origin; such tests sign in themselves.
        if !extra_args.contains(&"--public-url") && !extra_args.contains(&"--local-login") {
            assert_eq!(http.sign_in(ADMIN, PASSWORD).await.status(), 200);
        }
        Self { url: public, upstream, http, db, _dir: dir }
    }

    /// A new client signed in as `user`.
    pub async fn as_user(&self, user: &str) -> Browser {
        let b = Browser::new(&self.url);
        assert_eq!(b.sign_in(user, PASSWORD).await.status(), 200, "sign in as {user}");
        b
    }

    /// A new client with no session.
    pub fn anonymous(&self) -> Browser {
        Browser::new(&self.url)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http.get(path).await
    }

    pub async fn post_form(&self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.http.post_form(path, form).await
    }
}
