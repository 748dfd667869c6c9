//! Typed configuration. clap gathers raw strings from flags and environment variables (so
//! `--help` lists every one with its default); `Config::from_args` then parses them and reports
//! the first bad one by its variable name.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use url::Url;

pub mod args;
pub mod commands;
pub mod deletions;
pub mod retention;
pub mod serving;
pub mod values;

pub use self::args::ServeArgs;
pub use self::commands::{AuditCommand, Cli, Command, EvidenceCommand, MockArgs, UserCommand};
pub use self::deletions::DeletionPolicy;
pub use self::serving::Serving;
use self::values::{bad, parse_http_url};
pub use self::values::{parse_duration, ConfigError};
use super::secret::Secret;
use super::store::{DatabaseTarget, PoolSettings};

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
    /// Where `/metrics` is served, never on `addr`.
    pub metrics_addr: Option<SocketAddr>,
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
    /// Local accounts that may sign in even with `local_login` off.
    pub break_glass: Vec<String>,
    pub oidc: Vec<super::oidc::config::ProviderConfig>,
    pub deletions: DeletionPolicy,
    pub deletion_lease: Duration,
    /// How often the retention sweep runs.
    pub retention_sweep_every: Duration,
    /// The key from `EVIDENCE_KEY_FILE`; `None` uses (or makes) the store's.
    pub evidence_key: Option<crate::server::evidence::key::SigningKey>,
    pub recordings_cache_ttl: Duration,
    pub recordings_cache_bytes: usize,
    pub serving: Serving,
}

impl Config {
    pub fn from_args(a: &ServeArgs) -> Result<Self, ConfigError> {
        let addr: SocketAddr = a
            .addr
            .trim()
            .parse()
            .map_err(|_| bad("LEPTOS_SITE_ADDR", "addr", format!("'{}' is not an address such as 127.0.0.1:3000", a.addr)))?;
        let metrics_addr = a.metrics_addr.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(|m| {
            let parsed: SocketAddr = m.parse().map_err(|_| bad("METRICS_ADDR", "metrics-addr", format!("'{m}' is not an address such as 127.0.0.1:9090")))?;
            if parsed.port() != 0 && parsed.port() == addr.port() && (parsed.ip() == addr.ip() || parsed.ip().is_unspecified() || addr.ip().is_unspecified()) {
                return Err(bad("METRICS_ADDR", "metrics-addr", "must be another address than LEPTOS_SITE_ADDR: metrics are never served where staff reach the app".to_owned()));
            }
            Ok(parsed)
        }).transpose()?;
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
        let oidc = super::oidc::config::parse(std::env::vars(), &a.sso.oidc)?;
        let (local_login, sso) = super::sso::parse(&a.sso, !oidc.is_empty())?;
        let break_glass = super::sso::roles::parse_groups(&a.sso.break_glass);
        let (deletions, deletion_lease) = deletions::parse(&a.deletions)?;
        let retention_sweep_every = retention::parse(&a.retention)?;
        let evidence_key = a
            .evidence_key_file
            .as_ref()
            .map(|path| {
                let text = std::fs::read_to_string(path).map_err(|e| bad("EVIDENCE_KEY_FILE", "evidence-key-file", format!("cannot read {}: {e}", path.display())))?;
                crate::server::evidence::key::SigningKey::from_pem(&text).map_err(|m| bad("EVIDENCE_KEY_FILE", "evidence-key-file", format!("{}: {m}", path.display())))
            })
            .transpose()?;
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
        let serving = serving::parse(&a.serving)?;
        Ok(Self {
            serving,
            recordings_cache_ttl,
            recordings_cache_bytes,
            deletions,
            deletion_lease,
            retention_sweep_every,
            evidence_key,
            local_login,
            break_glass,
            sso,
            oidc,
            session_idle,
            session_max_lifetime,
            admin_password,
            media_origins,
            client_ip_header,
            upstream,
            database,
            pool,
            addr,
            metrics_addr,
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

    use clap::Parser;

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
        assert_eq!(c.metrics_addr, None, "metrics are off unless asked for");
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
        assert_eq!(err(&["--metrics-addr", "9090"]).var, "METRICS_ADDR");
        assert_eq!(err(&["--metrics-addr", "127.0.0.1:3000"]).var, "METRICS_ADDR", "the app's own address");
        assert_eq!(err(&["--metrics-addr", "0.0.0.0:3000"]).var, "METRICS_ADDR", "the app's port on every address");
        assert_eq!(err(&["--api-key", "k", "--api-url", "ftp://x"]).var, "CONNECTYCUBE_API_URL");
        assert_eq!(err(&["--api-key", "k", "--api-url", "not a url"]).var, "CONNECTYCUBE_API_URL");
        assert_eq!(err(&["--api-key", "  "]).var, "CONNECTYCUBE_ADMIN_API_KEY");
        assert_eq!(err(&["--public-url", "https://x.example.com/app"]).var, "PUBLIC_URL");
        assert_eq!(err(&["--log-format", "xml"]).var, "LOG_FORMAT");
        assert_eq!(err(&["--database-url", "mysql://x"]).var, "DATABASE_URL");
        assert_eq!(err(&["--upstream-timeout", "ten"]).var, "CONNECTYCUBE_TIMEOUT");
        assert_eq!(err(&["--http-threads", "0"]).var, "HTTP_THREADS");
        assert_eq!(err(&["--delete-grace", "soon"]).var, "DELETE_GRACE");
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
