-- Each replica keeps who-is-asking (sessions, accounts) in memory. The console (`meeting-admin
-- user ...`) runs in another process, so every change to an account or a removed session moves
-- this counter, in the same transaction; the server reads it a few times a second and forgets
-- what it kept when it moved. Triggers, so that a change made with plain SQL counts too.
CREATE TABLE auth_epoch (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    n   INTEGER NOT NULL
);
INSERT INTO auth_epoch (id, n) VALUES (1, 0);

CREATE TRIGGER users_changed AFTER UPDATE ON users
BEGIN
    UPDATE auth_epoch SET n = n + 1 WHERE id = 1;
END;

CREATE TRIGGER users_removed AFTER DELETE ON users
BEGIN
    UPDATE auth_epoch SET n = n + 1 WHERE id = 1;
END;

CREATE TRIGGER sessions_removed AFTER DELETE ON sessions
BEGIN
    UPDATE auth_epoch SET n = n + 1 WHERE id = 1;
END;

-- A new password (Unix ms) ends the sessions signed in before it (0: none since this column came).
ALTER TABLE users ADD COLUMN password_changed_ms INTEGER NOT NULL DEFAULT 0;
