-- Sign-in with OpenID Connect providers. A signed-in session names one row here: what the
-- provider issued (the refresh token renews the session and its role; the ID token is the hint
-- for signing out at the provider) and when it is next renewed. `lease_until_ms` lets one
-- replica renew at a time, so a rotating refresh token is never spent twice.
CREATE TABLE oidc_sessions (
    id TEXT PRIMARY KEY,
    provider TEXT NOT NULL,
    subject TEXT NOT NULL,
    username TEXT NOT NULL,
    role TEXT NOT NULL,
    refresh_token TEXT,
    id_token TEXT NOT NULL,
    refresh_due_ms BIGINT NOT NULL,
    lease_until_ms BIGINT,
    ended_ms BIGINT,
    ended_reason TEXT,
    created_ms BIGINT NOT NULL
);
CREATE INDEX oidc_sessions_created ON oidc_sessions (created_ms);

-- Who a name signed in through a provider is: the provider's subject, the only thing that
-- stays the same for a person there. Every name a subject signed in under is kept, so a
-- request made under an earlier e-mail address is still that person's.
CREATE TABLE oidc_identities (
    provider TEXT NOT NULL,
    subject TEXT NOT NULL,
    username TEXT NOT NULL,
    first_seen_ms BIGINT NOT NULL,
    last_seen_ms BIGINT NOT NULL,
    PRIMARY KEY (provider, subject, username)
);
CREATE INDEX oidc_identities_username ON oidc_identities (lower(username));

-- A local account linked to a provider's subject ("provider subject"): the same person.
ALTER TABLE users ADD COLUMN oidc_identity TEXT;
