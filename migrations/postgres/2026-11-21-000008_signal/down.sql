DROP TABLE signal_messages;
