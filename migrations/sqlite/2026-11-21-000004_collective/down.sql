DROP TABLE collective_rows;
DROP TABLE collective_batches;
DROP TABLE representative_documents;
ALTER TABLE staff DROP COLUMN approved_at;
ALTER TABLE staff DROP COLUMN approved_by;
DROP TABLE company_headcounts;
ALTER TABLE companies DROP COLUMN branch_code;
