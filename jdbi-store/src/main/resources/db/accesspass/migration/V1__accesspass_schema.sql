-- AccessPass schema, version 1. Every table is prefixed accesspass_ so that it can live beside an
-- application's own tables; Flyway's history for these migrations is kept in accesspass_schema_history.
-- Times are timestamptz written by the application (its injected Clock, SR-69), never by now().

CREATE TABLE accesspass_users (
    id              uuid        PRIMARY KEY,
    username        text        NOT NULL,
    -- Identifiers.usernameKey / emailKey: NFKC case-folded username, lower-cased email (SR-64).
    username_key    text        NOT NULL,
    email           text        NOT NULL,
    email_key       text        NOT NULL,
    email_confirmed boolean     NOT NULL,
    password_hash   text,
    roles           text[]      NOT NULL DEFAULT '{}',
    created_at      timestamptz NOT NULL,
    -- The store maps violations of these two constraints, by name, to username_taken / email_taken.
    CONSTRAINT accesspass_users_username_key_uq UNIQUE (username_key),
    CONSTRAINT accesspass_users_email_key_uq UNIQUE (email_key)
);

CREATE TABLE accesspass_identities (
    provider   text        NOT NULL,
    subject    text        NOT NULL,
    user_id    uuid        NOT NULL REFERENCES accesspass_users (id) ON DELETE CASCADE,
    profile    jsonb       NOT NULL,
    linked_at  timestamptz NOT NULL,
    seq        bigserial   NOT NULL,
    PRIMARY KEY (provider, subject)
);
CREATE INDEX accesspass_identities_user_idx ON accesspass_identities (user_id);

-- One row per session (a refresh-token family). user_id is text without a foreign key: the token store does
-- not depend on the user store. expires_at is when nothing of the current pair can be used any more
-- (the later of its two expiries, capped by ends_at); NULL when the refresh token never expires and there is
-- no cap. The background purge deletes by it, and deleting a session cascades to all of its tokens.
CREATE TABLE accesspass_sessions (
    id                 uuid        PRIMARY KEY,
    user_id            text        NOT NULL,
    created_at         timestamptz NOT NULL,
    ends_at            timestamptz,
    meta               jsonb       NOT NULL,
    refresh_expires_at timestamptz,
    expires_at         timestamptz
);
CREATE INDEX accesspass_sessions_user_idx ON accesspass_sessions (user_id);
CREATE INDEX accesspass_sessions_expires_idx ON accesspass_sessions (expires_at);

-- Access and refresh tokens live in separate tables, so a token of one kind can never be found as the other
-- (SR-04). token_hash is SHA-256 of the token, 32 bytes (SR-02); no raw token is ever stored.
CREATE TABLE accesspass_access_tokens (
    token_hash bytea       PRIMARY KEY CHECK (octet_length(token_hash) = 32),
    session_id uuid        NOT NULL REFERENCES accesspass_sessions (id) ON DELETE CASCADE,
    expires_at timestamptz NOT NULL
);
CREATE INDEX accesspass_access_tokens_session_idx ON accesspass_access_tokens (session_id);

-- A rotated refresh token is flagged used (used_at), not deleted, and keeps its session id, the hash of its
-- successor and the successor pair sealed under a key derived from this token (SR-14, SR-15).
CREATE TABLE accesspass_refresh_tokens (
    token_hash       bytea       PRIMARY KEY CHECK (octet_length(token_hash) = 32),
    session_id       uuid        NOT NULL REFERENCES accesspass_sessions (id) ON DELETE CASCADE,
    expires_at       timestamptz,
    used_at          timestamptz,
    successor_hash   bytea       CHECK (octet_length(successor_hash) = 32),
    sealed_successor bytea
);
CREATE INDEX accesspass_refresh_tokens_session_idx ON accesspass_refresh_tokens (session_id);

-- Confirmation, reset and OAuth-state tokens: single use, consumed with DELETE … RETURNING (SR-36).
CREATE TABLE accesspass_one_time_tokens (
    token_hash bytea       PRIMARY KEY CHECK (octet_length(token_hash) = 32),
    purpose    text        NOT NULL,
    user_id    text,
    expires_at timestamptz NOT NULL,
    payload    text
);
CREATE INDEX accesspass_one_time_tokens_user_idx ON accesspass_one_time_tokens (user_id, purpose);
CREATE INDEX accesspass_one_time_tokens_expires_idx ON accesspass_one_time_tokens (expires_at);

-- Failed-login counters, shared by every instance (SR-28..SR-31).
CREATE TABLE accesspass_login_attempts (
    attempt_key    text        PRIMARY KEY,
    failures       integer     NOT NULL,
    window_ends_at timestamptz NOT NULL
);
CREATE INDEX accesspass_login_attempts_window_idx ON accesspass_login_attempts (window_ends_at);
