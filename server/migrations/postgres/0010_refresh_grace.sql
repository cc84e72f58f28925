-- Refresh-token rotation grace period (both dialects run this file; the
-- SQLite one is a link to it). A client may allow a used refresh token one
-- retry within `refresh_grace_period` seconds of its first use (the client
-- lost the response); `reused_at` records that retry, so a second one — or
-- any reuse after the period — still revokes the token's family.
ALTER TABLE clients ADD COLUMN refresh_grace_period BIGINT NOT NULL DEFAULT 0;
ALTER TABLE refresh_tokens ADD COLUMN reused_at BIGINT;
