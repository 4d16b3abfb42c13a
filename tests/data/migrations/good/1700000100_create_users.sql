-- Fixture: a SQL migration with a plain and an engine-qualified run.
-- migratore: uuid = 7c9e6679-7425-40de-944b-e07fc1f90ae7
-- migratore: timestamp = 1700000100
-- migratore: description = create the users table

-- migratore: run
CREATE TABLE users (id INTEGER PRIMARY KEY, username TEXT NOT NULL);
INSERT INTO users (id, username) VALUES (1, 'o''brien; -- not a comment');

-- migratore: run postgres
CREATE TABLE users (id bigserial PRIMARY KEY, username text NOT NULL);
INSERT INTO users (id, username) VALUES (1, 'o''brien; -- not a comment');

-- migratore: rollback
DROP TABLE users;
