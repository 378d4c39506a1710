-- A login role for the server on PostgreSQL that can read published data and
-- run metadata, and nothing else: no rights on the staging schema, where raw
-- records and geocoded points live during a run, and no write rights anywhere.
-- Run once as the database owner, then give the server its own connection string
-- (DATABASE_URL=postgres://qm_reader:…@host/db):
--
--   psql -v role=qm_reader -v password="'…'" -d <db> -f sql/roles/reader.sql
--
-- The pipeline replaces rows inside the same published tables, so the grants
-- survive every publication.
CREATE ROLE :role LOGIN PASSWORD :password NOSUPERUSER NOCREATEDB NOCREATEROLE;
REVOKE ALL ON SCHEMA staging FROM PUBLIC;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA published, meta TO :role;
GRANT SELECT ON ALL TABLES IN SCHEMA published TO :role;
GRANT SELECT ON meta.publication, meta.runs, meta.schema_migrations TO :role;
