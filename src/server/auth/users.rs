//! Local accounts in the app's database. Names are case-insensitive and unique.

use crate::server::clock::Clock;
use crate::server::store::{on_pool, Store};

use super::password;
use crate::domain::{Person, Role, SignInMethod};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Username(String);

impl Username {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let s = raw.trim();
        if s.is_empty() {
            return Err("Enter a username.".into());
        }
        if s.len() > 64 {
            return Err("A username has at most 64 characters.".into());
        }
        if !s.chars().all(|c| c.is_ascii_alphanumeric() || "._-@".contains(c)) {
            return Err(format!("'{s}' may use only letters, digits and . _ - @"));
        }
        Ok(Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRecord {
    pub username: String,
    pub role: Role,
    pub disabled: bool,
    pub password_hash: String,
    pub created_at: i64,
    /// Unix milliseconds; sessions signed in before it end (0: not set since the column came).
    pub password_changed_ms: i64,
    /// The gateway (SSO) identity of the same person, lower-case (`user link`).
    pub sso_identity: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum UserError {
    #[error("user '{0}' already exists")]
    Exists(String),
    #[error("no user '{0}'")]
    NotFound(String),
    #[error("{0}")]
    Invalid(String),
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
}

type Row = (String, String, String, bool, i64, i64, Option<String>);

const COLUMNS: &str = "username, password_hash, role, disabled, created_at, password_changed_ms, sso_identity";

fn record((username, password_hash, role, disabled, created_at, password_changed_ms, sso_identity): Row) -> Result<UserRecord, UserError> {
    let role = Role::parse(&role).map_err(UserError::Invalid)?;
    Ok(UserRecord { username, role, disabled, password_hash, created_at, password_changed_ms, sso_identity })
}

pub async fn find(db: &Store, name: &str) -> Result<Option<UserRecord>, UserError> {
    // lower() on both sides: SQLite's column is NOCASE, PostgreSQL has a unique index on lower().
    let sql = format!("SELECT {COLUMNS} FROM users WHERE lower(username) = lower($1)");
    let row: Option<Row> = on_pool!(db, pool => sqlx::query_as(&sql).bind(name.trim()).fetch_optional(pool).await)?;
    row.map(record).transpose()
}

pub async fn list(db: &Store) -> Result<Vec<UserRecord>, UserError> {
    let sql = format!("SELECT {COLUMNS} FROM users ORDER BY lower(username)");
    let rows: Vec<Row> = on_pool!(db, pool => sqlx::query_as(&sql).fetch_all(pool).await)?;
    rows.into_iter().map(record).collect()
}

pub async fn count(db: &Store) -> Result<i64, UserError> {
    Ok(on_pool!(db, pool => sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(pool).await)?)
}

pub async fn add(db: &Store, clock: &Clock, name: &Username, role: Role, password: &str) -> Result<(), UserError> {
    password::check_new(password).map_err(UserError::Invalid)?;
    let hash = password::hash(password.to_owned()).await.map_err(UserError::Invalid)?;
    let t = clock.now_unix();
    // No conflict target: the name is unique whatever its case, by a different rule per backend.
    let sql = "INSERT INTO users (username, password_hash, role, disabled, created_at, updated_at, password_changed_ms) \
               VALUES ($1, $2, $3, $4, $5, $5, $6) ON CONFLICT DO NOTHING";
    let done = on_pool!(db, pool => sqlx::query(sql)
        .bind(name.as_str())
        .bind(&hash)
        .bind(role.as_str())
        .bind(false)
        .bind(t)
        .bind(clock.now_ms())
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?;
    if done == 0 {
        return Err(UserError::Exists(name.as_str().to_owned()));
    }
    Ok(())
}

/// An UPDATE by name changed `updated` rows: none means there is no such account.
/// An account's columns that change alone (with `updated_at`).
#[derive(Debug, Clone, Copy)]
enum Column {
    Role,
    SsoIdentity,
    OidcIdentity,
}

/// Sets one column of the named account; an account that is not there is `NotFound`.
async fn set_column(db: &Store, clock: &Clock, name: &str, column: Column, value: Option<&str>) -> Result<(), UserError> {
    // One statement per column, written out: no column name is ever built into SQL.
    let sql = match column {
        Column::Role => "UPDATE users SET role = $1, updated_at = $2 WHERE lower(username) = lower($3)",
        Column::SsoIdentity => "UPDATE users SET sso_identity = $1, updated_at = $2 WHERE lower(username) = lower($3)",
        Column::OidcIdentity => "UPDATE users SET oidc_identity = $1, updated_at = $2 WHERE lower(username) = lower($3)",
    };
    let done = on_pool!(db, pool => sqlx::query(sql)
        .bind(value)
        .bind(clock.now_unix())
        .bind(name.trim())
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?;
    one_account(name, done)
}

fn one_account(name: &str, updated: u64) -> Result<(), UserError> {
    if updated == 0 {
        return Err(UserError::NotFound(name.trim().to_owned()));
    }
    Ok(())
}

/// A new password also re-enables a disabled account, and ends the sessions signed in before it
/// (whoever had the old one may have signed in with it).
pub async fn set_password(db: &Store, clock: &Clock, name: &str, password: &str) -> Result<(), UserError> {
    password::check_new(password).map_err(UserError::Invalid)?;
    let hash = password::hash(password.to_owned()).await.map_err(UserError::Invalid)?;
    let sql = "UPDATE users SET password_hash = $1, disabled = $2, updated_at = $3, password_changed_ms = $4 WHERE lower(username) = lower($5)";
    let done = on_pool!(db, pool => sqlx::query(sql)
        .bind(&hash)
        .bind(false)
        .bind(clock.now_unix())
        .bind(clock.now_ms())
        .bind(name.trim())
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?;
    one_account(name, done)
}

/// Disables the account and ends its sessions at their next request on every replica (the
/// change reaches each replica's kept accounts through `store::changes`).
pub async fn disable(db: &Store, clock: &Clock, name: &str) -> Result<(), UserError> {
    let sql = "UPDATE users SET disabled = $1, updated_at = $2 WHERE lower(username) = lower($3)";
    let done = on_pool!(db, pool => sqlx::query(sql)
        .bind(true)
        .bind(clock.now_unix())
        .bind(name.trim())
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?;
    one_account(name, done)
}

/// A new role, in force at the account's next request on every replica.
pub async fn set_role(db: &Store, clock: &Clock, name: &str, role: Role) -> Result<(), UserError> {
    set_column(db, clock, name, Column::Role, Some(role.as_str())).await
}

/// Links the account to the gateway identity of the same person (`None`: unlinks it), so that
/// two-person approval counts the two as one. An identity already linked to another account is
/// refused.
pub async fn link(db: &Store, clock: &Clock, name: &str, identity: Option<&str>) -> Result<(), UserError> {
    let identity = match identity {
        Some(raw) => {
            let plain = crate::domain::plain_text(raw).map_err(|m| UserError::Invalid(format!("the identity: {m}")))?;
            if plain.is_empty() || plain.chars().count() > 256 {
                return Err(UserError::Invalid("the identity must be 1 to 256 characters, as the gateway sends it".into()));
            }
            Some(plain.to_lowercase())
        }
        None => None,
    };
    if let Some(id) = &identity {
        let sql = "SELECT username FROM users WHERE sso_identity = $1 AND lower(username) <> lower($2)";
        let other: Option<String> = on_pool!(db, pool => sqlx::query_scalar(sql).bind(id).bind(name.trim()).fetch_optional(pool).await)?;
        if let Some(other) = other {
            return Err(UserError::Invalid(format!("'{id}' is linked to the account {other} already")));
        }
    }
    set_column(db, clock, name, Column::SsoIdentity, identity.as_deref()).await
}

/// Links the account to a person's subject at an OpenID Connect provider (`PROVIDER:SUBJECT`;
/// `None` unlinks it), so that two-person approval counts the two as one.
pub async fn link_subject(db: &Store, clock: &Clock, name: &str, pair: Option<&str>) -> Result<(), UserError> {
    let stored = match pair {
        Some(raw) => {
            let plain = crate::domain::plain_text(raw).map_err(|m| UserError::Invalid(format!("the subject: {m}")))?;
            let (provider, subject) = plain.split_once(':').ok_or_else(|| UserError::Invalid("write it as PROVIDER:SUBJECT, e.g. okta:00u1abcd".into()))?;
            let provider = provider.trim().to_ascii_lowercase();
            if provider.is_empty() || !provider.chars().all(|c| c.is_ascii_alphanumeric()) {
                return Err(UserError::Invalid(format!("'{provider}' is not a provider's name (letters and digits, as in OIDC_<NAME>_ISSUER)")));
            }
            let subject = subject.trim();
            if subject.is_empty() || subject.chars().count() > 256 || subject.contains(' ') {
                return Err(UserError::Invalid("the subject is 1 to 256 characters without spaces, as the ID token's sub".into()));
            }
            Some(format!("{provider} {subject}"))
        }
        None => None,
    };
    set_column(db, clock, name, Column::OidcIdentity, stored.as_deref()).await
}

/// The person behind a name signed in by `method`: a gateway identity is itself; a local
/// account is the gateway identity it is linked to, or else only itself.
pub async fn person(db: &Store, name: &str, method: SignInMethod) -> Result<Person, sqlx::Error> {
    match method {
        SignInMethod::Sso => return Ok(Person::gateway(name)),
        SignInMethod::System => return Ok(Person::System),
        SignInMethod::Oidc => return Ok(Person::Oidc(crate::server::oidc::store::subjects(db, name.trim()).await?)),
        SignInMethod::Password => {}
    }
    let sql = "SELECT sso_identity, oidc_identity FROM users WHERE lower(username) = lower($1)";
    let linked: Option<(Option<String>, Option<String>)> = on_pool!(db, pool => sqlx::query_as(sql).bind(name.trim()).fetch_optional(pool).await)?;
    Ok(match linked.unwrap_or_default() {
        (Some(identity), _) => Person::gateway(&identity),
        (None, Some(pair)) => match pair.split_once(' ') {
            Some((provider, subject)) => Person::Oidc(vec![(provider.to_owned(), subject.to_owned())]),
            None => Person::local(name),
        },
        (None, None) => Person::local(name),
    })
}

/// The first start: with no account at all, create `admin` so someone can sign in.
/// Returns the generated password when it made one up (printed once by the caller).
pub async fn bootstrap_admin(db: &Store, clock: &Clock, admin_password: Option<&str>) -> Result<Option<String>, UserError> {
    if count(db).await? > 0 {
        return Ok(None);
    }
    let (password, generated) = match admin_password {
        Some(p) => (p.to_owned(), false),
        None => (random_password(), true),
    };
    let name = Username::parse("admin").map_err(UserError::Invalid)?;
    match add(db, clock, &name, Role::Admin, &password).await {
        // Another replica made it first: fine, and its password is the one to use.
        Err(UserError::Exists(_)) => Ok(None),
        Err(e) => Err(e),
        Ok(()) => Ok(generated.then_some(password)),
    }
}

fn random_password() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::thread_rng();
    (0..20).map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char).collect()
}
