-- The referrer a user signed up through (seed 001's ParentUserID), for the
-- team list (`GET /api/User/{id}/Distributors`). Both dialects run this file.
ALTER TABLE users ADD COLUMN parent_user_id BIGINT REFERENCES users(id) ON DELETE SET NULL;
CREATE INDEX users_parent_user_id ON users(parent_user_id);
