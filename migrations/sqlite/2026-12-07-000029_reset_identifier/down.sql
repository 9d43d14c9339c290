DROP INDEX password_resets_identifier;
ALTER TABLE password_resets RENAME COLUMN identifier TO email;
CREATE INDEX password_resets_email ON password_resets (email, created_at);
