ALTER TABLE slots DROP COLUMN closure_id;
DROP TABLE closures;
