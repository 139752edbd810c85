-- A user created from a provider that did not verify its email has none (API.md §7: an unverified provider email
-- never reserves an address). The unique constraint stays: PostgreSQL treats NULLs as distinct, so any number of
-- users may have no email while every address still belongs to at most one user.
ALTER TABLE accesspass_users ALTER COLUMN email DROP NOT NULL;
ALTER TABLE accesspass_users ALTER COLUMN email_key DROP NOT NULL;
