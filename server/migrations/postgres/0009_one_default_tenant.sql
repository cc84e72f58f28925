-- Exactly one default tenant, the first one created (both dialects run this
-- file; the SQLite one is a link to it). Bootstrap is serialized across
-- replicas; this unique index makes a second default tenant impossible even
-- if it were not (NULLs are distinct, so other tenants are unaffected).
ALTER TABLE tenants ADD COLUMN is_default BIGINT;
UPDATE tenants SET is_default = 1 WHERE id = (SELECT MIN(id) FROM tenants);
CREATE UNIQUE INDEX tenants_one_default ON tenants (is_default);
