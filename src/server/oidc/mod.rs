//! Sign-in with the company's OpenID Connect providers (authorization code flow with PKCE, state
//! and nonce; the protocol is the openidconnect crate's). A session signed in this way is bound to
//! the provider's: it is renewed with the refresh token (which also brings a changed role), and
//! ends when a renewal fails or, without a refresh token, when the ID token expires.

pub mod claims;
pub mod config;
pub mod error;
pub mod provider;
pub mod store;

use std::sync::Arc;
use std::time::Duration;

pub use self::error::OidcError;
use self::provider::Provider;

/// How often a session's role is checked with the provider at most: a group removed there
/// applies here within this (or at the access token's expiry, when sooner).
pub const RENEW_EVERY: Duration = Duration::from_secs(300);
/// A sign-in started but not finished is forgotten after this.
pub const PENDING_FOR: Duration = Duration::from_secs(600);

/// The configured providers, in the order of their buttons.
#[derive(Debug, Clone, Default)]
pub struct Providers(Arc<Vec<Provider>>);

impl Providers {
    pub fn new(configs: Vec<config::ProviderConfig>, public_origin: &str) -> Result<Self, String> {
        let list = configs.into_iter().map(|c| Provider::new(c, public_origin)).collect::<Result<Vec<_>, _>>()?;
        Ok(Self(Arc::new(list)))
    }

    pub fn get(&self, name: &str) -> Option<&Provider> {
        self.0.iter().find(|p| p.cfg.name == name)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// (name, what its button says), for the sign-in page.
    pub fn buttons(&self) -> Vec<(String, String)> {
        self.0.iter().map(|p| (p.cfg.name.clone(), p.cfg.display.clone())).collect()
    }
}


/// Ends the provider session behind a session being signed out; the address that signs the
/// person out at the provider too, if it offers RP-initiated logout.
pub async fn sign_out(providers: &Providers, db: &crate::server::store::Store, provider: &str, row: &str, now_ms: i64) -> Option<url::Url> {
    let kept = match store::get(db, row).await {
        Ok(r) => r,
        Err(e) => {
            tracing::error!(error = %e, "cannot read a provider session to sign out");
            None
        }
    };
    if let Err(e) = store::end(db, row, now_ms, "signed out").await {
        tracing::error!(error = %e, "cannot end a provider session");
    }
    let id_token = kept.filter(|r| r.ended_reason.is_none())?.id_token;
    providers.get(provider)?.logout_url(&id_token).await
}
