#![recursion_limit = "512"]
#[cfg(feature = "ssr")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[cfg(feature = "ssr")]
fn main() -> std::process::ExitCode {
    meeting_admin::server::allocator::tune();
    use clap::Parser;
    use meeting_admin::server::config::{Cli, Config};
    use std::process::ExitCode;

    let cli = Cli::parse();
    let config = match Config::from_args(&cli.serve) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("meeting-admin: invalid configuration: {e}");
            return ExitCode::from(2);
        }
    };
    // HTTP_THREADS: the runtime's workers serve the requests.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(config.serving.threads.get())
        .on_thread_park(meeting_admin::server::allocator::on_idle)
        .enable_all()
        .build();
    match runtime {
        Ok(runtime) => runtime.block_on(run(cli, config)),
        Err(e) => {
            eprintln!("meeting-admin: cannot start the runtime: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(feature = "ssr")]
async fn run(cli: meeting_admin::server::config::Cli, config: meeting_admin::server::config::Config) -> std::process::ExitCode {
    use meeting_admin::serve::startup;
    use meeting_admin::server::config::Command;
    use meeting_admin::server::telemetry;
    use std::process::ExitCode;

    telemetry::init(config.log_format);
    let result = match cli.command {
        None | Some(Command::Serve) => startup::serve(config).await,
        Some(Command::MockUpstream(m)) => run_mock(m).await,
        Some(Command::Healthcheck) => healthcheck(config.addr).await,
        Some(Command::Migrate) => meeting_admin::server::store::connect(&config.database, config.pool).await.map(|db| {
            println!("{} database is up to date", db.backend().as_str());
        }),
        Some(Command::User(cmd)) => meeting_admin::server::cli::user::run(&config, cmd).await,
        Some(Command::Audit(cmd)) => meeting_admin::server::cli::audit::run(&config, cmd).await,
        Some(Command::Evidence(cmd)) => meeting_admin::server::cli::evidence::run(&config, cmd).await,
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
    let (local, _mock) = meeting_admin::serve::startup::start_mock(&m.mock_key, "http://{addr}/files", addr, meeting_admin::server::clock::Clock::system()).await?;
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
