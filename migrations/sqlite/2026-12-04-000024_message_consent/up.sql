-- Consent to WhatsApp or SMS messages (sqlite; keep in step with the other
-- backend). A participant without a row gets email only: messages go
-- through the gateway only after they chose a channel (at registration,
-- on their contact page, or told to an agent at the console) and stop
-- when they say so. stop_token is the one-tap "stop these messages" link
-- every message carries; it can do nothing else.
CREATE TABLE message_consents (
    participant_id BIGINT PRIMARY KEY NOT NULL REFERENCES participants (id),
    channel TEXT NOT NULL CHECK (channel IN ('whatsapp', 'sms', 'none')),
    source TEXT NOT NULL CHECK (source IN ('registration', 'account', 'console', 'link')),
    stop_token TEXT NOT NULL,
    changed_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX message_consents_stop ON message_consents (stop_token);
