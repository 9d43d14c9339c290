DROP TABLE documents;
ALTER TABLE bookings DROP COLUMN reminder_sent_at;
ALTER TABLE claims DROP COLUMN heir_is_minor;
ALTER TABLE claims DROP COLUMN heir_is_child;
