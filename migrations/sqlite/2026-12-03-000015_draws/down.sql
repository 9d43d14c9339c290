DROP TABLE draws;
DROP TABLE draw_requests;
ALTER TABLE branches DROP COLUMN draw_minutes;
ALTER TABLE branches DROP COLUMN release_mode;
