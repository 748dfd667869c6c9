//! One provider at run time: its discovery document and keys (fetched when first needed, kept an
//! hour, fetched again when a token names a key we do not know, at most every 30 s), the
//! authorization URL, the code and refresh-token exchanges, and the ID token's checks.

use std::sync::Arc;
use std::time::{Duration, Instant};

use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreIdToken, CoreTokenResponse};
use openidconnect::{
    AccessTokenHash, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointMaybeSet, EndpointNotSet, EndpointSet, IssuerUrl, Nonce,
    OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier, PostLogoutRedirectUrl, ProviderMetadataWithLogout, RedirectUrl, RefreshToken,
    RequestTokenError, Scope, TokenResponse,
};
use serde_json::Value;

use super::config::ProviderConfig;
use super::error::OidcError;

type Client = CoreClient<EndpointSet, EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointMaybeSet, EndpointMaybeSet>;

/// How far the provider's clock and ours may differ before a fresh token reads as expired or
/// not yet issued.
pub const CLOCK_SKEW: Duration = Duration::from_secs(60);
/// The discovery document and keys are kept this long.
const KEPT_FOR: Duration = Duration::from_secs(3600);
/// Each call to the provider.
const TIMEOUT: Duration = Duration::from_secs(10);

struct Known {
    meta: Arc<ProviderMetadataWithLogout>,
    fetched: Instant,
}

pub struct Provider {
    pub cfg: ProviderConfig,
    http: reqwest::Client,
    redirect: RedirectUrl,
    post_logout: String,
    known: tokio::sync::Mutex<Option<Known>>,
}

impl std::fmt::Debug for Provider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Provider").field("name", &self.cfg.name).field("issuer", &self.cfg.issuer.as_str()).finish()
    }
}

/// What `begin` hands the browser and keeps for the callback.
pub struct Started {
    pub url: url::Url,
    pub state: String,
    pub nonce: String,
    pub verifier: String,
}

/// What the provider said about the person, its signature and claims checked.
pub struct Verified {
    pub claims: Value,
    pub subject: String,
    /// Unix milliseconds.
    pub expires_ms: i64,
}

/// A token response, its ID token checked.
pub struct Tokens {
    pub id: Verified,
    pub id_token: String,
    pub refresh_token: Option<String>,
    pub access_expires_in: Option<Duration>,
    access_token: openidconnect::AccessToken,
}

impl Provider {
    pub fn new(cfg: ProviderConfig, public_origin: &str) -> Result<Self, String> {
        let http = reqwest::Client::builder()
            // Following redirects would let a provider's answer send us anywhere.
            .redirect(reqwest::redirect::Policy::none())
            .timeout(TIMEOUT)
            .connect_timeout(TIMEOUT)
            .build()
            .map_err(|e| e.to_string())?;
        let redirect = RedirectUrl::new(format!("{public_origin}/auth/oidc/{}/callback", cfg.name)).map_err(|e| e.to_string())?;
        Ok(Self { post_logout: format!("{public_origin}/sign-in?signed_out=1"), cfg, http, redirect, known: tokio::sync::Mutex::new(None) })
    }

    fn unreachable(&self, detail: impl std::fmt::Display) -> OidcError {
        OidcError::Unreachable { provider: self.cfg.display.clone(), detail: crate::domain::visible(&detail.to_string(), 300) }
    }

    /// The discovery document with its keys. `again`: a token named a key we do not have, so
    /// fetch anew unless that was done within `refetch_every` (30 s unless configured).
    async fn metadata(&self, again: bool) -> Result<Arc<ProviderMetadataWithLogout>, OidcError> {
        let mut known = self.known.lock().await;
        if let Some(k) = known.as_ref() {
            let age = k.fetched.elapsed();
            if (!again && age < KEPT_FOR) || (again && age < self.cfg.refetch_every) {
                return Ok(k.meta.clone());
            }
        }
        let issuer = IssuerUrl::new(self.cfg.issuer.as_str().trim_end_matches('/').to_owned()).map_err(|e| self.unreachable(e))?;
        match ProviderMetadataWithLogout::discover_async(issuer, &self.http).await {
            Ok(meta) => {
                tracing::info!(provider = %self.cfg.name, keys = meta.jwks().keys().len(), "provider metadata and keys fetched");
                let meta = Arc::new(meta);
                *known = Some(Known { meta: meta.clone(), fetched: Instant::now() });
                Ok(meta)
            }
            Err(e) => {
                let detail = error_chain(&e);
                tracing::warn!(provider = %self.cfg.name, error = %detail, "cannot fetch the provider's metadata");
                Err(self.unreachable(detail))
            }
        }
    }

    fn client(&self, meta: &ProviderMetadataWithLogout) -> Client {
        let secret = self.cfg.client_secret.as_ref().map(|s| ClientSecret::new(s.expose().to_owned()));
        CoreClient::from_provider_metadata(meta.clone(), ClientId::new(self.cfg.client_id.clone()), secret).set_redirect_uri(self.redirect.clone())
    }

    /// The provider's authorization URL, with a fresh state, nonce and PKCE (S256) challenge.
    pub async fn begin(&self) -> Result<Started, OidcError> {
        let meta = self.metadata(false).await?;
        let client = self.client(&meta);
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut req = client.authorize_url(CoreAuthenticationFlow::AuthorizationCode, CsrfToken::new_random, Nonce::new_random).set_pkce_challenge(challenge);
        for scope in self.cfg.scopes.iter().filter(|s| *s != "openid") {
            req = req.add_scope(Scope::new(scope.clone()));
        }
        let (url, state, nonce) = req.url();
        Ok(Started { url, state: state.secret().clone(), nonce: nonce.secret().clone(), verifier: verifier.secret().clone() })
    }

    /// Exchanges the callback's code (with the PKCE verifier) and checks the ID token against the nonce.
    pub async fn redeem(&self, code: String, verifier: String, nonce: String, now_ms: i64) -> Result<Tokens, OidcError> {
        let meta = self.metadata(false).await?;
        let client = self.client(&meta);
        let req = client.exchange_code(AuthorizationCode::new(code)).map_err(|e| self.unreachable(e))?;
        let res = req.set_pkce_verifier(PkceCodeVerifier::new(verifier)).request_async(&self.http).await.map_err(|e| self.token_error(e))?;
        let nonce = Nonce::new(nonce);
        self.tokens(res, Some(&nonce), now_ms).await
    }

    /// Renews with the refresh token; the ID token in the answer, if any, is checked (no nonce).
    pub async fn renew(&self, refresh_token: &str, now_ms: i64) -> Result<Option<Tokens>, OidcError> {
        let meta = self.metadata(false).await?;
        let client = self.client(&meta);
        let token = RefreshToken::new(refresh_token.to_owned());
        let req = client.exchange_refresh_token(&token).map_err(|e| self.unreachable(e))?;
        let res = req.request_async(&self.http).await.map_err(|e| self.token_error(e))?;
        if res.id_token().is_none() {
            return Ok(None);
        }
        self.tokens(res, None, now_ms).await.map(Some)
    }

    async fn tokens(&self, res: CoreTokenResponse, nonce: Option<&Nonce>, now_ms: i64) -> Result<Tokens, OidcError> {
        let token = res.id_token().ok_or_else(|| self.refused("its answer has no ID token (is 'openid' among the scopes?)"))?.clone();
        let id = self.verify(&token, nonce, now_ms, res.access_token()).await?;
        Ok(Tokens {
            id,
            id_token: token.to_string(),
            refresh_token: res.refresh_token().map(|r| r.secret().clone()),
            access_expires_in: res.expires_in(),
            access_token: res.access_token().clone(),
        })
    }

    fn refused(&self, why: impl std::fmt::Display) -> OidcError {
        OidcError::IdToken { provider: self.cfg.display.clone(), why: crate::domain::visible(&why.to_string(), 300) }
    }

    fn token_error<RE: std::error::Error + 'static>(&self, e: RequestTokenError<RE, openidconnect::StandardErrorResponse<openidconnect::core::CoreErrorResponseType>>) -> OidcError {
        match e {
            RequestTokenError::ServerResponse(r) => OidcError::ProviderSaid {
                provider: self.cfg.display.clone(),
                error: crate::domain::visible(r.error().as_ref(), 80),
                description: r.error_description().map(|d| crate::domain::visible(d, 300)),
            },
            RequestTokenError::Request(e) => self.unreachable(error_chain(&e)),
            RequestTokenError::Parse(e, _) => self.refused(format!("its answer could not be read ({e})")),
            RequestTokenError::Other(s) => self.refused(s),
        }
    }

    /// Every check on an ID token: signature by a key of the provider with an algorithm it
    /// lists (never `none`), issuer, audience, expiry and issue time within `CLOCK_SKEW`, the
    /// nonce, and the access token's hash when given.
    async fn verify(&self, token: &CoreIdToken, nonce: Option<&Nonce>, now_ms: i64, access: &openidconnect::AccessToken) -> Result<Verified, OidcError> {
        let mut again = false;
        loop {
            let meta = self.metadata(again).await?;
            let client = self.client(&meta);
            let now = chrono::DateTime::from_timestamp_millis(now_ms).unwrap_or_default();
            let skew = chrono::Duration::from_std(CLOCK_SKEW).unwrap_or_default();
            let verifier = client
                .id_token_verifier()
                .set_time_fn(move || now - skew)
                .set_issue_time_verifier_fn(move |iat| if iat > now + skew { Err(format!("issued at {iat}, {} s ahead of our clock", (iat - now).num_seconds())) } else { Ok(()) });
            let checked = match nonce {
                Some(n) => token.claims(&verifier, n).map(|c| (c.subject().to_string(), c.expiration(), c.access_token_hash().cloned())),
                None => token.claims(&verifier, |_: Option<&Nonce>| Ok(())).map(|c| (c.subject().to_string(), c.expiration(), c.access_token_hash().cloned())),
            };
            use openidconnect::{ClaimsVerificationError as C, SignatureVerificationError as S};
            match checked {
                Err(C::SignatureVerification(S::NoMatchingKey)) if !again => {
                    tracing::info!(provider = %self.cfg.name, "an ID token names a key we do not have; fetching the keys again");
                    again = true;
                }
                Err(C::Expired(m)) if m.contains("ahead of our clock") => return Err(OidcError::ClockOff { provider: self.cfg.display.clone(), detail: m }),
                Err(C::Expired(m)) => {
                    return Err(OidcError::ClockOff { provider: self.cfg.display.clone(), detail: format!("the ID token has expired ({m})") });
                }
                Err(e) => return Err(self.refused(describe(&e))),
                Ok((subject, expires, at_hash)) => {
                    if let Some(expected) = at_hash {
                        let alg = token.signing_alg().map_err(|e| self.refused(e))?;
                        let key = token.signing_key(&verifier).map_err(|e| self.refused(e))?;
                        let actual = AccessTokenHash::from_token(access, alg, key).map_err(|e| self.refused(e))?;
                        if actual != expected {
                            return Err(self.refused("the access token does not match the ID token's at_hash"));
                        }
                    }
                    return Ok(Verified { claims: payload(&token.to_string()).map_err(|e| self.refused(e))?, subject, expires_ms: expires.timestamp_millis() });
                }
            }
        }
    }

    /// The userinfo endpoint's claims, for a groups claim the ID token does not carry.
    pub async fn user_info(&self, tokens: &Tokens) -> Result<Option<Value>, OidcError> {
        let meta = self.metadata(false).await?;
        let client = self.client(&meta);
        let Ok(req) = client.user_info(tokens.access_token.clone(), Some(openidconnect::SubjectIdentifier::new(tokens.id.subject.clone()))) else {
            return Ok(None);
        };
        let claims: openidconnect::UserInfoClaims<Everything, openidconnect::core::CoreGenderClaim> = match req.request_async(&self.http).await {
            Ok(c) => c,
            Err(e) => return Err(self.unreachable(format!("its userinfo endpoint: {}", error_chain(&e)))),
        };
        serde_json::to_value(&claims).map(Some).map_err(|e| self.refused(e))
    }

    /// Who the tokens say the person is, with the role their groups give: from the ID token, or
    /// from the userinfo endpoint when the ID token does not carry the identity or groups claim
    /// (providers that keep ID tokens to the standard claims).
    pub async fn person(&self, tokens: &Tokens) -> Result<super::claims::Person, OidcError> {
        let claims = &tokens.id.claims;
        let complete = claims.get(&self.cfg.identity_claim).is_some() && super::claims::at(claims, &self.cfg.groups_claim).is_some();
        if complete {
            return super::claims::person(&self.cfg, claims, claims);
        }
        let Some(info) = self.user_info(tokens).await? else {
            return super::claims::person(&self.cfg, claims, claims);
        };
        // The ID token's own claims win; userinfo fills in what it lacks.
        let mut merged = info;
        if let (Value::Object(m), Value::Object(id)) = (&mut merged, claims) {
            m.extend(id.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
        super::claims::person(&self.cfg, &merged, &merged)
    }

    /// Where to send the browser to sign out at the provider too, if it offers that.
    pub async fn logout_url(&self, id_token_hint: &str) -> Option<url::Url> {
        let meta = self.metadata(false).await.ok()?;
        let end = meta.additional_metadata().end_session_endpoint.clone()?;
        let hint: CoreIdToken = id_token_hint.parse().ok()?;
        let post = PostLogoutRedirectUrl::new(self.post_logout.clone()).ok()?;
        Some(openidconnect::LogoutRequest::from(end).set_id_token_hint(&hint).set_client_id(ClientId::new(self.cfg.client_id.clone())).set_post_logout_redirect_uri(post).http_get_url())
    }
}

/// Every claim of a userinfo answer beyond the standard ones (where a groups claim is).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct Everything(serde_json::Map<String, Value>);

impl openidconnect::AdditionalClaims for Everything {}

/// The claims of a token whose signature was checked, as JSON (for the configured claim paths).
fn payload(jwt: &str) -> Result<Value, String> {
    use base64::Engine as _;
    let part = jwt.split('.').nth(1).ok_or("not a JWT")?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(part.trim_end_matches('=')).map_err(|e| e.to_string())?;
    serde_json::from_slice(&bytes).map_err(|e| e.to_string())
}

fn describe(e: &openidconnect::ClaimsVerificationError) -> String {
    use openidconnect::ClaimsVerificationError as C;
    match e {
        C::SignatureVerification(s) => format!("its signature does not verify ({s})"),
        C::InvalidIssuer(m) => format!("wrong issuer ({m})"),
        C::InvalidAudience(m) => format!("it is not meant for Meeting Admin ({m})"),
        C::InvalidNonce(m) => format!("it does not answer this sign-in ({m})"),
        other => other.to_string(),
    }
}

/// An error with its causes, which is where reqwest says what actually failed.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        s.push_str(": ");
        s.push_str(&cause.to_string());
        source = cause.source();
    }
    s
}
