-- The outreach worklist (postgres; keep in step with migrations/sqlite).
-- One row per reason to reach a participant before (or after) their day,
-- keyed by (reason, subject): the subject is the booking, claim or
-- waiting-line place the reason is about ("booking:12"), so an item keeps
-- its id, its claim and its attempts while the reason holds. Rows are
-- refreshed from the data when a branch's list is read; an item whose
-- reason no longer holds is resolved (resolved_at), and reopened if the
-- reason comes back. An agent works an item alone while claimed_by is set
-- (a claim lapses after a while: see domain::outreach).
CREATE TABLE outreach_items (
    id BIGSERIAL PRIMARY KEY,
    reason TEXT NOT NULL CHECK (reason IN ('missing_documents', 'no_show', 'document_rejected', 'offer_expiring')),
    subject TEXT NOT NULL,
    branch_code TEXT NOT NULL REFERENCES branches (code),
    participant_id BIGINT NOT NULL REFERENCES participants (id),
    claim_id BIGINT REFERENCES claims (id),
    booking_id BIGINT REFERENCES bookings (id),
    missing TEXT NOT NULL DEFAULT '',
    due_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    resolved_at TIMESTAMP,
    claimed_by BIGINT REFERENCES staff (id),
    claimed_at TIMESTAMP,
    CHECK ((claimed_by IS NULL) = (claimed_at IS NULL))
);
CREATE UNIQUE INDEX outreach_items_key ON outreach_items (reason, subject);
CREATE INDEX outreach_items_branch ON outreach_items (branch_code, resolved_at);

-- Every call or message an agent made about an item, with its outcome.
CREATE TABLE outreach_attempts (
    id BIGSERIAL PRIMARY KEY,
    item_id BIGINT NOT NULL REFERENCES outreach_items (id),
    staff_id BIGINT NOT NULL REFERENCES staff (id),
    branch_code TEXT NOT NULL REFERENCES branches (code),
    channel TEXT NOT NULL CHECK (channel IN ('phone', 'whatsapp', 'sms', 'email')),
    outcome TEXT NOT NULL CHECK (outcome IN ('reached', 'no_answer', 'wrong_number', 'will_upload', 'will_come', 'cancels')),
    note TEXT,
    at TIMESTAMP NOT NULL
);
CREATE INDEX outreach_attempts_item ON outreach_attempts (item_id);
CREATE INDEX outreach_attempts_branch ON outreach_attempts (branch_code, at);

-- WhatsApp and SMS messages go through the mail outbox (same leases, same
-- retries): `channel` says how a row is delivered; a message keeps its
-- template name in `subject` and its text in `body_text`.
ALTER TABLE outbox ADD COLUMN channel TEXT NOT NULL DEFAULT 'email';
CREATE INDEX outbox_channel_due ON outbox (channel, sent_at, next_attempt_at);
