-- The audit log, append-only as on SQLite: the triggers refuse DELETE, TRUNCATE and any UPDATE
-- but writing a pending entry's outcome, once, whatever role tries (short of dropping them).
CREATE TABLE audit_log (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at_ms           BIGINT NOT NULL,
    username        TEXT,
    role            TEXT,
    sign_in_method  TEXT,
    client_addr     TEXT NOT NULL,
    action          TEXT NOT NULL CONSTRAINT audit_log_action_check CHECK (action IN
                      ('create_meeting', 'delete_recordings', 'sign_in', 'sign_out', 'sign_in_failed', 'denied')),
    meeting_id      TEXT,
    reason          TEXT,
    detail          TEXT,
    request_id      TEXT NOT NULL,
    outcome         TEXT CHECK (outcome IN ('succeeded', 'failed', 'refused', 'unknown')),
    vendor_status   BIGINT,
    deleted_count   BIGINT,
    new_meeting_id  TEXT,
    error           TEXT,
    completed_ms    BIGINT
);
CREATE INDEX audit_log_meeting ON audit_log (meeting_id, id);
CREATE INDEX audit_log_user ON audit_log (lower(username), id);
CREATE INDEX audit_log_time ON audit_log (at_ms);

CREATE FUNCTION audit_log_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit entries are append-only';
END
$$;

CREATE FUNCTION audit_log_outcome_once() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.outcome IS NULL AND NEW.outcome IS NOT NULL
       AND ROW(NEW.id, NEW.at_ms, NEW.username, NEW.role, NEW.sign_in_method, NEW.client_addr, NEW.action,
               NEW.meeting_id, NEW.reason, NEW.detail, NEW.request_id)
           IS NOT DISTINCT FROM
           ROW(OLD.id, OLD.at_ms, OLD.username, OLD.role, OLD.sign_in_method, OLD.client_addr, OLD.action,
               OLD.meeting_id, OLD.reason, OLD.detail, OLD.request_id)
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit entries are append-only: only a pending outcome may be written, once';
END
$$;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_refuse();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse();
CREATE TRIGGER audit_log_outcome_once BEFORE UPDATE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_outcome_once();
