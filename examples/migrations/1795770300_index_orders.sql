-- migratore: uuid = 3c4d5e6f-7081-4c2d-9e3f-4a5b6c7d8e9f
-- migratore: timestamp = 1795770300
-- migratore: description = index orders by user and status

-- migratore: run
CREATE INDEX orders_user ON orders (user_id);
CREATE INDEX orders_status_created ON orders (status, created_at);

-- migratore: rollback
DROP INDEX orders_status_created;
DROP INDEX orders_user;

-- migratore: rollback mysql
DROP INDEX orders_status_created ON orders;
DROP INDEX orders_user ON orders;
