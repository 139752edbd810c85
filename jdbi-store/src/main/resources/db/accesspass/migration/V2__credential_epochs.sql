-- AccessPass schema, version 2: credential epochs (SR-71).
-- A user's credential_epoch goes up by one with every password-hash change, logout-all and OAuth takeover, in the
-- same statement as the change. A session keeps the epoch that was read together with the password it was opened
-- with; the token check compares the two (the user row is read anyway), so a login verified before a reset whose
-- session is created after the reset's revocation is still dead.
-- Existing users and sessions start at 0 and so keep working. A constant default makes both ALTERs metadata-only
-- changes on PostgreSQL 11 and later: no table rewrite, only a brief lock.
ALTER TABLE accesspass_users ADD COLUMN credential_epoch bigint NOT NULL DEFAULT 0;
ALTER TABLE accesspass_sessions ADD COLUMN credential_epoch bigint NOT NULL DEFAULT 0;
