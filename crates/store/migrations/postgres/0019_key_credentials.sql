-- Certificates registered for client assertions (JSON list of key credentials). Keep in step
-- with migrations/sqlite/0019_key_credentials.sql.

ALTER TABLE applications ADD COLUMN key_credentials TEXT NOT NULL DEFAULT '[]';
