//! The command line: the commands and the mock's own flags. The dashboard's settings are
//! `ServeArgs` (`args.rs`), shared by every command as global flags.

use clap::{Args, Parser, Subcommand};

use super::args::ServeArgs;

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
    /// Signed deletion records: the public key they are signed with, and checking a file.
    #[command(subcommand)]
    Evidence(EvidenceCommand),
}

#[derive(Debug, Clone, Subcommand)]
pub enum EvidenceCommand {
    /// Print the public key deletion records are signed with (PEM) and its key id.
    PublicKey,
    /// Say whether FILE is a deletion record this deployment signed, untouched, and if not why.
    /// Exits 1 if it is not.
    Verify { file: std::path::PathBuf },
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
    /// Walk the audit log's hash chain and name the first entry that does not match (an entry
    /// edited, removed or added by hand). Exits 1 if one is found; the audit page shows the result.
    Verify,
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
    /// Link an account to the gateway (SSO) identity or provider subject of the same person, so two-person approval
    /// knows the two are one person (needed where both ways of signing in are on).
    Link {
        name: String,
        /// The identity as the gateway sends it (e.g. ada@example.com).
        #[arg(long = "sso", required_unless_present = "oidc_subject", conflicts_with = "oidc_subject")]
        sso: Option<String>,
        /// Or the person's subject at an OpenID Connect provider, as PROVIDER:SUBJECT (the
        /// subject is the ID token's `sub`; the audit log's sign-in entries show it).
        #[arg(long = "oidc-subject", value_name = "PROVIDER:SUBJECT")]
        oidc_subject: Option<String>,
    },
    /// Remove an account's link to a gateway identity or provider subject.
    Unlink { name: String },
    /// List accounts with their role and state.
    List,
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
