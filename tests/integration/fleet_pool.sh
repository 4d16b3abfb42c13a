#!/bin/bash
# More targets than --jobs, with retries and timeouts mixed: the
# coordinator keeps a worker's state (pipe, watchers, input) only while
# it runs, in a pool of --jobs entries reused from target to target
# (orchestrator/inflight.h); a target waiting to be retried holds none.
# Every target must still end with its own status, attempts and rows.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$TESTS_SRCDIR/lib/tap.sh"
. "$TESTS_SRCDIR/lib/engines.sh"
. "$TESTS_SRCDIR/lib/rollout.sh"

command -v flock >/dev/null || { skip "flock (util-linux) not installed" 1; done_testing; }

W=$T_TMP/fleet
mkdir -p "$W/db"
two_good "$W/good"
two_good "$W/bad"
one_bad "$W/bad"
two_good "$W/slow"
write_exec "$W/slow" 1700000300 3 'case "$1" in run) echo sleeping; exec sleep 30;; esac'

# Interleaved, so that the places are taken by every kind in turn.
cat >"$W/fleet.yaml" <<EOF
version: 1
defaults:
  engine: sqlite
  path: good
  lock_timeout: 0
targets:
  - name: ok-{1..3}
    db: db/ok-{1..3}.db
  - name: gone-1
    db: nowhere/gone-1.db
  - name: slow-1
    db: db/slow-1.db
    path: slow
    timeout: 1s
  - name: ok-{4..5}
    db: db/ok-{4..5}.db
  - name: held
    db: db/held.db
  - name: bad
    db: db/bad.db
    path: bad
  - name: slow-{2..3}
    db: db/slow-{2..3}.db
    path: slow
    timeout: 1s
  - name: gone-2
    db: nowhere/gone-2.db
  - name: ok-{6..8}
    db: db/ok-{6..8}.db
EOF

# "held": its migration lock is taken for the whole run.
: >"$W/db/held.db.lock"
(exec 9>"$W/db/held.db.lock" && flock -x 9 && exec sleep 60) &
bg_track $!
wait_for sh -c "! flock -n -x '$W/db/held.db.lock' true" ||
	bail_out "the lock holder did not start"

fleet upgrade --inventory fleet.yaml --jobs 3 --retries 2 --report report.json
is_rc 1 "a fleet with failures: exit 1"
is "$(py "$W/report.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
for t in r["targets"]:
    print("%s:%s:%d:%d" % (t["name"], t["status"], t["attempts"],
                           len(t.get("earlier_attempts", []))))
PY
)" "ok-1:ok:1:0
ok-2:ok:1:0
ok-3:ok:1:0
gone-1:unreachable:3:2
slow-1:timeout:1:0
ok-4:ok:1:0
ok-5:ok:1:0
held:locked:3:2
bad:failed:1:0
slow-2:timeout:1:0
slow-3:timeout:1:0
gone-2:unreachable:3:2
ok-6:ok:1:0
ok-7:ok:1:0
ok-8:ok:1:0" "every target: its own status, attempts and earlier attempts"
rows=
for i in 1 2 3 4 5 6 7 8; do
	rows="$rows ok-$i=$(sqlite_rows "$W/db/ok-$i.db" | tr ' ' ,)"
done
is "$rows" "$(printf ' ok-%d=1:success:Run,2:success:Run' 1 2 3 4 5 6 7 8)" \
	"every ok target has its two migrations, once"
is "$(sqlite_rows "$W/db/bad.db")" "1:success:Run 2:success:Run 3:error:Run" \
	"the failed target: its error row, once"
for i in 1 2 3; do
	like "$(sqlite_rows "$W/db/slow-$i.db")" "^1:success:Run 2:success:Run" \
		"slow-$i: the migrations before the slow one stayed"
done
is "$(py "$W/report.json" <<'PY'
import json, sys
t = {x["name"]: x for x in json.load(open(sys.argv[1]))["targets"]}
print(all("no result after 1s" in t["slow-%d" % i]["reason"] and
          "sleeping" in t["slow-%d" % i].get("output_tail", "")
          for i in (1, 2, 3)))
print(sorted({e.split(":")[0] for n in ("gone-1", "gone-2", "held")
              for e in t[n]["earlier_attempts"]}))
PY
)" "True
['locked', 'unreachable']" "each timeout's reason and output are its own; earlier attempts keep their status"
like "$M_OUT" "15 targets: 8 ok, 1 failed, 3 timeout, 2 unreachable, 1 locked" \
	"the totals line"
ok "$([ ! -e "$W/nowhere" ]; echo $?)" "the unreachable targets created nothing"

check_no_password
done_testing
