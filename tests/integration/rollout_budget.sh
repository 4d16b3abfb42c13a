#!/bin/bash
# The failure budget (docs/fleet.md, Rollouts): --max-failures N tolerates
# N failed targets; at the next failure no new target starts, the running
# ones finish and the rest are not reached. A fleet of 60 with 5 bad
# targets and --jobs 4: the report's counts are exact and every
# database's bookkeeping rows agree with it.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$TESTS_SRCDIR/lib/tap.sh"
. "$TESTS_SRCDIR/lib/engines.sh"
. "$TESTS_SRCDIR/lib/rollout.sh"

W=$T_TMP/fleet
mkdir -p "$W/db"
# good: a table, then a program that takes 0.2 s (so that four run at once)
write_mig "$W/good" 1700000100 1 "first table" <<'SQL'
-- migratore: run
CREATE TABLE t1 (id INTEGER PRIMARY KEY);
SQL
write_exec "$W/good" 1700000200 2 'case "$1" in run) sleep 0.2;; esac'
# bad: the same table, then a statement that fails at once
write_mig "$W/bad" 1700000100 1 "first table" <<'SQL'
-- migratore: run
CREATE TABLE t1 (id INTEGER PRIMARY KEY);
SQL
one_bad "$W/bad"

# 60 targets; t-06, t-12, t-18, t-24 and t-30 are bad
{
	printf 'version: 1\ndefaults:\n  engine: sqlite\n  path: good\ntargets:\n'
	for i in $(seq -w 1 60); do
		printf '  - name: t-%s\n    db: db/t-%s.db\n' "$i" "$i"
		case $i in 06 | 12 | 18 | 24 | 30) printf '    path: bad\n' ;; esac
	done
} >"$W/fleet.yaml"

fleet upgrade --inventory fleet.yaml --max-failures 3 --jobs 4 \
	--report report.json
is_rc 1 "over the budget: exit 1"
like "$M_OUT" "stopped: the run's failure budget was exceeded: 4 targets failed, 3 allowed \(max_failures 3\); [0-9]+ targets not reached" \
	"the text report says the budget stopped the run"

# T = when the fourth failure ended: nothing may start after it
is "$(py "$W/report.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
ts = r["targets"]
started = [t for t in ts if t["status"] != "not-reached"]
failed = [t for t in ts if t["status"] == "failed"]
print(len(ts), r["totals"]["targets"])
print("failed:", len(failed) == r["totals"]["failed"], 4 <= len(failed) <= 5)
print("not reached = 60 - started:", r["totals"]["not-reached"] == 60 - len(started))
T = sorted(t["end"] for t in failed)[3]
late = [t["name"] for t in started if t["start"] > T]
print("started after the 4th failure:", late)
running = [t for t in started if t["start"] <= T < t["end"]]
print("failed + running then <= 3 + 1 + jobs - 1:", len(failed) + len(running) <= 3 + 1 + 3)
print("every not-reached one says why:",
      {t["reason"] for t in ts if t["status"] == "not-reached"} ==
      {"not started: " + r["stopped"]})
print("reached in order:", [t["name"] for t in started] == [t["name"] for t in ts[:len(started)]])
print(r["options"]["max_failures"], r["waves"][0]["status"], r["waves"][0]["failed"])
PY
)" "60 60
failed: True True
not reached = 60 - started: True
started after the 4th failure: []
failed + running then <= 3 + 1 + jobs - 1: True
every not-reached one says why: True
reached in order: True
3 stopped 4" "the counts are exact and nothing started after the fourth failure"
[ "$(py "$W/report.json" <<<'import json,sys; print(json.load(open(sys.argv[1]))["totals"]["failed"])')" = 4 ] &&
	note "t-30 was not reached"

# every database agrees with the report
is "$(py "$W/report.json" "$W/db" <<'PY'
import json, os, sqlite3, sys
r = json.load(open(sys.argv[1]))
bad = []
for t in r["targets"]:
    path = os.path.join(sys.argv[2], t["name"] + ".db")
    rows = []
    if os.path.exists(path):
        db = sqlite3.connect(path)
        if db.execute("SELECT count(*) FROM sqlite_master WHERE name = 'migratore'").fetchone()[0]:
            rows = db.execute("SELECT result FROM migratore ORDER BY object_id").fetchall()
            rows = [x[0] for x in rows]
    want = {"ok": ["success", "success"], "failed": ["success", "error"],
            "not-reached": []}[t["status"]]
    if t["status"] == "not-reached" and os.path.exists(path):
        bad.append(t["name"] + ": a database file for a target not reached")
    if rows != want:
        bad.append("%s: %s, rows %r" % (t["name"], t["status"], rows))
print("\n".join(bad) or "agree")
PY
)" agree "the bookkeeping rows agree: ok ones applied both, failed ones an error, the rest untouched"

# ---- percentages, and the default of a run without a rollout ----------------
rm -f "$W"/db/*
fleet upgrade --inventory fleet.yaml --max-failures 10% --jobs 4 \
	--report report.json
is_rc 1 "10% of 60 tolerates 6: every target runs, exit 1"
is "$(py "$W/report.json" <<<'import json,sys; r=json.load(open(sys.argv[1])); print(r["totals"]["failed"], r["totals"]["ok"], r["stopped"])')" \
	"5 55 None" "a budget not exceeded: every target ran"
rm -f "$W"/db/*
fleet upgrade --inventory fleet.yaml --jobs 4 --select 't-0*,t-1*' --report report.json
is "$(py "$W/report.json" <<<'import json,sys; r=json.load(open(sys.argv[1])); print(r["totals"]["failed"], r["totals"]["ok"], r["stopped"])')" \
	"3 16 None" "no rollout and no budget: one wave that runs everything"
rm -f "$W"/db/*
fleet upgrade --inventory fleet.yaml --jobs 1 --max-failures 0 --report report.json
is "$(py "$W/report.json" <<<'import json,sys; r=json.load(open(sys.argv[1])); print(r["totals"]["failed"], r["totals"]["ok"], r["totals"]["not-reached"])')" \
	"1 5 54" "--max-failures 0: the first failure stops the run"

done_testing
