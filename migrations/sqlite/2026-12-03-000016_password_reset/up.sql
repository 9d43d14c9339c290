-- Password reset requests (sqlite; keep in step with migrations/postgres).
-- One row per request that passed the address throttle, whether or not the
-- typed email has an account (then both ids are NULL and the token was
-- never mailed): the rows are also what the throttle counts. Only a
-- SHA-256 of the token is kept; a token works once (used_at) until
-- expires_at.
CREATE TABLE password_resets (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    email TEXT NOT NULL,
    ip TEXT NOT NULL,
    participant_id BIGINT REFERENCES participants (id),
    staff_id BIGINT REFERENCES staff (id),
    token_hash TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP,
    CHECK (participant_id IS NULL OR staff_id IS NULL)
);
CREATE UNIQUE INDEX password_resets_token ON password_resets (token_hash);
CREATE INDEX password_resets_email ON password_resets (email, created_at);
CREATE INDEX password_resets_ip ON password_resets (ip, created_at);
