-- Account security. Wrong passwords are counted per account and lock it for a while
-- (`locked_until`, lifted early by an administrator); a session ends after an idle spell
-- (`last_seen_at`) as well as at `expires_at`; sessions are found per user to end them all
-- when a password is reset or an account disabled.
ALTER TABLE users ADD COLUMN failed_logins BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN locked_until TEXT;
ALTER TABLE sessions ADD COLUMN last_seen_at TEXT;
CREATE INDEX sessions_user ON sessions (user_id);
