#!/bin/bash
# A run killed with SIGKILL in the middle of a migration (SPEC 7, 9): its
# lock goes with it (the next run does not wait for LOCK_TIMEOUT), the
# interrupted migration left nothing behind and no row, and the next
# upgrade brings the database to the right state: every migration applied
# exactly once. On every engine.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$TESTS_SRCDIR/lib/tap.sh"
. "$TESTS_SRCDIR/lib/engines.sh"

# A statement that runs for several seconds: long enough to be killed in.
long_sql() {
	case $1 in
	sqlite) echo "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 15000000) SELECT count(*) FROM c;" ;;
	postgres) echo "SELECT pg_sleep(4);" ;;
	mysql) echo "SELECT SLEEP(4);" ;;
	esac
}

case_killed() { # ENGINE
	local e=$1 d pid t0 t1
	new_db "$e"
	d=$(new_dir)
	write_mig "$d" 1700000001 1 "first" <<'EOF2'
-- migratore: run
CREATE TABLE first (id INTEGER PRIMARY KEY);
EOF2
	write_mig "$d" 1700000002 2 "long" <<EOF2
-- migratore: run
CREATE TABLE second (id INTEGER PRIMARY KEY);
INSERT INTO second (id) VALUES (1);
$(long_sql "$e")
EOF2
	write_mig "$d" 1700000003 3 "third" <<'EOF2'
-- migratore: run
INSERT INTO second (id) VALUES (3);
EOF2
	# exec all the way down: $! is the migratore process itself.
	(cd "$T_TMP/cwd" && exec env -i PATH="$PATH" USER=itester DB_URL="$DB_URL" \
		LOCK_TIMEOUT=60 "$MIGRATORE" -q upgrade "$d") >/dev/null 2>&1 &
	pid=$!
	bg_track $pid
	wait_for eval '[ "$(sql "$e" "SELECT count(*) FROM migratore WHERE uuid = '"'$(uid 1)'"'" 2>/dev/null)" = 1 ]'
	ok $? "$e: the first migration was applied before the kill"
	sleep 0.5
	kill -KILL "$pid"
	wait "$pid" 2>/dev/null
	is "$?" 137 "$e: the run died of SIGKILL in the middle of the long migration"
	is "$(sql "$e" "SELECT count(*) FROM migratore")" 1 \
		"$e: the interrupted migration left no row"

	# The rerun repeats the long statement (seconds, many more under a
	# sanitizer on a busy machine): a limit well below LOCK_TIMEOUT tells
	# "did not wait for the lock" from "waited", whatever the load; a lock
	# that is never released ends in exit 4 at LOCK_TIMEOUT.
	t0=$(date +%s)
	mig LOCK_TIMEOUT=180 upgrade "$d"
	t1=$(date +%s)
	is_rc 0 "$e: the next upgrade succeeds"
	ok "$([ $((t1 - t0)) -lt 150 ]; echo $?)" \
		"$e: it did not wait for LOCK_TIMEOUT ($((t1 - t0)) s, LOCK_TIMEOUT 180)"
	is "$(sql "$e" "SELECT uuid, result, operation FROM migratore ORDER BY object_id")" \
		"$(printf '%s\tsuccess\tRun\n%s\tsuccess\tRun\n%s\tsuccess\tRun' "$(uid 1)" "$(uid 2)" "$(uid 3)")" \
		"$e: every migration applied exactly once, in order"
	is "$(sql "$e" "SELECT id FROM second ORDER BY id" | tr '\n' ' ')" "1 3 " \
		"$e: the killed migration's insert is there once"
	drop_db
}

for e in $(engine_list); do
	case_killed "$e"
done
check_no_password
done_testing
