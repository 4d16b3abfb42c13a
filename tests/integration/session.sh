#!/bin/bash
# The bookkeeping does not follow the migration's session (SPEC 5): its
# tables are named qualified with the schema or database current at
# connect, writes that the session forbids wait until it allows them, and
# the session is put back before the next migration.
#   PostgreSQL: SET search_path = '' (pg_dump's first line), and pg_dump's
#     set_config form, then public.t: applied, recorded; the next
#     migration's unqualified names land in public again.
#   MySQL: CREATE DATABASE other; USE other; ...: recorded in the URL's
#     database, the next migration runs there; killed after the USE, the
#     resumed migration replays it. LOCK TABLES commits like DDL: counted,
#     the progress waits for UNLOCK TABLES (or the end).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$TESTS_SRCDIR/lib/tap.sh"
. "$TESTS_SRCDIR/lib/engines.sh"

case_pg_search_path() {
	local d
	new_db postgres
	d=$(new_dir)
	write_mig "$d" 1700000001 1 "pg_dump style" <<'EOF2'
-- migratore: run
SET search_path = '';
CREATE TABLE public.t (id int);
EOF2
	write_mig "$d" 1700000002 2 "set_config" <<'EOF2'
-- migratore: run
SELECT pg_catalog.set_config('search_path', '', false);
CREATE TABLE public.t2 (id int);
EOF2
	write_mig "$d" 1700000003 3 "unqualified" <<'EOF2'
-- migratore: run
CREATE TABLE t3 (id int);
EOF2
	mig upgrade "$d"
	is_rc 0 "postgres: SET search_path = '' then public.t: upgrade exits 0"
	is "$(ledger postgres "uuid, result")" \
		"$(printf '%s\tsuccess\n%s\tsuccess\n%s\tsuccess' "$(uid 1)" "$(uid 2)" "$(uid 3)")" \
		"postgres: every migration recorded in public.migratore"
	is "$(sql postgres "SELECT string_agg(table_name, ' ' ORDER BY table_name) FROM information_schema.tables WHERE table_schema = 'public' AND table_name LIKE 't%'")" \
		"t t2 t3" "postgres: the unqualified table of the next migration is in public (the session was reset)"
	drop_db
}

# other_db SUFFIX: the name of a second database a migration creates,
# dropped at exit.
other_db() {
	echo "mysql ${T_DBNAME:0:50}_$1" >>"$T_TMP/dbs"
	echo "${T_DBNAME:0:50}_$1"
}

case_mysql_use() {
	local d other
	new_db mysql
	other=$(other_db o)
	d=$(new_dir)
	write_mig "$d" 1700000001 1 "use" <<EOF2
-- migratore: run
CREATE DATABASE \`$other\`;
USE \`$other\`;
CREATE TABLE t (id int);
EOF2
	write_mig "$d" 1700000002 2 "unqualified" <<'EOF2'
-- migratore: run
CREATE TABLE t2 (id int);
EOF2
	mig upgrade "$d"
	is_rc 0 "mysql: CREATE DATABASE other; USE other; CREATE TABLE t: upgrade exits 0"
	is "$(ledger mysql "uuid, result")" "$(printf '%s\tsuccess\n%s\tsuccess' "$(uid 1)" "$(uid 2)")" \
		"mysql: both recorded in the URL's database"
	is "$(_my_admin -N -B -e "SELECT table_name FROM information_schema.tables WHERE table_schema = '$other'")" t \
		"mysql: t is in the other database"
	is "$(table_exists mysql t2)" 1 "mysql: the next migration ran in the URL's database (the session was reset)"
	is "$(sql mysql "SELECT count(*) FROM migratore_progress")" 0 "mysql: no progress row left"
	drop_db
}

# Killed after USE and a committed CREATE: the resumed run replays the USE.
case_mysql_resume_replays_use() {
	local d other pid
	new_db mysql
	other=$(other_db r)
	d=$(new_dir)
	write_mig "$d" 1700000001 1 "use then slow" <<EOF2
-- migratore: run
CREATE DATABASE \`$other\`;
USE \`$other\`;
CREATE TABLE a (id int);
SELECT SLEEP(4);
CREATE TABLE b (id int);
EOF2
	(cd "$T_TMP/cwd" && exec env -i PATH="$PATH" USER=itester DB_URL="$DB_URL" \
		"$MIGRATORE" -q upgrade "$d") >/dev/null 2>&1 &
	pid=$!
	bg_track $pid
	wait_for eval '[ "$(sql mysql "SELECT committed FROM migratore_progress" 2>/dev/null)" = 3 ]'
	ok $? "mysql: three statements committed (the USE among them) before the kill"
	kill -KILL "$pid"
	wait "$pid" 2>/dev/null
	mig upgrade "$d"
	is_rc 0 "mysql: the resumed upgrade exits 0"
	contains "$M_ERR" "resuming at statement 4: an interrupted run committed the first 3" \
		"mysql: it resumed after the committed statements"
	is "$(_my_admin -N -B -e "SELECT group_concat(table_name ORDER BY table_name) FROM information_schema.tables WHERE table_schema = '$other'")" \
		"a,b" "mysql: the rest ran in the database the replayed USE chose"
	is "$(table_exists mysql b)" 0 "mysql: not in the URL's database"
	is "$(ledger mysql "uuid, result")" "$(printf '%s\tsuccess' "$(uid 1)")" "mysql: recorded once"
	drop_db
}

case_mysql_lock_tables() {
	local d
	new_db mysql
	d=$(new_dir)
	write_mig "$d" 1700000001 1 "lock tables" <<'EOF2'
-- migratore: run
CREATE TABLE t (id int);
LOCK TABLES t WRITE;
INSERT INTO t VALUES (1);
UNLOCK TABLES;
EOF2
	write_mig "$d" 1700000002 2 "lock tables left locked" <<'EOF2'
-- migratore: run
CREATE TABLE t2 (id int);
LOCK TABLES t2 WRITE;
INSERT INTO t2 VALUES (2);
EOF2
	write_mig "$d" 1700000003 3 "next" <<'EOF2'
-- migratore: run
INSERT INTO t VALUES (3);
EOF2
	mig upgrade "$d"
	is_rc 0 "mysql: LOCK TABLES ... UNLOCK TABLES, and one left locked: upgrade exits 0"
	is "$(ledger mysql "uuid, result")" \
		"$(printf '%s\tsuccess\n%s\tsuccess\n%s\tsuccess' "$(uid 1)" "$(uid 2)" "$(uid 3)")" \
		"mysql: every migration recorded"
	is "$(sql mysql "SELECT id FROM t ORDER BY id" | tr '\n' ' ')$(sql mysql "SELECT id FROM t2")" "1 3 2" \
		"mysql: the inserts under LOCK TABLES committed, the next migration ran unlocked"
	# A failure after LOCK TABLES: it committed like DDL, and is counted.
	write_mig "$d" 1700000004 4 "fails under lock" <<'EOF2'
-- migratore: run
CREATE TABLE t4 (id int);
LOCK TABLES t4 WRITE;
INSERT INTO no_such_table VALUES (1);
EOF2
	mig upgrade "$d"
	is_rc 1 "mysql: a failure under LOCK TABLES"
	is "$(sql mysql "SELECT committed FROM migratore WHERE uuid = '$(uid 4)'")" 2 \
		"mysql: CREATE TABLE and LOCK TABLES both counted as committed"
	drop_db
}

if [ -n "${TEST_PG_URL:-}" ]; then
	case_pg_search_path
else
	skip "no PostgreSQL server (TEST_PG_URL unset)" 1
fi
if [ -n "${TEST_MY_URL:-}" ]; then
	case_mysql_use
	case_mysql_resume_replays_use
	case_mysql_lock_tables
else
	skip "no MariaDB server (TEST_MY_URL unset)" 1
fi
note "sqlite: nothing a migration does to its session moves an unqualified name away from main"
check_no_password
done_testing
