-- API resources and API scopes (SQLite). Same conventions as 0001: INTEGER and
-- TEXT only, times in Unix milliseconds, lists as JSON in TEXT, booleans 0/1.

CREATE TABLE api_scopes (
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
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (tenant_id, name)
);

-- name is the audience of tokens for the API; signing_alg is NULL or a JWS alg.
CREATE TABLE api_resources (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    display_name TEXT NOT NULL,
    description TEXT NOT NULL,
    enabled INTEGER NOT NULL,
    show_in_discovery INTEGER NOT NULL,
    signing_alg TEXT,
    user_claims TEXT NOT NULL,
    properties TEXT NOT NULL,
    non_editable INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (tenant_id, name)
);

-- The API scopes (by name, within the resource's tenant) a resource contains.
CREATE TABLE api_resource_scopes (
    resource_id INTEGER NOT NULL REFERENCES api_resources(id) ON DELETE CASCADE,
    scope TEXT NOT NULL,
    PRIMARY KEY (resource_id, scope)
);
CREATE INDEX api_resource_scopes_scope ON api_resource_scopes(scope);

CREATE TABLE api_resource_secrets (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    resource_id INTEGER NOT NULL REFERENCES api_resources(id) ON DELETE CASCADE,
    sha256 TEXT NOT NULL,
    description TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER
);
CREATE INDEX api_resource_secrets_resource ON api_resource_secrets(resource_id);
