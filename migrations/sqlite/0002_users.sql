-- Local staff accounts. Passwords are argon2id PHC strings; nothing here can recover them.
CREATE TABLE users (
    username       TEXT PRIMARY KEY NOT NULL COLLATE NOCASE,
    password_hash  TEXT NOT NULL,
    role           TEXT NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
    disabled       INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
);

-- Failed sign-ins per account ('user:NAME') and per client address ('addr:IP'). Shared by
-- replicas through the database, so a guesser gains nothing by hitting another replica.
CREATE TABLE sign_in_failures (
    throttle_key  TEXT PRIMARY KEY NOT NULL,
    failures      INTEGER NOT NULL,
    last_failure  INTEGER NOT NULL,
    locked_until  INTEGER NOT NULL
);
