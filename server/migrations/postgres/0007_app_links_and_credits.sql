-- Which app linked a third-party identity, and who credited points (both
-- dialects run this file; the SQLite one is a link to it).
--
-- Seed 004's `sign` grant signs in only users linked through the client's own
-- app. A link made before this release is attributed to the app that first
-- issued its user a token; a link whose user never got one stays NULL, and no
-- app's `sign` grant reaches it.
ALTER TABLE user_links ADD COLUMN app_id BIGINT REFERENCES clients(id) ON DELETE SET NULL;
UPDATE user_links SET app_id = (
    SELECT c.id FROM grants g JOIN clients c ON c.tenant_id = g.tenant_id AND c.client_id = g.client_id
    WHERE g.tenant_id = user_links.tenant_id AND g.user_id = user_links.user_id
    ORDER BY g.created_at, g.id LIMIT 1
);

-- Who made a ledger entry: `app:<client_id>` (the app's client authentication),
-- `user:<id>` (a user's own token, where the app allows it), `sign-up` (the
-- bonus). NULL for entries made before this release.
ALTER TABLE point_entries ADD COLUMN credited_by TEXT;
