-- migratore: uuid = 5e6f7081-92a3-4e4f-9a5b-6c7d8e9fa0b1
-- migratore: timestamp = 1795770500
-- migratore: description = data fix: store emails trimmed and lower-cased

-- A data fix has no exact inverse: the rollback is deliberately absent, so
-- `downgrade` refuses to pretend it can undo it.
-- migratore: run
UPDATE users SET email = lower(trim(email)) WHERE email IS NOT NULL;
