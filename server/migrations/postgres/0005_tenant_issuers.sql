-- Every tenant is its own issuer with its own signing keys (both dialects run
-- this file; the SQLite one is a link to it).
--
-- The default tenant (the first one) keeps issuer NULL: its issuer is the
-- server's `--issuer`, so its existing tokens stay valid. Other tenants
-- become `https://<first host>` (`http://` for a loopback host), the rule
-- `domain::tenants::derived_issuer` applies to tenants made from now on.
ALTER TABLE tenants ADD COLUMN issuer TEXT;
UPDATE tenants SET issuer = (
    SELECT CASE
        WHEN MIN(host) = 'localhost' OR MIN(host) LIKE 'localhost:%' OR MIN(host) LIKE '127.%'
            OR MIN(host) LIKE '[::1]%' THEN 'http://'
        ELSE 'https://' END || MIN(host)
    FROM tenant_hosts WHERE tenant_hosts.tenant_id = tenants.id
)
WHERE id <> (SELECT MIN(id) FROM tenants);
CREATE UNIQUE INDEX tenants_issuer ON tenants(issuer);

-- Keys belong to a tenant; today's keys are the default tenant's.
ALTER TABLE signing_keys ADD COLUMN tenant_id BIGINT REFERENCES tenants(id) ON DELETE CASCADE;
UPDATE signing_keys SET tenant_id = (SELECT MIN(id) FROM tenants);
CREATE INDEX signing_keys_tenant ON signing_keys(tenant_id);

-- What a client's tokens are signed with. Existing clients keep ES256 ID
-- tokens (all they ever received); new clients default to RS256 in the
-- domain layer, as OpenID Connect expects. NULL access_token_alg: the
-- audience's algorithm, else ES256.
ALTER TABLE clients ADD COLUMN id_token_alg TEXT NOT NULL DEFAULT 'ES256';
ALTER TABLE clients ADD COLUMN access_token_alg TEXT;
