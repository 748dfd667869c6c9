-- Deletion requests: a confirmed deletion waits here (for a second person's approval, then for
-- its grace period) until a worker in one replica claims it with a lease and asks the vendor.
CREATE TABLE deletion_requests (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    meeting_id        TEXT NOT NULL,
    state             TEXT NOT NULL CHECK (state IN ('awaiting_approval', 'scheduled', 'running', 'done', 'failed',
                                                     'cancelled', 'rejected', 'expired', 'changed', 'unknown')),
    reason            TEXT NOT NULL,
    -- What was confirmed: the count, and a fingerprint of the recording ids when the form sent one.
    expected_count    INTEGER NOT NULL,
    fingerprint       TEXT,
    total_size        INTEGER,
    first_created     INTEGER,
    last_created      INTEGER,
    requested_by      TEXT NOT NULL,
    requested_role    TEXT NOT NULL,
    requested_method  TEXT NOT NULL,
    requested_addr    TEXT NOT NULL,
    requested_at_ms   INTEGER NOT NULL,
    expires_at_ms     INTEGER,          -- awaiting approval: unanswered until then, it expires
    due_at_ms         INTEGER,          -- scheduled: when it runs (or runs again, after a transient error)
    decided_by        TEXT,             -- who approved or rejected it
    decided_method    TEXT,
    decided_at_ms     INTEGER,
    decision_comment  TEXT,
    cancelled_by      TEXT,
    finished_at_ms    INTEGER,
    attempts          INTEGER NOT NULL DEFAULT 0,
    lease_owner       TEXT,             -- the worker running it, until lease_until_ms
    lease_until_ms    INTEGER,
    vendor_called_ms  INTEGER,          -- set just before the DELETE goes out: never send it twice
    deleted_count     INTEGER,
    vendor_status     INTEGER,
    result            TEXT
);
-- One open request per meeting, whichever replica tries to add a second.
CREATE UNIQUE INDEX deletion_requests_one_open ON deletion_requests (meeting_id)
    WHERE state IN ('awaiting_approval', 'scheduled', 'running');
CREATE INDEX deletion_requests_due ON deletion_requests (state, due_at_ms);
CREATE INDEX deletion_requests_meeting ON deletion_requests (meeting_id, id);

DROP TRIGGER audit_log_known_action;
CREATE TRIGGER audit_log_known_action BEFORE INSERT ON audit_log
WHEN NEW.action NOT IN ('create_meeting', 'delete_recordings', 'sign_in', 'sign_out', 'sign_in_failed', 'denied',
                        'account_change', 'download_recording', 'preview_recording', 'share_recording_link',
                        'hold_meeting', 'release_hold', 'request_deletion', 'approve_deletion', 'reject_deletion',
                        'cancel_deletion', 'expire_deletion')
BEGIN
    SELECT RAISE(ABORT, 'unknown audit action');
END;
