use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;

use super::audit::AuditLog;
use super::http::protection::GuardSettings;
use super::auth::SessionSettings;
use super::vendor::client::AdminClient;
use super::store::Store;

/// Everything a request may need. Reaches every middleware and server function, several times
/// per request, so a clone is one reference count (cloning the fields showed up in profiles).
#[derive(Clone, Debug)]
pub struct AppState(Arc<Shared>);

#[derive(Debug)]
pub struct Shared {
    pub leptos_options: LeptosOptions,
    pub client: AdminClient,
    pub db: Store,
    pub audit: AuditLog,
    /// The SSO gateway check, when one is configured.
    pub sso: Option<super::sso::Sso>,
    /// The OpenID Connect providers one may sign in with (none: no buttons).
    pub oidc: super::oidc::Providers,
    pub demo: bool,
    pub auth: AuthSettings,
    pub guard: GuardSettings,
    /// What grace periods, approvals and leases are timed by.
    pub clock: super::clock::Clock,
    pub deletions: super::deletions::Deletions,
    pub bulk: super::bulk::Bulk,
    pub retention: super::retention::Retention,
    /// What deletion records are signed with.
    pub evidence: super::evidence::key::SigningKey,
    /// Meetings' recordings lists, kept a few seconds for paging and sorting, and the vendor
    /// calls for them under way.
    pub recordings: super::recordings::lists::RecordingLists,
    /// Meetings' holds, open deletion requests and histories, kept while their version stands.
    pub meeting_state: super::meetings::state::MeetingStateCache,
    /// Sessions and accounts kept in memory while changes to them are followed.
    pub identity: super::auth::identity_cache::IdentityCache,
    /// The session store (answered from `identity` when it may).
    pub sessions: super::store::sessions::Sessions,
    /// Which opened meetings this replica noted lately (`opened_meetings::record`).
    pub opened: super::meetings::opened::RecentlyWritten,
    /// This replica's claims on rows of work (deletion requests, bulk items, notices).
    pub lease: super::workers::Lease,
    /// The deletion and bulk workers, stopped before the replica exits.
    pub workers: super::workers::Workers,
    /// Downloads passed through from the recordings' storage, named for people.
    pub relay: super::recordings::relay::Relay,
    /// What `/metrics` serves (the vendor client and the workers hold clones).
    pub metrics: super::metrics::Metrics,
    /// Whether requests are counted too (metrics are served: `METRICS_ADDR`).
    pub count_requests: bool,
}

impl AppState {
    pub fn new(shared: Shared) -> Self {
        Self(Arc::new(shared))
    }

    /// What background work may use of it.
    pub fn work(&self) -> Work<'_> {
        Work {
            db: &self.db,
            clock: &self.clock,
            lease: &self.lease,
            audit: &self.audit,
            client: &self.client,
            deletions: &self.deletions,
            bulk: &self.bulk,
            retention: &self.retention,
            recordings: &self.recordings,
            public_origin: &self.guard.public_origin,
            metrics: &self.metrics,
        }
    }
}

/// What a worker's step and the deletion-request service may touch: the store, the clock, the
/// replica's lease, the audit log, the vendor, the deletion and bulk signals, and the kept lists
/// to forget. Not sessions, sign-in, pages or the web's settings.
#[derive(Clone, Copy)]
pub struct Work<'a> {
    pub db: &'a Store,
    pub clock: &'a super::clock::Clock,
    pub lease: &'a super::workers::Lease,
    pub audit: &'a AuditLog,
    pub client: &'a AdminClient,
    pub deletions: &'a super::deletions::Deletions,
    pub bulk: &'a super::bulk::Bulk,
    pub retention: &'a super::retention::Retention,
    pub recordings: &'a super::recordings::lists::RecordingLists,
    /// Where links in notices point.
    pub public_origin: &'a str,
    pub metrics: &'a super::metrics::Metrics,
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

#[derive(Debug)]
pub struct AuthSettings {
    pub session: SessionSettings,
    /// Set behind a reverse proxy: where the client address is (last entry wins).
    pub client_ip_header: Option<http::HeaderName>,
    /// Whether local accounts may sign in (`LOCAL_LOGIN`).
    pub local_login: bool,
    /// Accounts that may sign in locally even so (`BREAK_GLASS_ACCOUNTS`), lowercase.
    pub break_glass: Vec<String>,
}

impl AuthSettings {
    /// Whether the local account `username` may sign in (and stay signed in).
    pub fn local_allowed(&self, username: &str) -> bool {
        self.local_login || self.break_glass.contains(&username.trim().to_lowercase())
    }

    /// Whether the sign-in form is offered at all.
    pub fn local_form(&self) -> bool {
        self.local_login || !self.break_glass.is_empty()
    }
}


impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
