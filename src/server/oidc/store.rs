//! The rows behind sessions signed in through a provider (`oidc_sessions`), and which names each
//! provider subject signed in under (`oidc_identities`).

use crate::domain::Role;
use crate::server::store::{on_pool, Store};

/// One provider session, as `renew` needs it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Row {
    pub id: String,
    pub provider: String,
    pub subject: String,
    pub username: String,
    pub role: String,
    pub refresh_token: Option<String>,
    pub id_token: String,
    pub refresh_due_ms: i64,
    pub ended_reason: Option<String>,
}

impl Row {
    pub fn role(&self) -> Option<Role> {
        Role::parse(&self.role).ok()
    }
}

pub struct NewSession<'a> {
    pub provider: &'a str,
    pub subject: &'a str,
    pub username: &'a str,
    pub role: Role,
    pub refresh_token: Option<&'a str>,
    pub id_token: &'a str,
    pub refresh_due_ms: i64,
}

/// Starts a provider session; also drops rows older than any session may live.
pub async fn open(db: &Store, s: NewSession<'_>, now_ms: i64, oldest_ms: i64) -> Result<String, sqlx::Error> {
    let id = uuid::Uuid::new_v4().to_string();
    on_pool!(db, pool => async {
        sqlx::query("DELETE FROM oidc_sessions WHERE created_ms < $1").bind(oldest_ms).execute(pool).await?;
        sqlx::query(
            "INSERT INTO oidc_sessions (id, provider, subject, username, role, refresh_token, id_token, refresh_due_ms, created_ms)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&id)
        .bind(s.provider)
        .bind(s.subject)
        .bind(s.username)
        .bind(s.role.as_str())
        .bind(s.refresh_token)
        .bind(s.id_token)
        .bind(s.refresh_due_ms)
        .bind(now_ms)
        .execute(pool)
        .await?;
        sqlx::query(
            "INSERT INTO oidc_identities (provider, subject, username, first_seen_ms, last_seen_ms) VALUES ($1, $2, $3, $4, $4)
             ON CONFLICT (provider, subject, username) DO UPDATE SET last_seen_ms = excluded.last_seen_ms",
        )
        .bind(s.provider)
        .bind(s.subject)
        .bind(s.username)
        .bind(now_ms)
        .execute(pool)
        .await?;
        Ok::<_, sqlx::Error>(())
    }.await)?;
    Ok(id)
}

pub async fn get(db: &Store, id: &str) -> Result<Option<Row>, sqlx::Error> {
    let sql = "SELECT id, provider, subject, username, role, refresh_token, id_token, refresh_due_ms, ended_reason FROM oidc_sessions WHERE id = $1";
    on_pool!(db, pool => sqlx::query_as::<_, Row>(sql).bind(id).fetch_optional(pool).await)
}

/// Takes the right to renew this session for `lease_ms`, if it is due and nobody holds it:
/// of two replicas (or two requests) only one spends the refresh token.
pub async fn claim(db: &Store, id: &str, now_ms: i64, lease_ms: i64) -> Result<bool, sqlx::Error> {
    let sql = "UPDATE oidc_sessions SET lease_until_ms = $1 WHERE id = $2 AND ended_ms IS NULL AND refresh_due_ms <= $3
               AND (lease_until_ms IS NULL OR lease_until_ms < $3)";
    let done = on_pool!(db, pool => sqlx::query(sql).bind(now_ms + lease_ms).bind(id).bind(now_ms).execute(pool).await.map(|r| r.rows_affected()))?;
    Ok(done == 1)
}

/// A renewal's result: new tokens (a provider may keep the refresh token) and the role.
pub async fn renewed(db: &Store, id: &str, role: Role, refresh_token: Option<&str>, id_token: Option<&str>, due_ms: i64) -> Result<(), sqlx::Error> {
    let sql = "UPDATE oidc_sessions SET role = $1, refresh_token = COALESCE($2, refresh_token), id_token = COALESCE($3, id_token),
               refresh_due_ms = $4, lease_until_ms = NULL WHERE id = $5";
    on_pool!(db, pool => sqlx::query(sql).bind(role.as_str()).bind(refresh_token).bind(id_token).bind(due_ms).bind(id).execute(pool).await.map(|_| ()))?;
    Ok(())
}

/// Ends it (signed out, or a renewal failed): it is never renewed again.
pub async fn end(db: &Store, id: &str, now_ms: i64, reason: &str) -> Result<(), sqlx::Error> {
    let sql = "UPDATE oidc_sessions SET ended_ms = $1, ended_reason = $2, refresh_token = NULL, lease_until_ms = NULL WHERE id = $3 AND ended_ms IS NULL";
    on_pool!(db, pool => sqlx::query(sql).bind(now_ms).bind(reason).bind(id).execute(pool).await.map(|_| ()))?;
    Ok(())
}

/// The (provider, subject) pairs that signed in under `username`.
pub async fn subjects(db: &Store, username: &str) -> Result<Vec<(String, String)>, sqlx::Error> {
    let sql = "SELECT provider, subject FROM oidc_identities WHERE lower(username) = lower($1)";
    on_pool!(db, pool => sqlx::query_as(sql).bind(username).fetch_all(pool).await)
}
