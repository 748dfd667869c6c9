//! The audit log's hash chain: what an entry's hashes cover, and the walk that checks them.
//!
//! An entry's hash covers its position, the hash of the entry before it and every field written
//! with it; its outcome, written once later, gets a hash of its own over the entry's hash and the
//! outcome's fields. Each field is written with a tag and its length, so no two different entries
//! hash the same bytes.

use std::collections::HashMap;
use std::fmt::Write as _;

use ring::digest::{Context, SHA256};

/// The "hash before" the chain's first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// An entry's fields as stored (after scrubbing and clipping).
#[derive(Debug, Clone, Default, sqlx::FromRow)]
pub struct ChainRow {
    pub id: i64,
    pub chain_seq: Option<i64>,
    pub chain_prev: Option<String>,
    pub chain_hash: Option<String>,
    pub outcome_hash: Option<String>,
    pub at_ms: i64,
    pub username: Option<String>,
    pub role: Option<String>,
    pub sign_in_method: Option<String>,
    pub client_addr: String,
    pub action: String,
    pub meeting_id: Option<String>,
    pub reason: Option<String>,
    pub detail: Option<String>,
    pub request_id: String,
    pub outcome: Option<String>,
    pub vendor_status: Option<i64>,
    pub deleted_count: Option<i64>,
    pub new_meeting_id: Option<String>,
    pub error: Option<String>,
    pub completed_ms: Option<i64>,
}

pub const CHAIN_COLUMNS: &str = "id, chain_seq, chain_prev, chain_hash, outcome_hash, at_ms, username, role, sign_in_method, \
    client_addr, action, meeting_id, reason, detail, request_id, outcome, vendor_status, deleted_count, new_meeting_id, error, completed_ms";

struct Hasher(Context);

impl Hasher {
    fn new(kind: &[u8]) -> Self {
        let mut h = Self(Context::new(&SHA256));
        h.text(Some(std::str::from_utf8(kind).unwrap_or_default()));
        h
    }

    fn text(&mut self, s: Option<&str>) -> &mut Self {
        match s {
            None => self.0.update(&[0]),
            Some(s) => {
                self.0.update(&[1]);
                self.0.update(&(s.len() as u64).to_be_bytes());
                self.0.update(s.as_bytes());
            }
        }
        self
    }

    fn int(&mut self, n: Option<i64>) -> &mut Self {
        match n {
            None => self.0.update(&[0]),
            Some(n) => {
                self.0.update(&[2]);
                self.0.update(&n.to_be_bytes());
            }
        }
        self
    }

    fn hex(self) -> String {
        let digest = self.0.finish();
        let mut s = String::with_capacity(64);
        for b in digest.as_ref() {
            let _ = write!(s, "{b:02x}");
        }
        s
    }
}

/// The hash of an entry at position `seq` after the entry whose hash is `prev`.
pub fn entry_hash(seq: i64, prev: &str, r: &ChainRow) -> String {
    let mut h = Hasher::new(b"audit-entry/1");
    h.int(Some(seq)).text(Some(prev)).int(Some(r.at_ms)).text(r.username.as_deref()).text(r.role.as_deref());
    h.text(r.sign_in_method.as_deref()).text(Some(&r.client_addr)).text(Some(&r.action)).text(r.meeting_id.as_deref());
    h.text(r.reason.as_deref()).text(r.detail.as_deref()).text(Some(&r.request_id));
    h.hex()
}

/// The hash of an entry's outcome, bound to the entry's own hash.
pub fn outcome_hash(entry_hash: &str, r: &ChainRow) -> String {
    let mut h = Hasher::new(b"audit-outcome/1");
    h.text(Some(entry_hash)).text(r.outcome.as_deref()).int(r.vendor_status).int(r.deleted_count);
    h.text(r.new_meeting_id.as_deref()).text(r.error.as_deref()).int(r.completed_ms);
    h.hex()
}

/// The first thing a walk found wrong, naming the entry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    #[error("entry {id} has no place in the chain, but entries before it have: it was added by hand")]
    Unchained { id: i64 },
    #[error("entry {id} was changed after it was written: its fields no longer match its hash")]
    Edited { id: i64 },
    #[error("entry {id}'s outcome was changed after it was written: it no longer matches its hash")]
    OutcomeEdited { id: i64 },
    #[error("the chain is broken before entry {id}: {} (position {expected} expected, {found} found)", if *missing == 1 { "1 entry was removed".to_owned() } else { format!("{missing} entries were removed") })]
    Removed { id: i64, expected: i64, found: i64, missing: i64 },
    #[error("entry {id} repeats or reorders chain position {found} ({expected} expected): it was added or moved by hand")]
    Inserted { id: i64, expected: i64, found: i64 },
    #[error("entry {id} does not follow the entry before it: that entry was changed or replaced")]
    Unlinked { id: i64 },
    #[error("the newest entries were removed: the chain ends at position {found}, but {expected} entries were written")]
    Truncated { expected: i64, found: i64 },
    #[error("the chain's head does not match its newest entry (position {seq}): one of them was changed by hand")]
    HeadMismatch { seq: i64 },
    #[error("the history was rewritten: entry at chain position {seq} no longer has the hash an earlier verification saw")]
    Rewritten { seq: i64 },
}

/// A walk of the chain, fed the entries in id order.
#[derive(Debug)]
pub struct Walk {
    next_seq: i64,
    prev: String,
    pub before_chain: u64,
    pub chained: u64,
    /// Positions and hashes earlier verifications reached.
    seen: HashMap<i64, String>,
}

impl Walk {
    pub fn new(seen: HashMap<i64, String>) -> Self {
        Self { next_seq: 1, prev: GENESIS.to_owned(), before_chain: 0, chained: 0, seen }
    }

    pub fn head(&self) -> (i64, &str) {
        (self.next_seq - 1, &self.prev)
    }

    pub fn step(&mut self, r: &ChainRow) -> Result<(), Problem> {
        let Some(seq) = r.chain_seq else {
            if self.chained > 0 {
                return Err(Problem::Unchained { id: r.id });
            }
            self.before_chain += 1;
            return Ok(());
        };
        if seq > self.next_seq {
            return Err(Problem::Removed { id: r.id, expected: self.next_seq, found: seq, missing: seq - self.next_seq });
        }
        if seq < self.next_seq {
            return Err(Problem::Inserted { id: r.id, expected: self.next_seq, found: seq });
        }
        let stored = r.chain_hash.as_deref().unwrap_or_default();
        if entry_hash(seq, r.chain_prev.as_deref().unwrap_or_default(), r) != stored {
            return Err(Problem::Edited { id: r.id });
        }
        if r.chain_prev.as_deref() != Some(self.prev.as_str()) {
            return Err(Problem::Unlinked { id: r.id });
        }
        let outcome_ok = match (&r.outcome, &r.outcome_hash) {
            (None, None) => true,
            (Some(_), Some(h)) => *h == outcome_hash(stored, r),
            _ => false,
        };
        if !outcome_ok {
            return Err(Problem::OutcomeEdited { id: r.id });
        }
        if self.seen.get(&seq).is_some_and(|h| h != stored) {
            return Err(Problem::Rewritten { seq });
        }
        self.next_seq += 1;
        self.chained += 1;
        self.prev = stored.to_owned();
        Ok(())
    }

    /// After the last entry: the chain's head row must be where the walk ended.
    pub fn finish(&self, head_seq: i64, head_hash: &str) -> Result<(), Problem> {
        let (seq, hash) = self.head();
        if head_seq > seq {
            return Err(Problem::Truncated { expected: head_seq, found: seq });
        }
        if head_seq < seq || head_hash != hash {
            return Err(Problem::HeadMismatch { seq });
        }
        if let Some((&s, _)) = self.seen.iter().find(|(&s, _)| s > seq) {
            return Err(Problem::Truncated { expected: s, found: seq });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<ChainRow> {
        let mut prev = GENESIS.to_owned();
        (1..=n)
            .map(|i| {
                let mut r = ChainRow { id: i + 10, at_ms: i * 1000, client_addr: "127.0.0.1".into(), action: "sign_in".into(), request_id: format!("r{i}"), ..Default::default() };
                r.chain_seq = Some(i);
                r.chain_prev = Some(prev.clone());
                let h = entry_hash(i, &prev, &r);
                if i % 2 == 0 {
                    r.outcome = Some("succeeded".into());
                    r.completed_ms = Some(i * 1000 + 5);
                    r.outcome_hash = Some(outcome_hash(&h, &r));
                }
                r.chain_hash = Some(h.clone());
                prev = h;
                r
            })
            .collect()
    }

    fn walk(rows: &[ChainRow]) -> Result<(), Problem> {
        let mut w = Walk::new(HashMap::new());
        rows.iter().try_for_each(|r| w.step(r))?;
        let head = rows.last().map(|r| (r.chain_seq.unwrap_or(0), r.chain_hash.clone().unwrap_or_default()));
        let (s, h) = head.unwrap_or((0, GENESIS.to_owned()));
        w.finish(s, &h)
    }

    #[test]
    fn an_intact_chain_verifies() {
        assert_eq!(walk(&chain(6)), Ok(()));
    }

    #[test]
    fn an_edited_field_names_its_entry() {
        let mut rows = chain(6);
        rows[2].reason = Some("changed".into());
        assert_eq!(walk(&rows), Err(Problem::Edited { id: 13 }));
        let mut rows = chain(6);
        rows[3].error = Some("x".into());
        assert_eq!(walk(&rows), Err(Problem::OutcomeEdited { id: 14 }));
    }

    #[test]
    fn a_removed_entry_is_found_where_it_was() {
        let mut rows = chain(6);
        rows.remove(2);
        assert_eq!(walk(&rows), Err(Problem::Removed { id: 14, expected: 3, found: 4, missing: 1 }));
    }

    #[test]
    fn an_inserted_entry_is_found() {
        let mut rows = chain(6);
        let mut copy = rows[2].clone();
        copy.id = 100;
        rows.push(copy);
        assert_eq!(walk(&rows), Err(Problem::Inserted { id: 100, expected: 7, found: 3 }));
        let mut rows = chain(3);
        rows.push(ChainRow { id: 99, client_addr: "x".into(), action: "sign_in".into(), ..Default::default() });
        assert_eq!(walk(&rows), Err(Problem::Unchained { id: 99 }));
    }

    #[test]
    fn a_truncated_tail_is_found_against_the_head() {
        let rows = chain(6);
        let mut w = Walk::new(HashMap::new());
        rows[..4].iter().for_each(|r| w.step(r).unwrap());
        assert_eq!(w.finish(6, rows[5].chain_hash.as_deref().unwrap()), Err(Problem::Truncated { expected: 6, found: 4 }));
    }

    #[test]
    fn a_recomputed_history_is_found_against_an_earlier_verification() {
        let rows = chain(4);
        let mut forged = rows.clone();
        forged[1].reason = Some("rewritten".into());
        let mut prev = forged[0].chain_hash.clone().unwrap();
        for r in &mut forged[1..] {
            let h = entry_hash(r.chain_seq.unwrap(), &prev, r);
            r.chain_prev = Some(prev.clone());
            if r.outcome.is_some() {
                r.outcome_hash = Some(outcome_hash(&h, r));
            }
            r.chain_hash = Some(h.clone());
            prev = h;
        }
        assert_eq!(walk(&forged), Ok(()), "a recomputed chain is consistent in itself");
        let seen = HashMap::from([(3, rows[2].chain_hash.clone().unwrap())]);
        let mut w = Walk::new(seen);
        assert_eq!(forged.iter().try_for_each(|r| w.step(r)), Err(Problem::Rewritten { seq: 3 }));
    }
}
