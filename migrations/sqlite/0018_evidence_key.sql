-- The key deletion records are signed with, when EVIDENCE_KEY_FILE does not give one: made by the
-- first replica to start, kept here so every replica (and `meeting-admin evidence`) signs and
-- verifies with the same one. One row; never replaced, so records signed earlier still verify.
CREATE TABLE evidence_key (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    pkcs8       TEXT NOT NULL,          -- base64 of the PKCS#8 document
    created_ms  INTEGER NOT NULL
);
