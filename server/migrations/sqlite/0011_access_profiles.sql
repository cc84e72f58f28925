-- Seed 000's access profiles (SQLite; the PostgreSQL file differs only in its
-- id column). A profile is a named set of clients of a tenant; users hold
-- profiles. A client with `require_profile` = 1 issues tokens only to users
-- holding a profile that contains it. Deleting a profile, a client or a user
-- row removes its links (users are deleted softly: the domain removes theirs).

CREATE TABLE access_profiles (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    normalized_name TEXT NOT NULL,
    description TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (tenant_id, normalized_name)
);

CREATE TABLE access_profile_clients (
    profile_id INTEGER NOT NULL REFERENCES access_profiles(id) ON DELETE CASCADE,
    client_row INTEGER NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    PRIMARY KEY (profile_id, client_row)
);
CREATE INDEX access_profile_clients_client ON access_profile_clients(client_row);

CREATE TABLE user_access_profiles (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    profile_id INTEGER NOT NULL REFERENCES access_profiles(id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, profile_id)
);
CREATE INDEX user_access_profiles_profile ON user_access_profiles(profile_id);

ALTER TABLE clients ADD COLUMN require_profile INTEGER NOT NULL DEFAULT 0;
