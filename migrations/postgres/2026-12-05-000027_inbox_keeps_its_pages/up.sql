-- The audit inbox keeps its pages when vacuumed (postgres; SQLite has no
-- inbox traffic, see the migration of the same name there). Every chaining
-- round empties the inbox, so each vacuum found empty pages at its end and
-- truncated them, which takes an ACCESS EXCLUSIVE lock on the table: every
-- booking writing its entry into the inbox waited behind it. With the
-- chaining job vacuuming every second that was a stall a second: at 70%
-- of the HTTP maximum, p95 63-71 ms and p99 108-125 ms with it, 48-55 and
-- 88-91 ms with the pages kept. The next entries reuse the pages anyway.
ALTER TABLE audit_inbox SET (vacuum_truncate = false);
