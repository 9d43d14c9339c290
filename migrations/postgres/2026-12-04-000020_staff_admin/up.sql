-- Staff administration (postgres; keep in step with the other backend).
-- An invitation to a new staff account is a single-use set-password link
-- like a password reset's, stored in the same table (only its SHA-256);
-- `purpose` tells them apart, so that invitations neither count against
-- the reset throttle nor are audited as resets.
ALTER TABLE password_resets ADD COLUMN purpose TEXT NOT NULL DEFAULT 'reset'
    CHECK (purpose IN ('reset', 'invitation'));
