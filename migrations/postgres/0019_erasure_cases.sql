-- Erasure requests as cases: a reference (the ticket), the legal ground, the dates the law counts
-- from, and a state. Meetings are added to a case and deleted through bulk batches that carry
-- the case; when it is closed, its signed deletion record is kept with it.
CREATE TABLE erasure_cases (
    id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    reference           TEXT NOT NULL UNIQUE,
    ground              TEXT NOT NULL CHECK (ground IN ('a', 'b', 'c', 'd', 'e', 'f', 'other')),
    note                TEXT NOT NULL DEFAULT '',
    received_day        TEXT NOT NULL,      -- YYYY-MM-DD
    verified_day        TEXT,
    due_day             TEXT NOT NULL,      -- received + one calendar month, or an earlier target
    extended_to         TEXT,               -- the one extension: a day up to two months after due_day
    extension_reason    TEXT,
    paused_since_ms     BIGINT,            -- paused now (for example a hold), since then
    pause_reason        TEXT,
    paused_days         BIGINT NOT NULL DEFAULT 0,   -- whole days spent paused: the deadline moves by them
    state               TEXT NOT NULL CHECK (state IN ('open', 'in_progress', 'done', 'partly_done', 'refused')),
    refusal_reason      TEXT,
    opened_by           TEXT NOT NULL,
    opened_at_ms        BIGINT NOT NULL,
    closed_by           TEXT,
    closed_at_ms        BIGINT,
    record              TEXT,               -- the signed deletion record, as the file is downloaded
    reminded_soon_ms    BIGINT,            -- the "7 days left" webhook was sent (once, by one replica)
    reminded_overdue_ms BIGINT
);
CREATE INDEX erasure_cases_state ON erasure_cases (state, due_day);

CREATE TABLE case_meetings (
    case_id         BIGINT NOT NULL REFERENCES erasure_cases (id),
    meeting_id      TEXT NOT NULL,
    added_by        TEXT NOT NULL,
    added_at_ms     BIGINT NOT NULL,
    source          TEXT NOT NULL,          -- "pasted", "uploaded", "batch #3"
    after_json      TEXT,                   -- the listing taken when the case was closed
    PRIMARY KEY (case_id, meeting_id)
);

-- A case's deletions go through bulk batches that name it; a meeting's batch is found through them.
ALTER TABLE bulk_batches ADD COLUMN case_id BIGINT REFERENCES erasure_cases (id);
-- A case's batch keeps each recording listed (id, date, size, duration; never a link) for the record.
ALTER TABLE bulk_items ADD COLUMN keep_listing BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE bulk_items ADD COLUMN listed TEXT;

ALTER TABLE audit_log DROP CONSTRAINT audit_log_action_check;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_action_check CHECK (action IN ('create_meeting', 'delete_recordings', 'sign_in', 'sign_out', 'sign_in_failed', 'denied', 'account_change', 'download_recording', 'preview_recording', 'share_recording_link', 'hold_meeting', 'release_hold', 'request_deletion', 'approve_deletion', 'reject_deletion', 'cancel_deletion', 'expire_deletion', 'request_bulk_deletion', 'set_retention_rule', 'extend_retention', 'keep_recordings', 'retention_sweep', 'track_meetings', 'open_case', 'change_case', 'add_case_meetings', 'close_case', 'case_reminder'));
CREATE INDEX bulk_batches_case ON bulk_batches (case_id);
