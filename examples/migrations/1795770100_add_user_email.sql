-- migratore: uuid = 1a2b3c4d-5e6f-4a0b-9c1d-2e3f4a5b6c7d
-- migratore: timestamp = 1795770100
-- migratore: description = add an email column to users

-- migratore: run
ALTER TABLE users ADD COLUMN email VARCHAR(255);
CREATE INDEX users_email ON users (email);

-- migratore: rollback
DROP INDEX users_email;
ALTER TABLE users DROP COLUMN email;

-- MySQL spells DROP INDEX with the table.
-- migratore: rollback mysql
DROP INDEX users_email ON users;
ALTER TABLE users DROP COLUMN email;
