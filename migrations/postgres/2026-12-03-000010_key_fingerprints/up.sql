-- Fingerprints of the keys every instance must share (PostgreSQL). Keep in
-- step with migrations/sqlite. The first instance to start records each
-- key's fingerprint (a SHA-256, never the key); an instance whose key
-- differs refuses to start instead of issuing tokens or signing
-- checkpoints the others reject.
CREATE TABLE key_fingerprints (
    name TEXT PRIMARY KEY NOT NULL CHECK (name IN ('jwt', 'audit')),
    fingerprint TEXT NOT NULL,
    recorded_at TIMESTAMP NOT NULL
);
