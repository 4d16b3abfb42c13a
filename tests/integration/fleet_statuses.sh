#!/bin/bash
# Fleet mode end to end (SPEC 8.2, 8.3): one run over a fleet of SQLite
# targets in which every way a target can end happens once: ok,
# nothing-to-do, failed (SAFE on), rolled-back (SAFE off), unreachable,
# locked, timeout and crashed (its worker killed by SIGKILL). The other
# targets go on, the exit code is 1, the text summary and the JSON report
# say what happened, and every bookkeeping row agrees with the report.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$TESTS_SRCDIR/lib/tap.sh"
. "$TESTS_SRCDIR/lib/engines.sh"
. "$TESTS_SRCDIR/lib/rollout.sh" # two_good, write_exec

command -v flock >/dev/null || { skip "flock (util-linux) not installed" 1; done_testing; }

W=$T_TMP/fleet
mkdir -p "$W/db" "$W/good" "$W/bad" "$W/slow" "$W/kill"

two_good "$W/good"
two_good "$W/bad"
write_mig "$W/bad" 1700000300 3 "breaks" <<'EOF'
-- migratore: run
CREATE TABLE t3 (id INTEGER PRIMARY KEY);
INSERT INTO no_such_table VALUES (1);
-- migratore: rollback
DROP TABLE IF EXISTS t3;
EOF
two_good "$W/slow"
write_exec "$W/slow" 1700000300 3 'case "$1" in run) echo sleeping; exec sleep 30;; esac'
two_good "$W/kill"
# the program's parent is its keeper, whose parent is the worker
# (worker/program.h)
write_exec "$W/kill" 1700000300 3 'case "$1" in run) readlink /proc/$$/fd/* >"$FS/kill-fds.txt"; echo about to kill my worker; sleep 0.5; kill -9 $(cut -d" " -f4 /proc/$PPID/stat); sleep 5;; esac'

# "done" was upgraded before: nothing to do.
cat >"$W/fleet.yaml" <<EOF
version: 1
defaults:
  engine: sqlite
  path: good
  lock_timeout: 1
targets:
  - name: ok-1
    db: db/ok-1.db
    tags: [plain]
  - name: ok-2
    db: db/ok-2.db
    tags: [plain]
  - name: done
    db: db/done.db
  - name: failed
    db: db/failed.db
    path: bad
  - name: rolled
    db: db/rolled.db
    path: bad
    safe: false
  - name: unreachable
    db: $W/no/such/dir/x.db
  - name: locked
    db: db/locked.db
  - name: slow
    db: db/slow.db
    path: slow
    timeout: 1s
  - name: killed
    db: db/killed.db
    path: kill
EOF

MIG_CWD=$W mig upgrade --inventory fleet.yaml --select done
is_rc 0 "preparing: upgrading one selected target exits 0"
is "$(ls "$W/db")" "done.db
done.db.lock" "--select touched only that target"

# Hold the migration lock of "locked" (the sidecar flock of SPEC 7).
: >"$W/db/locked.db.lock"
(exec 9>"$W/db/locked.db.lock" && flock -x 9 && exec sleep 60) &
HOLDER=$!
bg_track $HOLDER
wait_for sh -c "! flock -n -x '$W/db/locked.db.lock' true" ||
	bail_out "the lock holder did not start"

start=$(date +%s)
MIG_CWD=$W mig upgrade --inventory fleet.yaml --jobs 4 --report report.json --log-dir logs
took=$(($(date +%s) - start))
is_rc 1 "a fleet with failures exits 1"
ok "$([ "$took" -lt 20 ]; echo $?)" "the run did not wait on the slow target (${took}s)"

row() { printf '%s\n' "$M_OUT" | grep -E "^$1 "; }
like "$(row ok-1)" "^ok-1 +sqlite +ok +2 +0 +0 " "ok-1: ok, 2 applied, 0 pending"
like "$(row ok-2)" "^ok-2 +sqlite +ok +2 " "ok-2: ok"
like "$(row done)" "^done +sqlite +nothing-to-do +0 +0 " "done: nothing-to-do"
like "$(row failed)" "^failed +sqlite +failed +2 +1 +0 .*statement 2 of 2 \(1700000300_m3.sql:[0-9]+\) failed: no such table: no_such_table" \
	"failed: failed, 2 applied, 1 pending, the failing statement named"
like "$(row rolled)" "^rolled +sqlite +rolled-back +3 +1 +1 " "rolled: rolled-back with one rollback"
like "$(row unreachable)" "^unreachable +sqlite +unreachable .*unable to open" "unreachable: unreachable, the engine's words"
like "$(row locked)" "^locked +sqlite +locked .*held by another process" "locked: locked"
like "$(row slow)" "^slow +sqlite +timeout +2 +- .*no result after 1s during Run of 1700000300_x3" "slow: timeout, during which step"
like "$(row killed)" "^killed +sqlite +crashed +2 +- .*killed by signal 9 \(SIGKILL\) during Run of 1700000300_x3" "killed: crashed by SIGKILL"
like "$M_OUT" "9 targets: 2 ok, 1 nothing-to-do, 1 failed, 1 rolled-back, 1 timeout, 1 crashed, 1 unreachable, 1 locked" "the totals line"
like "$M_ERR" "\[ *9/9\]" "one progress line per finished target on stderr"

# ---- the JSON report -----------------------------------------------------
ok "$([ -f "$W/report.json" ]; echo $?)" "the report was written"
is "$(stat -c %a "$W/report.json")" 600 "the report is mode 0600"
is "$(ls -A "$W" | grep -c 'report.json.tmp')" 0 "no temporary report left behind"
jq() { python3 - "$W/report.json" "$@"; }
is "$(jq <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
print(r["schema"], r["schema_version"], r["command"], r["exit_code"], r["totals"]["targets"])
print(" ".join(t["name"] + "=" + t["status"] for t in r["targets"]))
EOF
)" "migratore-fleet-report 1 upgrade 1 9
ok-1=ok ok-2=ok done=nothing-to-do failed=failed rolled=rolled-back unreachable=unreachable locked=locked slow=timeout killed=crashed" \
	"the report parses and holds every target's status"
is "$(jq "$W" <<'EOF'
import json, sys
t = {t["name"]: t for t in json.load(open(sys.argv[1]))["targets"]}
k, s, f, r = t["killed"], t["slow"], t["failed"], t["rolled"]
print(k["exit_code"], k["signal"], k["steps"][-1]["result"], k["steps"][-1]["file"])
print(s["exit_code"], s["signal"], "sleeping" in s.get("output_tail", ""))
bad = f["steps"][-1]
print(bad["result"], bad["statement_no"], bad["total"], bad["committed"], bad["statement"])
print([(x["operation"], x["result"], x["recovery"]) for x in r["steps"][-2:]])
print(t["ok-1"]["log"] == sys.argv[2] + "/logs/ok-1.log", t["done"]["applied"], t["done"]["pending"])
EOF
)" "137 9 unfinished 1700000300_x3
143 15 True
error 2 2 0 INSERT INTO no_such_table VALUES (1)
[('Run', 'error', False), ('Rollback', 'success', True)]
True 0 0" "steps, signals and the statement are in the report"

# ---- the bookkeeping rows agree with the report --------------------------
is "$(jq "$W" <<'EOF'
import json, sqlite3, sys, os
r = json.load(open(sys.argv[1]))
bad = []
for t in r["targets"]:
    if t["name"] in ("unreachable", "done"):
        continue
    db = sqlite3.connect(os.path.join(sys.argv[2], "db", t["name"] + ".db"))
    rows = []
    if db.execute("SELECT count(*) FROM sqlite_master "
                  "WHERE name = 'migratore'").fetchone()[0]:
        rows = db.execute(
            "SELECT object_id, result, operation, run_id FROM migratore "
            "ORDER BY object_id").fetchall()
    steps = [(s["object_id"], s["result"], s["operation"], r["run_id"])
             for s in t["steps"] if s["object_id"] is not None]
    if rows != steps:
        bad.append("%s: rows %r, report %r" % (t["name"], rows, steps))
print("\n".join(bad) or "agree")
EOF
)" agree "every target's rows match its report steps, run_id included"
is "$(sqlite3 "$W/db/rolled.db" "SELECT operation, result FROM migratore ORDER BY object_id" | tr '\n' ' ')" \
	"Run|success Run|success Run|error Rollback|success " "rolled: the recovery Rollback row is in its database"
is "$(sqlite3 "$W/db/failed.db" "SELECT count(*) FROM sqlite_master WHERE name = 't3'")" 0 \
	"failed: SAFE rolled the failed migration's table back"
ok "$([ ! -e "$W/no" ]; echo $?)" "unreachable: nothing was created"
is "$(sqlite3 "$W/db/locked.db" "SELECT count(*) FROM sqlite_master WHERE name = 'migratore'" 2>/dev/null || echo 0)" 0 \
	"locked: nothing was written"

# ---- logs ----------------------------------------------------------------
like "$(cat "$W/logs/failed.log")" "no such table: no_such_table" "the failed target's log holds its error"
like "$(cat "$W/logs/killed.log")" "about to kill my worker" "the killed target's log holds its program's output"
like "$(cat "$W/logs/ok-1.log")" "Running migration '$(uid 2)'" "an ok target's log has its step lines"
lacks "$M_OUT$M_ERR" "about to kill" "program output never reaches the terminal"
fds=$(cat "$W/kill-fds.txt")
is "$(printf '%s\n' "$fds" | grep '^pipe:' | sort -u | wc -l)" 1 \
	"a migration program inherits one pipe (its output), not the frame pipe"
lacks "$fds" ".log" "a migration program does not inherit the target's log"

# ---- a second run: what is left ----------------------------------------------
kill "$HOLDER" 2>/dev/null
wait "$HOLDER" 2>/dev/null
MIG_CWD=$W mig upgrade --inventory fleet.yaml --select 'ok-*,locked' --select tag:plain
is_rc 0 "a rerun of the good targets and the freed one exits 0"
like "$(row ok-1)" "^ok-1 +sqlite +nothing-to-do " "ok-1 has nothing left"
like "$(row locked)" "^locked +sqlite +ok +2 " "the freed target upgrades"
like "$M_OUT" "3 targets: 1 ok, 2 nothing-to-do" "--select picked three targets"

# ---- --timeout none overrides the inventory's timeout ------------------------
two_good "$W/nap"
write_exec "$W/nap" 1700000300 3 'case "$1" in run) sleep 1.5;; esac'
cat >"$W/nap.yaml" <<EOF
version: 1
targets:
  - name: nap
    engine: sqlite
    db: db/nap.db
    path: nap
    timeout: 1s
EOF
MIG_CWD=$W mig upgrade --inventory nap.yaml --timeout none
is_rc 0 "--timeout none: the inventory's 1s limit does not apply"
like "$(row nap)" "^nap +sqlite +ok +3 " "--timeout none: the slow migration ran to its end"

check_no_password
done_testing
