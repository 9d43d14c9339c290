-- A reset request is asked for by email or, for a participant, by NIK
-- (postgres; keep in step with the other backend): the column the
-- throttle counts per name holds either, so it is named for what it holds.
ALTER TABLE password_resets RENAME COLUMN email TO identifier;
ALTER INDEX password_resets_email RENAME TO password_resets_identifier;
