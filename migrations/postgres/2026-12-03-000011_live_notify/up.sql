-- Live updates: every commit that adds floor events or signaling messages
-- notifies the instances' listening connections (src/web/live.rs), which
-- then read the new rows from their cursor. Once per statement: the
-- notification carries no data, the table is the source.
CREATE FUNCTION antre_notify_live() RETURNS trigger AS $$
BEGIN
  PERFORM pg_notify(TG_ARGV[0], '');
  RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER floor_events_notify AFTER INSERT ON floor_events
  FOR EACH STATEMENT EXECUTE FUNCTION antre_notify_live('antre_floor');
CREATE TRIGGER signal_messages_notify AFTER INSERT ON signal_messages
  FOR EACH STATEMENT EXECUTE FUNCTION antre_notify_live('antre_signal');
