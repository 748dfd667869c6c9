-- Bulk work: a pasted or uploaded list of meetings is one batch. Its items are looked up (the
-- recordings of each meeting) by a worker in any replica, then, once someone asks for it, each
-- meeting with recordings gets a deletion request of its own, marked with the batch.
CREATE TABLE bulk_batches (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    created_by        TEXT NOT NULL,
    created_role      TEXT NOT NULL,
    created_method    TEXT NOT NULL,
    created_at_ms     BIGINT NOT NULL,
    retry_of          BIGINT REFERENCES bulk_batches (id),
    source_text       TEXT NOT NULL,    -- what was pasted and uploaded, to edit and check again
    problems          TEXT NOT NULL,    -- JSON: the lines that are not meeting ids, and repeats
    started_at_ms     BIGINT,          -- the look-up was asked for
    reason            TEXT,             -- set once, with the request to delete
    requested_by      TEXT,
    requested_role    TEXT,
    requested_method  TEXT,
    requested_addr    TEXT,
    requested_at_ms   BIGINT,
    approval_notified_ms BIGINT  -- the approval webhook was sent for the whole batch (once, by one replica)
);

CREATE TABLE bulk_items (
    id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    batch_id            BIGINT NOT NULL REFERENCES bulk_batches (id),
    position            BIGINT NOT NULL,
    meeting_id          TEXT NOT NULL,
    line                BIGINT NOT NULL,
    note                TEXT,           -- seen before: an earlier batch, an open request
    lookup_state        TEXT NOT NULL CHECK (lookup_state IN ('draft', 'pending', 'found', 'failed')),
    not_before_ms       BIGINT NOT NULL DEFAULT 0,
    lookup_attempts     BIGINT NOT NULL DEFAULT 0,
    lease_owner         TEXT,           -- the worker looking it up, or making its request
    lease_until_ms      BIGINT,
    recording_count     BIGINT,
    total_size          BIGINT,
    first_created       BIGINT,
    last_created        BIGINT,
    fingerprint         TEXT,
    lookup_error        TEXT,
    outcome             TEXT CHECK (outcome IN ('requested', 'nothing_to_delete', 'on_hold', 'already_open', 'lookup_failed')),
    outcome_detail      TEXT,
    other_request_id    BIGINT,        -- already_open: the request that was open already
    deletion_request_id BIGINT REFERENCES deletion_requests (id),
    UNIQUE (batch_id, meeting_id)
);
CREATE INDEX bulk_items_lookup ON bulk_items (lookup_state, not_before_ms);
CREATE INDEX bulk_items_meeting ON bulk_items (meeting_id);

ALTER TABLE deletion_requests ADD COLUMN batch_id BIGINT REFERENCES bulk_batches (id);
CREATE INDEX deletion_requests_batch ON deletion_requests (batch_id);

ALTER TABLE audit_log DROP CONSTRAINT audit_log_action_check;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_action_check CHECK (action IN
    ('create_meeting', 'delete_recordings', 'sign_in', 'sign_out', 'sign_in_failed', 'denied', 'account_change',
     'download_recording', 'preview_recording', 'share_recording_link', 'hold_meeting', 'release_hold',
     'request_deletion', 'approve_deletion', 'reject_deletion', 'cancel_deletion', 'expire_deletion',
     'request_bulk_deletion'));
