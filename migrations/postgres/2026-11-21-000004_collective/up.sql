-- Collective claims (PostgreSQL). Keep in step with migrations/sqlite.

-- The branch that serves a company's collective claims (its CS agents
-- verify them); optional. A branch code (checked by the API).
ALTER TABLE companies ADD COLUMN branch_code TEXT;

-- Every change of a company's registered headcount, newest last; the
-- current figure stays in companies.headcount.
CREATE TABLE company_headcounts (
    id BIGSERIAL PRIMARY KEY,
    company_npp TEXT NOT NULL REFERENCES companies (npp),
    headcount INTEGER NOT NULL CHECK (headcount >= 0),
    reference_date DATE NOT NULL,
    set_by BIGINT REFERENCES staff (id),
    set_at TIMESTAMP NOT NULL
);
CREATE INDEX company_headcounts_npp ON company_headcounts (company_npp, id);

-- Who approved an HR representative, and when. Columns added by ALTER
-- carry no foreign key so that SQLite can drop them again (down.sql).
ALTER TABLE staff ADD COLUMN approved_by BIGINT;
ALTER TABLE staff ADD COLUMN approved_at TIMESTAMP;

-- The representative's power of attorney and non-abuse statement; a newer
-- upload of a kind replaces the older as the current one.
CREATE TABLE representative_documents (
    id BIGSERIAL PRIMARY KEY,
    staff_id BIGINT NOT NULL REFERENCES staff (id),
    kind TEXT NOT NULL CHECK (kind IN ('power_of_attorney', 'non_abuse_statement')),
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL CHECK (size >= 0),
    sha256 TEXT NOT NULL,
    original_name TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX representative_documents_staff ON representative_documents (staff_id, kind);

-- One uploaded batch file per company and content (the fingerprint finds a
-- re-upload). errors: the row errors as JSON text.
CREATE TABLE collective_batches (
    id BIGSERIAL PRIMARY KEY,
    company_npp TEXT NOT NULL REFERENCES companies (npp),
    uploaded_by BIGINT NOT NULL REFERENCES staff (id),
    fingerprint TEXT NOT NULL,
    file_name TEXT NOT NULL,
    total_rows INTEGER NOT NULL CHECK (total_rows >= 0),
    valid_rows INTEGER NOT NULL CHECK (valid_rows >= 0),
    laid_off INTEGER NOT NULL CHECK (laid_off >= 0),
    headcount INTEGER NOT NULL CHECK (headcount >= 0),
    eligible BOOLEAN NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('validated', 'submitted')),
    errors TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    submitted_at TIMESTAMP,
    submitted_by BIGINT REFERENCES staff (id),
    UNIQUE (company_npp, fingerprint)
);
CREATE INDEX collective_batches_company ON collective_batches (company_npp, status, submitted_at);

-- The valid worker rows of a batch; claim_id once the batch is submitted.
CREATE TABLE collective_rows (
    id BIGSERIAL PRIMARY KEY,
    batch_id BIGINT NOT NULL REFERENCES collective_batches (id),
    line INTEGER NOT NULL,
    nik TEXT NOT NULL,
    kpj TEXT NOT NULL,
    full_name TEXT NOT NULL,
    birth_date DATE NOT NULL,
    sex TEXT NOT NULL CHECK (sex IN ('male', 'female')),
    reason TEXT NOT NULL CHECK (reason IN ('termination', 'resignation', 'contract_end')),
    end_date DATE NOT NULL,
    email TEXT,
    phone TEXT,
    bank_code TEXT NOT NULL,
    account_number TEXT NOT NULL,
    account_name TEXT NOT NULL,
    work_start_date DATE,
    claim_id BIGINT REFERENCES claims (id),
    UNIQUE (batch_id, nik)
);
CREATE INDEX collective_rows_claim ON collective_rows (claim_id);
