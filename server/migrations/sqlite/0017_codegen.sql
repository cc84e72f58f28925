-- SDK generation (seed 001's /api/CodeGen; SQLite — the PostgreSQL file
-- differs only in its integer types). `codegen_options` keeps each API's
-- npm (one row per language), GitHub and common settings as JSON, with the
-- token apart and sealed under the master key; `codegen_history` records
-- every generation, push and release.

CREATE TABLE codegen_options (
    resource_id INTEGER NOT NULL REFERENCES api_resources(id) ON DELETE CASCADE,
    -- `npm:angular2`, `npm:jQuery`, `github` or `common`.
    kind TEXT NOT NULL,
    settings TEXT NOT NULL,
    token TEXT,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (resource_id, kind)
);

CREATE TABLE codegen_history (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    resource_id INTEGER NOT NULL REFERENCES api_resources(id) ON DELETE CASCADE,
    -- `generate`, `sync`, `release` or `posted`.
    kind TEXT NOT NULL,
    sdk_name TEXT NOT NULL,
    swagger_url TEXT NOT NULL,
    version TEXT NOT NULL,
    tags TEXT NOT NULL,
    language TEXT NOT NULL,
    release_date INTEGER NOT NULL
);

CREATE INDEX codegen_history_by_resource ON codegen_history (resource_id, id);
