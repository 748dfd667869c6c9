-- Each replica keeps a meeting's recordings list a few seconds for its recordings page. A deletion
-- run by any replica NOTIFYs every replica with the meeting's id, in the transaction that writes
-- the run's outcome, and each drops its kept list of that meeting.
CREATE FUNCTION meeting_admin_recordings_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('meeting_admin_recordings', NEW.meeting_id);
    RETURN NULL;
END $$;

CREATE TRIGGER deletion_ran AFTER UPDATE OF state ON deletion_requests FOR EACH ROW
    WHEN (OLD.state = 'running' AND NEW.state IN ('done', 'failed', 'changed', 'unknown'))
    EXECUTE FUNCTION meeting_admin_recordings_changed();
