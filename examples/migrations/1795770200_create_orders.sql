-- migratore: uuid = 2b3c4d5e-6f70-4b1c-8d2e-3f4a5b6c7d8e
-- migratore: timestamp = 1795770200
-- migratore: description = create the orders table

-- migratore: run
CREATE TABLE orders (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    total_cents INTEGER NOT NULL CHECK (total_cents >= 0),
    status VARCHAR(16) NOT NULL DEFAULT 'new',
    created_at INTEGER NOT NULL DEFAULT 0
);

-- migratore: rollback
DROP TABLE orders;
