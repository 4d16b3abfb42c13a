#!/bin/bash
# Interrupting a fleet run (SPEC 8.2): SIGINT/SIGTERM stop new targets from
# starting, running ones may finish within the grace period, a second
# signal stops them at once (their programs too), the report is written
# either way and names what was not reached; exit 130 / 143.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$TESTS_SRCDIR/lib/tap.sh"
. "$TESTS_SRCDIR/lib/engines.sh"

W=$T_TMP/fleet
mkdir -p "$W/short" "$W/long"

write_exec() { # DIR TS N BODY
	local f=$1/${2}_x$3
	printf '#!/bin/sh\n# migratore: uuid = %s\n# migratore: timestamp = %s\n%s\n' \
		"$(uid "$3")" "$2" "$4" >"$f"
	chmod 755 "$f"
}
write_exec "$W/short" 1700000100 1 'case "$1" in run) sleep 2;; esac'
write_exec "$W/long" 1700000100 1 'case "$1" in run) echo $$ >"$FS/sleeper.pid"; exec sleep 60;; esac'
mkdir -p "$W/two"
write_exec "$W/two" 1700000100 1 'case "$1" in run) sleep 2;; esac'
write_mig "$W/two" 1700000200 2 "after the slow one" <<'EOF'
-- migratore: run
CREATE TABLE t2 (id INTEGER PRIMARY KEY);
EOF

inventory() { # PATH
	cat >"$W/fleet.yaml" <<EOF
version: 1
defaults:
  engine: sqlite
  path: $1
  fs: $W
targets:
  - name: t-{1..5}
    db: db/t-{1..5}.db
EOF
}

# run_bg [--jobs N]: the binary in the background, one job at a time unless
# told otherwise; PID in $P
run_bg() {
	rm -rf "$W/db" "$W/logs" "$W/report.json" "$W/sleeper.pid"
	mkdir -p "$W/db"
	(cd "$W" && exec env -i PATH="$PATH" HOME="$T_TMP/home" USER=itester \
		"$MIGRATORE" upgrade --inventory fleet.yaml --jobs 1 \
		--report report.json --log-dir logs "$@" >"$W/out" 2>"$W/err") &
	P=$!
	bg_track $P
}

started() { grep -qs "Running migration" "$W/logs/t-1.log"; }

finish() { # sets RC, OUT, ERR, TOOK
	local t0=$SECONDS
	wait "$P"
	RC=$?
	TOOK=$((SECONDS - t0))
	OUT=$(cat "$W/out")
	ERR=$(cat "$W/err")
}

report() {
	python3 - "$W/report.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print(r["interrupted"], r["exit_code"], r["totals"]["not-reached"])
print(" ".join(t["name"] + "=" + t["status"] for t in r["targets"]))
PY
}

# ---- SIGINT: the running target finishes, the rest is not reached ---------
inventory short
run_bg
wait_for started || bail_out "the first worker never started"
kill -INT "$P"
finish
is "$RC" 130 "SIGINT: exit 130"
like "$OUT" "^t-1 +sqlite +ok +1 " "SIGINT: the running target finished its migration"
like "$OUT" "t-2 +sqlite +not-reached .*not started" "SIGINT: the next target was not reached"
like "$OUT" "interrupted by SIGINT: 4 targets not reached" "SIGINT: the summary says what was not reached"
like "$ERR" "SIGINT: starting no more targets" "SIGINT: the coordinator says what it does"
is "$(report)" "SIGINT 130 4
t-1=ok t-2=not-reached t-3=not-reached t-4=not-reached t-5=not-reached" "SIGINT: the report was written"
is "$(ls "$W/db")" "t-1.db
t-1.db.lock" "SIGINT: no other database was touched"
is "$(sqlite3 "$W/db/t-1.db" "SELECT operation, result FROM migratore")" "Run|success" \
	"SIGINT: the finished migration is recorded"

# ---- SIGINT between two migrations: the worker stops at the boundary --------
inventory two
run_bg --jobs 2
wait_for started || bail_out "the first worker never started"
kill -INT "$P"
finish
is "$RC" 130 "SIGINT mid-target: exit 130"
ok "$([ "$TOOK" -lt 6 ]; echo $?)" "SIGINT mid-target: the workers stopped without the grace period running out (${TOOK}s)"
like "$OUT" "^t-1 +sqlite +interrupted +1 +[0-9-]+ +0 .*stopped before 1700000200_m2.sql: the run was interrupted" \
	"SIGINT mid-target: it finished the running migration and stopped before the next"
like "$OUT" "^t-2 +sqlite +interrupted " "SIGINT mid-target: the other running target too"
like "$OUT" "^t-3 +sqlite +not-reached " "SIGINT mid-target: the rest not reached"
is "$(sqlite3 "$W/db/t-1.db" "SELECT uuid, operation, result FROM migratore")" "$(uid 1)|Run|success" \
	"SIGINT mid-target: the finished migration is recorded, the next never began"
is "$(sqlite3 "$W/db/t-1.db" "SELECT count(*) FROM sqlite_master WHERE name = 't2'")" 0 \
	"SIGINT mid-target: the next migration did not run"
like "$(cat "$W/logs/t-1.log")" "stopped before 1700000200_m2.sql" "SIGINT mid-target: the log says where it stopped"

# ---- SIGTERM: the same, exit 143 -------------------------------------------
run_bg
wait_for started || bail_out "the first worker never started"
kill -TERM "$P"
finish
is "$RC" 143 "SIGTERM: exit 143"
like "$(report)" "^SIGTERM 143 4" "SIGTERM: the report says so"

# ---- a second SIGINT stops the running worker and its program ---------------
inventory long
run_bg
wait_for started || bail_out "the first worker never started"
wait_for test -s "$W/sleeper.pid" || bail_out "the program never started"
kill -INT "$P"
sleep 0.5
kill -INT "$P"
finish
is "$RC" 130 "two SIGINTs: exit 130"
ok "$([ "$TOOK" -lt 8 ]; echo $?)" "two SIGINTs: no grace period waited (${TOOK}s)"
like "$OUT" "t-1 +sqlite +interrupted .*run interrupted during Run of 1700000100_x1: worker terminated" \
	"two SIGINTs: the running target is interrupted, with the step it was in"
like "$(report)" "t-1=interrupted t-2=not-reached" "two SIGINTs: the report says so"
sleeper=$(cat "$W/sleeper.pid")
wait_for sh -c "! kill -0 $sleeper 2>/dev/null"
ok $? "two SIGINTs: the migration's own program was stopped too"
is "$(sqlite3 "$W/db/t-1.db" "SELECT count(*) FROM migratore WHERE result = 'success'")" 0 \
	"two SIGINTs: no success row for the stopped migration"

done_testing
