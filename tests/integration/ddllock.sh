#!/bin/bash
# DDL that never stalls traffic (docs/fleet.md, "Lock timeouts"): another
# session holds a lock on the table a migration alters. With
# ddl_lock_timeout 1s the migration's ALTER waits at most a second at a
# time, so (a) the queries of a probe session on that table, queued behind
# the ALTER, never wait much longer than that (the server's own clocks:
# statement start to the row); (b) once the holder commits (after 5 s) the
# migration succeeds, its retries in the report; (c) with a holder that
# never lets go the target fails when DDL_LOCK_RETRIES is spent, naming the
# holder's pid and query. On PostgreSQL and MariaDB; then the setting from
# the environment and as an option in single-target mode, and `none`.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$TESTS_SRCDIR/lib/tap.sh"
. "$TESTS_SRCDIR/lib/engines.sh"
. "$TESTS_SRCDIR/lib/rollout.sh"

W=$T_TMP/fleet
mkdir -p "$W"

# psql or mariadb reading the script on stdin, on the current database.
session() { # ENGINE
	case $1 in
	postgres)
		PGPASSWORD=$TEST_DB_PASS psql -X -q -A -t -h "$TEST_PG_HOST" \
			-p "$TEST_PG_PORT" -U "$TEST_DB_USER" -d "$T_DBNAME"
		;;
	mysql) _my_admin -N -B -D "$T_DBNAME" ;;
	esac
}

# A session that takes a lock on t that the ALTER conflicts with, then
# sleeps SECS in its transaction; its pid in $HOLDER.
hold() { # ENGINE SECS
	case $1 in
	postgres)
		printf 'BEGIN;\nLOCK TABLE t IN ACCESS SHARE MODE;\nSELECT pg_sleep(%s);\nCOMMIT;\n' "$2"
		;;
	mysql)
		printf 'BEGIN;\nSELECT count(*) FROM t;\nSELECT SLEEP(%s);\nCOMMIT;\n' "$2"
		;;
	esac | session "$1" >/dev/null 2>&1 &
	HOLDER=$!
	bg_track "$HOLDER"
	wait_for holding "$1" "$2" || diag "the holder did not start"
}

# The server's id of the session sleeping SECS (holding the lock) and
# its query as the server shows it: $HOLDER_ID, $HOLDER_Q.
holding() { # ENGINE SECS
	local row
	case $1 in
	postgres) row=$(sql postgres "SELECT pid, query FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep($2)%'") ;;
	mysql) row=$(sql mysql "SELECT ID, INFO FROM information_schema.PROCESSLIST WHERE INFO LIKE 'SELECT SLEEP($2)%'") ;;
	esac
	[ -n "$row" ] || return 1
	HOLDER_ID=${row%%$'\t'*}
	HOLDER_Q=${row#*$'\t'}
}

# Seconds each probe query waited for its lock on t, one a line, until
# the file $W/stop appears: statement start to the row, by the server.
probe() { # ENGINE
	local q
	case $1 in
	postgres) q="SET statement_timeout = '20s'; SELECT round(extract(epoch FROM clock_timestamp() - statement_timestamp())::numeric, 3) FROM (SELECT count(*) FROM t) x" ;;
	mysql) q="SET STATEMENT max_statement_time = 20 FOR SELECT TIMESTAMPDIFF(MICROSECOND, NOW(6), SYSDATE(6)) / 1000000 FROM (SELECT count(*) FROM t) x" ;;
	esac
	while [ ! -e "$W/stop" ]; do
		sql "$1" "$q"
		sleep 0.1
	done
}

engine_cases() { # ENGINE
	local e=$1 url pw max n
	new_db "$e"
	sql "$e" "CREATE TABLE t (id INT PRIMARY KEY); INSERT INTO t VALUES (1), (2)"
	rm -rf "$W/migs" && write_mig "$W/migs" 1700000100 1 "alters t" <<'SQL'
-- migratore: run
CREATE TABLE other (id INT);
ALTER TABLE t ADD COLUMN c INT;
SQL
	url=${DB_URL/:$TEST_DB_PASS@/:\$\{PW\}@}
	cat >"$W/inv.yaml" <<EOF
version: 1
targets:
  - name: app
    url: $url
    path: migs
    ddl_lock_timeout: 1s
    ddl_lock_retries: 30s
EOF

	# (a) and (b): the holder lets go after 5 s
	rm -f "$W/stop"
	hold "$e" 5
	probe "$e" >"$W/probe" 2>"$W/probe.err" &
	bg_track $!
	fleet PW="$TEST_DB_PASS" upgrade --inventory inv.yaml --report ok.json
	touch "$W/stop"
	wait "$HOLDER"
	sleep 0.3
	is_rc 0 "$e: the migration queued behind a 5 s holder: exit 0"
	is "$(column_exists "$e" t c)" 1 "$e: (b) it succeeded once the holder committed"
	is "$(py "$W/ok.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))["targets"][0]["steps"][0]
print(s["result"], s["lock_retries"] >= 2)
PY
)" "success True" "$e: its retries are in the report"
	max=$(sort -n "$W/probe" | tail -1)
	n=$(wc -l <"$W/probe")
	is "$(echo "$n >= 3 && $max < 2.0" | bc)" 1 \
		"$e: (a) no probe query waited much over the 1 s timeout ($n probes, longest ${max}s)"
	is "$(echo "$max > 0.1" | bc)" 1 \
		"$e: and the probes did queue behind the migration (longest ${max}s)"

	# (c): a holder that never lets go
	write_mig "$W/migs" 1700000200 2 "alters t again" <<'SQL'
-- migratore: run
ALTER TABLE t ADD COLUMN d INT;
SQL
	hold "$e" 60
	fleet PW="$TEST_DB_PASS" upgrade --inventory inv.yaml --report stuck.json \
		--ddl-lock-retries 3s
	is_rc 1 "$e: a holder that never lets go: exit 1"
	contains "$M_OUT$M_ERR" "could not get the lock on t held by pid $HOLDER_ID (query $HOLDER_Q), after " \
		"$e: (c) the failure names the table, the holder's pid and its query"
	is "$(py "$W/stuck.json" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))["targets"][0]
s = t["steps"][-1]
print(t["status"], s["result"], s["lock_retries"] >= 1, "DDL_LOCK_RETRIES 3s" in s["error"])
PY
)" "failed error True True" "$e: the report says so, with its retries"
	kill "$HOLDER" 2>/dev/null
	case $e in
	postgres) sql "$e" "SELECT pg_terminate_backend($HOLDER_ID)" >/dev/null ;;
	mysql) sql "$e" "KILL $HOLDER_ID" ;;
	esac
	wait "$HOLDER" 2>/dev/null
}

# Single-target mode: the variables, the option over them, `none`, and
# what reaches the server (DEBUG=1 traces every statement sent): the
# timeout rides on each BEGIN (PostgreSQL) or is set once per session
# (MySQL), never a round trip of its own per migration.
single_cases() { # ENGINE
	local e=$1 d n
	new_db "$e"
	d=$(new_dir)
	write_mig "$d" 1700000100 1 "one" <<'SQL'
-- migratore: run
CREATE TABLE one (id INT);
SQL
	write_mig "$d" 1700000200 2 "two" <<'SQL'
-- migratore: run
CREATE TABLE two (id INT);
SQL
	mig DDL_LOCK_TIMEOUT=2.5 DDL_LOCK_RETRIES=none environ --ddl-lock-retries 10s
	is "$(grep ddl_lock <<<"$M_OUT" | tr -s ' ')" "ddl_lock_timeout : 2.5s (environment)
ddl_lock_retries : 10s (command line)" "$e: environ shows both, from where they came"
	mig DDL_LOCK_TIMEOUT=soon environ
	is_rc 3 "$e: a bad DDL_LOCK_TIMEOUT: exit 3"
	contains "$M_ERR" "DDL_LOCK_TIMEOUT (from environment): 'soon' is not a duration" \
		"$e: which names it"
	mig DEBUG=1 DDL_LOCK_TIMEOUT=2.5 upgrade "$d"
	is_rc 0 "$e: two migrations with DEBUG=1: exit 0"
	case $e in
	postgres)
		is "$(grep -c 'lock_timeout' <<<"$M_ERR")" 0 \
			"$e: the timeout is no statement of its own (the startup packet sets it)"
		write_mig "$d" 1700000250 25 "seen" <<'SQL'
-- migratore: run
CREATE TABLE seen AS SELECT current_setting('lock_timeout') AS v;
SQL
		mig DDL_LOCK_TIMEOUT=2.5 upgrade "$d"
		is "$(sql "$e" "SELECT v FROM seen")" 2500ms \
			"$e: a migration runs with the session's lock_timeout"
		;;
	mysql)
		is "$(grep -c 'lock_wait_timeout' <<<"$M_ERR")" 1 \
			"$e: the timeout is sent once for the session, not per migration"
		contains "$M_ERR" "SET SESSION lock_wait_timeout = 3" \
			"$e: in whole seconds, rounded up"
		;;
	esac
	write_mig "$d" 1700000300 3 "three" <<'SQL'
-- migratore: run
CREATE TABLE three (id INT);
SQL
	mig DEBUG=1 DDL_LOCK_TIMEOUT=none upgrade "$d"
	is "$(grep -c 'lock_timeout\|lock_wait_timeout' <<<"$M_ERR") $(grep -c 'CREATE TABLE three' <<<"$M_ERR")" "0 1" \
		"$e: none sends nothing"
}

for e in postgres mysql; do
	if ! engine_list | grep -qx "$e"; then
		skip "$e is not available" 14
		continue
	fi
	engine_cases "$e"
	single_cases "$e"
done

check_no_password
done_testing
