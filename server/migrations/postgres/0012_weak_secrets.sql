-- Secrets an admin imported shorter than 8 characters (`allowWeakSecret`,
-- for clients like seed 004's `web-client:YunQue` that keep the secret they
-- have): marked so the admin API can show which clients hold one.
ALTER TABLE client_secrets ADD COLUMN weak BIGINT NOT NULL DEFAULT 0;
ALTER TABLE api_resource_secrets ADD COLUMN weak BIGINT NOT NULL DEFAULT 0;
