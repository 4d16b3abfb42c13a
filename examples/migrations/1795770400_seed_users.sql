-- migratore: uuid = 4d5e6f70-8192-4d3e-8f4a-5b6c7d8e9fa0
-- migratore: timestamp = 1795770400
-- migratore: description = seed the first users (names with quotes and accents)

-- migratore: run
INSERT INTO users (id, username, email) VALUES (1, 'alice', '  Alice@Example.COM ');
INSERT INTO users (id, username, email) VALUES (2, 'o''brien', 'OBrien@example.com');
INSERT INTO users (id, username, email) VALUES (3, 'zoë', 'zoe@example.com');

-- migratore: rollback
DELETE FROM users WHERE id IN (1, 2, 3);
