-- The key deletion records are signed with, when EVIDENCE_KEY_FILE does not give one (see the
-- SQLite migration of the same version).
CREATE TABLE evidence_key (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    pkcs8       TEXT NOT NULL,
    created_ms  BIGINT NOT NULL
);
