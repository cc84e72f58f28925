-- Sign-in attempts being evaluated (both dialects run this file; the SQLite
-- one is a link to it). An attempt is reserved before its password is
-- checked and settled after, as a failure or not: `failures + pending` may
-- not pass the limit, so parallel guesses cannot outrun it, while an attempt
-- in flight is not yet a failure that locks the account for the window.
ALTER TABLE login_failures ADD COLUMN pending BIGINT NOT NULL DEFAULT 0;
