-- The verification log at scale (a million entries and more): indexes for
-- the auditor's filters that had none (participant, action, a time range
-- alone) and for the per-agent statistics and anomaly checks, which read
-- one action over a date range.
CREATE INDEX audit_log_participant ON audit_log (participant_id, seq);
CREATE INDEX audit_log_action_at ON audit_log (action, at);
CREATE INDEX audit_log_at ON audit_log (at);
