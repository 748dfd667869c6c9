-- Downloads, previews and shared links are audited (PostgreSQL widens the check in place).
ALTER TABLE audit_log DROP CONSTRAINT audit_log_action_check;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_action_check CHECK (action IN
    ('create_meeting', 'delete_recordings', 'sign_in', 'sign_out', 'sign_in_failed', 'denied', 'account_change',
     'download_recording', 'preview_recording', 'share_recording_link'));

-- The meetings each person opened lately, for their home page (any meeting, not only those
-- created here). One row per person and meeting; the server keeps the newest few per person.
CREATE TABLE opened_meetings (
    username    TEXT NOT NULL,       -- lowercased: usernames compare without case
    meeting_id  TEXT NOT NULL,
    opened_ms   BIGINT NOT NULL,     -- Unix milliseconds, UTC
    PRIMARY KEY (username, meeting_id)
);
CREATE INDEX opened_meetings_recent ON opened_meetings (username, opened_ms);
