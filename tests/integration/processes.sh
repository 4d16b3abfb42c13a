#!/bin/bash
# Nothing a run starts outlives it (docs/security.md): killed with SIGKILL,
# a coordinator takes its spawner and workers with it (the spawner, its
# only child, forks every worker: orchestrator/spawner.h), a spawner its
# workers, a worker (or a single-target
# run) its executable migration and everything that migration started,
# even a child that left its process group with setsid; a worker whose
# coordinator no longer acts stops at its own timeout; a migration that
# leaves a child behind ends when it exits. Checked in /proc.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$TESTS_SRCDIR/lib/tap.sh"
. "$TESTS_SRCDIR/lib/engines.sh"

W=$T_TMP/p
mkdir -p "$W/hold" "$W/leave"
# The program records its pid and those of two children, one in its group
# and one that left it, then waits; each writes $DB.<what>.
cat >"$W/hold/1700000100_hold" <<EOF
#!/bin/sh
# migratore: uuid = $(uid 1)
# migratore: timestamp = 1700000100
case "\$1" in run)
	sleep 300 & echo \$! >"\$DB.child"
	setsid sleep 300 & echo \$! >"\$DB.escaped"
	echo \$\$ >"\$DB.prog"
	exec sleep 300;;
esac
EOF
cat >"$W/leave/1700000100_leave" <<EOF
#!/bin/sh
# migratore: uuid = $(uid 2)
# migratore: timestamp = 1700000100
case "\$1" in run)
	sleep 300 & echo \$! >"\$DB.child"
	echo done;;
esac
EOF
chmod 755 "$W/hold/1700000100_hold" "$W/leave/1700000100_leave"

inventory() { # PATH TIMEOUT
	cat >"$W/fleet.yaml" <<EOF
version: 1
defaults:
  engine: sqlite
  path: $1
  timeout: $2
targets:
  - name: t-{1..9}
    db: db/t-{1..9}.db
EOF
}

# alive PID: a process that still runs (a zombie has ended)
alive() {
	local st
	st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
	[ -n "$st" ] && [ "$st" != Z ]
}

# The pids a run recorded: programs and their children.
recorded() { cat "$W"/db/*.prog "$W"/db/*.child "$W"/db/*.escaped 2>/dev/null; }

# survivors PID...: those still alive after up to 1.5 s
survivors() {
	local i p left
	for ((i = 0; i < 15; i++)); do
		left=
		for p in "$@"; do alive "$p" && left+="$p "; done
		[ -z "$left" ] && break
		sleep 0.1
	done
	for p in $left; do bg_track "$p"; done # killed at exit, at least
	echo "$left"
}

# shellcheck disable=SC2046 # the kernel's "pid pid " as "pid pid"
children_of() { echo $(cat "/proc/$1/task/$1/children" 2>/dev/null); }
# the coordinator's workers: the children of its spawner
workers_of() { children_of "$(children_of "$1")"; }

start_fleet() { # ARGS...
	rm -rf "$W/db" "$W/out" "$W/err"
	mkdir -p "$W/db"
	(cd "$W" && exec env -i PATH="$PATH" HOME="$T_TMP/home" USER=itester \
		"$MIGRATORE" upgrade --inventory fleet.yaml "$@" >"$W/out" 2>"$W/err") &
	P=$!
	bg_track $P
}

# every program started: 9 (or N) pid files with their children
all_started() { [ "$(ls "$W"/db/*.prog 2>/dev/null | wc -l)" -ge "${1:-9}" ]; }

# ---- the coordinator killed ----------------------------------------------------
inventory hold none
start_fleet --jobs 9
wait_for all_started
ok $? "nine workers each run a migration program"
spawner=$(children_of $P)
is "$(echo $spawner | wc -w)" 1 "the coordinator has one child, the spawner"
workers=$(children_of "$spawner")
is "$(echo $workers | wc -w)" 9 "the spawner has the nine workers"
like "$(for w in $workers; do sed 's/.*) //' /proc/$w/stat | cut -d' ' -f2; done | sort -u)" "^$spawner\$" \
	"each worker's parent is the spawner"
pids="$spawner $workers $(recorded)"
kill -KILL $P
wait $P 2>/dev/null
is "$(survivors $pids)" "" "SIGKILL to the coordinator: no spawner, worker, program or child of one survives"

# ---- the spawner killed ------------------------------------------------------------
start_fleet --jobs 9
wait_for all_started
spawner=$(children_of $P)
pids="$(children_of "$spawner") $(recorded)"
kill -KILL "$spawner"
is "$(survivors $pids)" "" "SIGKILL to the spawner: no worker, program or child of one survives"
wait $P
is "$?" 1 "the coordinator ends the run: exit 1"
is "$(grep -cE '^t-[0-9] +sqlite +crashed' "$W/out")" 9 "and reports the nine targets as crashed"
like "$(cat "$W/err")" "the spawner \(pid $spawner\) is gone" "saying the spawner is gone"

# ---- a worker killed -------------------------------------------------------------
cat >"$W/fleet.yaml" <<EOF
version: 1
targets:
  - name: one
    engine: sqlite
    db: db/one.db
    path: hold
EOF
start_fleet
wait_for all_started 1
worker=$(workers_of $P)
pids=$(recorded)
is "$(echo $pids | wc -w)" 3 "a program and its two children run"
kill -KILL "$worker"
is "$(survivors $pids)" "" "SIGKILL to the worker: its program and the program's children are gone"
wait $P
is "$?" 1 "the run ends, exit 1"
like "$(cat "$W/out")" "one +sqlite +crashed" "the target crashed"

# ---- a single-target run killed ---------------------------------------------------
rm -rf "$W/db" && mkdir -p "$W/db"
(cd "$W" && exec env -i PATH="$PATH" HOME="$T_TMP/home" USER=itester \
	DB_URL="sqlite://$W/db/single.db" "$MIGRATORE" -q upgrade hold) >/dev/null 2>&1 &
S=$!
bg_track $S
wait_for all_started 1
ok $? "a single-target run runs the program"
pids=$(recorded)
kill -KILL $S
wait $S 2>/dev/null
is "$(survivors $pids)" "" "SIGKILL to a single-target run: its program and the program's children are gone"
DB_URL="sqlite://$W/db/single.db" MIG_CWD=$W mig LOCK_TIMEOUT=5 dry_upgrade hold
is_rc 0 "the lock is free at once"

# ---- a worker whose coordinator does not act stops at its own timeout --------------
inventory hold 2s
start_fleet --jobs 9
wait_for all_started
workers=$(workers_of $P)
kill -STOP $P
t0=$SECONDS
pids="$workers $(recorded)"
sleep 2
is "$(survivors $pids)" "" "coordinator stopped: workers, programs and children gone by their own 2s timeout (+1 s)"
ok "$([ $((SECONDS - t0)) -le 5 ]; echo $?)" "within 5 s of the stop ($((SECONDS - t0)) s)"
kill -CONT $P
wait $P
is "$?" 1 "the coordinator, continued, ends the run: exit 1"
like "$(cat "$W/out")" "t-1 +sqlite +timeout" "and reports the targets as timed out"

# ---- the coordinator's timeout takes the whole migration with it ---------------------
start_fleet --jobs 9
wait_for all_started
pids=$(recorded)
wait $P
is "$?" 1 "timeout 2s: exit 1"
is "$(survivors $pids)" "" "after a timeout, no program or child of one survives"

# ---- a program that exits leaving a child behind ---------------------------------------
inventory leave 15s
start_fleet --jobs 9
t0=$SECONDS
wait $P
is "$?" 0 "a program that leaves a child running: the run still ends, exit 0"
ok "$([ $((SECONDS - t0)) -lt 10 ]; echo $?)" "at once ($((SECONDS - t0)) s), not when the child ends"
is "$(survivors $(recorded))" "" "and the child it left is gone"

# ---- the migrations changed between the check and the spawner's read -----------------
# The spawner reads a directory at its first target (with --jobs 1: once
# "a" ended); the coordinator read and checked it before any worker.
mkdir -p "$W/late"
write_mig "$W/late" 1700000200 3 "late" <<'EOF'
-- migratore: run
CREATE TABLE late (id INTEGER PRIMARY KEY);
EOF
cat >"$W/fleet.yaml" <<EOF
version: 1
defaults:
  engine: sqlite
targets:
  - name: a
    db: db/a.db
    path: hold
    timeout: 2s
  - name: b
    db: db/b.db
    path: late
EOF
start_fleet --jobs 1
wait_for all_started 1
echo "-- edited" >>"$W/late/1700000200_m3.sql"
wait $P
is "$?" 1 "a file edited while the run waits: exit 1"
like "$(cat "$W/out")" "b +sqlite +failed" "the target whose migrations changed failed"
like "$(cat "$W/out" "$W/err")" "late: the migrations changed since the run began" \
	"saying that its migrations changed since the run began"
is "$(sqlite3 "$W/db/b.db" "SELECT count(*) FROM sqlite_master WHERE name = 'late'")" 0 \
	"and nothing ran on it"

check_no_password
done_testing
