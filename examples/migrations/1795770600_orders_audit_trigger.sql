-- migratore: uuid = 6f708192-a3b4-4f5a-8b6c-7d8e9fa0b1c2
-- migratore: timestamp = 1795770600
-- migratore: description = keep an audit trail of order status changes

-- migratore: run
CREATE TABLE order_audit (
    order_id INTEGER NOT NULL,
    old_status VARCHAR(16),
    new_status VARCHAR(16),
    changed_at INTEGER NOT NULL DEFAULT 0
);
CREATE TRIGGER orders_status_audit AFTER UPDATE OF status ON orders
BEGIN
    INSERT INTO order_audit (order_id, old_status, new_status)
    VALUES (OLD.id, OLD.status, NEW.status);
END;

-- migratore: run postgres
CREATE TABLE order_audit (
    order_id INTEGER NOT NULL,
    old_status VARCHAR(16),
    new_status VARCHAR(16),
    changed_at INTEGER NOT NULL DEFAULT 0
);
CREATE FUNCTION orders_status_audit() RETURNS trigger AS $body$
BEGIN
    INSERT INTO order_audit (order_id, old_status, new_status)
    VALUES (OLD.id, OLD.status, NEW.status);
    RETURN NEW;
END;
$body$ LANGUAGE plpgsql;
CREATE TRIGGER orders_status_audit AFTER UPDATE OF status ON orders
    FOR EACH ROW EXECUTE FUNCTION orders_status_audit();

-- migratore: run mysql
CREATE TABLE order_audit (
    order_id INTEGER NOT NULL,
    old_status VARCHAR(16),
    new_status VARCHAR(16),
    changed_at INTEGER NOT NULL DEFAULT 0
);
-- migratore: delimiter //
CREATE TRIGGER orders_status_audit AFTER UPDATE ON orders
FOR EACH ROW
BEGIN
    IF NOT (OLD.status <=> NEW.status) THEN
        INSERT INTO order_audit (order_id, old_status, new_status)
        VALUES (OLD.id, OLD.status, NEW.status);
    END IF;
END//

-- migratore: rollback
DROP TRIGGER orders_status_audit;
DROP TABLE order_audit;

-- migratore: rollback postgres
DROP TRIGGER orders_status_audit ON orders;
DROP FUNCTION orders_status_audit();
DROP TABLE order_audit;
