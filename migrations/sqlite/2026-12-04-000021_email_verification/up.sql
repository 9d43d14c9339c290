-- Email verification (sqlite; keep in step with the other backend). A link
-- mailed at registration, on request, or to the new address when a
-- participant changes it. Only a SHA-256 of the token is kept; a token
-- works once (used_at) until expires_at. An address is verified while a
-- spent row for the participant's current email exists; a changed email
-- becomes the account's only when its link is followed.
CREATE TABLE email_verifications (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    participant_id BIGINT NOT NULL REFERENCES participants (id),
    email TEXT NOT NULL,
    token_hash TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
CREATE UNIQUE INDEX email_verifications_token ON email_verifications (token_hash);
CREATE INDEX email_verifications_participant ON email_verifications (participant_id, email);
