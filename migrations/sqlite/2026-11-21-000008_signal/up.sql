-- Video signaling relay (SQLite). Keep in step with migrations/postgres.
-- Offers, answers and ICE candidates between an agent's console and a
-- booth pass through here so that the two ends may be connected to
-- different app instances; each instance polls new rows for its own
-- sockets. Rows are pruned after two minutes.
CREATE TABLE signal_messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    session_id BIGINT NOT NULL,
    to_side TEXT NOT NULL CHECK (to_side IN ('agent', 'peer')),
    origin TEXT NOT NULL,
    payload TEXT NOT NULL,
    at TIMESTAMP NOT NULL
);
CREATE INDEX signal_messages_at ON signal_messages (at);
