-- The audit log as a hash chain (see the SQLite migration of the same version for the design).
ALTER TABLE audit_log ADD COLUMN chain_seq BIGINT;
ALTER TABLE audit_log ADD COLUMN chain_prev TEXT;
ALTER TABLE audit_log ADD COLUMN chain_hash TEXT;
ALTER TABLE audit_log ADD COLUMN outcome_hash TEXT;

-- The chain's head: a writer locks this row first (UPDATE), so entries join the chain one at a
-- time, in the order of their ids, whichever replica writes them.
CREATE TABLE audit_chain (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    seq         BIGINT NOT NULL,
    last_hash   TEXT NOT NULL,
    last_id     BIGINT
);
INSERT INTO audit_chain (id, seq, last_hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE audit_verifications (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at_ms       BIGINT NOT NULL,
    ok          BOOLEAN NOT NULL,
    entries     BIGINT NOT NULL,
    head_seq    BIGINT NOT NULL,
    head_hash   TEXT NOT NULL,
    problem     TEXT
);

CREATE OR REPLACE FUNCTION audit_log_outcome_once() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.outcome IS NULL AND NEW.outcome IS NOT NULL
       AND ROW(NEW.id, NEW.at_ms, NEW.username, NEW.role, NEW.sign_in_method, NEW.client_addr, NEW.action,
               NEW.meeting_id, NEW.reason, NEW.detail, NEW.request_id, NEW.chain_seq, NEW.chain_prev, NEW.chain_hash)
           IS NOT DISTINCT FROM
           ROW(OLD.id, OLD.at_ms, OLD.username, OLD.role, OLD.sign_in_method, OLD.client_addr, OLD.action,
               OLD.meeting_id, OLD.reason, OLD.detail, OLD.request_id, OLD.chain_seq, OLD.chain_prev, OLD.chain_hash)
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit entries are append-only: only a pending outcome may be written, once';
END
$$;
