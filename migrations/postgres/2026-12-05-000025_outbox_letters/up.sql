-- A booking's mail kept as what it says (postgres; keep in step with the other
-- backend): the facts as JSON, rendered into text, HTML and calendar by
-- the outbox worker when it delivers the mail. NULL: the bodies are
-- stored as sent (every other mail, and booking mails queued before).
ALTER TABLE outbox ADD COLUMN letter TEXT;
