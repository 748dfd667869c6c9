//! `TestApp`: the whole dashboard on port 0 against the mock upstream on another port.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use clap::Parser;
use meeting_admin::server::config::{Cli, Config};
use meeting_admin::server::vendor::client::{AdminClient, ClientSettings, RetryPolicy};
use meeting_admin::server::vendor::mock::{Faults, MockUpstream};
use meeting_admin::server::secret::Secret;
use meeting_admin::domain::Role;
use meeting_admin::server::auth::users::{self, Username};
use meeting_admin::serve::background::{self, Background};
use meeting_admin::serve::{router, startup};
use meeting_admin::server::clock::Clock;
use meeting_admin::server::state::AppState;
use meeting_admin::server::store::Store;
use tempfile::TempDir;
use tokio::net::TcpListener;

pub const KEY: &str = "itest-sentinel-key-5d2c";
pub const VENDOR_MEETING: &str = "6932e0f8652986000d48148a";

#[derive(Clone)]
pub struct Mock {
    pub mock: MockUpstream,
    pub url: String,
}

impl Mock {
    pub async fn start() -> Self {
        let (addr, mock) = startup::start_mock(KEY, "http://{addr}/files", SocketAddr::from(([127, 0, 0, 1], 0)), Clock::system())
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

/// A valid create-meeting form body named `name` (the fields a browser without JavaScript posts).
pub fn create_form(name: &str) -> Vec<(&'static str, String)> {
    [
        ("form[host_id]", "32242"),
        ("form[name]", name),
        ("form[start]", "2026-07-15T10:00"),
        ("form[end]", "2026-07-15T11:00"),
        ("form[timezone]", "Europe/Riga"),
        ("form[notify_metric]", "hours"),
        ("form[notify_value]", "2"),
    ]
    .into_iter()
    .map(|(k, v)| (k, v.to_owned()))
    .collect()
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
    pub db: Store,
    /// The `DATABASE_URL` this app runs on (for the CLI, or a second replica).
    pub database_url: String,
    /// Times deletions: `advance` it instead of waiting for a grace period.
    pub clock: Clock,
    /// The app's own state (tests run its deletion worker by hand with it).
    pub state: AppState,
    /// Where its `/metrics` is served (as `METRICS_ADDR` would; requests are counted only when
    /// the app was started with `--metrics-addr`).
    pub metrics_url: String,
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
        // No answer in a minute is a hang, not slowness: fail with the address rather than stall the run.
        let res = req.timeout(Duration::from_secs(60)).send().await.unwrap_or_else(|e| panic!("no answer: {e}"));
        for v in res.headers().get_all("set-cookie") {
            let v = v.to_str().unwrap();
            let pair = v.split(';').next().unwrap().to_owned();
            // The session's cookie; others (a re-rendered form's page) are for tests to read.
            if !pair.starts_with("meeting-admin=") && !pair.starts_with("__Host-meeting-admin=") {
                continue;
            }
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

pub struct Replicas {
    pub upstream: Mock,
    pub apps: Vec<TestApp>,
    pub clock: Clock,
    pub dir: TempDir,
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

    /// The vendor's address has nothing listening (a port that was just free).
    pub async fn spawn_unreachable() -> Self {
        let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
        let url = format!("http://{closed}");
        Self::launch(Mock::start().await, &["--api-key", KEY, "--api-url", &url]).await
    }

    /// No key: the app starts its own in-process mock, as `serve` does for a demo.
    pub async fn spawn_demo() -> Self {
        // This mock stays unused; the app's own is reachable only through the app.
        Self::launch(Mock::start().await, &[]).await
    }

    async fn launch(upstream: Mock, extra_args: &[&str]) -> Self {
        Self::launch_on(upstream, None, extra_args).await
    }

    /// `n` replicas on one database and one vendor, timed by one clock, with these settings,
    /// each running its own deletion worker. Started one after another: two pools on one
    /// SQLite file work, but only PostgreSQL serialises migrations started at once.
    pub async fn replicas_with(upstream: &Mock, database_url: &str, n: usize, clock: &Clock, extra_args: &[&str]) -> Vec<Self> {
        let mut args = vec!["--api-key", KEY, "--api-url", &upstream.url];
        args.extend_from_slice(extra_args);
        let mut apps = Vec::with_capacity(n);
        for _ in 0..n {
            apps.push(Self::launch_clocked(upstream.clone(), Some(database_url.to_owned()), &args, clock.clone(), Background::All).await);
        }
        apps
    }

    /// `n` replicas, each running its own workers, on a new database and a new vendor, timed by
    /// one manual clock. Keep `Replicas::dir` for as long as they run: it holds an SQLite file.
    pub async fn replicas(n: usize, extra_args: &[&str]) -> Replicas {
        let upstream = Mock::start().await;
        let dir = tempfile::tempdir().unwrap();
        let db = database::fresh(dir.path()).await;
        let clock = Clock::manual();
        let apps = Self::replicas_with(&upstream, &db, n, &clock, extra_args).await;
        Replicas { upstream, apps, clock, dir }
    }

    /// `n` replicas started at the same moment on one database (empty or not) and one vendor.
    pub async fn replicas_on(upstream: &Mock, database_url: &str, n: usize) -> Vec<Self> {
        let args = ["--api-key", KEY, "--api-url", &upstream.url];
        let starts = (0..n).map(|_| Self::launch_on(upstream.clone(), Some(database_url.to_owned()), &args));
        futures_util::future::join_all(starts).await
    }

    /// The app on `database_url`, or on a new, empty database when `None`.
    pub async fn launch_on(upstream: Mock, database_url: Option<String>, extra_args: &[&str]) -> Self {
        Self::launch_clocked(upstream, database_url, extra_args, Clock::manual(), Background::NoDeletionWorker).await
    }

    /// Replicas run their own deletion workers; a single app leaves them to the test's
    /// `deletions::worker::tick`, so what a test counts is what it ran.
    async fn launch_clocked(upstream: Mock, database_url: Option<String>, extra_args: &[&str], clock: Clock, background: Background) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let db = match database_url {
            Some(url) => url,
            None => database::fresh(dir.path()).await,
        };
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let public = format!("http://{addr}");
        let mut argv = vec!["meeting-admin", "--database-url", &db, "--addr", "127.0.0.1:0", "--upstream-timeout", "1s"];
        if !extra_args.contains(&"--public-url") {
            argv.extend(["--public-url", &public]);
        }
        // Deleting at once, as the suites written before grace periods expect; deletion tests set their own.
        if !extra_args.contains(&"--delete-grace") {
            argv.extend(["--delete-grace", "0"]);
        }
        // Every view asks the vendor, as the suites that change the mock between views expect;
        // the cache's own tests turn it on.
        if !extra_args.contains(&"--recordings-cache-ttl") {
            argv.extend(["--recordings-cache-ttl", "0"]);
        }
        argv.extend_from_slice(extra_args);
        let cli = Cli::try_parse_from(argv).unwrap();
        let config = Config::from_args(&cli.serve).unwrap();
        let (state, _) = startup::build_state_with_clock(&config, clock.clone()).await.expect("state builds");
        for (name, role) in [(ADMIN, Role::Admin), (OPERATOR, Role::Operator), (VIEWER, Role::Viewer)] {
            match users::add(&state.db, &state.clock, &Username::parse(name).unwrap(), role, PASSWORD).await {
                // Another replica on this database made it first.
                Ok(()) | Err(users::UserError::Exists(_)) => {}
                Err(e) => panic!("cannot add {name}: {e}"),
            }
        }
        let state_db = state.db.clone();
        let app_state = state.clone();
        let metrics_listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let metrics_url = format!("http://{}/metrics", metrics_listener.local_addr().unwrap());
        let metrics_app = meeting_admin::serve::metrics::router(state.clone());
        tokio::spawn(async move { axum::serve(metrics_listener, metrics_app).await.unwrap() });
        let app = router::router(state);
        background::start(&app_state, background);
        tokio::spawn(async move {
            axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>()).await.unwrap();
        });
        let http = Browser::new(&public);
        // An https PUBLIC_URL refuses our http Origin; such tests sign in themselves.
        if !extra_args.contains(&"--public-url") && !extra_args.contains(&"--local-login") {
            assert_eq!(http.sign_in(ADMIN, PASSWORD).await.status(), 200);
        }
        Self { url: public, upstream, http, db: state_db, database_url: db, clock, state: app_state, metrics_url, _dir: dir }
    }

    /// What Prometheus would scrape from this app now.
    pub async fn metrics(&self) -> Metrics {
        let res = reqwest::get(&self.metrics_url).await.unwrap();
        assert_eq!(res.status(), 200);
        Metrics(res.text().await.unwrap())
    }

    /// A new client signed in as `user`.
    pub async fn as_user(&self, user: &str) -> Browser {
        let b = Browser::new(&self.url);
        assert_eq!(b.sign_in(user, PASSWORD).await.status(), 200, "sign in as {user}");
        b
    }

    /// Until `/readyz` says changes are followed (`"identity_cache": "live"`): the listener or
    /// poller starts beside the server, a moment after it answers.
    pub async fn wait_identity_cache_live(&self) {
        let start = std::time::Instant::now();
        loop {
            let ready: serde_json::Value = self.anonymous().get("/readyz").await.json().await.unwrap();
            if ready["identity_cache"] == "live" {
                return;
            }
            assert!(start.elapsed() < Duration::from_secs(5), "changes were not followed within 5 s: {ready}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
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

/// The database a test runs on. The whole suite runs twice: on SQLite files, and with
/// `MEETING_ADMIN_TEST_POSTGRES` naming a PostgreSQL server (scripts/test.sh starts a throwaway
/// one), where each app gets a new, empty database of its own.
pub mod database {
    use std::path::Path;

    use sqlx::{Connection, Executor};

    pub const POSTGRES_VAR: &str = "MEETING_ADMIN_TEST_POSTGRES";

    /// The server's URL when this run is on PostgreSQL.
    pub fn postgres_server() -> Option<String> {
        std::env::var(POSTGRES_VAR).ok().filter(|v| !v.is_empty())
    }

    pub fn is_postgres() -> bool {
        postgres_server().is_some()
    }

    /// A new, empty database: an SQLite file in `dir`, or a new database on the PostgreSQL server.
    pub async fn fresh(dir: &Path) -> String {
        match postgres_server() {
            Some(server) => {
                let name = format!("t_{}", uuid::Uuid::new_v4().simple());
                let mut conn = sqlx::PgConnection::connect(&server).await.expect("the test PostgreSQL server answers");
                conn.execute(format!("CREATE DATABASE {name}").as_str()).await.unwrap();
                let _ = conn.close().await;
                let mut url = url::Url::parse(&server).unwrap();
                url.set_path(&name);
                url.to_string()
            }
            None => format!("sqlite://{}", dir.join(format!("{}.db", uuid::Uuid::new_v4().simple())).display()),
        }
    }
}

/// Every log line the servers in this test binary write, as JSON, and the panics they raise.
pub mod logs {
    use std::io;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Mutex, OnceLock};

    use tracing_subscriber::fmt::MakeWriter;

    #[derive(Clone, Default)]
    struct Capture(Arc<Mutex<Vec<u8>>>);

    impl io::Write for Capture {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    impl<'a> MakeWriter<'a> for Capture {
        type Writer = Capture;
        fn make_writer(&'a self) -> Self::Writer {
            self.clone()
        }
    }

    static CAPTURE: OnceLock<Capture> = OnceLock::new();
    static SERVER_PANICS: AtomicUsize = AtomicUsize::new(0);

    /// Starts capturing (once per test binary): JSON lines, as `LOG_FORMAT=json` writes them.
    pub fn capture() {
        CAPTURE.get_or_init(|| {
            let capture = Capture::default();
            let _ = meeting_admin::server::telemetry::json_logs(tracing_subscriber::EnvFilter::new("info"), capture.clone());
            // A failed assertion panics in tests/; a panic anywhere else is the server's.
            let default = std::panic::take_hook();
            std::panic::set_hook(Box::new(move |info| {
                if !info.location().is_some_and(|l| l.file().starts_with("tests/")) {
                    SERVER_PANICS.fetch_add(1, Ordering::SeqCst);
                }
                default(info);
            }));
            capture
        });
    }

    /// Lines containing `needle` (a request id, say).
    pub fn lines_with(needle: &str) -> Vec<String> {
        let Some(c) = CAPTURE.get() else { return vec![] };
        let all = c.0.lock().unwrap();
        String::from_utf8_lossy(&all).lines().filter(|l| l.contains(needle)).map(str::to_owned).collect()
    }

    pub fn server_panics() -> usize {
        SERVER_PANICS.load(Ordering::SeqCst)
    }
}

/// The real binary, started as an operator would (`serve`), against a mock upstream.
pub mod binary {
    use std::process::{Child, Command, Stdio};
    use std::time::{Duration, Instant};

    use serde_json::Value;

    pub const PASSWORD: &str = "binary test password";

    pub struct Server {
        pub child: Child,
        pub url: String,
        pub port: u16,
    }

    fn free_port() -> u16 {
        std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
    }

    /// Deletions at once (no grace), `admin` with `PASSWORD`.
    pub async fn start(db: &str, upstream: &str) -> Server {
        start_with(db, upstream, &["--delete-grace", "0"]).await
    }

    /// Ready (`/readyz` answers 200) when this returns.
    pub async fn start_with(db: &str, upstream: &str, extra: &[&str]) -> Server {
        started(db, upstream, extra, Stdio::null()).await
    }

    /// As `start_with`, its log (JSON lines) written to `log`.
    pub async fn start_logged(db: &str, upstream: &str, extra: &[&str], log: &std::path::Path) -> Server {
        let out = std::fs::File::create(log).expect("the log file can be created");
        started(db, upstream, &[extra, &["--log-format", "json"]].concat(), Stdio::from(out)).await
    }

    async fn started(db: &str, upstream: &str, extra: &[&str], out: Stdio) -> Server {
        let port = free_port();
        let url = format!("http://127.0.0.1:{port}");
        let child = Command::new(env!("CARGO_BIN_EXE_meeting-admin"))
            .args(["--database-url", db, "--addr", &format!("127.0.0.1:{port}"), "--public-url", &url])
            .args(["--api-url", upstream, "--upstream-timeout", "5s", "--admin-password", PASSWORD])
            .args(extra)
            .env("CONNECTYCUBE_ADMIN_API_KEY", super::KEY)
            .env_remove("CONNECTYCUBE_ADMIN_API_KEY_FILE")
            .env_remove("RUST_LOG")
            .stdout(out)
            .stderr(Stdio::null())
            .spawn()
            .expect("the binary starts");
        let probe = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(20);
        while probe.get(format!("{url}/readyz")).send().await.map(|r| r.status() != 200).unwrap_or(true) {
            assert!(Instant::now() < deadline, "the server did not become ready");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Server { child, url, port }
    }

    /// A test that fails must not leave a server running.
    impl Drop for Server {
        fn drop(&mut self) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }

    /// The audit log of the last day, as `meeting-admin audit export` prints it.
    pub fn export(db: &str) -> Vec<Value> {
        let out = Command::new(env!("CARGO_BIN_EXE_meeting-admin"))
            .args(["--database-url", db, "audit", "export", "--since", "1d"])
            .env_remove("CONNECTYCUBE_ADMIN_API_KEY")
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
    }
}

/// A stand-in for the approval webhook (a Slack endpoint), on its own port: it takes notices,
/// refuses them (503), or holds them without answering, as the test sets it.
pub mod webhook {
    use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};
    use std::sync::Arc;
    use std::time::Duration;

    use serde_json::Value;
    use tokio::sync::{mpsc, Mutex};

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    #[repr(u8)]
    pub enum Answer {
        Take,
        Refuse,
        Hold,
    }

    pub struct Hook {
        pub url: String,
        answer: Arc<AtomicU8>,
        tries: Arc<AtomicUsize>,
        taken: Mutex<mpsc::UnboundedReceiver<Value>>,
    }

    impl Hook {
        pub async fn start(answer: Answer) -> Self {
            let (tx, rx) = mpsc::unbounded_channel::<Value>();
            let (mode, tries) = (Arc::new(AtomicU8::new(answer as u8)), Arc::new(AtomicUsize::new(0)));
            let (m, t) = (mode.clone(), tries.clone());
            let router = axum::Router::new().route(
                "/hook/T0/secret",
                axum::routing::post(move |axum::Json(v): axum::Json<Value>| {
                    let (tx, m, t) = (tx.clone(), m.clone(), t.clone());
                    async move {
                        t.fetch_add(1, Ordering::SeqCst);
                        match m.load(Ordering::SeqCst) {
                            x if x == Answer::Take as u8 => {
                                let _ = tx.send(v);
                                axum::http::StatusCode::OK
                            }
                            x if x == Answer::Refuse as u8 => axum::http::StatusCode::SERVICE_UNAVAILABLE,
                            _ => std::future::pending::<axum::http::StatusCode>().await,
                        }
                    }
                }),
            );
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let url = format!("http://{}/hook/T0/secret", listener.local_addr().unwrap());
            tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
            Self { url, answer: mode, tries, taken: Mutex::new(rx) }
        }

        pub fn answer(&self, answer: Answer) {
            self.answer.store(answer as u8, Ordering::SeqCst);
        }

        /// Posts received, whatever they were answered.
        pub fn tries(&self) -> usize {
            self.tries.load(Ordering::SeqCst)
        }

        /// The next notice taken, if one comes within `within`.
        pub async fn next(&self, within: Duration) -> Option<Value> {
            tokio::time::timeout(within, self.taken.lock().await.recv()).await.ok().flatten()
        }

        /// Waits until `n` posts have come, whatever they were answered.
        pub async fn tried(&self, n: usize, within: Duration) {
            let deadline = std::time::Instant::now() + within;
            while self.tries() < n {
                assert!(std::time::Instant::now() < deadline, "the webhook was tried {} times, not {n}", self.tries());
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
    }
}

/// A scrape of `/metrics`, in the Prometheus text format.
#[derive(Debug, Clone)]
pub struct Metrics(pub String);

impl Metrics {
    /// The value of the series written exactly as `series` (name and labels in the order the app
    /// writes them), or 0 when it is not there yet.
    pub fn value(&self, series: &str) -> f64 {
        self.0
            .lines()
            .filter(|l| !l.starts_with('#'))
            .find_map(|l| l.rsplit_once(' ').filter(|(name, _)| *name == series).map(|(_, v)| v.parse().unwrap()))
            .unwrap_or(0.0)
    }
}

/// What a reader sees of a piece of HTML: the text without its tags (and Leptos' markers).
pub fn visible_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}
