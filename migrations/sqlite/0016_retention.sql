-- Retention. The vendor cannot list meetings, so retention covers the meetings known here:
-- created here, opened here, named in a bulk list, or tracked from the Retention page. A worker
-- in any replica re-lists each one's recordings on a schedule (within a vendor budget per hour
-- that the admin sets), keeping per recording its id, date, size and duration, never its link.
CREATE TABLE known_meetings (
    meeting_id         TEXT PRIMARY KEY NOT NULL,
    host_id            INTEGER,          -- known for meetings created here, or given when tracked
    source             TEXT NOT NULL CHECK (source IN ('created', 'opened', 'bulk', 'tracked')),
    known_at_ms        INTEGER NOT NULL,
    next_inventory_ms  INTEGER NOT NULL, -- when it is listed again
    inventoried_at_ms  INTEGER,          -- the last listing that succeeded
    attempts           INTEGER NOT NULL DEFAULT 0,
    last_error         TEXT,
    lease_owner        TEXT,
    lease_until_ms     INTEGER,
    recording_count    INTEGER NOT NULL DEFAULT 0,
    total_size         INTEGER NOT NULL DEFAULT 0,
    newest_created     INTEGER,          -- Unix seconds
    oldest_created     INTEGER
);
CREATE INDEX known_meetings_next ON known_meetings (next_inventory_ms);
CREATE INDEX known_meetings_host ON known_meetings (host_id);

CREATE TABLE known_recordings (
    meeting_id    TEXT NOT NULL REFERENCES known_meetings (meeting_id),
    recording_id  TEXT NOT NULL,
    created       INTEGER,                -- Unix seconds
    size          INTEGER NOT NULL,
    duration_ms   INTEGER NOT NULL,
    PRIMARY KEY (meeting_id, recording_id)
);

-- The one row of settings: the default period (NULL: off), the warning before, the vendor
-- budget, and the shared state of the workers (the sweep's lease, the budget's hour, a pause
-- after the vendor said "too many requests").
CREATE TABLE retention_settings (
    id                  INTEGER PRIMARY KEY CHECK (id = 1),
    default_days        INTEGER CHECK (default_days BETWEEN 1 AND 3650),
    warn_days           INTEGER NOT NULL DEFAULT 7 CHECK (warn_days BETWEEN 1 AND 90),
    calls_per_hour      INTEGER NOT NULL DEFAULT 600 CHECK (calls_per_hour BETWEEN 1 AND 1000000),
    set_by              TEXT,
    set_at_ms           INTEGER,
    budget_hour         INTEGER NOT NULL DEFAULT 0,
    budget_used         INTEGER NOT NULL DEFAULT 0,
    paused_until_ms     INTEGER NOT NULL DEFAULT 0,
    sweep_owner         TEXT,
    sweep_until_ms      INTEGER,
    last_sweep_ms       INTEGER,
    last_digest_day     INTEGER
);
INSERT INTO retention_settings (id) VALUES (1);

-- A host's period over the default (days NULL: keep that host's meetings).
CREATE TABLE retention_hosts (
    host_id    INTEGER PRIMARY KEY NOT NULL,
    days       INTEGER CHECK (days BETWEEN 1 AND 3650),
    reason     TEXT NOT NULL,
    set_by     TEXT NOT NULL,
    set_at_ms  INTEGER NOT NULL
);

-- A meeting's own rule: kept (exempt) or extended until a time.
CREATE TABLE retention_meetings (
    meeting_id  TEXT PRIMARY KEY NOT NULL,
    keep        INTEGER NOT NULL CHECK (keep IN (0, 1)),
    until_ms    INTEGER,
    reason      TEXT NOT NULL,
    set_by      TEXT NOT NULL,
    set_at_ms   INTEGER NOT NULL,
    CHECK (keep = 1 OR until_ms IS NOT NULL)
);

-- A sweep is a bulk batch made by the retention rules; each meeting keeps what was made after
-- this (Unix seconds): a recording newer than the period found by the look-up spares it.
ALTER TABLE bulk_batches ADD COLUMN retention INTEGER NOT NULL DEFAULT 0;
ALTER TABLE bulk_items ADD COLUMN keep_after INTEGER;

INSERT INTO known_meetings (meeting_id, host_id, source, known_at_ms, next_inventory_ms)
    SELECT meeting_id, host_id, 'created', created_at * 1000, CAST(strftime('%s', 'now') AS INTEGER) * 1000 FROM created_meetings WHERE true
    ON CONFLICT (meeting_id) DO NOTHING;
INSERT INTO known_meetings (meeting_id, source, known_at_ms, next_inventory_ms)
    SELECT meeting_id, 'opened', MIN(opened_ms), CAST(strftime('%s', 'now') AS INTEGER) * 1000 FROM opened_meetings GROUP BY meeting_id
    ON CONFLICT (meeting_id) DO NOTHING;
INSERT INTO known_meetings (meeting_id, source, known_at_ms, next_inventory_ms)
    SELECT i.meeting_id, 'bulk', MIN(b.created_at_ms), CAST(strftime('%s', 'now') AS INTEGER) * 1000 FROM bulk_items i JOIN bulk_batches b ON b.id = i.batch_id GROUP BY i.meeting_id
    ON CONFLICT (meeting_id) DO NOTHING;

DROP TRIGGER audit_log_known_action;
CREATE TRIGGER audit_log_known_action BEFORE INSERT ON audit_log
WHEN NEW.action NOT IN ('create_meeting', 'delete_recordings', 'sign_in', 'sign_out', 'sign_in_failed', 'denied',
                        'account_change', 'download_recording', 'preview_recording', 'share_recording_link',
                        'hold_meeting', 'release_hold', 'request_deletion', 'approve_deletion', 'reject_deletion',
                        'cancel_deletion', 'expire_deletion', 'request_bulk_deletion',
                        'set_retention_rule', 'extend_retention', 'keep_recordings', 'retention_sweep', 'track_meetings')
BEGIN
    SELECT RAISE(ABORT, 'unknown audit action');
END;
