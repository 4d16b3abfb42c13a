#!/bin/bash
# Files people really have (migratore(1), STATEMENT SPLITTING):
# - a pg_dump --schema-only and a mariadb-dump (mysqldump) --no-data
#   --routines --triggers file of a schema of our own (tables, views,
#   functions, procedures, triggers, a rule, generated columns, BEGIN ...
#   END bodies, comments in odd places), made into a migration and run by
#   `migratore upgrade` in a fresh database, give the schema the engine's
#   own client gives loading the same dump in another: the dump tool's
#   output of both is compared, ignoring only the bookkeeping tables (and,
#   through the dump options, the database names);
# - scripts written with each client's habits (# comments, backslash
#   escapes, 5--1, 'C:\', nested comments, a rule, a procedure without
#   DELIMITER) do what the client does with them;
# - what cannot run (COPY ... FROM stdin, psql meta-commands) is found by
#   dry_upgrade as by upgrade (MySQL USE and LOCK TABLES run):
#   exit 3 with file:line:col, nothing touched; and a file that splits for
#   one engine but not another stops a fleet of the other before it starts.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$TESTS_SRCDIR/lib/tap.sh"
. "$TESTS_SRCDIR/lib/engines.sh"

# The newest pg_dump (it must not be older than the server), the MariaDB
# or MySQL one.
PG_DUMP=$(ls /usr/lib/postgresql/*/bin/pg_dump 2>/dev/null | sort -V | tail -1)
[ -n "$PG_DUMP" ] || PG_DUMP=$(command -v pg_dump)
MY_DUMP=$(command -v mariadb-dump || command -v mysqldump)
MY_CLIENT=$(command -v mariadb || command -v mysql)

pg_into() { # DB [psql args...]: psql as the tests' user on database DB
	local db=$1
	shift
	PGPASSWORD=$TEST_DB_PASS psql -X -q -v ON_ERROR_STOP=1 \
		-h "$TEST_PG_HOST" -p "$TEST_PG_PORT" -U "$TEST_DB_USER" -d "$db" "$@"
}

my_into() { # DB [client args...]: the mariadb client on database DB
	local db=$1
	shift
	MYSQL_PWD=$TEST_DB_PASS "$MY_CLIENT" --no-defaults --protocol=tcp \
		-h "$TEST_MY_HOST" -P "$TEST_MY_PORT" -u "$TEST_DB_USER" "$@" "$db"
}

# The schema of database DB as the engine's dump tool prints it, without
# the bookkeeping tables; pg_dump's \restrict key changes with every run.
schema_of() { # ENGINE DB
	case $1 in
	postgres)
		PGPASSWORD=$TEST_DB_PASS "$PG_DUMP" --schema-only -h "$TEST_PG_HOST" \
			-p "$TEST_PG_PORT" -U "$TEST_DB_USER" -T public.migratore \
			-T public.migratore_progress "$2" |
			grep -Ev '^\\(un)?restrict '
		;;
	mysql)
		MYSQL_PWD=$TEST_DB_PASS "$MY_DUMP" --no-defaults --protocol=tcp \
			-h "$TEST_MY_HOST" -P "$TEST_MY_PORT" -u "$TEST_DB_USER" \
			--no-data --routines --triggers --skip-comments \
			--ignore-table="$2.migratore" \
			--ignore-table="$2.migratore_progress" "$2"
		;;
	esac
}

# DIR/1700000001_m1.sql: a migration whose run section is FILE's text.
as_migration() { # DIR FILE
	{
		printf -- '-- migratore: run\n'
		cat "$2"
	} | write_mig "$1" 1700000001 1 "a dump"
}

# FILE as a migration in a fresh ENGINE database (its name in VIA): the
# dry run must accept it; M_RC is the real run's exit status.
via_migratore() { # ENGINE FILE
	local d
	d=$(new_dir)
	as_migration "$d" "$2"
	VIA=$(db_named "$1")
	mig DB_URL="$(url_of "$1" "$VIA")" dry_upgrade "$d"
	is_rc 0 "$1: dry_upgrade accepts $(basename "$2")"
	mig DB_URL="$(url_of "$1" "$VIA")" upgrade "$d"
}

# A fresh database of ENGINE: prints its name, DB_URL left as it was.
db_named() { # ENGINE
	local T_ENGINE T_DBNAME T_DBFILE DB_URL
	eval "$(fresh_db "$1")" || bail_out "cannot create a $1 database"
	echo "$T_DBNAME"
}

url_of() { # ENGINE DB
	case $1 in
	postgres) echo "postgres://$TEST_DB_USER:$TEST_DB_PASS@$TEST_PG_HOST:$TEST_PG_PORT/$2?sslmode=disable" ;;
	mysql) echo "mysql://$TEST_DB_USER:$TEST_DB_PASS@$TEST_MY_HOST:$TEST_MY_PORT/$2" ;;
	esac
}

# ---- PostgreSQL -----------------------------------------------------------

pg_schema() {
	cat <<'SQL'
-- what pg_dump files are made of; comments in odd places
CREATE TYPE mood AS ENUM ('ok', 'meh; -- not a comment');
CREATE DOMAIN posint AS int CHECK (VALUE > 0);
CREATE TABLE accounts (
    id bigserial PRIMARY KEY, /* a comment; in a column list */
    email text NOT NULL UNIQUE, -- the login; unique
    "end" date,
    price numeric(10,2) NOT NULL DEFAULT 0 CHECK (price >= 0),
    price_with_tax numeric(10,2) GENERATED ALWAYS AS (price * 1.2) STORED,
    path text DEFAULT 'C:\',
    note text DEFAULT E'tab\there; it''s',
    m mood DEFAULT 'ok',
    n posint
);
COMMENT ON TABLE accounts IS 'accounts; one per /* user */ -- really';
COMMENT ON COLUMN accounts."end" IS $$closed; or NULL$$;
CREATE TABLE log (a bigint, at timestamptz DEFAULT now());
CREATE VIEW active AS SELECT id, email FROM accounts WHERE "end" IS NULL;
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
  -- a comment; inside
  INSERT INTO log VALUES (NEW.id);
  RETURN NEW;
END;
$body$;
CREATE FUNCTION add(a int, b int) RETURNS int LANGUAGE sql
BEGIN ATOMIC
  SELECT CASE WHEN a > 0 THEN a + b ELSE b END;
END;
CREATE PROCEDURE bump(n int) LANGUAGE sql
BEGIN ATOMIC
  INSERT INTO log (a) VALUES (n);
  INSERT INTO log (a) VALUES (n + 1);
END;
CREATE TRIGGER accounts_touch AFTER INSERT ON accounts
  FOR EACH ROW EXECUTE FUNCTION touch();
CREATE RULE active_ins AS ON INSERT TO active DO INSTEAD (
  INSERT INTO accounts (email) VALUES (new.email);
  INSERT INTO log VALUES (new.id)
);
CREATE INDEX accounts_lower ON accounts (lower(email)) WHERE ("end" IS NULL);
SQL
}

case_pg_dump() {
	local src byclient dump want
	src=$(db_named postgres)
	pg_schema >"$T_TMP/pg_schema.sql"
	pg_into "$src" -f "$T_TMP/pg_schema.sql" >/dev/null ||
		bail_out "psql could not load the PostgreSQL schema"
	dump=$T_TMP/pg_dump.sql
	PGPASSWORD=$TEST_DB_PASS "$PG_DUMP" --schema-only -h "$TEST_PG_HOST" \
		-p "$TEST_PG_PORT" -U "$TEST_DB_USER" "$src" >"$dump" ||
		bail_out "pg_dump failed"
	grep -q '^\\restrict ' "$dump" ||
		note "this pg_dump writes no \\restrict line"
	byclient=$(db_named postgres)
	pg_into "$byclient" -f "$dump" >/dev/null 2>&1
	ok $? "postgres: psql loads the pg_dump file"
	want=$(schema_of postgres "$byclient")
	contains "$want" "DO INSTEAD ( INSERT INTO public.accounts" \
		"postgres: psql's copy has the rule with two actions"

	via_migratore postgres "$dump"
	# pg_dump empties search_path; the bookkeeping does not follow it
	is_rc 0 "postgres: upgrade loads the dump as pg_dump wrote it"
	is "$(schema_of postgres "$VIA")" "$want" \
		"postgres: and gives the schema psql gives"

	# the same dump but for that one line: every statement as split runs
	sed "s/^SELECT pg_catalog.set_config('search_path', '', false);\$/SELECT 1;/" \
		"$dump" >"$T_TMP/pg_dump_path.sql"
	via_migratore postgres "$T_TMP/pg_dump_path.sql"
	is_rc 0 "postgres: upgrade loads the dump (search_path line aside)"
	is "$(schema_of postgres "$VIA")" "$want" \
		"postgres: the schema is the one psql gives, rule, BEGIN ATOMIC and 'C:\\' included"
	is "$(pg_into "$VIA" -At -c "SELECT result, operation FROM migratore")" \
		"success|Run" "postgres: one success row"
}

# A script with psql's habits: nested comments, 'C:\', 5--1, a rule.
case_pg_script() {
	local b want
	cat >"$T_TMP/pg_script.sql" <<'SQL'
/* a comment /* nested; */ still a comment; */
CREATE TABLE acct (id int PRIMARY KEY, path text DEFAULT 'C:\');
CREATE TABLE acct_log (id int);
CREATE VIEW acct_v AS SELECT id, path FROM acct;
CREATE RULE acct_v_ins AS ON INSERT TO acct_v DO INSTEAD (INSERT INTO acct (id) VALUES (new.id); INSERT INTO acct_log VALUES (new.id));
INSERT INTO acct_v (id) VALUES (5--1
);
SQL
	b=$(db_named postgres)
	pg_into "$b" -f "$T_TMP/pg_script.sql" >/dev/null
	via_migratore postgres "$T_TMP/pg_script.sql"
	is_rc 0 "postgres: a script with psql's habits runs"
	want=$(printf '5|C:\\\n5')
	is "$(pg_into "$VIA" -At -c "SELECT id, path FROM acct; SELECT id FROM acct_log")" \
		"$want" "postgres: the rule's two actions ran, 5--1 is 5, 'C:\\' is a string"
	is "$(schema_of postgres "$VIA")" "$(schema_of postgres "$b")" \
		"postgres: the same schema as psql gives"
}

# Tables in database DB of ENGINE.
tables_in() { # ENGINE DB
	case $1 in
	postgres) pg_into "$2" -At -c "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'" ;;
	mysql) my_into "$2" -N -B -e "SELECT count(*) FROM information_schema.tables WHERE table_schema = DATABASE()" ;;
	esac
}

# A directory with a good migration and one whose run section is BODY
# (its line 7 is BODY's second line); prints the directory.
refused_dir() { # BODY
	local d
	d=$(new_dir)
	write_mig "$d" 1700000001 1 "fine" <<'SQL'
-- migratore: run
CREATE TABLE ok1 (id int);
SQL
	printf -- '-- migratore: run\n%s\n' "$1" |
		write_mig "$d" 1700000002 2 "refused"
	echo "$d"
}

# What the real run would refuse, the dry run refuses: exit 3, the message
# with file:line:col, and nothing touched.
both_refuse() { # ENGINE DIR WHAT MESSAGE
	local db
	db=$(db_named "$1")
	mig DB_URL="$(url_of "$1" "$db")" dry_upgrade "$2"
	is_rc 3 "$1: dry_upgrade refuses $3"
	is "$M_ERR" "migratore: error: $4" "$1: $3: the message names file:line:col"
	mig DB_URL="$(url_of "$1" "$db")" upgrade "$2"
	is_rc 3 "$1: upgrade refuses $3 too"
	is "$M_ERR" "migratore: error: $4" "$1: $3: with the same message"
	is "$(tables_in "$1" "$db")" 0 \
		"$1: $3: nothing was touched, not even migration 1"
}

# sqlite3 would read these plain sections: the message says whose failed.
case_pg_refused() {
	local d
	d=$(refused_dir $'CREATE TABLE ok2 (id int);\n  COPY ok2 (id) FROM stdin;\n1\n\\.')
	both_refuse postgres "$d" "COPY FROM stdin" \
		"$d/1700000002_m2.sql:7:3: COPY ... FROM STDIN exchanges its data with psql, which migratore is not: load rows with INSERT (pg_dump --inserts) or COPY a file on the server (as psql reads it)"
	d=$(refused_dir $'CREATE TABLE ok2 (id int);\n  \\connect other')
	both_refuse postgres "$d" "\\connect" \
		"$d/1700000002_m2.sql:7:3: psql meta-command '\\connect' is not SQL: migratore sends statements to the server, not to psql (only pg_dump's \\restrict and \\unrestrict lines are skipped) (as psql reads it)"
}

# ---- MySQL / MariaDB ------------------------------------------------------

my_schema() {
	cat <<'SQL'
# what mysqldump files are made of; comments in odd places
CREATE TABLE periods (
  id INT PRIMARY KEY AUTO_INCREMENT, /* a comment; in a column list */
  `end` DATE,            -- a column named end
  begin_at DATETIME,
  price DECIMAL(10,2) NOT NULL DEFAULT 0,
  price_with_tax DECIMAL(10,2) AS (price * 1.2) STORED,
  label VARCHAR(50) AS (CONCAT('p#', id)) VIRTUAL,
  path VARCHAR(20) DEFAULT 'C:\\',
  note VARCHAR(100) DEFAULT "it's; # not \"a\" comment" COMMENT 'a "note"; -- really'
) COMMENT='periods; /* odd */ comment';
CREATE TABLE log (a INT, at DATETIME DEFAULT CURRENT_TIMESTAMP);
CREATE VIEW open_periods AS SELECT id, `end` FROM periods WHERE `end` IS NULL;
DELIMITER ;;
CREATE PROCEDURE close_all(IN cutoff DATE)
BEGIN
  DECLARE n INT DEFAULT 0; # count; of rows
  UPDATE periods SET `end` = cutoff WHERE `end` IS NULL;
  SELECT id, end FROM periods;
  IF n > 0 THEN SET n = 0; END IF;
  CASE n WHEN 0 THEN SELECT 'zero;'; ELSE BEGIN END; END CASE;
END ;;
CREATE FUNCTION net(p DECIMAL(10,2)) RETURNS DECIMAL(10,2) DETERMINISTIC
BEGIN
  RETURN CASE WHEN p > 0 THEN p / 1.2 ELSE 0 END;
END ;;
CREATE TRIGGER periods_log AFTER INSERT ON periods FOR EACH ROW
BEGIN
  INSERT INTO log (a) VALUES (NEW.id); -- one row; per insert
END ;;
DELIMITER ;
SQL
}

case_my_dump() {
	local src byclient dump want
	src=$(db_named mysql)
	my_schema >"$T_TMP/my_schema.sql"
	# --comments: the routines keep their comments, and so the dump
	my_into "$src" --comments <"$T_TMP/my_schema.sql" ||
		bail_out "the mariadb client could not load the MySQL schema"
	dump=$T_TMP/my_dump.sql
	MYSQL_PWD=$TEST_DB_PASS "$MY_DUMP" --no-defaults --protocol=tcp \
		-h "$TEST_MY_HOST" -P "$TEST_MY_PORT" -u "$TEST_DB_USER" \
		--no-data --routines --triggers "$src" >"$dump" ||
		bail_out "$MY_DUMP failed"
	byclient=$(db_named mysql)
	# migratore sends comments with the statement, as --comments does
	my_into "$byclient" --comments <"$dump"
	ok $? "mysql: the client loads the dump"
	want=$(schema_of mysql "$byclient" | sed "s/$byclient/DB/g")
	contains "$want" "# count; of rows" \
		"mysql: the client's copy has the procedure, comments included"

	via_migratore mysql "$dump"
	is_rc 0 "mysql: upgrade loads the dump as $(basename "$MY_DUMP") wrote it"
	is "$(schema_of mysql "$VIA" | sed "s/$VIA/DB/g")" "$want" \
		"mysql: the schema is the one the client gives: routines, trigger, view, generated columns"
	is "$(my_into "$VIA" -N -B -e "SELECT result, operation FROM migratore")" \
		"$(printf 'success\tRun')" "mysql: one success row"
}

# A script with the client's habits, and a procedure without DELIMITER,
# which the client itself would cut (migratore(1) says so).
case_my_script() {
	cat >"$T_TMP/my_script.sql" <<'SQL'
# setup; see docs
CREATE TABLE periods (id INT PRIMARY KEY, end DATE, note VARCHAR(20)); # the user's table
CREATE TABLE m2 (id INT); # the user's other table
CREATE PROCEDURE p() BEGIN SELECT id, end FROM periods; END;
INSERT INTO periods VALUES (5--1, NULL, "a\"b;c");
SQL
	via_migratore mysql "$T_TMP/my_script.sql"
	is_rc 0 "mysql: a script with the client's habits runs"
	is "$(my_into "$VIA" -N -B -e "SELECT id, note FROM periods; SELECT count(*) FROM m2")" \
		"$(printf '6\ta"b;c\n0')" "mysql: 5--1 is 6, \"a\\\"b;c\" one string, # lines comments"
	is "$(my_into "$VIA" -N -B -e "SELECT routine_definition FROM information_schema.routines WHERE routine_schema = DATABASE()")" \
		"BEGIN SELECT id, end FROM periods; END" \
		"mysql: the procedure without DELIMITER is whole, its column named end kept"
}

# USE and LOCK TABLES, refused while the bookkeeping followed the session,
# run now (migratore(1), BOOKKEEPING; session.sh has the details): the dry
# run and the real run accept them, and the table lands where they say.
case_my_session() {
	local d db other
	db=$(db_named mysql)
	other="${db:0:50}_u"
	echo "mysql $other" >>"$T_TMP/dbs"
	d=$(refused_dir "CREATE DATABASE \`$other\`;
  USE \`$other\`;
CREATE TABLE ok2 (id int);
LOCK TABLES ok2 WRITE;
INSERT INTO ok2 VALUES (1);
UNLOCK TABLES;")
	mig DB_URL="$(url_of mysql "$db")" dry_upgrade "$d"
	is_rc 0 "mysql: dry_upgrade accepts USE and LOCK TABLES"
	mig DB_URL="$(url_of mysql "$db")" upgrade "$d"
	is_rc 0 "mysql: upgrade runs USE and LOCK TABLES"
	is "$(my_into "$other" -N -B -e "SELECT id FROM ok2")" 1 \
		"mysql: the table is in the database USE chose, its row inserted under LOCK TABLES"
}

# ---- a fleet of one engine, a file for another ------------------------------

case_fleet() {
	local w=$T_TMP/fleet
	mkdir -p "$w/db"
	printf -- '-- migratore: run\nSELECT "a\\"b;c";\n' |
		write_mig "$w/m" 1700000001 1 "mysql quoting"
	cat >"$w/fleet.yaml" <<'EOF'
version: 1
defaults:
  engine: sqlite
  path: m
targets:
  - name: a
    db: db/a.db
  - name: b
    db: db/b.db
EOF
	MIG_CWD=$w mig dry_upgrade --inventory fleet.yaml
	is_rc 3 "fleet: a file sqlite3 cannot split stops a SQLite fleet's dry run"
	is "$M_ERR" "migratore: error: target a: $w/m/1700000001_m1.sql:6:15: unterminated double-quoted identifier (as sqlite3 reads it)" \
		"fleet: naming the target, file:line:col and whose reading failed"
	MIG_CWD=$w mig upgrade --inventory fleet.yaml
	is_rc 3 "fleet: and the real run, before any worker starts"
	is "$(ls -A "$w/db")" "" "fleet: no database file was created"
}

case_fleet
if [ -n "${TEST_PG_URL:-}" ] && [ -n "$PG_DUMP" ]; then
	case_pg_dump
	case_pg_script
	case_pg_refused
else
	skip "no PostgreSQL server or pg_dump" 1
fi
if [ -n "${TEST_MY_URL:-}" ] && [ -n "$MY_DUMP" ]; then
	case_my_dump
	case_my_script
	case_my_session
else
	skip "no MariaDB/MySQL server or dump tool" 1
fi
check_no_password
done_testing
