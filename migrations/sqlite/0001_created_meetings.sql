-- Meetings created through Meeting Admin. The vendor has no admin call to list meetings, so this
-- is how staff find a meeting again.
CREATE TABLE created_meetings (
    meeting_id  TEXT PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL,
    host_id     INTEGER NOT NULL,
    start_date  INTEGER NOT NULL,
    end_date    INTEGER NOT NULL,
    timezone    TEXT,
    created_by  TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX created_meetings_by_time ON created_meetings (created_at DESC);
