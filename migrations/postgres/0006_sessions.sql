-- Sessions, in the table tower-sessions' PostgreSQL store reads. Created by this migration
-- (under the migrator's advisory lock) rather than the store's own `migrate`, which can leave
-- the table missing when two replicas start together.
CREATE TABLE sessions (
    id           TEXT PRIMARY KEY NOT NULL,
    data         BYTEA NOT NULL,
    expiry_date  TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expiry_date);
