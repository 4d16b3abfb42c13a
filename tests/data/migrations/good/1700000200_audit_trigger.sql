-- Fixture: trigger bodies in the three dialects.
-- migratore: uuid = 16fd2706-8baf-433b-82eb-8c7fada847da
-- migratore: timestamp = 1700000200

-- migratore: run sqlite
CREATE TABLE audit (user_id INTEGER, at TEXT);
CREATE TRIGGER users_audit AFTER INSERT ON users
BEGIN
  INSERT INTO audit VALUES (NEW.id, CASE WHEN NEW.id > 0 THEN 'ok' END);
END;

-- migratore: run postgresql
CREATE TABLE audit (user_id bigint, at text);
CREATE FUNCTION users_audit() RETURNS trigger AS $body$
BEGIN
  INSERT INTO audit VALUES (NEW.id, 'ok; still the function');
  RETURN NEW;
END;
$body$ LANGUAGE plpgsql;
CREATE TRIGGER users_audit AFTER INSERT ON users
  FOR EACH ROW EXECUTE FUNCTION users_audit();

-- migratore: run mariadb
CREATE TABLE audit (user_id BIGINT, at VARCHAR(16));
-- migratore: delimiter //
CREATE TRIGGER users_audit AFTER INSERT ON users FOR EACH ROW
BEGIN
  IF NEW.id > 0 THEN
    INSERT INTO audit VALUES (NEW.id, 'ok');
  END IF;
END//
-- migratore: delimiter ;

-- migratore: rollback
DROP TRIGGER users_audit;
DROP TABLE audit;

-- migratore: rollback postgres
DROP TRIGGER users_audit ON users;
DROP FUNCTION users_audit();
DROP TABLE audit;
