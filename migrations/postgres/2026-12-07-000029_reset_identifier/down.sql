ALTER INDEX password_resets_identifier RENAME TO password_resets_email;
ALTER TABLE password_resets RENAME COLUMN identifier TO email;
