-- Downloads, previews and shared links are audited. The list of known actions moves from a CHECK
-- constraint (which SQLite can only widen by rebuilding the table, as 0005 did) to a trigger that
-- a later migration can drop and re-create. DROP TABLE fires no triggers, so the rebuild passes
-- the append-only guard; every row, index and trigger is carried over.
CREATE TABLE audit_log_new (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    at_ms           INTEGER NOT NULL,
    username        TEXT,
    role            TEXT,
    sign_in_method  TEXT,
    client_addr     TEXT NOT NULL,
    action          TEXT NOT NULL,
    meeting_id      TEXT,
    reason          TEXT,
    detail          TEXT,
    request_id      TEXT NOT NULL,
    outcome         TEXT CHECK (outcome IN ('succeeded', 'failed', 'refused', 'unknown')),
    vendor_status   INTEGER,
    deleted_count   INTEGER,
    new_meeting_id  TEXT,
    error           TEXT,
    completed_ms    INTEGER
);
INSERT INTO audit_log_new SELECT * FROM audit_log;
DROP TABLE audit_log;
ALTER TABLE audit_log_new RENAME TO audit_log;

CREATE INDEX audit_log_meeting ON audit_log (meeting_id, id);
CREATE INDEX audit_log_user ON audit_log (username COLLATE NOCASE, id);
CREATE INDEX audit_log_time ON audit_log (at_ms);

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit entries are append-only');
END;

CREATE TRIGGER audit_log_outcome_once BEFORE UPDATE ON audit_log
WHEN OLD.outcome IS NOT NULL
  OR NEW.id IS NOT OLD.id OR NEW.at_ms IS NOT OLD.at_ms OR NEW.username IS NOT OLD.username
  OR NEW.role IS NOT OLD.role OR NEW.sign_in_method IS NOT OLD.sign_in_method
  OR NEW.client_addr IS NOT OLD.client_addr OR NEW.action IS NOT OLD.action
  OR NEW.meeting_id IS NOT OLD.meeting_id OR NEW.reason IS NOT OLD.reason OR NEW.detail IS NOT OLD.detail
  OR NEW.request_id IS NOT OLD.request_id OR NEW.outcome IS NULL
BEGIN
    SELECT RAISE(ABORT, 'audit entries are append-only: only a pending outcome may be written, once');
END;

CREATE TRIGGER audit_log_known_action BEFORE INSERT ON audit_log
WHEN NEW.action NOT IN ('create_meeting', 'delete_recordings', 'sign_in', 'sign_out', 'sign_in_failed', 'denied',
                        'account_change', 'download_recording', 'preview_recording', 'share_recording_link')
BEGIN
    SELECT RAISE(ABORT, 'unknown audit action');
END;

-- The meetings each person opened lately, for their home page (any meeting, not only those
-- created here). One row per person and meeting; the server keeps the newest few per person.
CREATE TABLE opened_meetings (
    username    TEXT NOT NULL,       -- lowercased: usernames compare without case
    meeting_id  TEXT NOT NULL,
    opened_ms   INTEGER NOT NULL,    -- Unix milliseconds, UTC
    PRIMARY KEY (username, meeting_id)
);
CREATE INDEX opened_meetings_recent ON opened_meetings (username, opened_ms);
