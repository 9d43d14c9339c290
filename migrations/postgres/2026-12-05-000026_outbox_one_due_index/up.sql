-- One index for the outbox's due rows (postgres; keep in step with sqlite).
-- Every due query names its channel, so outbox_channel_due (channel,
-- sent_at, next_attempt_at) serves it; outbox_due (sent_at,
-- next_attempt_at) was one more index to update for every mail queued
-- and every mail marked sent.
DROP INDEX outbox_due;
