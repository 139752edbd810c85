-- Known devices (API.md §12): the digest of each device cookie, bound to one user. user_id is text without a
-- foreign key, like the sessions: the token store may live apart from the users.
CREATE TABLE accesspass_known_devices (
    digest     bytea       PRIMARY KEY CHECK (octet_length(digest) = 32),
    user_id    text        NOT NULL,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL
);
CREATE INDEX accesspass_known_devices_user_idx ON accesspass_known_devices (user_id, expires_at);
CREATE INDEX accesspass_known_devices_expires_idx ON accesspass_known_devices (expires_at);

-- Throttle keys are fixed-size digests from now on; the bound keeps an overlong key out of the btree for good.
-- Counters with older, longer keys are only windows of at most login-window: they are dropped, not carried.
DELETE FROM accesspass_login_attempts WHERE octet_length(attempt_key) > 128;
ALTER TABLE accesspass_login_attempts ADD CONSTRAINT accesspass_login_attempts_key_length
    CHECK (octet_length(attempt_key) <= 128);
