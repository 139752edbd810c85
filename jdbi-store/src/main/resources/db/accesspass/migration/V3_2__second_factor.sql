-- AccessPass schema, version 3.2: the second factor. One TOTP credential per user (pending until confirmed with a
-- code; pending ones lapse at pending_expires_at), with the newest accepted step, so that a code is accepted once
-- even across instances (an UPDATE ... WHERE last_used_step < :step is the atomic compare-and-set). Recovery codes
-- are kept as SHA-256 digests only, one row each, so using one is a single DELETE. Both go with their user.
-- New tables only: existing users and sessions are untouched and keep working.
CREATE TABLE accesspass_totp (
    user_id            uuid        PRIMARY KEY REFERENCES accesspass_users (id) ON DELETE CASCADE,
    secret             text        NOT NULL,
    enabled            boolean     NOT NULL,
    pending_expires_at timestamptz,
    last_used_step     bigint      NOT NULL DEFAULT -1
);

CREATE TABLE accesspass_recovery_codes (
    user_id uuid NOT NULL REFERENCES accesspass_totp (user_id) ON DELETE CASCADE,
    digest  text NOT NULL,
    PRIMARY KEY (user_id, digest)
);
