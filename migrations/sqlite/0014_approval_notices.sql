-- The approval webhook's notices, kept until the webhook has taken them: a replica stopped or
-- killed between a request and its notice, or a webhook that is down for a while, no longer
-- loses one. Any replica's worker makes the notice of a request (or a bulk batch) that waits for
-- approval and has none, then claims it with a lease and posts it, again later until the webhook
-- answers 2xx or the request no longer waits.
CREATE TABLE approval_notices (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    request_id      INTEGER UNIQUE REFERENCES deletion_requests (id),  -- one of the two
    batch_id        INTEGER UNIQUE REFERENCES bulk_batches (id),
    body            TEXT NOT NULL,       -- the JSON posted, as of when the notice was made
    created_at_ms   INTEGER NOT NULL,
    due_at_ms       INTEGER NOT NULL,    -- the next try
    attempts        INTEGER NOT NULL DEFAULT 0,
    lease_owner     TEXT,
    lease_until_ms  INTEGER,
    last_error      TEXT,
    outcome         TEXT CHECK (outcome IN ('sent', 'moot', 'before_notices')),
    finished_at_ms  INTEGER,
    CHECK ((request_id IS NULL) <> (batch_id IS NULL))
);
CREATE INDEX approval_notices_due ON approval_notices (due_at_ms) WHERE outcome IS NULL;

-- What waited for approval when this table came had its notice sent (if a webhook was set) by
-- the code before it, as had the batches marked notified. `bulk_batches.approval_notified_ms` is
-- no longer written.
INSERT INTO approval_notices (request_id, body, created_at_ms, due_at_ms, outcome, finished_at_ms)
    SELECT id, '', requested_at_ms, requested_at_ms, 'before_notices', requested_at_ms
    FROM deletion_requests WHERE state = 'awaiting_approval' AND batch_id IS NULL;
INSERT INTO approval_notices (batch_id, body, created_at_ms, due_at_ms, outcome, finished_at_ms)
    SELECT id, '', approval_notified_ms, approval_notified_ms, 'before_notices', approval_notified_ms
    FROM bulk_batches WHERE approval_notified_ms IS NOT NULL;
