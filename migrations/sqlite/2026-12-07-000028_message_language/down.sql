ALTER TABLE message_consents DROP COLUMN lang;
