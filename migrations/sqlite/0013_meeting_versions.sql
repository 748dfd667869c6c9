-- Each replica keeps what the recordings page shows of a meeting from this store (its legal hold,
-- its open deletion request, its history) while the meeting's version here stands. Every change
-- to those rows moves the version in the same transaction, whoever makes it (another replica,
-- the console, plain SQL), so a view reads this one row instead of three queries and still never
-- shows what a committed change replaced. A meeting without a row is at version 0.
CREATE TABLE meeting_versions (
    meeting_id  TEXT PRIMARY KEY NOT NULL,
    v           INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TRIGGER legal_holds_placed AFTER INSERT ON legal_holds
BEGIN
    INSERT INTO meeting_versions (meeting_id, v) VALUES (NEW.meeting_id, 1) ON CONFLICT (meeting_id) DO UPDATE SET v = v + 1;
END;

CREATE TRIGGER legal_holds_changed AFTER UPDATE ON legal_holds
BEGIN
    INSERT INTO meeting_versions (meeting_id, v) SELECT m, 1 FROM (SELECT OLD.meeting_id AS m UNION SELECT NEW.meeting_id) WHERE true
        ON CONFLICT (meeting_id) DO UPDATE SET v = v + 1;
END;

CREATE TRIGGER legal_holds_lifted AFTER DELETE ON legal_holds
BEGIN
    INSERT INTO meeting_versions (meeting_id, v) VALUES (OLD.meeting_id, 1) ON CONFLICT (meeting_id) DO UPDATE SET v = v + 1;
END;

CREATE TRIGGER deletion_requests_made AFTER INSERT ON deletion_requests
BEGIN
    INSERT INTO meeting_versions (meeting_id, v) VALUES (NEW.meeting_id, 1) ON CONFLICT (meeting_id) DO UPDATE SET v = v + 1;
END;

CREATE TRIGGER deletion_requests_changed AFTER UPDATE ON deletion_requests
BEGIN
    INSERT INTO meeting_versions (meeting_id, v) SELECT m, 1 FROM (SELECT OLD.meeting_id AS m UNION SELECT NEW.meeting_id) WHERE true
        ON CONFLICT (meeting_id) DO UPDATE SET v = v + 1;
END;

CREATE TRIGGER deletion_requests_removed AFTER DELETE ON deletion_requests
BEGIN
    INSERT INTO meeting_versions (meeting_id, v) VALUES (OLD.meeting_id, 1) ON CONFLICT (meeting_id) DO UPDATE SET v = v + 1;
END;

-- The history lists an entry under its meeting and under the meeting it created. Entries are
-- never deleted (0005), and an update only writes the outcome.
CREATE TRIGGER audit_log_meeting_entry AFTER INSERT ON audit_log
WHEN NEW.meeting_id IS NOT NULL OR NEW.new_meeting_id IS NOT NULL
BEGIN
    INSERT INTO meeting_versions (meeting_id, v)
        SELECT m, 1 FROM (SELECT NEW.meeting_id AS m UNION SELECT NEW.new_meeting_id) WHERE m IS NOT NULL
        ON CONFLICT (meeting_id) DO UPDATE SET v = v + 1;
END;

CREATE TRIGGER audit_log_meeting_outcome AFTER UPDATE ON audit_log
WHEN NEW.meeting_id IS NOT NULL OR NEW.new_meeting_id IS NOT NULL OR OLD.new_meeting_id IS NOT NULL
BEGIN
    INSERT INTO meeting_versions (meeting_id, v)
        SELECT m, 1 FROM (SELECT NEW.meeting_id AS m UNION SELECT NEW.new_meeting_id UNION SELECT OLD.new_meeting_id) WHERE m IS NOT NULL
        ON CONFLICT (meeting_id) DO UPDATE SET v = v + 1;
END;
