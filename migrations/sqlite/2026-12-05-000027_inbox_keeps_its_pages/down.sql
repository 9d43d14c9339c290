-- Nothing to do on SQLite: entries are chained as they are written and the
-- inbox stays empty (see the PostgreSQL migration of the same name).
SELECT 1;
