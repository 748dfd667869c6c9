//! `TestApp`: the whole dashboard on port 0 against the mock upstream on another port.

use std::net::SocketAddr;
use std::time::Duration;

use clap::Parser;
use meeting_admin::server::config::{Cli, Config};
use meeting_admin::server::connectycube::{AdminClient, ClientSettings, RetryPolicy};
use meeting_admin::server::mock_upstream::{Faults, MockUpstream};
use meeting_admin::server::secret::Secret;
use meeting_admin::server::{http, startup};
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

pub struct TestApp {
    pub url: String,
    pub upstream: Mock,
    pub http: reqwest::Client,
    _dir: TempDir,
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
        let mut argv = vec![
            "meeting-admin",
            "--database-url",
            &db,
            "--addr",
            "127.0.0.1:0",
            "--upstream-timeout",
            "1s",
        ];
        argv.extend_from_slice(extra_args);
        let cli = Cli::try_parse_from(argv).unwrap();
        let config = Config::from_args(&cli.serve).unwrap();
        let (state, _) = startup::build_state(&config).await.expect("state builds");
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let app = http::build_router(state);
        tokio::spawn(async move {
            axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>()).await.unwrap();
        });
        let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        Self { url: format!("http://{addr}"), upstream, http, _dir: dir }
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http.get(format!("{}{path}", self.url)).send().await.unwrap()
    }

    pub async fn post_form(&self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.http
            .post(format!("{}{path}", self.url))
            .header("origin", &self.url)
            .form(form)
            .send()
            .await
            .unwrap()
    }
}
