DROP TABLE message_consents;
