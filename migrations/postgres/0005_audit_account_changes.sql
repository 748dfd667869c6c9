-- Account changes made from the console are audited too (PostgreSQL widens the check in place).
ALTER TABLE audit_log DROP CONSTRAINT audit_log_action_check;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_action_check CHECK (action IN
    ('create_meeting', 'delete_recordings', 'sign_in', 'sign_out', 'sign_in_failed', 'denied', 'account_change'));
