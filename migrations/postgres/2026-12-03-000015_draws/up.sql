-- Fair release of a new day (postgres; keep in step with migrations/sqlite).
-- A branch in 'draw' mode collects booking requests for a newly opened day
-- for draw_minutes, then allocates its seats in an order drawn from a
-- recorded seed; requests that get no seat join the day's waiting line.
ALTER TABLE branches ADD COLUMN release_mode TEXT NOT NULL DEFAULT 'first_come'
    CHECK (release_mode IN ('first_come', 'draw'));
ALTER TABLE branches ADD COLUMN draw_minutes INTEGER NOT NULL DEFAULT 30
    CHECK (draw_minutes BETWEEN 5 AND 720);

CREATE TABLE draw_requests (
    id BIGSERIAL PRIMARY KEY,
    branch_code TEXT NOT NULL REFERENCES branches (code),
    local_date DATE NOT NULL,
    participant_id BIGINT NOT NULL REFERENCES participants (id),
    claim_id BIGINT NOT NULL REFERENCES claims (id),
    slot_id BIGINT NOT NULL REFERENCES slots (id),
    status TEXT NOT NULL CHECK (status IN ('pending', 'won', 'lost')),
    booking_id BIGINT REFERENCES bookings (id),
    draw_at TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
-- One pending request per participant.
CREATE UNIQUE INDEX draw_requests_one_pending ON draw_requests (participant_id) WHERE status = 'pending';
CREATE INDEX draw_requests_due ON draw_requests (status, draw_at);

-- One draw per branch-day, with its seed: the order is recomputable (who
-- won is on the requests and in the draw_held audit entry).
CREATE TABLE draws (
    id BIGSERIAL PRIMARY KEY,
    branch_code TEXT NOT NULL REFERENCES branches (code),
    local_date DATE NOT NULL,
    seed TEXT NOT NULL,
    held_at TIMESTAMP NOT NULL,
    UNIQUE (branch_code, local_date)
);
