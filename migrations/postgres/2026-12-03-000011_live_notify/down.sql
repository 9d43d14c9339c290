DROP TRIGGER IF EXISTS signal_messages_notify ON signal_messages;
DROP TRIGGER IF EXISTS floor_events_notify ON floor_events;
DROP FUNCTION IF EXISTS antre_notify_live();
