-- The bootstrap admin clients (the configured KEYWARD_ADMIN_CLIENT_ID and
-- those `keyward init` made) are managed by the server's configuration and
-- never changed through the API. Every start marks the configured one; the
-- ones `keyward init` made before this release are recognised by the id,
-- name and description bootstrap gives them.
ALTER TABLE clients ADD COLUMN bootstrap BIGINT NOT NULL DEFAULT 0;
UPDATE clients SET bootstrap = 1
WHERE client_id LIKE 'keyward-admin-%'
  AND name = 'Keyward administrator'
  AND description = 'Created by Keyward''s bootstrap; holds every admin permission.';
