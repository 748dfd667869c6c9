-- Local staff accounts. Names are unique whatever their case (SQLite: COLLATE NOCASE).
CREATE TABLE users (
    username       TEXT PRIMARY KEY NOT NULL,
    password_hash  TEXT NOT NULL,
    role           TEXT NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
    disabled       BOOLEAN NOT NULL DEFAULT FALSE,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL
);
CREATE UNIQUE INDEX users_username_nocase ON users (lower(username));

-- Failed sign-ins per account and per client address, shared by every replica.
CREATE TABLE sign_in_failures (
    throttle_key  TEXT PRIMARY KEY NOT NULL,
    failures      BIGINT NOT NULL,
    last_failure  BIGINT NOT NULL,
    locked_until  BIGINT NOT NULL
);
