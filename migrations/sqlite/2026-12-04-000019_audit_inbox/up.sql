-- Chain after commit (sqlite; keep in step with migrations/postgres). On
-- SQLite the single writer already orders every write, so entries are
-- chained in the action's own transaction and this table stays empty; it
-- exists so both backends share one schema.
CREATE TABLE audit_inbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
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
BEGIN
    SELECT RAISE(ABORT, 'audit_inbox rows are never changed');
END;
