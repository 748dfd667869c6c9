-- Nothing to do on SQLite: PostgreSQL's 0012 tells other replicas that a deletion ran, and an
-- SQLite file has one server, which drops its own kept list as it runs the deletion. Kept so both
-- backends have the same migrations, version for version.
SELECT 1;
