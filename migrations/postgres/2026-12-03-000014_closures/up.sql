-- Branch closures (postgres; keep in step with migrations/sqlite): a
-- supervisor or admin closes a branch-day or part of it (flood, outage)
-- with a reason. Closed sessions keep their row, point at the closure and
-- take no booking; the bookings in them were cancelled in the closing
-- transaction.
CREATE TABLE closures (
    id BIGSERIAL PRIMARY KEY,
    branch_code TEXT NOT NULL REFERENCES branches (code),
    local_date DATE NOT NULL,
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP NOT NULL,
    reason TEXT NOT NULL,
    closed_by BIGINT,
    created_at TIMESTAMP NOT NULL,
    CHECK (starts_at < ends_at)
);
CREATE INDEX closures_day ON closures (branch_code, local_date);
ALTER TABLE slots ADD COLUMN closure_id BIGINT REFERENCES closures (id);
