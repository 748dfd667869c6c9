-- Retention. The vendor cannot list meetings, so retention covers the meetings known here:
-- created here, opened here, named in a bulk list, or tracked from the Retention page. A worker
-- in any replica re-lists each one's recordings on a schedule (within a vendor budget per hour
-- that the admin sets), keeping per recording its id, date, size and duration, never its link.
CREATE TABLE known_meetings (
    meeting_id         TEXT PRIMARY KEY NOT NULL,
    host_id            BIGINT,          -- known for meetings created here, or given when tracked
    source             TEXT NOT NULL CHECK (source IN ('created', 'opened', 'bulk', 'tracked')),
    known_at_ms        BIGINT NOT NULL,
    next_inventory_ms  BIGINT NOT NULL, -- when it is listed again
    inventoried_at_ms  BIGINT,          -- the last listing that succeeded
    attempts           BIGINT NOT NULL DEFAULT 0,
    last_error         TEXT,
    lease_owner        TEXT,
    lease_until_ms     BIGINT,
    recording_count    BIGINT NOT NULL DEFAULT 0,
    total_size         BIGINT NOT NULL DEFAULT 0,
    newest_created     BIGINT,          -- Unix seconds
    oldest_created     BIGINT
);
CREATE INDEX known_meetings_next ON known_meetings (next_inventory_ms);
CREATE INDEX known_meetings_host ON known_meetings (host_id);

CREATE TABLE known_recordings (
    meeting_id    TEXT NOT NULL REFERENCES known_meetings (meeting_id),
    recording_id  TEXT NOT NULL,
    created       BIGINT,                -- Unix seconds
    size          BIGINT NOT NULL,
    duration_ms   BIGINT NOT NULL,
    PRIMARY KEY (meeting_id, recording_id)
);

-- The one row of settings: the default period (NULL: off), the warning before, the vendor
-- budget, and the shared state of the workers (the sweep's lease, the budget's hour, a pause
-- after the vendor said "too many requests").
CREATE TABLE retention_settings (
    id                  SMALLINT PRIMARY KEY CHECK (id = 1),
    default_days        BIGINT CHECK (default_days BETWEEN 1 AND 3650),
    warn_days           BIGINT NOT NULL DEFAULT 7 CHECK (warn_days BETWEEN 1 AND 90),
    calls_per_hour      BIGINT NOT NULL DEFAULT 600 CHECK (calls_per_hour BETWEEN 1 AND 1000000),
    set_by              TEXT,
    set_at_ms           BIGINT,
    budget_hour         BIGINT NOT NULL DEFAULT 0,
    budget_used         BIGINT NOT NULL DEFAULT 0,
    paused_until_ms     BIGINT NOT NULL DEFAULT 0,
    sweep_owner         TEXT,
    sweep_until_ms      BIGINT,
    last_sweep_ms       BIGINT,
    last_digest_day     BIGINT
);
INSERT INTO retention_settings (id) VALUES (1);

-- A host's period over the default (days NULL: keep that host's meetings).
CREATE TABLE retention_hosts (
    host_id    BIGINT PRIMARY KEY NOT NULL,
    days       BIGINT CHECK (days BETWEEN 1 AND 3650),
    reason     TEXT NOT NULL,
    set_by     TEXT NOT NULL,
    set_at_ms  BIGINT NOT NULL
);

-- A meeting's own rule: kept (exempt) or extended until a time.
CREATE TABLE retention_meetings (
    meeting_id  TEXT PRIMARY KEY NOT NULL,
    keep        BOOLEAN NOT NULL,
    until_ms    BIGINT,
    reason      TEXT NOT NULL,
    set_by      TEXT NOT NULL,
    set_at_ms   BIGINT NOT NULL,
    CHECK (keep OR until_ms IS NOT NULL)
);

-- A sweep is a bulk batch made by the retention rules; each meeting keeps what was made after
-- this (Unix seconds): a recording newer than the period found by the look-up spares it.
ALTER TABLE bulk_batches ADD COLUMN retention BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE bulk_items ADD COLUMN keep_after BIGINT;

INSERT INTO known_meetings (meeting_id, host_id, source, known_at_ms, next_inventory_ms)
    SELECT meeting_id, host_id, 'created', created_at * 1000, CAST(extract(epoch FROM now()) * 1000 AS BIGINT) FROM created_meetings WHERE true
    ON CONFLICT (meeting_id) DO NOTHING;
INSERT INTO known_meetings (meeting_id, source, known_at_ms, next_inventory_ms)
    SELECT meeting_id, 'opened', MIN(opened_ms), CAST(extract(epoch FROM now()) * 1000 AS BIGINT) FROM opened_meetings GROUP BY meeting_id
    ON CONFLICT (meeting_id) DO NOTHING;
INSERT INTO known_meetings (meeting_id, source, known_at_ms, next_inventory_ms)
    SELECT i.meeting_id, 'bulk', MIN(b.created_at_ms), CAST(extract(epoch FROM now()) * 1000 AS BIGINT) FROM bulk_items i JOIN bulk_batches b ON b.id = i.batch_id GROUP BY i.meeting_id
    ON CONFLICT (meeting_id) DO NOTHING;

ALTER TABLE audit_log DROP CONSTRAINT audit_log_action_check;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_action_check CHECK (action IN
    ('create_meeting', 'delete_recordings', 'sign_in', 'sign_out', 'sign_in_failed', 'denied', 'account_change',
     'download_recording', 'preview_recording', 'share_recording_link', 'hold_meeting', 'release_hold',
     'request_deletion', 'approve_deletion', 'reject_deletion', 'cancel_deletion', 'expire_deletion',
     'request_bulk_deletion', 'set_retention_rule', 'extend_retention', 'keep_recordings', 'retention_sweep',
     'track_meetings'));
