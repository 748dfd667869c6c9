//! Turning a `Config` into a running server: the demo mock when there is no key, the database,
//! the client, the listener, and a graceful shutdown.

use std::net::SocketAddr;
use std::time::Duration;

use leptos::config::LeptosOptions;
use tokio::net::TcpListener;

use crate::server::clock::Clock;
use crate::server::config::{Config, Upstream};
use crate::server::vendor::client::{AdminClient, ClientSettings, RetryPolicy};
use crate::server::vendor::mock::MockUpstream;
use crate::server::audit::AuditLog;
use crate::server::secret::Secret;
use crate::server::http::protection::{Csp, GuardSettings};
use crate::server::auth::{users, SessionSettings};
use crate::server::state::{AppState, AuthSettings, Shared};
use crate::server::store::{self, sessions::Sessions};

use super::background::{self, Background};

pub fn leptos_options(config: &Config) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("meeting-admin")
        .site_root(config.site_root.to_string_lossy().into_owned())
        .site_pkg_dir("pkg")
        .site_addr(config.addr)
        .build()
}

/// Start the mock upstream on a loopback port: demo mode's stand-in for ConnectyCube.
pub async fn start_mock(mock_key: &str, files_base: &str, addr: SocketAddr, clock: Clock) -> Result<(SocketAddr, MockUpstream), String> {
    let listener = TcpListener::bind(addr).await.map_err(|e| format!("cannot listen on {addr} for the mock: {e}"))?;
    let local = listener.local_addr().map_err(|e| e.to_string())?;
    let files_base = files_base.replace("{addr}", &local.to_string());
    let mock = MockUpstream::seeded(mock_key, files_base, clock);
    let router = mock.router();
    let counter = mock.clone();
    let listener = axum::serve::ListenerExt::tap_io(listener, move |_| counter.count_connection());
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, router).await {
            tracing::error!(error = %e, "mock upstream stopped");
        }
    });
    Ok((local, mock))
}

/// Everything the router needs. In demo mode this also starts the in-process mock.
pub async fn build_state(config: &Config) -> Result<(AppState, Option<MockUpstream>), String> {
    build_state_with_clock(config, Clock::system()).await
}

/// `build_state`, timing deletions by `clock` (tests move a manual one forward).
pub async fn build_state_with_clock(config: &Config, clock: Clock) -> Result<(AppState, Option<MockUpstream>), String> {
    let assets = crate::server::http::assets::init(&config.site_root).map_err(|e| e.to_string())?;
    tracing::debug!(js = %assets.js, wasm = %assets.wasm, css = %assets.css, "assets");
    let (base_url, key, mock, label) = match &config.upstream {
        Upstream::Remote { base_url, key } => (base_url.clone(), key.clone(), None, base_url.origin().ascii_serialization()),
        Upstream::Demo => {
            let key = Secret::new(random_key());
            let files = format!("{}demo-files", config.public_url);
            let (addr, mock) = start_mock(key.expose(), &files, SocketAddr::from(([127, 0, 0, 1], 0)), clock.clone()).await?;
            let url = url::Url::parse(&format!("http://{addr}/")).map_err(|e| e.to_string())?;
            (url, key, Some(mock), "built-in mock (demo mode)".to_owned())
        }
    };
    let audit_key = key.clone();
    let metrics = crate::server::metrics::Metrics::primed();
    let client = AdminClient::new(ClientSettings {
        base_url,
        key,
        timeout: config.upstream_timeout,
        connect_timeout: config.upstream_connect_timeout,
        retry: RetryPolicy::default(),
    })?
    .with_metrics(metrics.vendor.clone());
    // Demo recordings are served by us, over plain http when we are.
    let client = if mock.is_some() { client.allow_http_links_from(config.public_url.origin().ascii_serialization()) } else { client };
    // Said once here, for the operator: `/readyz` is public and names no address.
    tracing::info!(upstream = %label, "ConnectyCube admin API");
    let db = store::connect(&config.database, config.pool).await?;
    tracing::info!(backend = db.backend().as_str(), "database ready");
    let evidence = crate::server::evidence::key::SigningKey::load(config.evidence_key.clone(), &db, clock.now_ms()).await?;
    let identity = crate::server::auth::identity_cache::IdentityCache::default();
    let sessions = Sessions::new(&db, identity.clone()).await?;
    // Downloads are fetched only from where recordings are stored.
    let storage = config.media_origins.iter().cloned().chain(client.http_link_origin().map(str::to_owned)).collect::<Vec<_>>();
    let relay = crate::server::recordings::relay::Relay::new(&storage, crate::server::recordings::relay::Limits::STATED)?;
    let state = AppState::new(Shared {
        auth: AuthSettings {
            session: SessionSettings {
                idle: config.session_idle,
                absolute: config.session_max_lifetime,
                secure: config.is_https(),
            },
            client_ip_header: config.client_ip_header.clone(),
            local_login: config.local_login,
            break_glass: config.break_glass.iter().map(|a| a.to_lowercase()).collect(),
        },
        sso: config.sso.clone().map(crate::server::sso::Sso::new).transpose()?,
        oidc: crate::server::oidc::Providers::new(config.oidc.clone(), &config.public_url.origin().ascii_serialization())?,
        guard: GuardSettings {
            public_origin: config.public_url.origin().ascii_serialization(),
            https: config.is_https(),
            // Demo recordings come from /demo-files on our own origin, which 'self' covers.
            csp: Csp::new(&config.media_origins, &config.oidc.iter().map(|p| p.issuer.origin().ascii_serialization()).collect::<Vec<_>>()),
        },
        leptos_options: leptos_options(config),
        client,
        audit: AuditLog::new(db.clone(), audit_key, clock.clone()),
        db,
        demo: config.is_demo(),
        clock,
        deletions: crate::server::deletions::Deletions::new(config.deletions.clone())?,
        lease: crate::server::workers::Lease::for_this_replica(config.deletion_lease),
        bulk: crate::server::bulk::Bulk::default(),
        retention: crate::server::retention::Retention::new(config.retention_sweep_every),
        evidence,
        recordings: crate::server::recordings::lists::RecordingLists::new(crate::server::recordings::cache::RecordingsCache::new(config.recordings_cache_ttl, config.recordings_cache_bytes)),
        meeting_state: crate::server::meetings::state::MeetingStateCache::new(MEETING_STATE_BYTES),
        identity,
        sessions,
        opened: Default::default(),
        workers: crate::server::workers::Workers::new(metrics.clone()),
        relay,
        metrics,
        count_requests: config.metrics_addr.is_some(),
    });
    Ok((state, mock))
}

/// What the meetings' kept holds, deletion requests and histories may take together: a meeting
/// with a full history (200 entries) counts about 100 KB, so this keeps the latest 160 or more.
const MEETING_STATE_BYTES: usize = 16 << 20;

fn random_key() -> String {
    use rand::Rng;
    let mut rng = rand::thread_rng();
    (0..32).map(|_| char::from_digit(rng.gen_range(0..16), 16).unwrap()).collect()
}

pub async fn serve(config: Config) -> Result<(), String> {
    let (state, _mock) = build_state(&config).await?;
    bootstrap_admin(&state, &config).await?;
    crate::server::auth::password::warm_up();
    if state.demo {
        tracing::warn!("no CONNECTYCUBE_ADMIN_API_KEY: demo mode, serving data from the built-in mock");
    }
    let listener = TcpListener::bind(config.addr)
        .await
        .map_err(|e| format!("LEPTOS_SITE_ADDR (--addr): cannot listen on {}: {e}", config.addr))?;
    tracing::info!(addr = %config.addr, public_url = %config.public_url, threads = config.serving.threads.get(), "Meeting Admin listening");
    let app = super::router::router(state.clone());
    if let Some(addr) = config.metrics_addr {
        serve_metrics(addr, state.clone()).await?;
    }
    background::start(&state, Background::All);
    tokio::spawn(crate::server::allocator::give_back_freed_memory());
    crate::server::http::listening::serve(listener, app, config.serving, shutdown_signal()).await?;
    let cut = state.workers.stop(WORKERS_STOP_WITHIN).await;
    if cut > 0 {
        tracing::warn!(workers = cut, within_s = WORKERS_STOP_WITHIN.as_secs(), "workers still in a step were stopped where they stood; their leases hand the work to a replica");
    }
    if tokio::time::timeout(POOL_CLOSE_WITHIN, state.db.close()).await.is_err() {
        tracing::warn!(within_s = POOL_CLOSE_WITHIN.as_secs(), "database connections still in use at exit");
    }
    tracing::info!("shut down cleanly");
    Ok(())
}

/// Serves `/metrics` on `addr` until the process ends.
async fn serve_metrics(addr: SocketAddr, state: AppState) -> Result<(), String> {
    let listener = TcpListener::bind(addr).await.map_err(|e| format!("METRICS_ADDR (--metrics-addr): cannot listen on {addr}: {e}"))?;
    tracing::info!(%addr, "metrics served at /metrics");
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, super::metrics::router(state)).await {
            tracing::error!(error = %e, "metrics listener stopped");
        }
    });
    Ok(())
}

/// How long a stopping replica lets its workers finish the step they are on. Inside the 10 s a
/// container runtime waits after SIGTERM, with the requests' own finishing before it.
const WORKERS_STOP_WITHIN: Duration = Duration::from_secs(5);
const POOL_CLOSE_WITHIN: Duration = Duration::from_secs(2);

/// The first start has no accounts: make `admin` so someone can sign in and add the rest.
pub async fn bootstrap_admin(state: &AppState, config: &Config) -> Result<(), String> {
    let password = config.admin_password.as_ref().map(|s| s.expose());
    match users::bootstrap_admin(&state.db, &state.clock, password).await.map_err(|e| format!("cannot create the first account: {e}"))? {
        Some(generated) => {
            // Printed, never logged: log lines are shipped elsewhere; the console is the operator's.
            println!("\n  First start: created the account 'admin' with the password\n\n      {generated}\n\n  It is shown only this once. Change it with `meeting-admin user passwd admin`.\n");
            tracing::warn!("created the first account 'admin' with a generated password (printed on the console)");
        }
        None if password.is_some() => tracing::info!("ADMIN_PASSWORD is set but accounts exist; it was not used"),
        None => {}
    }
    Ok(())
}

/// SIGINT or SIGTERM: stop accepting, let in-flight requests finish.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutdown signal received; finishing in-flight requests");
}
