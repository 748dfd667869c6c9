-- Least privilege for Meeting Admin on PostgreSQL. Run as the role that owns the tables (the one
-- `meeting-admin migrate` ran as), after every upgrade that adds a migration:
--   psql "$OWNER_DATABASE_URL" -v ON_ERROR_STOP=1 -f scripts/postgres-app-role.sql
-- then run the replicas with DATABASE_URL naming meeting_admin_app. Create that role once first,
-- e.g. CREATE ROLE meeting_admin_app LOGIN PASSWORD '...';
-- The role may read and write what the app keeps, may add audit entries and write a pending
-- entry's outcome (and no other column), and can never delete, truncate, alter or drop the audit
-- log: only the owner or a superuser could, and the owner is still stopped by its triggers.
GRANT USAGE ON SCHEMA public TO meeting_admin_app;
GRANT SELECT ON _sqlx_migrations TO meeting_admin_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON users, sign_in_failures, created_meetings, sessions, opened_meetings, legal_holds, deletion_requests, bulk_batches, bulk_items, meeting_versions, approval_notices, known_meetings, known_recordings, retention_settings, retention_hosts, retention_meetings, erasure_cases, case_meetings, oidc_sessions, oidc_identities TO meeting_admin_app;
GRANT SELECT, UPDATE ON audit_chain TO meeting_admin_app;
GRANT SELECT, INSERT ON evidence_key TO meeting_admin_app;
GRANT SELECT, INSERT ON audit_verifications TO meeting_admin_app;
GRANT SELECT, INSERT ON audit_log TO meeting_admin_app;
GRANT UPDATE (outcome, vendor_status, deleted_count, new_meeting_id, error, completed_ms, outcome_hash) ON audit_log TO meeting_admin_app;
