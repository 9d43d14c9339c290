-- Chain after commit (postgres; keep in step with migrations/sqlite). An
-- audited action writes its entry here, in its own transaction and without
-- any shared lock; right after that transaction commits, the entry is moved
-- into the hash chain (audit_log) by whichever instance holds the chain
-- lock, many entries per chaining transaction. The global lock is then held
-- for one short chaining step instead of through every action's commit.
-- Rows may be deleted (moved to the chain), never changed.
CREATE TABLE audit_inbox (
    id BIGSERIAL PRIMARY KEY,
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
CREATE INDEX audit_inbox_participant ON audit_inbox (participant_id);

CREATE TRIGGER audit_inbox_no_update BEFORE UPDATE ON audit_inbox
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
