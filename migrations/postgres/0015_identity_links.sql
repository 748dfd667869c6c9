-- A local account may be linked to the gateway (SSO) identity of the same person (`meeting-admin
-- user link`), stored lower-case, so two-person approval tells people apart across the two ways
-- of signing in. One gateway identity belongs to one account at most.
ALTER TABLE users ADD COLUMN sso_identity TEXT;
CREATE UNIQUE INDEX users_sso_identity ON users (sso_identity);
