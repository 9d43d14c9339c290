-- Claim dossier (SQLite). Keep in step with migrations/postgres.

-- Who the heir is decides the extra documents of a death claim.
ALTER TABLE claims ADD COLUMN heir_is_child BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE claims ADD COLUMN heir_is_minor BOOLEAN NOT NULL DEFAULT FALSE;

-- Every uploaded version is kept; `current` marks the latest of a kind.
CREATE TABLE documents (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    claim_id BIGINT NOT NULL REFERENCES claims (id),
    kind TEXT NOT NULL,
    version INTEGER NOT NULL CHECK (version >= 1),
    is_current BOOLEAN NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('uploaded', 'accepted', 'rejected', 'deleted')),
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL CHECK (size > 0),
    sha256 TEXT NOT NULL,
    original_name TEXT NOT NULL,
    uploaded_by_staff BIGINT REFERENCES staff (id),
    created_at TIMESTAMP NOT NULL,
    reviewed_by BIGINT REFERENCES staff (id),
    reviewed_at TIMESTAMP,
    reject_reason TEXT,
    reject_note TEXT,
    UNIQUE (claim_id, kind, version)
);
CREATE INDEX documents_claim ON documents (claim_id, kind);
CREATE UNIQUE INDEX documents_one_current ON documents (claim_id, kind) WHERE is_current;

-- The day-before reminder is sent once per booking.
ALTER TABLE bookings ADD COLUMN reminder_sent_at TIMESTAMP;
