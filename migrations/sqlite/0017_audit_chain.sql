-- The audit log as a hash chain: each entry written from now on carries its position, the hash of
-- the entry before it and its own hash; its outcome, written once later, carries a hash of its own
-- bound to the entry's. `meeting-admin audit verify` walks the chain and names the first entry that
-- does not match, so an entry edited, removed or added by hand (past the triggers) is found.
-- Entries written before this migration have no position and are reported as before the chain.
ALTER TABLE audit_log ADD COLUMN chain_seq INTEGER;
ALTER TABLE audit_log ADD COLUMN chain_prev TEXT;
ALTER TABLE audit_log ADD COLUMN chain_hash TEXT;
ALTER TABLE audit_log ADD COLUMN outcome_hash TEXT;

-- The chain's head: writers take this row first, so entries join the chain one at a time, in the
-- order of their ids, whichever replica writes them.
CREATE TABLE audit_chain (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    seq         INTEGER NOT NULL,
    last_hash   TEXT NOT NULL,
    last_id     INTEGER
);
INSERT INTO audit_chain (id, seq, last_hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- Each walk of the chain: when, what it found, and the head it reached (a later walk checks that
-- the entry at that position still has that hash, so a rewritten history is found too).
CREATE TABLE audit_verifications (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    at_ms       INTEGER NOT NULL,
    ok          INTEGER NOT NULL,
    entries     INTEGER NOT NULL,
    head_seq    INTEGER NOT NULL,
    head_hash   TEXT NOT NULL,
    problem     TEXT
);

DROP TRIGGER audit_log_outcome_once;
CREATE TRIGGER audit_log_outcome_once BEFORE UPDATE ON audit_log
WHEN OLD.outcome IS NOT NULL
  OR NEW.id IS NOT OLD.id OR NEW.at_ms IS NOT OLD.at_ms OR NEW.username IS NOT OLD.username
  OR NEW.role IS NOT OLD.role OR NEW.sign_in_method IS NOT OLD.sign_in_method
  OR NEW.client_addr IS NOT OLD.client_addr OR NEW.action IS NOT OLD.action
  OR NEW.meeting_id IS NOT OLD.meeting_id OR NEW.reason IS NOT OLD.reason OR NEW.detail IS NOT OLD.detail
  OR NEW.request_id IS NOT OLD.request_id OR NEW.outcome IS NULL
  OR NEW.chain_seq IS NOT OLD.chain_seq OR NEW.chain_prev IS NOT OLD.chain_prev OR NEW.chain_hash IS NOT OLD.chain_hash
BEGIN
    SELECT RAISE(ABORT, 'audit entries are append-only: only a pending outcome may be written, once');
END;
