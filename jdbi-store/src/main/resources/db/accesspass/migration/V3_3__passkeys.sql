-- AccessPass schema, version 3.3: passkeys (WebAuthn credentials). Each user gets one random WebAuthn user handle
-- on first use (never the username, email or id); each credential id belongs to one user only (the primary key), so
-- a credential registered by anyone is never taken over. The signature counter is updated by a compare-and-set
-- (UPDATE ... WHERE sign_count = :expected), so two instances cannot both accept one counter value. Both tables go
-- with their user. New tables only: existing users and sessions are untouched and keep working.
CREATE TABLE accesspass_passkey_users (
    user_id     uuid PRIMARY KEY REFERENCES accesspass_users (id) ON DELETE CASCADE,
    user_handle text NOT NULL UNIQUE
);

CREATE TABLE accesspass_passkeys (
    credential_id   text        PRIMARY KEY,
    user_id         uuid        NOT NULL REFERENCES accesspass_users (id) ON DELETE CASCADE,
    user_handle     text        NOT NULL,
    credential_data bytea       NOT NULL,
    sign_count      bigint      NOT NULL,
    backup_eligible boolean     NOT NULL,
    backup_state    boolean     NOT NULL,
    transports      text[]      NOT NULL,
    name            text        NOT NULL,
    created_at      timestamptz NOT NULL,
    last_used_at    timestamptz
);

CREATE INDEX accesspass_passkeys_user_idx ON accesspass_passkeys (user_id, created_at);
