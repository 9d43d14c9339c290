ALTER TABLE claims DROP COLUMN decision_note;
ALTER TABLE claims DROP COLUMN decision_reason;
