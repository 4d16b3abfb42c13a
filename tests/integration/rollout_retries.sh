#!/bin/bash
# --retries N (docs/fleet.md, Rollouts): an unreachable or locked target is
# tried again after a growing, jittered wait, without holding a place
# while it waits; a failed migration is never retried. The report counts
# the attempts.
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

cat >"$W/fleet.yaml" <<EOF
version: 1
defaults:
  engine: sqlite
  path: good
  lock_timeout: 0
targets:
  - name: late
    db: later/late.db
  - name: ok-{1..3}
    db: db/ok-{1..3}.db
  - name: bad
    db: db/bad.db
    path: bad
  - name: locked
    db: db/locked.db
EOF

attempts() { # REPORT: "name:status:attempts" words
	py "$1" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print(" ".join("%s:%s:%d" % (t["name"], t["status"], t["attempts"]) for t in r["targets"]))
PY
}

# "late" refuses (its directory is missing) until a background job
# creates the directory 1 s after the start. Waits before attempts 2, 3,
# 4 are 0.25-0.5 s, 0.5-1 s, 1-2 s: attempts 1 and 2 always fail, the
# fourth comes after 1.75 s at the latest.
: >"$W/db/locked.db.lock"
(exec 9>"$W/db/locked.db.lock" && flock -x 9 && exec sleep 0.8) &
HOLDER=$!
bg_track $HOLDER
wait_for sh -c "! flock -n -x '$W/db/locked.db.lock' true" ||
	bail_out "the lock holder did not start"
(sleep 1 && mkdir -p "$W/later") &
bg_track $!
fleet upgrade --inventory fleet.yaml --retries 3 --jobs 2 --report report.json
is_rc 1 "a failed migration among retried ones: exit 1"
like "$(attempts "$W/report.json")" \
	"^late:ok:[34] ok-1:ok:1 ok-2:ok:1 ok-3:ok:1 bad:failed:1 locked:ok:[2-4]$" \
	"unreachable, then ok: 3 or 4 attempts; locked, then ok; a failed migration: one attempt"
is "$(py "$W/report.json" <<'PY'
import json, sys
t = {x["name"]: x for x in json.load(open(sys.argv[1]))["targets"]}
late = t["late"]
print(sorted({e.split(":")[0] for e in late["earlier_attempts"]}),
      len(late["earlier_attempts"]) == late["attempts"] - 1)
print(sorted({e.split(":")[0] for e in t["locked"]["earlier_attempts"]}))
print(t["bad"]["earlier_attempts"], json.load(open(sys.argv[1]))["options"]["retries"])
PY
)" "['unreachable'] True
['locked']
[] 3" "the report keeps each earlier attempt's status"
is "$(sqlite_rows "$W/later/late.db")" "1:success:Run 2:success:Run" \
	"the late target's migrations were applied once"
is "$(sqlite_rows "$W/db/bad.db")" "1:success:Run 2:success:Run 3:error:Run" \
	"the failed migration was run once: one error row"
like "$M_ERR" "late unreachable \(attempt 1 of 4, again in 0\.(2[5-9]|[34][0-9]|50)s\)" \
	"progress says when the next attempt comes"

# Waiting holds no place: with --jobs 1, the other targets all run while
# "late" waits between its attempts.
rm -rf "$W/later" "$W"/db/*
fleet upgrade --inventory fleet.yaml --retries 2 --jobs 1 --select 'late,ok-*' \
	--report report.json
is_rc 1 "a target unreachable to the end: exit 1"
is "$(py "$W/report.json" <<'PY'
import json, sys
t = {x["name"]: x for x in json.load(open(sys.argv[1]))["targets"]}
late = t["late"]
print(late["status"], late["attempts"], late["reason"].startswith("cannot open SQLite database"))
print("others ran during the waits:",
      all(late["start"] < t[n]["start"] and t[n]["end"] < late["end"] for n in ("ok-1", "ok-2", "ok-3")))
print("waited at least 0.25 + 0.5 s:", late["end"] - late["start"] >= 0.75)
PY
)" "unreachable 3 True
others ran during the waits: True
waited at least 0.25 + 0.5 s: True" "a waiting target holds no place; it ends unreachable after 3 attempts"

# Without --retries: one attempt, as before.
fleet upgrade --inventory fleet.yaml --select late --report report.json
is "$(attempts "$W/report.json")" "late:unreachable:1" "no --retries: one attempt"

# A retry never starts after the deadline.
fleet upgrade --inventory fleet.yaml --select late --retries 5 --deadline 1s \
	--report report.json
is "$(py "$W/report.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
t = r["targets"][0]
print(t["status"], t["attempts"] <= 3, t["end"] - t["start"] < 1.5)
PY
)" "unreachable True True" "--deadline: no attempt after it"

fleet upgrade --inventory fleet.yaml --retries 101
is_rc 2 "--retries over 100: exit 2"
fleet upgrade --inventory fleet.yaml --retries=-1
is_rc 2 "--retries below 0: exit 2"

done_testing
