//! Walking the audit chain in the store, and what each walk found.

use std::collections::HashMap;

use super::chain::{ChainRow, Problem, Walk, CHAIN_COLUMNS};
use super::AuditLog;
use crate::domain::ChainCheck as Verification;
use crate::server::store::on_pool;

/// Entries read per query: a walk holds one page at a time, whatever the log's size.
const PAGE: i64 = 2000;

impl AuditLog {
    /// Walks the whole chain, oldest first, and records what it found. A store error is an
    /// error, not a finding.
    pub async fn verify(&self) -> Result<Verification, sqlx::Error> {
        // Positions earlier walks reached; a walk that found a problem may have seen a forged
        // head, so only the clean ones are references.
        let seen: Vec<(i64, String)> = on_pool!(&self.db, pool => sqlx::query_as(
            "SELECT head_seq, head_hash FROM audit_verifications WHERE ok AND head_seq > 0").fetch_all(pool).await?);
        let mut walk = Walk::new(seen.into_iter().collect::<HashMap<_, _>>());
        let sql = format!("SELECT {CHAIN_COLUMNS} FROM audit_log WHERE id > $1 ORDER BY id LIMIT $2");
        let mut after = 0_i64;
        let mut problem: Option<Problem> = None;
        'pages: loop {
            let rows: Vec<ChainRow> = on_pool!(&self.db, pool => sqlx::query_as(&sql).bind(after).bind(PAGE).fetch_all(pool).await?);
            let Some(last) = rows.last() else { break };
            after = last.id;
            for r in &rows {
                if let Err(p) = walk.step(r) {
                    problem = Some(p);
                    break 'pages;
                }
            }
            if (rows.len() as i64) < PAGE {
                break;
            }
        }
        if problem.is_none() {
            let (head_seq, head_hash) = self.head().await?;
            problem = walk.finish(head_seq, &head_hash).err();
        }
        let (head_seq, head_hash) = walk.head();
        let v = Verification {
            at_ms: self.clock.now_ms(),
            ok: problem.is_none(),
            chained: walk.chained,
            before_chain: walk.before_chain,
            head_seq,
            head_hash: head_hash.to_owned(),
            problem: problem.map(|p| p.to_string()),
        };
        on_pool!(&self.db, pool => sqlx::query(
            "INSERT INTO audit_verifications (at_ms, ok, entries, head_seq, head_hash, problem) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(v.at_ms)
            .bind(v.ok)
            .bind(i64::try_from(v.chained).unwrap_or(i64::MAX))
            .bind(v.head_seq)
            .bind(&v.head_hash)
            .bind(&v.problem)
            .execute(pool)
            .await
            .map(|r| r.rows_affected())?);
        if let Some(p) = &v.problem {
            tracing::error!(problem = %p, "the audit chain does not verify");
        }
        Ok(v)
    }

    /// The newest walk, for the audit page.
    pub async fn last_verification(&self) -> Result<Option<Verification>, sqlx::Error> {
        let sql = "SELECT at_ms, ok, entries, head_seq, head_hash, problem FROM audit_verifications ORDER BY id DESC LIMIT 1";
        let row: Option<(i64, bool, i64, i64, String, Option<String>)> = on_pool!(&self.db, pool => sqlx::query_as(sql).fetch_optional(pool).await?);
        Ok(row.map(|(at_ms, ok, entries, head_seq, head_hash, problem)| Verification {
            at_ms,
            ok,
            chained: entries.max(0) as u64,
            before_chain: 0,
            head_seq,
            head_hash,
            problem,
        }))
    }
}

impl AuditLog {
    /// The chain's head now: its position and hash (a deletion record names it).
    pub async fn head(&self) -> Result<(i64, String), sqlx::Error> {
        on_pool!(&self.db, pool => sqlx::query_as("SELECT seq, last_hash FROM audit_chain WHERE id = 1").fetch_one(pool).await)
    }
}
