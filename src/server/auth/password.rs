//! argon2id hashing at the OWASP minimum (19 MiB, 2 iterations, 1 lane). Hashing is CPU- and
//! memory-heavy, so it runs on the blocking pool, never on the async workers, and each hash's
//! 19 MiB goes back to the OS when it is done (`allocator::give_back_now`).

use std::sync::OnceLock;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

pub const MIN_LEN: usize = 12;
pub const MAX_LEN: usize = 256;

fn hasher() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("OWASP argon2id parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// A new password must be long enough to resist guessing; the length is all we insist on.
pub fn check_new(password: &str) -> Result<(), String> {
    let n = password.chars().count();
    if n < MIN_LEN {
        Err(format!("A password needs at least {MIN_LEN} characters."))
    } else if n > MAX_LEN {
        Err(format!("A password has at most {MAX_LEN} characters."))
    } else {
        Ok(())
    }
}

pub fn hash_blocking(password: &str) -> Result<String, String> {
    let salt = SaltString::generate(&mut OsRng);
    let hashed = hasher().hash_password(password.as_bytes(), &salt).map(|h| h.to_string()).map_err(|e| format!("cannot hash: {e}"));
    crate::server::allocator::give_back_now();
    hashed
}

pub async fn hash(password: String) -> Result<String, String> {
    tokio::task::spawn_blocking(move || hash_blocking(&password))
        .await
        .map_err(|e| format!("hashing task failed: {e}"))?
}

/// Used when the user does not exist, so that answer costs the same time as a wrong password.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_blocking("not a real password, only spent time").expect("hashing works"))
}

/// Checks `password` against `stored`, or against a dummy hash when there is no stored hash.
/// A malformed stored hash counts as a mismatch (and is logged) rather than an error page.
pub async fn verify(password: String, stored: Option<String>) -> bool {
    let exists = stored.is_some();
    let result = tokio::task::spawn_blocking(move || {
        let phc = stored.unwrap_or_else(|| dummy_hash().to_owned());
        let verified = match PasswordHash::new(&phc) {
            Ok(parsed) => hasher().verify_password(password.as_bytes(), &parsed).is_ok(),
            Err(e) => {
                tracing::error!(error = %e, "a stored password hash is malformed");
                false
            }
        };
        crate::server::allocator::give_back_now();
        verified
    })
    .await
    .unwrap_or(false);
    exists && result
}

/// Compute the dummy hash once at start, so the first unknown-user sign-in is not faster.
pub fn warm_up() {
    let _ = dummy_hash();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn round_trip_and_parameters() {
        let h = hash("correct horse battery".into()).await.unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify("correct horse battery".into(), Some(h.clone())).await);
        assert!(!verify("correct horse batterY".into(), Some(h)).await);
    }

    #[tokio::test]
    async fn unknown_user_never_verifies_and_still_does_the_work() {
        warm_up();
        let t = std::time::Instant::now();
        assert!(!verify("not a real password, only spent time".into(), None).await);
        // The dummy path runs a full argon2 verification: it cannot be near-instant.
        assert!(t.elapsed() >= std::time::Duration::from_millis(5), "{:?}", t.elapsed());
        assert!(!verify("x".into(), Some("not a phc string".into())).await);
    }

    #[test]
    fn new_password_length() {
        assert!(check_new("short").is_err());
        assert!(check_new("twelve chars").is_ok());
        assert!(check_new(&"x".repeat(257)).is_err());
    }
}
