-- Branch floor (PostgreSQL). Keep in step with migrations/sqlite.

-- Seats per agent: 5 one-to-many, 1 one-to-one (a supervisor sets 1-6);
-- an optional daily cap on walk-in tickets.
ALTER TABLE branches ADD COLUMN seats_per_agent INTEGER NOT NULL DEFAULT 5 CHECK (seats_per_agent BETWEEN 1 AND 6);
ALTER TABLE branches ADD COLUMN walk_in_cap INTEGER CHECK (walk_in_cap IS NULL OR walk_in_cap >= 0);
UPDATE branches SET seats_per_agent = 1 WHERE one_to_many = FALSE;

CREATE TABLE booths (
    id BIGSERIAL PRIMARY KEY,
    branch_code TEXT NOT NULL REFERENCES branches (code),
    number INTEGER NOT NULL CHECK (number >= 1),
    active BOOLEAN NOT NULL DEFAULT TRUE,
    UNIQUE (branch_code, number)
);

-- Kiosks and booth computers sign in with a device credential a
-- supervisor issues; only its hash is stored.
CREATE TABLE devices (
    id BIGSERIAL PRIMARY KEY,
    branch_code TEXT NOT NULL REFERENCES branches (code),
    kind TEXT NOT NULL CHECK (kind IN ('kiosk', 'booth')),
    booth_id BIGINT REFERENCES booths (id),
    token_hash TEXT NOT NULL UNIQUE,
    label TEXT NOT NULL,
    created_by BIGINT NOT NULL REFERENCES staff (id),
    created_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);

-- A CS agent's place on the floor. `active` counts open sessions and can
-- never pass `seats`.
CREATE TABLE agents (
    staff_id BIGINT PRIMARY KEY NOT NULL REFERENCES staff (id),
    branch_code TEXT NOT NULL REFERENCES branches (code),
    status TEXT NOT NULL CHECK (status IN ('on_duty', 'paused', 'off')),
    seats INTEGER NOT NULL CHECK (seats BETWEEN 1 AND 6),
    active INTEGER NOT NULL DEFAULT 0 CHECK (active >= 0 AND active <= seats),
    idle_since TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- One ticket per NIK per branch per day (tickets are tied to the e-KTP).
CREATE TABLE tickets (
    id BIGSERIAL PRIMARY KEY,
    branch_code TEXT NOT NULL REFERENCES branches (code),
    local_date DATE NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('walk_in', 'booked')),
    seq INTEGER NOT NULL CHECK (seq >= 1),
    number TEXT NOT NULL,
    nik TEXT NOT NULL,
    participant_id BIGINT REFERENCES participants (id),
    booking_id BIGINT REFERENCES bookings (id),
    claim_id BIGINT REFERENCES claims (id),
    online BOOLEAN NOT NULL DEFAULT FALSE,
    priority TEXT NOT NULL DEFAULT 'none',
    session_start TIMESTAMP,
    status TEXT NOT NULL CHECK (status IN ('waiting', 'serving', 'done', 'no_show', 'left')),
    arrived_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (branch_code, local_date, nik),
    UNIQUE (branch_code, local_date, kind, seq)
);
CREATE INDEX tickets_waiting ON tickets (branch_code, status);

-- A participant in an agent's seat (and a booth, unless online).
CREATE TABLE floor_sessions (
    id BIGSERIAL PRIMARY KEY,
    ticket_id BIGINT NOT NULL REFERENCES tickets (id),
    branch_code TEXT NOT NULL REFERENCES branches (code),
    agent_id BIGINT NOT NULL REFERENCES staff (id),
    booth_id BIGINT REFERENCES booths (id),
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    outcome TEXT CHECK (outcome IS NULL OR outcome IN ('verified', 'rejected', 'no_show', 'returned', 'transferred'))
);
-- The database guards the floor invariants: a booth holds at most one
-- participant, a participant sits in at most one seat.
CREATE UNIQUE INDEX floor_sessions_booth_busy ON floor_sessions (booth_id) WHERE finished_at IS NULL AND booth_id IS NOT NULL;
CREATE UNIQUE INDEX floor_sessions_ticket_busy ON floor_sessions (ticket_id) WHERE finished_at IS NULL;
CREATE INDEX floor_sessions_agent ON floor_sessions (agent_id, finished_at);

-- Changes on the floor, read by every app instance to push live updates.
CREATE TABLE floor_events (
    id BIGSERIAL PRIMARY KEY,
    branch_code TEXT NOT NULL,
    agent_id BIGINT,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    at TIMESTAMP NOT NULL
);

-- Every action that matters to a verification or to access.
CREATE TABLE audit_log (
    seq BIGSERIAL PRIMARY KEY,
    at TIMESTAMP NOT NULL,
    actor_id BIGINT,
    actor_role TEXT NOT NULL,
    actor_branch TEXT,
    action TEXT NOT NULL,
    participant_id BIGINT,
    claim_id BIGINT,
    booking_id BIGINT,
    session_id BIGINT,
    batch_id BIGINT,
    branch_code TEXT,
    details TEXT NOT NULL,
    client_ip TEXT,
    request_id TEXT
);
CREATE INDEX audit_log_branch_at ON audit_log (branch_code, at);
CREATE INDEX audit_log_claim ON audit_log (claim_id, seq);
CREATE INDEX audit_log_actor ON audit_log (actor_id, at);
