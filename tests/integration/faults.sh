#!/bin/bash
# slow: about a minute on the 2-CPU test machine (two throwaway servers
# started, killed and restarted; 60-odd faults). Run by make check.
#
# Fault injection (issue 9): a migration interrupted at every step, in
# every way, on every engine, and then `upgrade` again. Each cell of the
# matrix (engine x fault x step) holds when
#   - right after the fault, the bookkeeping agrees with the schema: what a
#     migration creates exists iff its success row exists, or as far as
#     the committed count says (migratore_progress, or the committed column
#     of its error row, the resume point of `rebuild`), or one statement
#     further when the progress row marks that statement in flight (the
#     next run asks the catalogue whether it committed: migratore(1),
#     BOOKKEEPING);
#   - after `upgrade` again (and `rebuild UUID` first where the run says
#     so, migratore(1)), every migration applied exactly once: one success
#     row per uuid, the whole schema, each insert once, no progress row.
# Faults:
#   worker   SIGKILL at each step (MIGRATORE_TESTING_KILL_AT: begin,
#            executed:N, statement:N, row, commit; docs/hacking.md)
#   server   the server killed with SIGKILL while the worker is stopped at a
#            step (MIGRATORE_TESTING_STOP_AT), then restarted: a throwaway
#            server of tests/servers.sh, so the shared ones are untouched
#   netcut   the connection cut by tests/tools/netproxy after N bytes from
#            the client (N a fraction of a whole run), or right after the
#            statement or COMMIT that holds a given text
#   disk     SQLite: a full tmpfs (root) with a few pages free, and a
#            file-size limit; the servers' own files are not ours to fill
# The matrix goes to the log and to build/tests/artifacts/faults-matrix.txt.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$TESTS_SRCDIR/lib/tap.sh"
. "$TESTS_SRCDIR/lib/engines.sh"
. "$TESTS_SRCDIR/tools/proxylib.sh"

MATRIX=()
MOUNTS=()
FX_DIR=
fx_cleanup() {
	local m
	[ -n "$FX_DIR" ] && bash "$TESTS_SRCDIR/servers.sh" stop "$FX_DIR" >/dev/null 2>&1
	for m in "${MOUNTS[@]}"; do umount "$m" 2>/dev/null; done
	_engines_cleanup
}
trap fx_cleanup EXIT

# m1 is applied before each fault; the fault hits m2 (four statements: on
# MySQL the three DDL commit on their own) or, for a late network cut, m3.
D1=$(new_dir)
write_mig "$D1" 1700000001 1 "first" <<'EOF2'
-- migratore: run
CREATE TABLE f1 (id INTEGER PRIMARY KEY);
EOF2
D=$(new_dir)
cp "$D1"/*.sql "$D"
write_mig "$D" 1700000002 2 "second" <<'EOF2'
-- migratore: run
CREATE TABLE f2 (id INTEGER PRIMARY KEY);
ALTER TABLE f2 ADD COLUMN c2 INTEGER;
ALTER TABLE f2 ADD COLUMN c3 INTEGER;
INSERT INTO f2 (id, c2, c3) VALUES (1, 2, 3);
EOF2
write_mig "$D" 1700000003 3 "third" <<'EOF2'
-- migratore: run
CREATE TABLE f3 (id INTEGER PRIMARY KEY);
INSERT INTO f2 (id, c2, c3) VALUES (2, 2, 3);
EOF2
STEPS2=4 STEPS3=2

# ---- what the database says ------------------------------------------------

# snap ENGINE: what the database holds, in two queries (the checks below
# read SNAP): "L uuid result committed" per bookkeeping row, "P uuid
# committed" per progress row, "C table.column" for f1-f3, "I id" per f2 row.
snap() {
	local e=$1 cols
	case $e in
	sqlite) cols="SELECT 'C', m.name || '.' || p.name, '', 0 FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name IN ('f1', 'f2', 'f3')" ;;
	postgres) cols="SELECT 'C', (table_name || '.' || column_name)::text, '', 0 FROM information_schema.columns WHERE table_schema = current_schema() AND table_name IN ('f1', 'f2', 'f3')" ;;
	mysql) cols="SELECT 'C', CONCAT(table_name, '.', column_name), '', 0 FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name IN ('f1', 'f2', 'f3')" ;;
	esac
	SNAP=$(sql "$e" "SELECT 'L', uuid, result, coalesce(committed, -1) FROM migratore UNION ALL SELECT 'P', uuid, CASE WHEN checksums LIKE '%!%' THEN 'doubt' ELSE '' END, committed FROM migratore_progress UNION ALL $cols")
	if has f2.id; then
		SNAP+=$'\n'$(sql "$e" "SELECT 'I', id FROM f2 ORDER BY id")
	fi
}

has() { grep -qx "C	$1	*0*" <<<"$SNAP"; }

# How many leading statements of m2 (m3) have their effect in the schema.
effects2() {
	has f2.id || { echo 0; return; }
	has f2.c2 || { echo 1; return; }
	has f2.c3 || { echo 2; return; }
	echo $((3 + $(grep -cx "I	1" <<<"$SNAP")))
}

effects3() {
	has f3.id || { echo 0; return; }
	echo $((1 + $(grep -cx "I	2" <<<"$SNAP")))
}

f2_ids() { sed -n 's/^I	//p' <<<"$SNAP" | tr '\n' ' '; }

successes() { grep -c "^L	$(uid "$1")	success	" <<<"$SNAP"; }

# The committed statements the bookkeeping knows for migration N: its
# progress row, else the furthest of its error rows (rebuild's resume point).
known() {
	local u n
	u=$(uid "$1")
	n=$(sed -n -E "s/^P\t$u\t(doubt)?\t//p" <<<"$SNAP")
	[ -n "$n" ] && { echo "$n"; return; }
	n=$(awk -F'\t' -v u="$u" '$1 == "L" && $2 == u && $3 != "success" && $4 > m { m = $4 } END { print m + 0 }' <<<"$SNAP")
	echo "$n"
}

# Whether migration N's progress row marks the statement after the
# committed ones in flight (its effect may or may not be in the schema:
# the next run asks the catalogue; worker/indoubt.h).
in_doubt() { grep -q "^P	$(uid "$1")	doubt	" <<<"$SNAP"; }

# agree ENGINE: the bookkeeping agrees with the schema; prints what does not.
agree() {
	local n s k total why=
	snap "$1"
	[ "$(successes 1)" = 1 ] || why+="m1 has $(successes 1) success rows; "
	for n in 2 3; do
		s=$(successes "$n")
		k=$(effects$n)
		total=STEPS$n
		if [ "$s" -gt 1 ]; then
			why+="m$n has $s success rows; "
		elif [ "$s" = 1 ] && [ "$k" != "${!total}" ]; then
			why+="m$n has its success row but $k of ${!total} statements in the schema; "
		elif [ "$s" = 0 ] && [ "$k" != "$(known "$n")" ] &&
			! { in_doubt "$n" && [ "$k" = $(($(known "$n") + 1)) ]; }; then
			why+="m$n: $k statements in the schema, $(known "$n") known committed; "
		fi
	done
	printf '%s' "$why"
}

# complete ENGINE: every migration exactly once; prints what is not so.
complete() {
	local n why=
	snap "$1"
	for n in 1 2 3; do
		[ "$(successes "$n")" = 1 ] ||
			why+="m$n has $(successes "$n") success rows; "
	done
	[ "$(effects2)$(effects3)" = 42 ] ||
		why+="schema: m2 $(effects2)/4, m3 $(effects3)/2 statements; "
	[ "$(f2_ids)" = "1 2 " ] || why+="f2 holds ids $(f2_ids); "
	grep -q "^P" <<<"$SNAP" && why+="progress rows left: $(grep "^P" <<<"$SNAP" | tr '\n\t' '; '); "
	printf '%s' "$why"
}

# ---- one cell ----------------------------------------------------------------

# setup ENGINE: a new database with m1 applied.
setup() {
	new_db "$1"
	mig upgrade "$D1"
	[ "$M_RC" = 0 ] || diag "setup: upgrade of m1 exited $M_RC: $M_ERR"
}

# resume: upgrade again; where it says to, rebuild first (MySQL statements
# that committed before a failure; migratore(1)).
RESUMED=
resume() {
	local u
	RESUMED="upgrade"
	mig upgrade "$D"
	[ "$M_RC" = 0 ] && return 0
	u=$(printf '%s\n' "$M_ERR$M_OUT" | sed -n -E 's/.*`rebuild ([0-9a-f-]+)`.*/\1/p' | head -1)
	[ -n "$u" ] || return 1
	RESUMED="rebuild, upgrade"
	mig rebuild "$u" "$D"
	[ "$M_RC" = 0 ] || return 1
	mig upgrade "$D"
	[ "$M_RC" = 0 ]
}

# verdict ENGINE FAULT STEP: after the fault, check, resume, check; one TAP
# line and one matrix row.
verdict() {
	local e=$1 fault=$2 step=$3 why res
	why=$(agree "$e")
	[ -n "$why" ] && why="after the fault: $why"
	if resume; then
		res=$(complete "$e")
		[ -n "$res" ] && why+="after $RESUMED: $res"
	else
		why+="$RESUMED exited $M_RC: $(printf '%s' "$M_ERR" | grep -m1 -E 'error|failed'); "
	fi
	cell "$e" "$fault" "$step" "$why"
	drop_db
}

cell() { # ENGINE FAULT STEP WHY
	local held=held
	[ -n "$4" ] && held="NOT HELD"
	MATRIX+=("$(printf '%-9s %-8s %-26s %s' "$1" "$2" "$3" "$held")")
	ok "$([ -z "$4" ]; echo $?)" "$1 $2 $3: held"
	[ -n "$4" ] && diag "$1 $2 $3: $4"
	return 0
}

# ---- the worker killed at each step ----------------------------------------

# The worker, in the background ($BG_PID is migratore itself).
bg_upgrade() { # VAR=VAL...
	(cd "$T_TMP/cwd" && exec env -i PATH="$PATH" HOME="$T_TMP/home" USER=itester \
		LANG=C.UTF-8 LOCK_TIMEOUT=20 DB_URL="$DB_URL" "$@" "$MIGRATORE" upgrade "$D") \
		>>"$T_TMP/all-output" 2>&1 &
	BG_PID=$!
	bg_track "$BG_PID"
}

proc_state() { sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1; }

# Waits (60 s at most, then SIGKILL) until the worker ends: BG_RC.
bg_wait() {
	local i
	for ((i = 0; i < 600; i++)); do
		case $(proc_state "$BG_PID") in '' | Z) break ;; esac
		sleep 0.1
	done
	[ "$i" = 600 ] && diag "the run did not end in 60 s" && kill -KILL "$BG_PID"
	{ wait "$BG_PID"; } 2>/dev/null
	BG_RC=$?
}

WORKER_STEPS="begin executed:1 statement:1 executed:2 statement:2 executed:3 statement:3 executed:4 statement:4 row commit"

for e in $(engine_list); do
	for step in $WORKER_STEPS; do
		setup "$e"
		bg_upgrade MIGRATORE_TESTING_KILL_AT="$step"
		bg_wait
		rc=$BG_RC
		if [ "$rc" != 137 ]; then
			cell "$e" worker "$step" "the run was not killed there (exit $rc)"
			drop_db
			continue
		fi
		verdict "$e" worker "$step"
	done
done

# ---- the server killed mid-migration -----------------------------------------

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Waits (20 s at most) until PID is stopped (SIGSTOP); 1 if it ended first.
wait_stopped() {
	local i
	for ((i = 0; i < 200; i++)); do
		case $(proc_state "$1") in
		T | t) return 0 ;;
		'' | Z) return 1 ;;
		esac
		sleep 0.1
	done
	return 1
}

# Waits (20 s at most) until every PID is gone (not ours to wait for).
wait_gone() {
	local i p alive
	for ((i = 0; i < 200; i++)); do
		alive=0
		for p in "$@"; do
			case $(proc_state "$p") in '' | Z) ;; *) alive=1 ;; esac
		done
		[ "$alive" = 0 ] && return 0
		sleep 0.1
	done
	return 1
}

kill_server() { # ENGINE
	local pid kids
	case $1 in
	postgres)
		pid=$(head -1 "$FX_DIR/postgres.pid")
		kids=$(pgrep -P "$pid")
		;;
	mysql) pid=$(head -1 "$FX_DIR/mariadb.pid") kids= ;;
	esac
	# shellcheck disable=SC2086
	kill -KILL "$pid" $kids 2>/dev/null
	# shellcheck disable=SC2086
	wait_gone "$pid" $kids
}

# Point the test's clients (new_db, sql) at the throwaway servers or back.
SHARED_PG_PORT=${TEST_PG_PORT:-} SHARED_MY_PORT=${TEST_MY_PORT:-}
use_ports() { TEST_PG_PORT=$1 TEST_MY_PORT=$2; }

SERVER_STEPS="begin statement:1 statement:2 statement:3 row commit"

server_cell() { # ENGINE STEP
	local e=$1 step=$2
	setup "$e"
	bg_upgrade MIGRATORE_TESTING_STOP_AT="$step"
	if ! wait_stopped "$BG_PID"; then
		bg_wait
		cell "$e" server "$step" "the run did not stop there (exit $BG_RC)"
		drop_db
		return
	fi
	kill_server "$e" || diag "$e: the killed server's processes did not end"
	kill -CONT "$BG_PID"
	bg_wait
	note "$e server $step: the run exited $BG_RC when its server died"
	CRASH_SAFE=1 bash "$TESTS_SRCDIR/servers.sh" restart "$FX_DIR" 2>"$T_TMP/servers.err" || {
		diag "$(cat "$T_TMP/servers.err")"
		bail_out "the throwaway servers did not restart"
	}
	verdict "$e" server "$step"
}

if [ -n "${TEST_PG_URL:-}${TEST_MY_URL:-}" ] && [ "$(id -u)" = 0 ]; then
	FX_DIR=$T_TMP/dbtest.faults
	if CRASH_SAFE=1 PG_PORT=$(free_port) MY_PORT=$(free_port) \
		bash "$TESTS_SRCDIR/servers.sh" start "$FX_DIR" >/dev/null 2>"$T_TMP/servers.err"; then
		# shellcheck disable=SC1091
		FX_PORTS=$(. "$FX_DIR/env.sh" && echo "$TEST_PG_PORT $TEST_MY_PORT")
		for e in $(engine_list); do
			[ "$e" = sqlite ] && continue
			# shellcheck disable=SC2086
			use_ports $FX_PORTS
			for step in $SERVER_STEPS; do
				server_cell "$e" "$step"
			done
			use_ports "$SHARED_PG_PORT" "$SHARED_MY_PORT"
		done
	else
		diag "$(cat "$T_TMP/servers.err")"
		fail "the throwaway servers started"
	fi
else
	skip "the server faults need the servers and root (tests/servers.sh)"
fi

# ---- the connection cut mid-migration ----------------------------------------

# The URL of the current database through a proxy on PORT.
proxied_url() { printf '%s' "$DB_URL" | sed -E "s/:[0-9]+\//:$1\//"; }

server_port() { # ENGINE
	case $1 in postgres) echo "$TEST_PG_PORT" ;; mysql) echo "$TEST_MY_PORT" ;; esac
}

# A cut client does not stop the server: it goes on with what it
# received (a whole batch) until it notices. Look only once the server has
# no session left on the database, or the check races with it.
settle() { # ENGINE
	local i n
	for i in $(seq 100); do
		case $1 in
		postgres) n=$(sql postgres "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()") ;;
		mysql) n=$(sql mysql "SELECT count(*) FROM information_schema.PROCESSLIST WHERE DB = DATABASE() AND ID <> CONNECTION_ID()") ;;
		*) return 0 ;;
		esac
		[ "$n" = 0 ] && return 0
		sleep 0.1
	done
	note "$1: a session was still on the database after 10 s"
}

netcut_cell() { # ENGINE LABEL PROXY-ARGS...
	local e=$1 label=$2
	shift 2
	setup "$e"
	proxy_start PX --to "$(server_port "$e")" "$@" || {
		cell "$e" netcut "$label" "netproxy did not start"
		drop_db
		return
	}
	mig DB_URL="$(proxied_url "$PX_PORT")" upgrade "$D"
	proxy_stop PX
	settle "$e"
	note "$e netcut $label: the run exited $M_RC"
	verdict "$e" netcut "$label"
}

for e in $(engine_list); do
	[ "$e" = sqlite ] && continue
	# A whole run's bytes (connection 1 is the run's only one).
	setup "$e"
	proxy_start PX --to "$(server_port "$e")" || bail_out "netproxy did not start"
	mig DB_URL="$(proxied_url "$PX_PORT")" upgrade "$D"
	proxy_stop PX
	total=$(proxy_stat PX 1 c2s_bytes)
	conns=$(grep -c conn "$PX_STATS")
	drop_db
	is "$M_RC/$conns" "0/1" "$e netcut: a whole run through the proxy, one connection ($total bytes)"
	for pct in 10 25 40 55 70 80 90 97; do
		netcut_cell "$e" "bytes:$pct%:$((total * pct / 100))" \
			--cut-after-bytes "$((total * pct / 100))"
	done
	netcut_cell "$e" "after:ALTER...c3" --cut-after "ADD COLUMN c3"
	netcut_cell "$e" "after:INSERT...(1," --cut-after "VALUES (1,"
	netcut_cell "$e" "after:COMMIT" --cut-after "COMMIT"
done

# ---- a full disk (SQLite) ------------------------------------------------------

# The tmpfs with FREE KB left.
fill_to() {
	local avail
	rm -f "$T_TMP/disk/filler"
	avail=$(df --output=avail -k "$T_TMP/disk" | tail -1)
	[ "$avail" -gt "$1" ] &&
		dd if=/dev/zero of="$T_TMP/disk/filler" bs=1k count=$((avail - $1)) >/dev/null 2>&1
	return 0
}

run_full() { fill_to "$1"; mig upgrade "$D"; }

run_limited() { # KB above the database's size
	local lim=$(($(stat -c %s "$T_DBFILE") / 1024 + $1))
	(cd "$T_TMP/cwd" && ulimit -f "$lim" && trap '' XFSZ &&
		exec env -i PATH="$PATH" USER=itester DB_URL="$DB_URL" "$MIGRATORE" upgrade "$D") \
		>"$T_TMP/limited.out" 2>&1
	M_RC=$? M_ERR=$(cat "$T_TMP/limited.out")
}

mkdir -p "$T_TMP/disk"
if mount -t tmpfs -o size=1m tmpfs "$T_TMP/disk" 2>/dev/null; then
	MOUNTS+=("$T_TMP/disk")
	for kb in 0 4 8 12 16 20 24 32; do
		# The database on the tmpfs: set up with room, then filled.
		new_db sqlite
		T_DBFILE=$T_TMP/disk/$T_DBNAME.db DB_URL=sqlite://$T_DBFILE
		mig upgrade "$D1"
		run_full "$kb"
		note "sqlite disk tmpfs:${kb}k: the run exited $M_RC: $(printf '%s' "$M_ERR" | grep -m1 -E 'error|failed')"
		rm -f "$T_TMP/disk/filler"
		verdict sqlite disk "tmpfs:${kb}k-free"
	done
else
	skip "mount -t tmpfs failed (not root, or no CAP_SYS_ADMIN)"
fi
for kb in 0 4 8 12 16; do
	setup sqlite
	run_limited "$kb"
	note "sqlite disk ulimit:+${kb}k: the run exited $M_RC: $(printf '%s' "$M_ERR" | grep -m1 -E 'error|failed')"
	verdict sqlite disk "ulimit-f:+${kb}k"
done
for e in $(engine_list); do
	[ "$e" = sqlite ] && continue
	MATRIX+=("$(printf '%-9s %-8s %-26s %s' "$e" disk - "skipped: the server's own files (a server that cannot write is the server case)")")
done

# ---- the matrix ----------------------------------------------------------------

ART=${TOP_BUILDDIR:-$(dirname "$MIGRATORE")}/tests/artifacts
mkdir -p "$ART"
{
	printf '%-9s %-8s %-26s %s\n' engine fault step result
	printf '%s\n' "${MATRIX[@]}"
} >"$ART/faults-matrix.txt"
diag "the fault matrix (also in $ART/faults-matrix.txt):"
diag "$(cat "$ART/faults-matrix.txt")"
check_no_password
done_testing
