//! argon2id hashing at the OWASP minimum (19 MiB, 2 iterations, 1 lane). Hashing is CPU- and
//! memory-heavy, so it runs on the blocking pool, never on the async workers, at most one per
//! CPU at a time (a burst of parallel sign-ins once took a replica from 31 MB to 1.9 GB), and
//! each hash's 19 MiB goes back to the OS when it is done (`allocator::give_back_now`).

use std::sync::OnceLock;
use std::time::Duration;

use tokio::sync::{Semaphore, SemaphorePermit};

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

/// How long a sign-in waits for its turn to be checked before it is told to try again.
pub const WAIT_FOR_TURN: Duration = Duration::from_secs(2);

/// All hashes at once could take; one per CPU this process may use.
fn turns() -> &'static Semaphore {
    static TURNS: OnceLock<Semaphore> = OnceLock::new();
    TURNS.get_or_init(|| Semaphore::new(std::thread::available_parallelism().map_or(1, |n| n.get())))
}

/// Every CPU is hashing, and stayed so for `WAIT_FOR_TURN`: try again in a second.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Busy;

async fn turn(turns: &Semaphore, wait: Option<Duration>) -> Result<SemaphorePermit<'_>, Busy> {
    match wait {
        Some(within) => tokio::time::timeout(within, turns.acquire()).await.map_err(|_| Busy)?.map_err(|_| Busy),
        None => turns.acquire().await.map_err(|_| Busy),
    }
}

pub fn hash_blocking(password: &str) -> Result<String, String> {
    let salt = SaltString::generate(&mut OsRng);
    let hashed = hasher().hash_password(password.as_bytes(), &salt).map(|h| h.to_string()).map_err(|e| format!("cannot hash: {e}"));
    crate::server::allocator::give_back_now();
    hashed
}

pub async fn hash(password: String) -> Result<String, String> {
    let _turn = turn(turns(), None).await.map_err(|_| "hashing is shut down".to_owned())?;
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
/// `Busy` when no turn came within `WAIT_FOR_TURN`.
pub async fn verify(password: String, stored: Option<String>) -> Result<bool, Busy> {
    verify_in_turn(turns(), password, stored).await
}

async fn verify_in_turn(turns: &Semaphore, password: String, stored: Option<String>) -> Result<bool, Busy> {
    let _turn = turn(turns, Some(WAIT_FOR_TURN)).await?;
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
    Ok(exists && result)
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
        assert_eq!(verify("correct horse battery".into(), Some(h.clone())).await, Ok(true));
        assert_eq!(verify("correct horse batterY".into(), Some(h)).await, Ok(false));
    }

    #[tokio::test]
    async fn unknown_user_never_verifies_and_still_does_the_work() {
        warm_up();
        let t = std::time::Instant::now();
        assert_eq!(verify("not a real password, only spent time".into(), None).await, Ok(false));
        // The dummy path runs a full argon2 verification: it cannot be near-instant.
        assert!(t.elapsed() >= std::time::Duration::from_millis(5), "{:?}", t.elapsed());
        assert_eq!(verify("x".into(), Some("not a phc string".into())).await, Ok(false));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn no_more_hashes_run_at_once_than_there_are_cpus() {
        // A semaphore of the test's own, sized as the process's: other tests hash meanwhile.
        let turns = Semaphore::new(std::thread::available_parallelism().map_or(1, |n| n.get()));
        let held: Vec<_> = futures_util::future::join_all((0..turns.available_permits()).map(|_| turn(&turns, None))).await;
        assert!(held.iter().all(Result::is_ok));
        // Every turn is taken: the next check waits, then is told to come back.
        let t = std::time::Instant::now();
        assert_eq!(verify_in_turn(&turns, "x".into(), None).await, Err(Busy));
        assert!(t.elapsed() >= WAIT_FOR_TURN);
        drop(held);
        assert_eq!(verify_in_turn(&turns, "x".into(), None).await, Ok(false));
    }

    #[test]
    fn new_password_length() {
        assert!(check_new("short").is_err());
        assert!(check_new("twelve chars").is_ok());
        assert!(check_new(&"x".repeat(257)).is_err());
    }
}
