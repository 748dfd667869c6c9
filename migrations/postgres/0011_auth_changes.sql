-- Each replica keeps who-is-asking (sessions, accounts) in memory and LISTENs on this channel;
-- every change to an account, and every removed session, NOTIFYs it in the transaction that
-- makes the change (so it is delivered exactly when the change commits, and not if it rolls
-- back). Triggers, so that the console and plain SQL count as well as the app.
CREATE FUNCTION meeting_admin_auth_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('meeting_admin_auth', TG_TABLE_NAME);
    RETURN NULL;
END $$;

CREATE FUNCTION meeting_admin_sessions_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- The expired-session cleanup runs every few minutes and mostly removes nothing.
    IF EXISTS (SELECT 1 FROM removed) THEN
        PERFORM pg_notify('meeting_admin_auth', 'sessions');
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER users_changed AFTER UPDATE OR DELETE ON users
    FOR EACH STATEMENT EXECUTE FUNCTION meeting_admin_auth_changed();
CREATE TRIGGER sessions_removed AFTER DELETE ON sessions REFERENCING OLD TABLE AS removed
    FOR EACH STATEMENT EXECUTE FUNCTION meeting_admin_sessions_removed();

-- A new password (Unix ms) ends the sessions signed in before it (0: none since this column came).
ALTER TABLE users ADD COLUMN password_changed_ms BIGINT NOT NULL DEFAULT 0;
