-- Honest waits (issue 17; postgres, keep in step with the other backend): the
-- wait range each ticket was shown when it was issued. Its actual wait is
-- read from the ticket's first floor session (started_at - predicted_at),
-- so the accuracy the supervisor sees needs no second write.
CREATE TABLE wait_predictions (
    ticket_id BIGINT PRIMARY KEY NOT NULL REFERENCES tickets (id),
    branch_code TEXT NOT NULL REFERENCES branches (code),
    local_date DATE NOT NULL,
    low_minutes INTEGER NOT NULL CHECK (low_minutes >= 0),
    high_minutes INTEGER NOT NULL CHECK (high_minutes >= low_minutes),
    predicted_at TIMESTAMP NOT NULL
);
CREATE INDEX wait_predictions_branch_day ON wait_predictions (branch_code, local_date);
