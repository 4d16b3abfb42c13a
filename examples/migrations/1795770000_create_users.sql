-- migratore: uuid = 0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0
-- migratore: timestamp = 1795770000
-- migratore: description = create the users table

-- migratore: run
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    username VARCHAR(64) NOT NULL,
    created_at INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX users_username ON users (username);

-- migratore: rollback
DROP TABLE users;
