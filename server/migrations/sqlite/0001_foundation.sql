-- Foundation schema (SQLite). Portable types only: INTEGER, TEXT. Booleans are
-- 0/1, times are Unix milliseconds, lists are JSON text.

CREATE TABLE tenants (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    status INTEGER NOT NULL,
    theme TEXT NOT NULL,
    claims TEXT NOT NULL,
    properties TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE tenant_hosts (
    host TEXT PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE
);
CREATE INDEX tenant_hosts_tenant ON tenant_hosts(tenant_id);

CREATE TABLE clients (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    client_id TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    enabled INTEGER NOT NULL,
    confidential INTEGER NOT NULL,
    grant_types TEXT NOT NULL,
    redirect_uris TEXT NOT NULL,
    post_logout_redirect_uris TEXT NOT NULL,
    scopes TEXT NOT NULL,
    cors_origins TEXT NOT NULL,
    require_pkce INTEGER NOT NULL,
    allow_plain_pkce INTEGER NOT NULL,
    access_token_lifetime INTEGER NOT NULL,
    identity_token_lifetime INTEGER NOT NULL,
    authorization_code_lifetime INTEGER NOT NULL,
    absolute_refresh_lifetime INTEGER NOT NULL,
    sliding_refresh_lifetime INTEGER NOT NULL,
    claims TEXT NOT NULL,
    properties TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (tenant_id, client_id)
);

CREATE TABLE client_secrets (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    client_row INTEGER NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    sha256 TEXT NOT NULL,
    description TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER
);
CREATE INDEX client_secrets_client ON client_secrets(client_row);

CREATE TABLE roles (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    normalized_name TEXT NOT NULL,
    permissions TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (tenant_id, normalized_name)
);

CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    username TEXT NOT NULL,
    normalized_username TEXT NOT NULL,
    email TEXT,
    email_verified INTEGER NOT NULL,
    phone TEXT,
    phone_verified INTEGER NOT NULL,
    password_hash TEXT,
    nickname TEXT NOT NULL,
    avatar TEXT NOT NULL,
    data TEXT NOT NULL,
    claims TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    deleted_at INTEGER
);
CREATE UNIQUE INDEX users_username ON users(tenant_id, normalized_username) WHERE deleted_at IS NULL;
CREATE INDEX users_email ON users(tenant_id, email);
CREATE INDEX users_phone ON users(tenant_id, phone);

CREATE TABLE user_roles (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role_id INTEGER NOT NULL REFERENCES roles(id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, role_id)
);
CREATE INDEX user_roles_role ON user_roles(role_id);

CREATE TABLE signing_keys (
    kid TEXT PRIMARY KEY,
    alg TEXT NOT NULL,
    private_pkcs8 TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    retired_at INTEGER
);
