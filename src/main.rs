#![recursion_limit = "512"]
#[cfg(feature = "ssr")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Hands freed memory back to the OS at once (mimalloc v3 waits a second by default), and commits
/// arenas only as they are used (the first one: `.cargo/config.toml`). Measured on the
/// 1,000-recording page (8 s at 25 connections, 10 s settle): idle RSS 36 → 18 MiB, peak
/// 81 → 49 MiB, after 100 → 44 MiB, for about 40% fewer requests/s on that page (a 100 ms delay
/// kept the requests/s but left 39 MiB idle after one sign-in, 88 MiB after 5,000-row pages).
/// A replica's footprint matters more here than the throughput of the largest page; set
/// `MIMALLOC_PURGE_DELAY=100` for the other trade.
#[cfg(feature = "ssr")]
fn tune_allocator() {
    // Indices in mimalloc v3's `mi_option_e` (libmimalloc-sys 0.1.49, pinned in Cargo.toml; the
    // crate does not name these two).
    const ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;
    const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
    // mimalloc's own variables still win, for whoever tunes a replica.
    for (option, var) in [(ARENA_EAGER_COMMIT, "MIMALLOC_ARENA_EAGER_COMMIT"), (PURGE_DELAY, "MIMALLOC_PURGE_DELAY")] {
        if std::env::var_os(var).is_none() {
            // SAFETY: a plain setter of a global option, read when mimalloc next purges or
            // reserves an arena; 0 is within both options' documented ranges.
            unsafe { libmimalloc_sys::mi_option_set(option, 0) };
        }
    }
}

#[cfg(feature = "ssr")]
#[tokio::main]
async fn main() -> std::process::ExitCode {
    tune_allocator();
    use clap::Parser;
    use meeting_admin::server::config::{Cli, Command, Config};
    use meeting_admin::server::{startup, telemetry};
    use std::process::ExitCode;

    let cli = Cli::parse();
    let config = match Config::from_args(&cli.serve) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("meeting-admin: invalid configuration: {e}");
            return ExitCode::from(2);
        }
    };
    telemetry::init(config.log_format);
    let result = match cli.command {
        None | Some(Command::Serve) => startup::serve(config).await,
        Some(Command::MockUpstream(m)) => run_mock(m).await,
        Some(Command::Healthcheck) => healthcheck(config.addr).await,
        Some(Command::Migrate) => meeting_admin::server::store::connect(&config.database, config.pool).await.map(|db| {
            println!("{} database is up to date", db.backend().as_str());
        }),
        Some(Command::User(cmd)) => meeting_admin::server::user_cli::run(&config, cmd).await,
        Some(Command::Audit(cmd)) => meeting_admin::server::audit_cli::run(&config, cmd).await,
    };
    let code = match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e}");
            eprintln!("meeting-admin: {e}");
            ExitCode::FAILURE
        }
    };
    telemetry::flush();
    code
}

#[cfg(feature = "ssr")]
async fn run_mock(m: meeting_admin::server::config::MockArgs) -> Result<(), String> {
    let addr: std::net::SocketAddr =
        m.mock_addr.parse().map_err(|_| format!("--mock-addr: '{}' is not an address", m.mock_addr))?;
    let (local, _mock) = meeting_admin::server::startup::start_mock(&m.mock_key, "http://{addr}/files", addr).await?;
    tracing::info!(addr = %local, "mock ConnectyCube admin API listening");
    println!("mock upstream listening on http://{local}");
    let _ = tokio::signal::ctrl_c().await;
    Ok(())
}

/// Asks our own /healthz over loopback; an unspecified listen address means this host.
#[cfg(feature = "ssr")]
async fn healthcheck(mut addr: std::net::SocketAddr) -> Result<(), String> {
    if addr.ip().is_unspecified() {
        addr.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
    }
    let res = reqwest::Client::new()
        .get(format!("http://{addr}/healthz"))
        .timeout(std::time::Duration::from_secs(3))
        .send()
        .await
        .map_err(|e| format!("healthcheck: {e}"))?;
    if res.status().is_success() {
        Ok(())
    } else {
        Err(format!("healthcheck: /healthz answered {}", res.status()))
    }
}

#[cfg(not(feature = "ssr"))]
fn main() {
    // The wasm build has no binary; cargo-leptos builds the library for the browser.
}
