-- Each replica keeps what the recordings page shows of a meeting from this store (its legal hold,
-- its open deletion request, its history) while the meeting's version here stands. Every change
-- to those rows moves the version in the same transaction, whoever makes it (another replica,
-- the console, plain SQL), so a view reads this one row instead of three queries and still never
-- shows what a committed change replaced. A meeting without a row is at version 0.
CREATE TABLE meeting_versions (
    meeting_id  TEXT PRIMARY KEY,
    v           BIGINT NOT NULL
);

-- The meetings a row names: `meeting_id`, and for an audit entry the meeting it created.
CREATE FUNCTION meeting_admin_meeting_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    before jsonb := CASE WHEN TG_OP = 'INSERT' THEN '{}'::jsonb ELSE to_jsonb(OLD) END;
    after jsonb := CASE WHEN TG_OP = 'DELETE' THEN '{}'::jsonb ELSE to_jsonb(NEW) END;
BEGIN
    INSERT INTO meeting_versions AS mv (meeting_id, v)
        SELECT DISTINCT m, 1::bigint
        FROM (VALUES (before->>'meeting_id'), (before->>'new_meeting_id'), (after->>'meeting_id'), (after->>'new_meeting_id')) AS t(m)
        WHERE m IS NOT NULL
        ON CONFLICT (meeting_id) DO UPDATE SET v = mv.v + 1;
    RETURN NULL;
END $$;

CREATE TRIGGER legal_holds_version AFTER INSERT OR UPDATE OR DELETE ON legal_holds
    FOR EACH ROW EXECUTE FUNCTION meeting_admin_meeting_changed();
CREATE TRIGGER deletion_requests_version AFTER INSERT OR UPDATE OR DELETE ON deletion_requests
    FOR EACH ROW EXECUTE FUNCTION meeting_admin_meeting_changed();
CREATE TRIGGER audit_log_version AFTER INSERT OR UPDATE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION meeting_admin_meeting_changed();
