-- Nothing to do on SQLite: one instance, whose readers poll the tables
-- (see the PostgreSQL migration of the same name).
SELECT 1;
