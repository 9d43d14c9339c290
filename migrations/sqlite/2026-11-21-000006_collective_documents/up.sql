-- The mass termination letter of a collective batch (SQLite). Keep in step
-- with migrations/postgres. A document of the batch, not of a worker; a
-- newer upload is the current one, older ones stay as history.
CREATE TABLE collective_letters (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    batch_id BIGINT NOT NULL REFERENCES collective_batches (id),
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL CHECK (size >= 0),
    sha256 TEXT NOT NULL,
    original_name TEXT NOT NULL,
    uploaded_by BIGINT NOT NULL REFERENCES staff (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX collective_letters_batch ON collective_letters (batch_id, id);
