-- Meetings created through Meeting Admin (see migrations/sqlite/ for the why of each table).
-- seq orders meetings created in the same second, as SQLite's rowid does.
CREATE TABLE created_meetings (
    meeting_id  TEXT PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL,
    host_id     BIGINT NOT NULL,
    start_date  BIGINT NOT NULL,
    end_date    BIGINT NOT NULL,
    timezone    TEXT,
    created_by  TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    seq         BIGINT GENERATED ALWAYS AS IDENTITY
);
CREATE INDEX created_meetings_by_time ON created_meetings (created_at DESC, seq DESC);
