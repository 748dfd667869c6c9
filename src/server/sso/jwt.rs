//! Signed assertions from the gateway: verified against the IdP's published key set (JWKS),
//! which is cached and refetched when a token names a key we do not know (rate-limited).

use std::collections::HashSet;
use std::str::FromStr;
use std::time::{Duration, Instant};

use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, Jwk, JwkSet};
use jsonwebtoken::{decode, decode_header, Algorithm, DecodingKey, Validation};
use tokio::sync::{Mutex, RwLock};
use url::Url;

/// Clock difference tolerated between the IdP and us.
const LEEWAY_SECS: u64 = 30;
/// Even without an unknown key id, the set is refreshed this often (revoked keys drop out).
const MAX_AGE: Duration = Duration::from_secs(3600);

#[derive(Debug, Clone)]
pub struct JwtSettings {
    pub header: http::HeaderName,
    pub jwks_url: Url,
    pub issuer: String,
    pub audience: String,
    pub identity_claim: String,
    pub groups_claim: String,
    /// At most one refetch of the key set per this interval.
    pub refetch_interval: Duration,
}

/// Why an assertion was refused; shown to the user and logged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JwtError {
    #[error("the assertion is not a well-formed JWT")]
    Malformed,
    #[error("unsigned assertions (alg 'none') are never accepted")]
    Unsigned,
    #[error("the assertion names critical extensions ('crit'), which are not understood here")]
    CriticalExtensions,
    #[error("the assertion is signed with key '{0}', which the identity provider does not publish")]
    UnknownKey(String),
    #[error("algorithm {0} is not allowed for this key")]
    AlgorithmNotAllowed(String),
    #[error("the signature does not verify")]
    BadSignature,
    #[error("the assertion has expired")]
    Expired,
    #[error("the assertion is not valid yet")]
    NotYetValid,
    #[error("the assertion was issued by someone else")]
    WrongIssuer,
    #[error("the assertion is meant for another application")]
    WrongAudience,
    #[error("the assertion has no '{0}' claim")]
    MissingClaim(String),
    #[error("the identity provider's keys cannot be fetched ({0})")]
    KeysUnavailable(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub identity: String,
    pub groups: Vec<String>,
}

#[derive(Debug)]
pub struct JwksCache {
    settings: JwtSettings,
    http: reqwest::Client,
    keys: RwLock<Option<(JwkSet, Instant)>>,
    last_fetch: Mutex<Option<Instant>>,
}

/// The algorithms a key may verify: its own `alg` if it names one, else those of its type.
/// Symmetric keys never verify anything here.
fn allowed_algorithms(jwk: &Jwk) -> Vec<Algorithm> {
    if let Some(alg) = jwk.common.key_algorithm {
        return serde_json::to_value(alg)
            .ok()
            .and_then(|v| v.as_str().and_then(|s| Algorithm::from_str(s).ok()))
            .filter(|a| !matches!(a, Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512))
            .into_iter()
            .collect();
    }
    match &jwk.algorithm {
        AlgorithmParameters::EllipticCurve(p) => match p.curve {
            EllipticCurve::P256 => vec![Algorithm::ES256],
            EllipticCurve::P384 => vec![Algorithm::ES384],
            _ => vec![],
        },
        AlgorithmParameters::OctetKeyPair(p) if p.curve == EllipticCurve::Ed25519 => vec![Algorithm::EdDSA],
        AlgorithmParameters::RSA(_) => {
            use Algorithm::*;
            vec![RS256, RS384, RS512, PS256, PS384, PS512]
        }
        _ => vec![],
    }
}

fn claim_text(claims: &serde_json::Value, name: &str) -> Option<String> {
    claims.get(name).and_then(|v| v.as_str()).map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned)
}

/// Groups as an array of strings, or one comma-separated string.
fn claim_groups(claims: &serde_json::Value, name: &str) -> Vec<String> {
    match claims.get(name) {
        Some(serde_json::Value::Array(items)) => items.iter().filter_map(|g| g.as_str()).map(|g| g.trim().to_owned()).filter(|g| !g.is_empty()).collect(),
        Some(serde_json::Value::String(s)) => super::roles::parse_groups(s),
        _ => Vec::new(),
    }
}

impl JwksCache {
    pub fn new(settings: JwtSettings) -> Result<Self, String> {
        let http = reqwest::Client::builder()
            .user_agent(concat!("meeting-admin/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(Duration::from_secs(3))
            .timeout(Duration::from_secs(5))
            .build()
            .map_err(|e| format!("cannot build the JWKS client: {e}"))?;
        Ok(Self { settings, http, keys: RwLock::new(None), last_fetch: Mutex::new(None) })
    }

    pub fn header(&self) -> &http::HeaderName {
        &self.settings.header
    }

    /// Fetches the key set unless one was fetched within the refetch interval. Returns whether
    /// a fetch happened.
    async fn refetch(&self) -> Result<bool, JwtError> {
        let mut last = self.last_fetch.lock().await;
        if last.is_some_and(|t| t.elapsed() < self.settings.refetch_interval) {
            return Ok(false);
        }
        *last = Some(Instant::now());
        let set = self.fetch().await.inspect_err(|e| tracing::warn!(error = %e, "cannot fetch the SSO key set"))?;
        tracing::info!(keys = set.keys.len(), "SSO key set fetched");
        *self.keys.write().await = Some((set, Instant::now()));
        Ok(true)
    }

    async fn fetch(&self) -> Result<JwkSet, JwtError> {
        let res = self
            .http
            .get(self.settings.jwks_url.clone())
            .send()
            .await
            .map_err(|e| JwtError::KeysUnavailable(e.without_url().to_string()))?;
        if !res.status().is_success() {
            return Err(JwtError::KeysUnavailable(format!("HTTP {}", res.status().as_u16())));
        }
        res.json::<JwkSet>().await.map_err(|e| JwtError::KeysUnavailable(format!("not a key set: {}", e.without_url())))
    }

    async fn find_key(&self, kid: Option<&str>) -> Option<Jwk> {
        let keys = self.keys.read().await;
        let (set, _) = keys.as_ref()?;
        match kid {
            Some(kid) => set.find(kid).cloned(),
            // No key id: acceptable only when there is no choice to make.
            None if set.keys.len() == 1 => set.keys.first().cloned(),
            None => None,
        }
    }

    async fn key_for(&self, kid: Option<&str>) -> Result<Jwk, JwtError> {
        let stale = self.keys.read().await.as_ref().is_none_or(|(_, at)| at.elapsed() > MAX_AGE);
        if stale {
            // A failed refresh keeps the keys we have.
            let _ = self.refetch().await;
        }
        if let Some(k) = self.find_key(kid).await {
            return Ok(k);
        }
        let unknown = || JwtError::UnknownKey(kid.unwrap_or("(none)").to_owned());
        match self.refetch().await {
            Ok(true) => self.find_key(kid).await.ok_or_else(unknown),
            Ok(false) => Err(unknown()),
            Err(e) if self.keys.read().await.is_none() => Err(e),
            Err(_) => Err(unknown()),
        }
    }

    pub async fn verify(&self, token: &str) -> Result<Verified, JwtError> {
        let header = decode_header(token).map_err(|_| {
            if header_says_none(token) { JwtError::Unsigned } else { JwtError::Malformed }
        })?;
        // RFC 7515 4.1.11: a recipient that does not understand a listed extension must refuse.
        if raw_header(token).is_some_and(|h| h.get("crit").is_some()) {
            return Err(JwtError::CriticalExtensions);
        }
        let jwk = self.key_for(header.kid.as_deref()).await?;
        if !allowed_algorithms(&jwk).contains(&header.alg) {
            return Err(JwtError::AlgorithmNotAllowed(format!("{:?}", header.alg)));
        }
        let key = DecodingKey::from_jwk(&jwk).map_err(|_| JwtError::UnknownKey(header.kid.clone().unwrap_or_default()))?;
        let mut v = Validation::new(header.alg);
        v.algorithms = vec![header.alg];
        v.leeway = LEEWAY_SECS;
        v.validate_nbf = true;
        v.set_issuer(&[&self.settings.issuer]);
        v.set_audience(&[&self.settings.audience]);
        v.required_spec_claims = HashSet::from(["exp".to_owned(), "iss".to_owned(), "aud".to_owned()]);
        let data = decode::<serde_json::Value>(token, &key, &v).map_err(|e| {
            use jsonwebtoken::errors::ErrorKind as K;
            match e.kind() {
                K::ExpiredSignature => JwtError::Expired,
                K::ImmatureSignature => JwtError::NotYetValid,
                K::InvalidIssuer => JwtError::WrongIssuer,
                K::InvalidAudience => JwtError::WrongAudience,
                K::MissingRequiredClaim(c) => JwtError::MissingClaim(c.clone()),
                K::InvalidSignature | K::InvalidEcdsaKey | K::InvalidRsaKey(_) | K::InvalidKeyFormat => JwtError::BadSignature,
                _ => JwtError::Malformed,
            }
        })?;
        let identity = claim_text(&data.claims, &self.settings.identity_claim)
            .ok_or_else(|| JwtError::MissingClaim(self.settings.identity_claim.clone()))?;
        Ok(Verified { identity, groups: claim_groups(&data.claims, &self.settings.groups_claim) })
    }
}

/// Whether the token's header asks for no signature at all (to say so plainly).
fn header_says_none(token: &str) -> bool {
    raw_header(token).and_then(|h| h.get("alg").and_then(|a| a.as_str()).map(|a| a.eq_ignore_ascii_case("none"))).unwrap_or(false)
}

/// The token's header as JSON, with what `decode_header` does not keep.
fn raw_header(token: &str) -> Option<serde_json::Value> {
    use base64::Engine as _;
    let head = token.split('.').next()?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(head.trim_end_matches('=')).ok()?;
    serde_json::from_slice(&bytes).ok()
}
