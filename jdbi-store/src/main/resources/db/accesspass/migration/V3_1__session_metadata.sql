-- AccessPass schema, version 3.1: what a session records about how and from where it was opened (sessions and
-- devices): the client address, the User-Agent (at most 256 characters, control characters removed by the
-- application), the method (password, register, oauth:<provider>, passkey, api), the RFC 8176 amr values, the time
-- of the last authentication and the assurance level, and when the session was last refreshed.
-- Sessions that exist before this migration keep working: they read as opened through the API (method 'api', no
-- amr, level 1) from an unknown address and browser, last authenticated and last used when they were created
-- (the store reads a NULL auth_time or last_used_at as created_at). Constant defaults and nullable columns keep
-- every ALTER a metadata-only change on PostgreSQL 11 and later: no table rewrite, only a brief lock.
ALTER TABLE accesspass_sessions
    ADD COLUMN last_used_at timestamptz,
    ADD COLUMN address      text,
    ADD COLUMN user_agent   text,
    ADD COLUMN method       text     NOT NULL DEFAULT 'api',
    ADD COLUMN amr          text[]   NOT NULL DEFAULT '{}',
    ADD COLUMN auth_time    timestamptz,
    ADD COLUMN aal          smallint NOT NULL DEFAULT 1;
