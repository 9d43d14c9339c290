-- Foundation schema (PostgreSQL). Keep in step with migrations/sqlite.
-- Times are UTC (TIMESTAMP); local_date is the branch-local calendar date.

CREATE TABLE companies (
    npp TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    address TEXT NOT NULL DEFAULT '',
    headcount INTEGER NOT NULL CHECK (headcount >= 0),
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE branches (
    code TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    city TEXT NOT NULL,
    province TEXT NOT NULL,
    address TEXT NOT NULL,
    timezone TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('regional', 'branch', 'pioneer')),
    one_to_many BOOLEAN NOT NULL,
    booths INTEGER NOT NULL CHECK (booths >= 0),
    session_capacity INTEGER NOT NULL CHECK (session_capacity >= 0),
    booking_horizon_days INTEGER NOT NULL DEFAULT 7 CHECK (booking_horizon_days BETWEEN 1 AND 60),
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE holidays (
    day DATE PRIMARY KEY NOT NULL,
    name_id TEXT NOT NULL,
    name_en TEXT NOT NULL,
    kind TEXT NOT NULL
);

CREATE TABLE slots (
    id BIGSERIAL PRIMARY KEY,
    branch_code TEXT NOT NULL REFERENCES branches (code),
    local_date DATE NOT NULL,
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP NOT NULL,
    capacity INTEGER NOT NULL CHECK (capacity >= 0),
    booked INTEGER NOT NULL DEFAULT 0 CHECK (booked >= 0 AND booked <= capacity),
    UNIQUE (branch_code, starts_at)
);
CREATE INDEX slots_branch_date ON slots (branch_code, local_date);

CREATE TABLE participants (
    id BIGSERIAL PRIMARY KEY,
    nik TEXT NOT NULL UNIQUE,
    kpj TEXT NOT NULL,
    full_name TEXT NOT NULL,
    email TEXT NOT NULL UNIQUE,
    phone TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    birth_date DATE NOT NULL,
    sex TEXT NOT NULL CHECK (sex IN ('male', 'female')),
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE staff (
    id BIGSERIAL PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'supervisor', 'cs', 'auditor', 'hr')),
    branch_code TEXT REFERENCES branches (code),
    company_npp TEXT REFERENCES companies (npp),
    password_hash TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    approved BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE claims (
    id BIGSERIAL PRIMARY KEY,
    participant_id BIGINT NOT NULL REFERENCES participants (id),
    reason TEXT NOT NULL,
    status TEXT NOT NULL,
    channel TEXT NOT NULL,
    last_working_day DATE,
    termination_date DATE,
    contract_end_date DATE,
    membership_start_date DATE,
    departure_date DATE,
    date_of_death DATE,
    balance BIGINT CHECK (balance IS NULL OR balance >= 0),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
-- A member has at most one claim in progress (open or verified, awaiting payment).
CREATE UNIQUE INDEX claims_one_open ON claims (participant_id) WHERE status IN ('open', 'verified');

CREATE TABLE bookings (
    id BIGSERIAL PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    participant_id BIGINT NOT NULL REFERENCES participants (id),
    claim_id BIGINT NOT NULL REFERENCES claims (id),
    slot_id BIGINT NOT NULL REFERENCES slots (id),
    status TEXT NOT NULL CHECK (status IN ('booked', 'cancelled', 'checked_in', 'done', 'no_show')),
    idempotency_key TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (participant_id, idempotency_key)
);
-- One active booking per participant, enforced by the database.
CREATE UNIQUE INDEX bookings_one_active ON bookings (participant_id) WHERE status = 'booked';
CREATE INDEX bookings_slot ON bookings (slot_id, status);

CREATE TABLE auth_sessions (
    id TEXT PRIMARY KEY NOT NULL,
    participant_id BIGINT REFERENCES participants (id),
    staff_id BIGINT REFERENCES staff (id),
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP,
    CHECK ((participant_id IS NULL) <> (staff_id IS NULL))
);

CREATE TABLE login_attempts (
    id BIGSERIAL PRIMARY KEY,
    email TEXT NOT NULL,
    ip TEXT NOT NULL,
    success BOOLEAN NOT NULL,
    at TIMESTAMP NOT NULL
);
CREATE INDEX login_attempts_email ON login_attempts (email, at);
CREATE INDEX login_attempts_ip ON login_attempts (ip, at);

CREATE TABLE outbox (
    id BIGSERIAL PRIMARY KEY,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    body_html TEXT NOT NULL,
    ics TEXT,
    created_at TIMESTAMP NOT NULL,
    next_attempt_at TIMESTAMP NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    locked_until TIMESTAMP,
    sent_at TIMESTAMP,
    last_error TEXT
);
CREATE INDEX outbox_due ON outbox (sent_at, next_attempt_at);
