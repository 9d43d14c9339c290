-- Why a claim was verified or rejected (a review reason code and a note).
ALTER TABLE claims ADD COLUMN decision_reason TEXT;
ALTER TABLE claims ADD COLUMN decision_note TEXT;
