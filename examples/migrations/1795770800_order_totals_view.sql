-- migratore: uuid = 8192a3b4-c5d6-4b7c-8d8e-9fa0b1c2d3e4
-- migratore: timestamp = 1795770800
-- migratore: description = a view of order totals per user

-- migratore: run
CREATE VIEW user_order_totals AS
    SELECT u.id AS user_id, u.username, COUNT(o.id) AS orders,
           COALESCE(SUM(o.total_cents), 0) AS total_cents
    FROM users u LEFT JOIN orders o ON o.user_id = u.id
    GROUP BY u.id, u.username;

-- migratore: rollback
DROP VIEW user_order_totals;
