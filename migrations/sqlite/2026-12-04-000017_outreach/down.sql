DROP INDEX outbox_channel_due;
ALTER TABLE outbox DROP COLUMN channel;
DROP TABLE outreach_attempts;
DROP TABLE outreach_items;
