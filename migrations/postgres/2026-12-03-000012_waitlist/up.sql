-- The waiting line of a full branch-day (postgres; keep in step with
-- migrations/sqlite). A seat that frees is held for the first in line
-- (slots.held) until the offer is accepted, declined or expires; a held
-- seat is not available to anyone else: booked + held <= capacity.
ALTER TABLE slots ADD COLUMN held INTEGER NOT NULL DEFAULT 0 CHECK (held >= 0);

CREATE TABLE waitlist (
    id BIGSERIAL PRIMARY KEY,
    participant_id BIGINT NOT NULL REFERENCES participants (id),
    claim_id BIGINT NOT NULL REFERENCES claims (id),
    branch_code TEXT NOT NULL REFERENCES branches (code),
    local_date DATE NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('waiting', 'offered', 'booked', 'expired', 'withdrawn')),
    slot_id BIGINT REFERENCES slots (id),
    expires_at TIMESTAMP,
    booking_id BIGINT REFERENCES bookings (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK (status <> 'offered' OR (slot_id IS NOT NULL AND expires_at IS NOT NULL))
);
-- One place in any line per participant, enforced by the database.
CREATE UNIQUE INDEX waitlist_one_active ON waitlist (participant_id) WHERE status IN ('waiting', 'offered');
CREATE INDEX waitlist_line ON waitlist (branch_code, local_date, status, id);
CREATE INDEX waitlist_offers ON waitlist (status, expires_at);
