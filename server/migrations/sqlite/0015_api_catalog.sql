-- The API catalog (SQLite): revisions of each API resource's OpenAPI
-- document (never updated), versions naming them with at most one online,
-- the last publish configuration, release notes, confirmed subscribers,
-- SDK packages and product groups. Conventions as 0001: INTEGER and TEXT
-- only, times in Unix milliseconds, lists as JSON in TEXT, booleans 0/1.

CREATE TABLE api_revisions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    resource_id INTEGER NOT NULL REFERENCES api_resources(id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    -- The OpenAPI document as JSON (YAML is converted on the way in).
    document TEXT NOT NULL,
    source_url TEXT,
    created_at INTEGER NOT NULL,
    UNIQUE (resource_id, number)
);

CREATE TABLE api_versions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    resource_id INTEGER NOT NULL REFERENCES api_resources(id) ON DELETE CASCADE,
    revision_id INTEGER NOT NULL UNIQUE REFERENCES api_revisions(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    online INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (resource_id, name)
);
CREATE UNIQUE INDEX api_versions_one_online ON api_versions(resource_id) WHERE online = 1;

CREATE TABLE api_publish_configurations (
    resource_id INTEGER PRIMARY KEY REFERENCES api_resources(id) ON DELETE CASCADE,
    revision_id INTEGER NOT NULL REFERENCES api_revisions(id) ON DELETE CASCADE,
    -- The publish body without its document, as JSON.
    configuration TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE api_releases (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    resource_id INTEGER NOT NULL REFERENCES api_resources(id) ON DELETE CASCADE,
    revision_id INTEGER NOT NULL REFERENCES api_revisions(id) ON DELETE CASCADE,
    notes TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX api_releases_resource ON api_releases(resource_id);

CREATE TABLE api_subscribers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    resource_id INTEGER NOT NULL REFERENCES api_resources(id) ON DELETE CASCADE,
    -- Lower case.
    email TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (resource_id, email)
);

CREATE TABLE api_packages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    resource_id INTEGER NOT NULL REFERENCES api_resources(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    publisher TEXT NOT NULL,
    link TEXT NOT NULL,
    icon TEXT NOT NULL,
    platform TEXT NOT NULL,
    language TEXT NOT NULL,
    show_index INTEGER NOT NULL,
    tags TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX api_packages_resource ON api_packages(resource_id);

CREATE TABLE api_products (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (tenant_id, name)
);

CREATE TABLE api_product_members (
    product_id INTEGER NOT NULL REFERENCES api_products(id) ON DELETE CASCADE,
    resource_id INTEGER NOT NULL REFERENCES api_resources(id) ON DELETE CASCADE,
    PRIMARY KEY (product_id, resource_id)
);
CREATE INDEX api_product_members_resource ON api_product_members(resource_id);
