ALTER TABLE audit_inbox RESET (vacuum_truncate);
