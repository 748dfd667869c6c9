//! How the replica serves its clients (`HTTP_THREADS`, `CLIENT_TIMEOUT`, `MAX_CONNECTIONS`).

use std::num::NonZeroUsize;
use std::time::Duration;

use clap::Args;

use super::values::{bad, parse_duration, ConfigError};

#[derive(Debug, Clone, Args)]
pub struct ServingArgs {
    /// Threads serving requests, each connection kept on one (as nginx's workers); unset, one
    /// per CPU this process may use.
    #[arg(long = "http-threads", env = "HTTP_THREADS", global = true)]
    pub http_threads: Option<String>,
    /// A client must send a request's headers within this long of connecting or of its last
    /// reply (an idle keep-alive connection is closed after it), and its body with no pause this
    /// long. Keep it above a proxy's keep-alive time for its connections to us (nginx: 60s).
    #[arg(long = "client-timeout", env = "CLIENT_TIMEOUT", default_value = "75s", global = true)]
    pub client_timeout: String,
    /// Connections one replica serves at once; further ones wait, unaccepted, until one closes.
    #[arg(long = "max-connections", env = "MAX_CONNECTIONS", default_value = "1024", global = true)]
    pub max_connections: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Serving {
    pub threads: NonZeroUsize,
    pub client_timeout: Duration,
    pub max_connections: NonZeroUsize,
}

/// More serving threads than this is a typo, not a machine.
const MAX_HTTP_THREADS: usize = 1024;
/// Each connection is a file descriptor; past this the process limit is the bound, not us.
const MAX_CONNECTIONS: usize = 1 << 20;

pub fn parse(a: &ServingArgs) -> Result<Serving, ConfigError> {
    let threads = match a.http_threads.as_deref().map(str::trim) {
        None | Some("") => std::thread::available_parallelism().unwrap_or(NonZeroUsize::MIN),
        Some(raw) => raw
            .parse::<NonZeroUsize>()
            .ok()
            .filter(|n| n.get() <= MAX_HTTP_THREADS)
            .ok_or_else(|| bad("HTTP_THREADS", "http-threads", format!("'{raw}' is not a number of threads from 1 to {MAX_HTTP_THREADS}")))?,
    };
    let client_timeout = parse_duration(&a.client_timeout).map_err(|p| bad("CLIENT_TIMEOUT", "client-timeout", p))?;
    let raw = a.max_connections.trim();
    let max_connections = raw
        .parse::<NonZeroUsize>()
        .ok()
        .filter(|n| n.get() <= MAX_CONNECTIONS)
        .ok_or_else(|| bad("MAX_CONNECTIONS", "max-connections", format!("'{raw}' is not a number from 1 to {MAX_CONNECTIONS}")))?;
    Ok(Serving { threads, client_timeout, max_connections })
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Parser)]
    struct Flags {
        #[command(flatten)]
        serving: ServingArgs,
    }

    fn parsed(flags: &[&str]) -> Result<Serving, ConfigError> {
        parse(&Flags::try_parse_from([&["meeting-admin"], flags].concat()).unwrap().serving)
    }

    #[test]
    fn defaults_and_bad_values() {
        let s = parsed(&[]).unwrap();
        assert_eq!(s.threads, std::thread::available_parallelism().unwrap());
        assert_eq!((s.client_timeout, s.max_connections.get()), (Duration::from_secs(75), 1024));
        assert_eq!(parsed(&["--http-threads", " 3 "]).unwrap().threads.get(), 3);
        for threads in ["0", "-1", "two", "1025"] {
            assert_eq!(parsed(&[&format!("--http-threads={threads}")]).unwrap_err().var, "HTTP_THREADS", "{threads}");
        }
        assert_eq!(parsed(&["--client-timeout", "0"]).unwrap_err().var, "CLIENT_TIMEOUT");
        for n in ["0", "lots", "2000000"] {
            assert_eq!(parsed(&["--max-connections", n]).unwrap_err().var, "MAX_CONNECTIONS", "{n}");
        }
        assert_eq!(parsed(&["--client-timeout", "2s", "--max-connections", "8"]).unwrap().max_connections.get(), 8);
    }
}
