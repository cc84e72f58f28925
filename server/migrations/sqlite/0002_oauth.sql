-- OAuth 2.0 / OpenID Connect state (SQLite). Same conventions as 0001.

ALTER TABLE clients ADD COLUMN access_token_type TEXT NOT NULL DEFAULT 'jwt';
ALTER TABLE clients ADD COLUMN require_consent INTEGER NOT NULL DEFAULT 0;

-- A key signs from activates_at (it is published before), stops signing when
-- retired_at passes, and leaves the JWKS at expires_at.
ALTER TABLE signing_keys ADD COLUMN activates_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE signing_keys ADD COLUMN expires_at INTEGER;

-- Secrets shared by every replica (the cookie-signing key).
CREATE TABLE server_secrets (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

-- Browser sessions at the hosted login page; id is the OIDC `sid`.
CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    auth_time INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    ended_at INTEGER
);

-- A grant: what one authorization (code exchange or password grant) allowed;
-- its refresh tokens form one family, revoked together.
CREATE TABLE grants (
    id TEXT PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    client_id TEXT NOT NULL,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    scope TEXT NOT NULL,
    session_id TEXT,
    auth_time INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    revoked_at INTEGER
);
CREATE INDEX grants_user_client ON grants(tenant_id, user_id, client_id);

CREATE TABLE authorization_codes (
    code_hash TEXT PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    client_id TEXT NOT NULL,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    redirect_uri TEXT NOT NULL,
    scope TEXT NOT NULL,
    nonce TEXT,
    code_challenge TEXT,
    code_challenge_method TEXT,
    session_id TEXT NOT NULL,
    auth_time INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    grant_id TEXT
);

CREATE TABLE refresh_tokens (
    token_hash TEXT PRIMARY KEY,
    grant_id TEXT NOT NULL REFERENCES grants(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER
);
CREATE INDEX refresh_tokens_grant ON refresh_tokens(grant_id);

-- Access tokens the server must remember: reference tokens (token_hash and
-- claims set), tokens of a grant (so revoking the grant denies them), and
-- revoked JWTs (the deny-list). Rows go once expires_at passes.
CREATE TABLE access_tokens (
    jti TEXT PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    client_id TEXT NOT NULL,
    grant_id TEXT,
    token_hash TEXT UNIQUE,
    claims TEXT,
    expires_at INTEGER NOT NULL,
    revoked_at INTEGER
);
CREATE INDEX access_tokens_grant ON access_tokens(grant_id);
CREATE INDEX access_tokens_revoked ON access_tokens(revoked_at);

CREATE TABLE consents (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    client_id TEXT NOT NULL,
    scopes TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    expires_at INTEGER,
    UNIQUE (tenant_id, user_id, client_id)
);

-- Failed sign-ins per key (`account:<tenant>:<name>` or `ip:<address>`)
-- within the current window.
CREATE TABLE login_failures (
    key TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    window_start INTEGER NOT NULL
);

-- OpenID Connect identity scopes per tenant; user_claims and properties are JSON.
CREATE TABLE identity_resources (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    display_name TEXT NOT NULL,
    description TEXT NOT NULL,
    enabled INTEGER NOT NULL,
    required INTEGER NOT NULL,
    emphasize INTEGER NOT NULL,
    show_in_discovery INTEGER NOT NULL,
    user_claims TEXT NOT NULL,
    properties TEXT NOT NULL,
    non_editable INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (tenant_id, name)
);
