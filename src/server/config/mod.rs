//! Typed configuration. clap gathers raw strings from flags and environment variables (so
//! `--help` lists every one with its default); `Config::from_args` then parses them and reports
//! the first bad one by its variable name.

use std::net::SocketAddr;
use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use url::Url;

pub mod values;

use self::values::{bad, parse_http_url};
pub use self::values::{parse_duration, ConfigError};
use super::secret::Secret;
use super::store::{DatabaseTarget, PoolSettings};

#[derive(Debug, Parser)]
#[command(name = "meeting-admin", version, about = "Meeting Admin: administer ConnectyCube meetings and recordings")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub serve: ServeArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the dashboard (the default when no command is given).
    Serve,
    /// Run the built-in mock of the ConnectyCube admin API on its own, for tests and trials.
    MockUpstream(MockArgs),
    /// Exit 0 if the server at LEPTOS_SITE_ADDR answers /healthz (for container health checks).
    Healthcheck,
    /// Apply the database migrations and exit (run as the owner role; `serve` then needs no
    /// CREATE rights on PostgreSQL).
    Migrate,
    /// Manage local staff accounts (in DATABASE_URL).
    #[command(subcommand)]
    User(UserCommand),
    /// Read the audit log (in DATABASE_URL).
    #[command(subcommand)]
    Audit(AuditCommand),
}

#[derive(Debug, Clone, Subcommand)]
pub enum AuditCommand {
    /// Print entries as JSON lines, oldest first, for a SIEM.
    Export {
        /// From when: a UTC date (2026-11-01), an RFC 3339 time (2026-11-01T08:00:00Z), or a
        /// span back from now (90m, 24h, 7d).
        #[arg(long)]
        since: String,
    },
}

#[derive(Debug, Clone, Subcommand)]
pub enum UserCommand {
    /// Create an account; the password is read from stdin (prompted on a terminal).
    Add {
        name: String,
        /// viewer (recordings), operator (also create meetings) or admin (also delete, audit log).
        #[arg(long, default_value = "viewer")]
        role: String,
    },
    /// Set a new password (read like `add`); also re-enables a disabled account and ends the
    /// sessions signed in before it.
    Passwd { name: String },
    /// Change an account's role; it applies at the account's next request.
    Role {
        name: String,
        /// viewer, operator or admin.
        role: String,
    },
    /// Disable an account; its sessions end at their next request.
    Disable { name: String },
    /// List accounts with their role and state.
    List,
}

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
    /// How long a confirmed deletion waits, cancellable, before ConnectyCube is asked (e.g. 10m;
    /// 0 deletes at once, as soon as it is confirmed and, where required, approved).
    #[arg(long = "delete-grace", env = "DELETE_GRACE", default_value = "10m", global = true)]
    pub delete_grace: String,
    /// `required`: a deletion waits for a second person allowed to delete; `off`: it does not.
    #[arg(long = "delete-approval", env = "DELETE_APPROVAL", default_value = "off", global = true)]
    pub delete_approval: String,
    /// A deletion nobody approved or rejected expires after this long.
    #[arg(long = "delete-approval-ttl", env = "DELETE_APPROVAL_TTL", default_value = "24h", global = true)]
    pub delete_approval_ttl: String,
    /// Where to POST (JSON with a Slack-compatible `text`) when a deletion waits for approval.
    #[arg(long = "approval-webhook-url", env = "APPROVAL_WEBHOOK_URL", hide_env_values = true, global = true)]
    pub approval_webhook_url: Option<String>,
    /// How long a replica's claim on a running deletion lasts unrenewed: after a replica stops
    /// mid-deletion, another takes the request over this long after (and never deletes twice).
    #[arg(long = "deletion-lease", env = "DELETION_LEASE", default_value = "30s", global = true)]
    pub deletion_lease: String,
    /// How long a meeting's recordings list is kept for paging and sorting the recordings page
    /// (e.g. 10s; 0 keeps nothing). "Refresh" always asks ConnectyCube.
    #[arg(long = "recordings-cache-ttl", env = "RECORDINGS_CACHE_TTL", default_value = "10s", global = true)]
    pub recordings_cache_ttl: String,
    /// Memory the kept lists may take, in MiB; the least recently used go first.
    #[arg(long = "recordings-cache-mib", env = "RECORDINGS_CACHE_MIB", default_value = "64", global = true)]
    pub recordings_cache_mib: String,
    /// Threads serving requests, each connection kept on one (as nginx's workers); unset, one
    /// per CPU this process may use.
    #[arg(long = "http-threads", env = "HTTP_THREADS", global = true)]
    pub http_threads: Option<String>,
    #[command(flatten)]
    pub sso: super::sso::SsoArgs,
}

/// How confirmed deletions are held before the vendor is asked (`DELETE_*`).
#[derive(Debug, Clone)]
pub struct DeletionPolicy {
    /// Zero: at once.
    pub grace: Duration,
    pub approval_required: bool,
    pub approval_ttl: Duration,
    /// May carry a token in its path (Slack's do), so it is kept as a secret.
    pub webhook: Option<Secret>,
}

#[derive(Debug, Clone, Args)]
pub struct MockArgs {
    /// Address for the mock to listen on.
    #[arg(long = "mock-addr", default_value = "127.0.0.1:3100")]
    pub mock_addr: String,
    /// The administration key the mock accepts.
    #[arg(long = "mock-key", env = "MOCK_UPSTREAM_KEY", hide_env_values = true)]
    pub mock_key: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Pretty,
    Json,
}

/// Where the admin API is and how to reach it.
#[derive(Debug, Clone)]
pub enum Upstream {
    /// The real thing (or any compatible server) with our key.
    Remote { base_url: Url, key: Secret },
    /// No key configured: a built-in mock, started in-process.
    Demo,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub upstream: Upstream,
    pub database: DatabaseTarget,
    pub pool: PoolSettings,
    pub addr: SocketAddr,
    pub public_url: Url,
    pub log_format: LogFormat,
    pub site_root: PathBuf,
    pub upstream_timeout: Duration,
    pub upstream_connect_timeout: Duration,
    pub session_idle: Duration,
    pub session_max_lifetime: Duration,
    pub admin_password: Option<Secret>,
    pub media_origins: Vec<String>,
    pub client_ip_header: Option<http::HeaderName>,
    pub local_login: bool,
    pub sso: Option<super::sso::SsoConfig>,
    pub deletions: DeletionPolicy,
    pub deletion_lease: Duration,
    pub recordings_cache_ttl: Duration,
    pub recordings_cache_bytes: usize,
    pub http_threads: NonZeroUsize,
}

/// More serving threads than this is a typo, not a machine.
const MAX_HTTP_THREADS: usize = 1024;

impl Config {
    pub fn from_args(a: &ServeArgs) -> Result<Self, ConfigError> {
        let addr: SocketAddr = a
            .addr
            .trim()
            .parse()
            .map_err(|_| bad("LEPTOS_SITE_ADDR", "addr", format!("'{}' is not an address such as 127.0.0.1:3000", a.addr)))?;
        let key = match (&a.api_key, &a.api_key_file) {
            (Some(_), Some(_)) => {
                return Err(bad(
                    "CONNECTYCUBE_ADMIN_API_KEY",
                    "api-key",
                    "set either the key or CONNECTYCUBE_ADMIN_API_KEY_FILE, not both",
                ))
            }
            (Some(k), None) if k.trim().is_empty() => {
                return Err(bad("CONNECTYCUBE_ADMIN_API_KEY", "api-key", "is set but empty"))
            }
            (Some(k), None) => Some(Secret::new(k.trim())),
            (None, Some(path)) => {
                let text = std::fs::read_to_string(path).map_err(|e| {
                    bad("CONNECTYCUBE_ADMIN_API_KEY_FILE", "api-key-file", format!("cannot read {}: {e}", path.display()))
                })?;
                let k = text.trim();
                if k.is_empty() {
                    return Err(bad("CONNECTYCUBE_ADMIN_API_KEY_FILE", "api-key-file", format!("{} is empty", path.display())));
                }
                Some(Secret::new(k))
            }
            (None, None) => None,
        };
        let upstream = match key {
            Some(key) => Upstream::Remote {
                base_url: parse_http_url(&a.api_url).map_err(|p| bad("CONNECTYCUBE_API_URL", "api-url", p))?,
                key,
            },
            None => Upstream::Demo,
        };
        let public_url = match &a.public_url {
            Some(raw) => {
                let url = parse_http_url(raw).map_err(|p| bad("PUBLIC_URL", "public-url", p))?;
                if url.path() != "/" || url.query().is_some() {
                    return Err(bad("PUBLIC_URL", "public-url", format!("'{raw}' must be an origin only, such as https://meetings.example.com")));
                }
                url
            }
            None => Url::parse(&format!("http://{addr}")).expect("a socket address makes a URL"),
        };
        let database = DatabaseTarget::parse(&a.database_url).map_err(|p| bad("DATABASE_URL", "database-url", p))?;
        let pool = match a.database_pool_size.trim().parse::<u32>() {
            Ok(n @ 1..=1000) => PoolSettings { max_connections: n, ..PoolSettings::default() },
            _ => return Err(bad("DATABASE_POOL_SIZE", "database-pool-size", format!("'{}' is not a number from 1 to 1000", a.database_pool_size.trim()))),
        };
        let log_format = match a.log_format.trim() {
            "pretty" => LogFormat::Pretty,
            "json" => LogFormat::Json,
            other => return Err(bad("LOG_FORMAT", "log-format", format!("'{other}' is not pretty or json"))),
        };
        let session_idle =
            parse_duration(&a.session_idle_timeout).map_err(|p| bad("SESSION_IDLE_TIMEOUT", "session-idle-timeout", p))?;
        let session_max_lifetime =
            parse_duration(&a.session_max_lifetime).map_err(|p| bad("SESSION_MAX_LIFETIME", "session-max-lifetime", p))?;
        if session_max_lifetime < session_idle {
            return Err(bad("SESSION_MAX_LIFETIME", "session-max-lifetime", "must not be shorter than SESSION_IDLE_TIMEOUT"));
        }
        let admin_password = match a.admin_password.as_deref() {
            Some(p) => {
                super::auth::password::check_new(p).map_err(|m| bad("ADMIN_PASSWORD", "admin-password", m))?;
                Some(Secret::new(p))
            }
            None => None,
        };
        let media_origins = a
            .media_origins
            .split_whitespace()
            .map(|o| {
                let ok = (o.starts_with("https://") || o.starts_with("http://"))
                    && !o.contains([';', ',', '\'', '"'])
                    && o.splitn(4, '/').nth(3).is_none_or(str::is_empty);
                if ok { Ok(o.trim_end_matches('/').to_owned()) } else { Err(bad("MEDIA_ORIGINS", "media-origins", format!("'{o}' is not an origin such as https://*.amazonaws.com"))) }
            })
            .collect::<Result<Vec<_>, _>>()?;
        let client_ip_header = match a.client_ip_header.as_deref().map(str::trim).filter(|h| !h.is_empty()) {
            Some(h) => Some(
                http::HeaderName::from_bytes(h.to_ascii_lowercase().as_bytes())
                    .map_err(|_| bad("CLIENT_IP_HEADER", "client-ip-header", format!("'{h}' is not a header name")))?,
            ),
            None => None,
        };
        let (local_login, sso) = super::sso::parse(&a.sso)?;
        let deletions = DeletionPolicy {
            grace: match a.delete_grace.trim() {
                "0" | "0s" | "0m" => Duration::ZERO,
                other => parse_duration(other).map_err(|p| bad("DELETE_GRACE", "delete-grace", p))?,
            },
            approval_required: match a.delete_approval.trim() {
                "required" => true,
                "off" | "" => false,
                other => return Err(bad("DELETE_APPROVAL", "delete-approval", format!("'{other}' is not required or off"))),
            },
            approval_ttl: parse_duration(&a.delete_approval_ttl).map_err(|p| bad("DELETE_APPROVAL_TTL", "delete-approval-ttl", p))?,
            webhook: match a.approval_webhook_url.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
                Some(raw) => {
                    // The message never says where it went wrong in the URL: it may hold a token.
                    let url = parse_http_url(raw).map_err(|_| bad("APPROVAL_WEBHOOK_URL", "approval-webhook-url", "is not an http:// or https:// URL with a host"))?;
                    Some(Secret::new(url.as_str()))
                }
                None => None,
            },
        };
        let deletion_lease = parse_duration(&a.deletion_lease).map_err(|p| bad("DELETION_LEASE", "deletion-lease", p))?;
        let recordings_cache_ttl = match a.recordings_cache_ttl.trim() {
            "0" | "0s" => Duration::ZERO,
            other => parse_duration(other).map_err(|p| bad("RECORDINGS_CACHE_TTL", "recordings-cache-ttl", p))?,
        };
        let recordings_cache_bytes = a
            .recordings_cache_mib
            .trim()
            .parse::<usize>()
            .ok()
            .filter(|m| *m <= 64 * 1024)
            .map(|m| m * 1024 * 1024)
            .ok_or_else(|| bad("RECORDINGS_CACHE_MIB", "recordings-cache-mib", format!("'{}' is not a number of MiB from 0 to 65536", a.recordings_cache_mib.trim())))?;
        let http_threads = match a.http_threads.as_deref().map(str::trim) {
            None | Some("") => std::thread::available_parallelism().unwrap_or(NonZeroUsize::MIN),
            Some(raw) => raw
                .parse::<NonZeroUsize>()
                .ok()
                .filter(|n| n.get() <= MAX_HTTP_THREADS)
                .ok_or_else(|| bad("HTTP_THREADS", "http-threads", format!("'{raw}' is not a number of threads from 1 to {MAX_HTTP_THREADS}")))?,
        };
        Ok(Self {
            http_threads,
            recordings_cache_ttl,
            recordings_cache_bytes,
            deletions,
            deletion_lease,
            local_login,
            sso,
            session_idle,
            session_max_lifetime,
            admin_password,
            media_origins,
            client_ip_header,
            upstream,
            database,
            pool,
            addr,
            public_url,
            log_format,
            site_root: a.site_root.clone(),
            upstream_timeout: parse_duration(&a.upstream_timeout)
                .map_err(|p| bad("CONNECTYCUBE_TIMEOUT", "upstream-timeout", p))?,
            upstream_connect_timeout: parse_duration(&a.upstream_connect_timeout)
                .map_err(|p| bad("CONNECTYCUBE_CONNECT_TIMEOUT", "upstream-connect-timeout", p))?,
        })
    }

    pub fn is_demo(&self) -> bool {
        matches!(self.upstream, Upstream::Demo)
    }

    /// Cookies get `Secure` and the `__Host-` prefix only when users reach us over https.
    pub fn is_https(&self) -> bool {
        self.public_url.scheme() == "https"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(extra: &[&str]) -> ServeArgs {
        let mut argv = vec!["meeting-admin"];
        argv.extend_from_slice(extra);
        Cli::try_parse_from(argv).unwrap().serve
    }

    fn err(extra: &[&str]) -> ConfigError {
        Config::from_args(&args(extra)).unwrap_err()
    }

    #[test]
    fn defaults_give_demo_mode_on_localhost() {
        // Clear the variables clap would read, for this process only (tests here never set them).
        let c = Config::from_args(&args(&[])).unwrap();
        if std::env::var_os("CONNECTYCUBE_ADMIN_API_KEY").is_none() {
            assert!(c.is_demo());
        }
        assert_eq!(c.addr.to_string(), "127.0.0.1:3000");
        assert_eq!(c.public_url.as_str(), "http://127.0.0.1:3000/");
        assert_eq!(c.upstream_timeout, Duration::from_secs(10));
        assert!(!c.is_https());
    }

    #[test]
    fn a_key_selects_the_remote_api() {
        let c = Config::from_args(&args(&["--api-key", "k1", "--api-url", "https://api.example.com/base/"])).unwrap();
        match c.upstream {
            Upstream::Remote { base_url, key } => {
                assert_eq!(base_url.as_str(), "https://api.example.com/base/");
                assert_eq!(key.expose(), "k1");
            }
            Upstream::Demo => panic!("expected remote"),
        }
    }

    #[test]
    fn key_file_is_read_and_trimmed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("key");
        std::fs::write(&path, "from-file\n").unwrap();
        let c = Config::from_args(&args(&["--api-key-file", path.to_str().unwrap()])).unwrap();
        assert!(matches!(c.upstream, Upstream::Remote { ref key, .. } if key.expose() == "from-file"));
        std::fs::write(&path, "\n").unwrap();
        assert_eq!(err(&["--api-key-file", path.to_str().unwrap()]).var, "CONNECTYCUBE_ADMIN_API_KEY_FILE");
        assert_eq!(err(&["--api-key-file", "/nonexistent/key"]).var, "CONNECTYCUBE_ADMIN_API_KEY_FILE");
        assert_eq!(err(&["--api-key-file", path.to_str().unwrap(), "--api-key", "x"]).var, "CONNECTYCUBE_ADMIN_API_KEY");
    }

    #[test]
    fn each_bad_value_names_its_variable() {
        assert_eq!(err(&["--addr", "localhost"]).var, "LEPTOS_SITE_ADDR");
        assert_eq!(err(&["--api-key", "k", "--api-url", "ftp://x"]).var, "CONNECTYCUBE_API_URL");
        assert_eq!(err(&["--api-key", "k", "--api-url", "not a url"]).var, "CONNECTYCUBE_API_URL");
        assert_eq!(err(&["--api-key", "  "]).var, "CONNECTYCUBE_ADMIN_API_KEY");
        assert_eq!(err(&["--public-url", "https://x.example.com/app"]).var, "PUBLIC_URL");
        assert_eq!(err(&["--log-format", "xml"]).var, "LOG_FORMAT");
        assert_eq!(err(&["--database-url", "mysql://x"]).var, "DATABASE_URL");
        assert_eq!(err(&["--upstream-timeout", "ten"]).var, "CONNECTYCUBE_TIMEOUT");
        for threads in ["0", "-1", "two", "1025"] {
            assert_eq!(err(&[&format!("--http-threads={threads}")]).var, "HTTP_THREADS", "{threads}");
        }
        assert_eq!(Config::from_args(&args(&["--http-threads", " 3 "])).unwrap().http_threads.get(), 3);
        assert_eq!(Config::from_args(&args(&[])).unwrap().http_threads, std::thread::available_parallelism().unwrap());
        let e = err(&["--log-format", "xml"]);
        assert_eq!(e.to_string(), "LOG_FORMAT (--log-format): 'xml' is not pretty or json");
    }

    #[test]
    fn session_and_security_settings() {
        let c = Config::from_args(&args(&[])).unwrap();
        assert_eq!((c.session_idle, c.session_max_lifetime), (Duration::from_secs(1800), Duration::from_secs(43_200)));
        assert_eq!(c.media_origins, vec!["https://*.amazonaws.com".to_owned()]);
        assert_eq!(err(&["--session-idle-timeout", "2h", "--session-max-lifetime", "1h"]).var, "SESSION_MAX_LIFETIME");
        assert_eq!(err(&["--admin-password", "short"]).var, "ADMIN_PASSWORD");
        assert_eq!(err(&["--media-origins", "https://a.example/x"]).var, "MEDIA_ORIGINS");
        assert_eq!(err(&["--media-origins", "'unsafe-inline'"]).var, "MEDIA_ORIGINS");
        assert_eq!(err(&["--client-ip-header", "bad header"]).var, "CLIENT_IP_HEADER");
        let c = Config::from_args(&args(&["--admin-password", "a long enough secret", "--client-ip-header", "X-Forwarded-For"])).unwrap();
        assert!(!format!("{c:?}").contains("a long enough secret"));
        assert_eq!(c.client_ip_header.unwrap().as_str(), "x-forwarded-for");
    }

    #[test]
    fn deletion_policy() {
        let c = Config::from_args(&args(&[])).unwrap();
        assert_eq!(c.deletions.grace, Duration::from_secs(600));
        assert!(!c.deletions.approval_required);
        assert_eq!(c.deletions.approval_ttl, Duration::from_secs(86_400));
        let c = Config::from_args(&args(&["--delete-grace", "0", "--delete-approval", "required", "--approval-webhook-url", "https://hooks.example.com/T0/secret"])).unwrap();
        assert_eq!(c.deletions.grace, Duration::ZERO);
        assert!(c.deletions.approval_required);
        assert!(!format!("{c:?}").contains("secret"));
        assert_eq!(err(&["--delete-grace", "soon"]).var, "DELETE_GRACE");
        assert_eq!(err(&["--delete-approval", "yes"]).var, "DELETE_APPROVAL");
        assert_eq!(err(&["--delete-approval-ttl", "0"]).var, "DELETE_APPROVAL_TTL");
        let e = err(&["--approval-webhook-url", "ftp://hooks.example.com/T0/secret"]);
        assert_eq!(e.var, "APPROVAL_WEBHOOK_URL");
        assert!(!e.to_string().contains("secret"));
    }

    #[test]
    fn https_public_url() {
        let c = Config::from_args(&args(&["--public-url", "https://meetings.example.com"])).unwrap();
        assert!(c.is_https());
    }

    #[test]
    fn the_key_never_shows_in_debug() {
        let c = Config::from_args(&args(&["--api-key", "sentinel-key-123"])).unwrap();
        assert!(!format!("{c:?}").contains("sentinel-key-123"));
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("10"), Ok(Duration::from_secs(10)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert!(parse_duration("0s").is_err());
        assert_eq!(parse_duration("12h"), Ok(Duration::from_secs(12 * 3600)));
        assert!(parse_duration("5d").is_err());
        assert!(parse_duration("").is_err());
    }
}
