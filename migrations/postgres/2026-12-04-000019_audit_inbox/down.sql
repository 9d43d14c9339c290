DROP TABLE audit_inbox;
