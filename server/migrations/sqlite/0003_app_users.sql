-- End-user API of apps (OAuthApp compatible): app settings, verification
-- codes and their send limits, third-party identities, QR sign-ins, points,
-- app-scheme authorization codes, and richer consents.

ALTER TABLE clients ADD COLUMN app_settings TEXT NOT NULL DEFAULT '{}';

-- One row per code sent; only the HMAC of the code is kept.
CREATE TABLE verification_codes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    channel TEXT NOT NULL,
    destination TEXT NOT NULL,
    purpose TEXT NOT NULL,
    code_mac TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER
);
CREATE INDEX verification_codes_lookup ON verification_codes(tenant_id, channel, destination, purpose, created_at);

-- Send counters per key (`dest:…` or `ip:…`): last send and a rolling 24 h count.
CREATE TABLE send_limits (
    key TEXT PRIMARY KEY,
    last_at INTEGER NOT NULL,
    window_start INTEGER NOT NULL,
    sent INTEGER NOT NULL
);

-- A user's identity on another platform (unionID / openId).
CREATE TABLE user_links (
    tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    platform TEXT NOT NULL,
    union_id TEXT NOT NULL,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, platform, union_id)
);

CREATE TABLE qr_sign_ins (
    key_hash TEXT PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    app_id INTEGER NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    scopes TEXT NOT NULL,
    remark TEXT NOT NULL,
    status TEXT NOT NULL,
    user_id INTEGER REFERENCES users(id) ON DELETE CASCADE,
    platform TEXT,
    union_id TEXT,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);

CREATE TABLE point_balances (
    app_id INTEGER NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    balance INTEGER NOT NULL CHECK (balance >= 0),
    PRIMARY KEY (app_id, user_id)
);

CREATE TABLE point_entries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    app_id INTEGER NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind INTEGER NOT NULL,
    amount INTEGER NOT NULL,
    balance INTEGER NOT NULL,
    remark TEXT NOT NULL,
    idempotency_key TEXT,
    fingerprint TEXT,
    created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX point_entries_idempotency ON point_entries(app_id, user_id, idempotency_key);
CREATE INDEX point_entries_user ON point_entries(app_id, user_id, id);

-- Codes of the app-scheme GrantCode → Authorize exchange.
CREATE TABLE app_codes (
    code_hash TEXT PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    app_id INTEGER NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    grant_type TEXT NOT NULL,
    scopes TEXT NOT NULL,
    redirect_uri TEXT NOT NULL,
    expire_days INTEGER NOT NULL,
    platform TEXT,
    union_id TEXT,
    expires_at INTEGER NOT NULL,
    used_at INTEGER
);

ALTER TABLE consents ADD COLUMN grant_type TEXT NOT NULL DEFAULT 'authorization_code';
ALTER TABLE consents ADD COLUMN redirect_uri TEXT NOT NULL DEFAULT '';
ALTER TABLE consents ADD COLUMN remark TEXT NOT NULL DEFAULT '';

-- Whether a grant rests on a consent (hosted page, Authorize); direct sign-ins do not, and
-- revoking a consent leaves them alone.
ALTER TABLE grants ADD COLUMN consented INTEGER NOT NULL DEFAULT 1;
