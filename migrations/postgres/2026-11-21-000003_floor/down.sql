DROP TABLE audit_log;
DROP TABLE floor_events;
DROP TABLE floor_sessions;
DROP TABLE tickets;
DROP TABLE agents;
DROP TABLE devices;
DROP TABLE booths;
ALTER TABLE branches DROP COLUMN walk_in_cap;
ALTER TABLE branches DROP COLUMN seats_per_agent;
