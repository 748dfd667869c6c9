use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use sqlx::SqlitePool;

use super::audit::AuditLog;
use super::auth::guard::GuardSettings;
use super::auth::SessionSettings;
use super::connectycube::AdminClient;

/// Everything a request may need; cheap to clone. Reaches server functions as Leptos context.
#[derive(Clone, Debug)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub client: AdminClient,
    pub db: SqlitePool,
    pub audit: AuditLog,
    /// The SSO gateway check, when one is configured.
    pub sso: Option<super::sso::Sso>,
    pub demo: bool,
    pub info: Arc<ServerInfo>,
    pub auth: Arc<AuthSettings>,
    pub guard: Arc<GuardSettings>,
}

#[derive(Debug)]
pub struct AuthSettings {
    pub session: SessionSettings,
    /// Set behind a reverse proxy: where the client address is (last entry wins).
    pub client_ip_header: Option<http::HeaderName>,
    /// Whether local accounts may sign in (`LOCAL_LOGIN`).
    pub local_login: bool,
}

#[derive(Debug)]
pub struct ServerInfo {
    /// What `/readyz` reports as the upstream (never with credentials).
    pub upstream_label: String,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
