-- migratore: uuid = 92a3b4c5-d6e7-4c8d-9e9f-a0b1c2d3e4f5
-- migratore: timestamp = 1795770900
-- migratore: description = add a currency to orders, defaulting existing rows to EUR

-- migratore: run
ALTER TABLE orders ADD COLUMN currency CHAR(3) NOT NULL DEFAULT 'EUR';

-- migratore: rollback
ALTER TABLE orders DROP COLUMN currency;

-- migratore: cleanup
-- Runs after the operation, whether it succeeded or failed.
SELECT 1;
