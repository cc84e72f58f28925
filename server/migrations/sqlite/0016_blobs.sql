-- Uploaded files (seed 001's /api/Blob; SQLite — the PostgreSQL file differs
-- only in its integer types). The bytes live in the blob store under
-- `<tenant_id>/<folder>/<name>`; this row says they exist, what they are
-- (decided from their bytes at upload) and who uploaded them. Serving reads
-- the row first, so another tenant's file, or a name never stored, is a 404.

CREATE TABLE blobs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    folder TEXT NOT NULL,
    name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    uploaded_by TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (tenant_id, folder, name)
);
