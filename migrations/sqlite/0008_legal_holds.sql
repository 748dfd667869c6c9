-- Legal holds: while a meeting is held, its recordings are not deleted through Meeting Admin.
-- One row per held meeting; lifting the hold removes it (the audit log keeps the story).
CREATE TABLE legal_holds (
    meeting_id  TEXT PRIMARY KEY NOT NULL,
    reason      TEXT NOT NULL,
    held_by     TEXT NOT NULL,
    held_at_ms  INTEGER NOT NULL
);

DROP TRIGGER audit_log_known_action;
CREATE TRIGGER audit_log_known_action BEFORE INSERT ON audit_log
WHEN NEW.action NOT IN ('create_meeting', 'delete_recordings', 'sign_in', 'sign_out', 'sign_in_failed', 'denied',
                        'account_change', 'download_recording', 'preview_recording', 'share_recording_link',
                        'hold_meeting', 'release_hold')
BEGIN
    SELECT RAISE(ABORT, 'unknown audit action');
END;
