-- Sessions, in the table tower-sessions' SQLite store uses (it created this table itself until
-- now, hence IF NOT EXISTS). Created here so both backends have it from their migrations.
CREATE TABLE IF NOT EXISTS sessions (
    id           TEXT PRIMARY KEY NOT NULL,
    data         BLOB NOT NULL,
    expiry_date  INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_expiry ON sessions (expiry_date);
