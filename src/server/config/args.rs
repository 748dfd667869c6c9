//! The dashboard's settings as clap gathers them: raw strings from flags and environment
//! variables, so `--help` lists every one with its default. `Config::from_args` parses them.

use std::path::PathBuf;

use clap::Args;

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Base URL of the ConnectyCube API.
    #[arg(long = "api-url", env = "CONNECTYCUBE_API_URL", default_value = "https://api.connectycube.com", global = true)]
    pub api_url: String,
    /// ConnectyCube administration API key. Unset (and no key file): demo mode on a built-in mock.
    #[arg(long = "api-key", env = "CONNECTYCUBE_ADMIN_API_KEY", hide_env_values = true, global = true)]
    pub api_key: Option<String>,
    /// File holding the administration API key (container secrets).
    #[arg(long = "api-key-file", env = "CONNECTYCUBE_ADMIN_API_KEY_FILE", global = true)]
    pub api_key_file: Option<PathBuf>,
    /// Database URL: sqlite://PATH (created when missing) or postgres://USER@HOST/DB (shared by replicas).
    #[arg(long = "database-url", env = "DATABASE_URL", default_value = "sqlite://meeting-admin.db", hide_env_values = true, global = true)]
    pub database_url: String,
    /// Connections each replica keeps to PostgreSQL at most.
    #[arg(long = "database-pool-size", env = "DATABASE_POOL_SIZE", default_value = "10", global = true)]
    pub database_pool_size: String,
    /// Address to listen on.
    #[arg(long = "addr", env = "LEPTOS_SITE_ADDR", default_value = "127.0.0.1:3000", global = true)]
    pub addr: String,
    /// Address to serve Prometheus metrics on (`/metrics`), apart from the app's. Unset: none.
    #[arg(long = "metrics-addr", env = "METRICS_ADDR", global = true)]
    pub metrics_addr: Option<String>,
    /// The origin users reach the dashboard at (cookies and origin checks). Default: http://ADDR.
    #[arg(long = "public-url", env = "PUBLIC_URL", global = true)]
    pub public_url: Option<String>,
    /// Log format: pretty or json.
    #[arg(long = "log-format", env = "LOG_FORMAT", default_value = "pretty", global = true)]
    pub log_format: String,
    /// Folder with the built site (wasm, JS, CSS, public files).
    #[arg(long = "site-root", env = "LEPTOS_SITE_ROOT", default_value = "target/site", global = true)]
    pub site_root: PathBuf,
    /// Total time allowed for one ConnectyCube call, e.g. 10s or 500ms.
    #[arg(long = "upstream-timeout", env = "CONNECTYCUBE_TIMEOUT", default_value = "10s", global = true)]
    pub upstream_timeout: String,
    /// Time allowed to open a connection to ConnectyCube.
    #[arg(long = "upstream-connect-timeout", env = "CONNECTYCUBE_CONNECT_TIMEOUT", default_value = "3s", global = true)]
    pub upstream_connect_timeout: String,
    /// A session ends after this long without a request (sliding).
    #[arg(long = "session-idle-timeout", env = "SESSION_IDLE_TIMEOUT", default_value = "30m", global = true)]
    pub session_idle_timeout: String,
    /// A session ends this long after sign-in, however active.
    #[arg(long = "session-max-lifetime", env = "SESSION_MAX_LIFETIME", default_value = "12h", global = true)]
    pub session_max_lifetime: String,
    /// Password for the `admin` account created on first start (default: a random one, printed once).
    #[arg(long = "admin-password", env = "ADMIN_PASSWORD", hide_env_values = true, global = true)]
    pub admin_password: Option<String>,
    /// Space-separated origins the preview player may load recordings from (CSP media-src).
    #[arg(long = "media-origins", env = "MEDIA_ORIGINS", default_value = "https://*.amazonaws.com", global = true)]
    pub media_origins: String,
    /// Header holding the client address when behind a reverse proxy (e.g. X-Forwarded-For; its
    /// last entry is used). Unset: the TCP peer address.
    #[arg(long = "client-ip-header", env = "CLIENT_IP_HEADER", global = true)]
    pub client_ip_header: Option<String>,
    /// Ed25519 private key (PKCS#8 PEM, `openssl genpkey -algorithm ed25519`) deletion records
    /// are signed with. Unset: one is made at first start and kept in the database.
    #[arg(long = "evidence-key-file", env = "EVIDENCE_KEY_FILE", global = true)]
    pub evidence_key_file: Option<PathBuf>,
    #[command(flatten)]
    pub deletions: super::deletions::DeletionArgs,
    #[command(flatten)]
    pub retention: super::retention::RetentionArgs,
    /// How long a meeting's recordings list is kept for paging and sorting the recordings page
    /// (e.g. 10s; 0 keeps nothing). "Refresh" always asks ConnectyCube.
    #[arg(long = "recordings-cache-ttl", env = "RECORDINGS_CACHE_TTL", default_value = "10s", global = true)]
    pub recordings_cache_ttl: String,
    /// Memory the kept lists may take, in MiB; the least recently used go first.
    #[arg(long = "recordings-cache-mib", env = "RECORDINGS_CACHE_MIB", default_value = "64", global = true)]
    pub recordings_cache_mib: String,
    #[command(flatten)]
    pub serving: super::serving::ServingArgs,
    #[command(flatten)]
    pub sso: crate::server::sso::SsoArgs,
}
