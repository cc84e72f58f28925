-- A verified phone number or email identifies one live user of a tenant:
-- codes sign in and reset passwords by them. Where older data verified one
-- contact on several users, the oldest keeps it verified. Both dialects run
-- this file (the SQLite one is a link to it).

UPDATE users SET phone_verified = 0
WHERE phone_verified = 1 AND deleted_at IS NULL AND EXISTS (
    SELECT 1 FROM users AS older
    WHERE older.tenant_id = users.tenant_id AND older.phone = users.phone AND older.phone_verified = 1
      AND older.deleted_at IS NULL AND older.id < users.id
);
UPDATE users SET email_verified = 0
WHERE email_verified = 1 AND deleted_at IS NULL AND EXISTS (
    SELECT 1 FROM users AS older
    WHERE older.tenant_id = users.tenant_id AND LOWER(older.email) = LOWER(users.email) AND older.email_verified = 1
      AND older.deleted_at IS NULL AND older.id < users.id
);

CREATE UNIQUE INDEX users_verified_phone ON users(tenant_id, phone)
    WHERE phone_verified = 1 AND deleted_at IS NULL;
CREATE UNIQUE INDEX users_verified_email ON users(tenant_id, LOWER(email))
    WHERE email_verified = 1 AND deleted_at IS NULL;
