#!/bin/bash
# The migration lock (SPEC 7): two upgrades at once apply every migration
# exactly once; a lock held from outside makes a run wait, and give up with
# exit 4 after LOCK_TIMEOUT having written nothing. On every engine, with
# the engine's own lock taken by its own client: flock on <db>.lock,
# pg_advisory_lock(key of drivers/pg/pg.c), GET_LOCK('migratore.<db>').
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$TESTS_SRCDIR/lib/tap.sh"
. "$TESTS_SRCDIR/lib/engines.sh"

slow_set() { # DIR ENGINE
	write_mig "$1" 1700000001 1 "slow" <<EOF
-- migratore: run
CREATE TABLE first (id INTEGER PRIMARY KEY);
$(slow_sql "$2")
EOF
	write_mig "$1" 1700000002 2 "second" <<'EOF'
-- migratore: run
CREATE TABLE second (id INTEGER PRIMARY KEY);
EOF
	write_mig "$1" 1700000003 3 "third" <<'EOF'
-- migratore: run
INSERT INTO second (id) VALUES (1);
EOF
}

# hold_lock ENGINE SECONDS: take the engine's migration lock from outside,
# in the background, and return once it is held. unhold_lock frees it.
HOLD_PID=
hold_lock() {
	local e=$1 s=$2 key
	case $e in
	sqlite)
		# exec: the process to kill is the one holding the descriptor
		(exec 9>>"$T_DBFILE.lock" && flock 9 && exec sleep "$s") &
		HOLD_PID=$!
		bg_track $HOLD_PID
		wait_for eval '! flock -n "$T_DBFILE.lock" true'
		;;
	postgres)
		key=$(pg_lock_key "$T_DBNAME")
		PGAPPNAME=mit_holder_$$ PGPASSWORD=$TEST_DB_PASS psql -X -q -h "$TEST_PG_HOST" \
			-p "$TEST_PG_PORT" -U "$TEST_DB_USER" -d "$T_DBNAME" \
			-c "SELECT pg_advisory_lock($key)" -c "SELECT pg_sleep($s)" >/dev/null 2>&1 &
		HOLD_PID=$!
		bg_track $HOLD_PID
		wait_for eval '[ "$(sql postgres "SELECT count(*) FROM pg_locks WHERE locktype = '"'advisory'"' AND granted AND ((classid::bigint << 32) | objid::bigint) = $key")" = 1 ]'
		;;
	mysql)
		_my_admin -D "$T_DBNAME" -e "SELECT GET_LOCK('migratore.$T_DBNAME', 10); SELECT SLEEP($s)" >/dev/null 2>&1 &
		HOLD_PID=$!
		bg_track $HOLD_PID
		wait_for eval '[ "$(sql mysql "SELECT IS_USED_LOCK('"'migratore.$T_DBNAME'"') IS NOT NULL")" = 1 ]'
		;;
	esac
}

unhold_lock() {
	case $1 in
	postgres) sql postgres "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'mit_holder_$$'" >/dev/null ;;
	mysql) sql mysql "SELECT IS_USED_LOCK('migratore.$T_DBNAME')" | while read -r id; do
		[ "$id" != NULL ] && sql mysql "KILL $id" >/dev/null 2>&1
	done ;;
	esac
	kill "$HOLD_PID" 2>/dev/null
	wait "$HOLD_PID" 2>/dev/null
	return 0
}

case_two_upgrades() { # ENGINE
	local e=$1 d n
	new_db "$e"
	d=$(new_dir)
	slow_set "$d" "$e"
	local pa pb
	(mig upgrade "$d"; echo "$M_RC" >"$T_TMP/rc.a") &
	pa=$!
	(mig upgrade "$d"; echo "$M_RC" >"$T_TMP/rc.b") &
	pb=$!
	wait "$pa" "$pb"
	is "$(cat "$T_TMP/rc.a") $(cat "$T_TMP/rc.b")" "0 0" "$e: two concurrent upgrades both exit 0"
	is "$(sql "$e" "SELECT uuid, count(*) FROM migratore WHERE result = 'success' GROUP BY uuid ORDER BY uuid")" \
		"$(printf '%s\t1\n%s\t1\n%s\t1' "$(uid 1)" "$(uid 2)" "$(uid 3)")" \
		"$e: every migration applied exactly once"
	is "$(ledger_count "$e")" 3 "$e: no error rows"
	is "$(sql "$e" "SELECT count(*) FROM second")" 1 "$e: the insert ran once"
	is "$(sql "$e" "SELECT count(DISTINCT object_id) FROM migratore")" 3 "$e: row ids are unique"
	drop_db
}

case_held_lock() { # ENGINE
	local e=$1 d before t0 t1 cmd
	local -a pids=()
	new_db "$e"
	d=$(new_dir)
	slow_set "$d" "$e"
	sed -i '/SLEEP\|pg_sleep\|RECURSIVE/d' "$d/1700000001_m1.sql"
	mv "$d/1700000003_m3.sql" "$T_TMP/"
	mig upgrade "$d"
	is_rc 0 "$e: setup: two migrations applied"
	mv "$T_TMP/1700000003_m3.sql" "$d/"
	before=$([ "$e" = sqlite ] && file_sha "$T_DBFILE"; ledger "$e" "object_id, uuid, result, operation")

	hold_lock "$e" 15
	ok $? "$e: the lock is held from outside"
	t0=$(date +%s)
	mig LOCK_TIMEOUT=1 upgrade "$d"
	t1=$(date +%s)
	is_rc 4 "$e: upgrade with the lock held exits 4 after LOCK_TIMEOUT"
	like "$M_ERR" "[Ll]ock" "$e: the message speaks of the lock"
	ok "$([ $((t1 - t0)) -le 8 ]; echo $?)" "$e: it gave up within a few seconds ($((t1 - t0)) s)"
	is "$([ "$e" = sqlite ] && file_sha "$T_DBFILE"; ledger "$e" "object_id, uuid, result, operation")" "$before" \
		"$e: nothing was written"
	is "$(sql "$e" "SELECT count(*) FROM second")" 0 "$e: the pending migration did not run"
	t0=$(date +%s%N)
	mig LOCK_TIMEOUT=0 upgrade "$d"
	t1=$(date +%s%N)
	is_rc 4 "$e: LOCK_TIMEOUT=0 with the lock held exits 4"
	ok "$([ $(((t1 - t0) / 1000000)) -lt 3000 ]; echo $?)" "$e: LOCK_TIMEOUT=0 does not wait ($(((t1 - t0) / 1000000)) ms)"
	# The other writing commands, side by side to save time.
	for cmd in downgrade skip mark rebuild repair; do
		if [ $cmd = rebuild ]; then
			(mig LOCK_TIMEOUT=1 rebuild "$(uid 3)" "$d"; echo "$M_RC" >"$T_TMP/rc.$cmd") &
		elif [ $cmd = repair ]; then
			(mig LOCK_TIMEOUT=1 repair "$d" --yes; echo "$M_RC" >"$T_TMP/rc.$cmd") &
		else
			(mig LOCK_TIMEOUT=1 "$cmd" "$d"; echo "$M_RC" >"$T_TMP/rc.$cmd") &
		fi
		pids+=($!)
	done
	wait "${pids[@]}"
	for cmd in downgrade skip mark rebuild repair; do
		is "$(cat "$T_TMP/rc.$cmd")" 4 "$e: $cmd with the lock held exits 4"
	done
	is "$([ "$e" = sqlite ] && file_sha "$T_DBFILE"; ledger "$e" "object_id, uuid, result, operation")" "$before" \
		"$e: none of them wrote anything"
	# status only reads: it neither takes the lock nor waits for it
	mig LOCK_TIMEOUT=0 status "$d"
	is_rc 0 "$e: status with the lock held exits 0 at once"
	like "$M_OUT" $'\npending +1700000003_m3\\.sql ' "$e: and shows the pending migration"
	unhold_lock "$e"

	# A lock held for a moment: the run waits for it, then goes on.
	hold_lock "$e" 1.5
	t0=$(date +%s%N)
	mig LOCK_TIMEOUT=20 upgrade "$d"
	t1=$(date +%s%N)
	is_rc 0 "$e: upgrade waits for a lock released within LOCK_TIMEOUT"
	ok "$([ $(((t1 - t0) / 1000000)) -ge 500 ]; echo $?)" "$e: it did wait ($(((t1 - t0) / 1000000)) ms)"
	is "$(sql "$e" "SELECT count(*) FROM second")" 1 "$e: then it ran the pending migration"
	unhold_lock "$e"
	drop_db
}

# A fresh database: a run that cannot get the lock creates no table.
case_held_lock_fresh() { # ENGINE
	local e=$1 d
	new_db "$e"
	d=$(new_dir)
	slow_set "$d" "$e"
	hold_lock "$e" 15
	mig LOCK_TIMEOUT=1 upgrade "$d"
	is_rc 4 "$e: fresh database, lock held: exit 4"
	if [ "$e" = sqlite ]; then
		ok "$([ ! -s "$T_DBFILE" ]; echo $?)" "$e: fresh database, lock held: the file is absent or empty"
	else
		is "$(table_exists "$e" migratore)" 0 "$e: fresh database, lock held: no bookkeeping table"
	fi
	unhold_lock "$e"
	drop_db
}

for e in $(engine_list); do
	case_two_upgrades "$e"
	case_held_lock "$e"
	case_held_lock_fresh "$e"
done
check_no_password
done_testing
