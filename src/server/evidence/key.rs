//! The Ed25519 key deletion records are signed with: from `EVIDENCE_KEY_FILE` (a PKCS#8 PEM, as
//! `openssl genpkey -algorithm ed25519` writes), or made at first start and kept in the store.

use std::fmt;
use std::sync::Arc;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use ring::rand::SystemRandom;
use ring::signature::{Ed25519KeyPair, KeyPair as _};

use crate::server::store::{on_pool, Store};

/// Where the key came from, said on the About page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeySource {
    File,
    Store,
}

#[derive(Clone)]
pub struct SigningKey {
    pair: Arc<Ed25519KeyPair>,
    pub source: KeySource,
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SigningKey({}, {:?})", self.key_id(), self.source)
    }
}

/// The DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410): the 32 key bytes follow.
const SPKI_PREFIX: [u8; 12] = [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00];

/// A public key's short name: the first 16 hex digits of its SHA-256.
pub fn key_id(public: &[u8]) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, public);
    digest.as_ref()[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// A public key as PEM, so `openssl pkey -pubin` reads it.
pub fn public_pem(public: &[u8]) -> String {
    let der = [&SPKI_PREFIX[..], public].concat();
    format!("-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n", STANDARD.encode(der))
}

impl SigningKey {
    fn from_pkcs8(der: &[u8], source: KeySource) -> Result<Self, String> {
        // `maybe_unchecked` reads PKCS#8 v1 too (no public key inside), which OpenSSL writes.
        let pair = Ed25519KeyPair::from_pkcs8_maybe_unchecked(der).map_err(|e| format!("not an Ed25519 private key in PKCS#8 ({e})"))?;
        Ok(Self { pair: Arc::new(pair), source })
    }

    /// Reads a PEM "PRIVATE KEY" (PKCS#8) holding an Ed25519 key.
    pub fn from_pem(text: &str) -> Result<Self, String> {
        let body = text
            .trim()
            .strip_prefix("-----BEGIN PRIVATE KEY-----")
            .and_then(|t| t.strip_suffix("-----END PRIVATE KEY-----"))
            .ok_or("not a PEM private key (-----BEGIN PRIVATE KEY----- … -----END PRIVATE KEY-----); make one with `openssl genpkey -algorithm ed25519`")?;
        let b64: String = body.chars().filter(|c| !c.is_whitespace()).collect();
        let der = STANDARD.decode(b64).map_err(|_| "the PEM body is not base64".to_owned())?;
        Self::from_pkcs8(&der, KeySource::File)
    }

    /// The configured key, or else the store's, made now if this is the first start. Two
    /// replicas starting at once both try to insert; one wins and both read the winner.
    pub async fn load(configured: Option<Self>, db: &Store, now_ms: i64) -> Result<Self, String> {
        if let Some(k) = configured {
            return Ok(k);
        }
        let read = || async {
            let stored: Option<String> =
                on_pool!(db, pool => sqlx::query_scalar("SELECT pkcs8 FROM evidence_key WHERE id = 1").fetch_optional(pool).await)
                    .map_err(|e| format!("cannot read the evidence key: {e}"))?;
            stored
                .map(|b64| STANDARD.decode(b64).map_err(|_| "the stored evidence key is not base64".to_owned()).and_then(|der| Self::from_pkcs8(&der, KeySource::Store)))
                .transpose()
        };
        if let Some(k) = read().await? {
            return Ok(k);
        }
        let doc = Ed25519KeyPair::generate_pkcs8(&SystemRandom::new()).map_err(|_| "cannot make an evidence key".to_owned())?;
        on_pool!(db, pool => sqlx::query("INSERT INTO evidence_key (id, pkcs8, created_ms) VALUES (1, $1, $2) ON CONFLICT (id) DO NOTHING")
            .bind(STANDARD.encode(doc.as_ref()))
            .bind(now_ms)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))
        .map_err(|e| format!("cannot keep the evidence key: {e}"))?;
        let key = read().await?.ok_or("the evidence key was not kept")?;
        tracing::info!(key_id = %key.key_id(), "made the key deletion records are signed with (kept in the database)");
        Ok(key)
    }

    pub fn public(&self) -> &[u8] {
        self.pair.public_key().as_ref()
    }

    pub fn key_id(&self) -> String {
        key_id(self.public())
    }

    pub fn public_pem(&self) -> String {
        public_pem(self.public())
    }

    pub fn sign(&self, message: &[u8]) -> Vec<u8> {
        self.pair.sign(message).as_ref().to_vec()
    }

    /// A key made on the spot (tests).
    pub fn generate() -> Self {
        let doc = Ed25519KeyPair::generate_pkcs8(&SystemRandom::new()).expect("the system's random source works");
        Self::from_pkcs8(doc.as_ref(), KeySource::Store).expect("ring reads the key it made")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Made by `openssl genpkey -algorithm ed25519` (PKCS#8 v1, no public key inside).
    const OPENSSL_PEM: &str = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIAHC5wuYblz6O6zo6MnuLdu04UQ/Edvsct3P7HFoKHic\n-----END PRIVATE KEY-----\n";

    #[test]
    fn reads_the_key_openssl_writes_and_names_it() {
        let k = SigningKey::from_pem(OPENSSL_PEM).unwrap();
        assert_eq!(k.public().len(), 32);
        assert_eq!(k.key_id().len(), 16);
        assert!(k.public_pem().starts_with("-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA"));
        assert_eq!(k.source, KeySource::File);
    }

    #[test]
    fn anything_else_is_refused_with_what_to_do() {
        assert!(SigningKey::from_pem("hello").unwrap_err().contains("openssl genpkey"));
        assert!(SigningKey::from_pem("-----BEGIN PRIVATE KEY-----\n!!\n-----END PRIVATE KEY-----").unwrap_err().contains("base64"));
        let x25519 = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VuBCIEIMAdxn/aK/hxeDu9knTkAjKNOVzGwvfDOHuUqz3LySt+\n-----END PRIVATE KEY-----";
        assert!(SigningKey::from_pem(x25519).unwrap_err().contains("not an Ed25519 private key"));
    }
}
