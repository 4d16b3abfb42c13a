#!/bin/bash
# Waves and canaries (docs/fleet.md, Rollouts): --canary runs its targets
# first, and when one of them fails no other target is touched; the
# inventory's rollout section runs waves in order within their budgets;
# the report marks every target's wave and the run's waves.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$TESTS_SRCDIR/lib/tap.sh"
. "$TESTS_SRCDIR/lib/engines.sh"
. "$TESTS_SRCDIR/lib/rollout.sh"

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
targets:
  - name: app-{01..08}
    db: db/app-{01..08}.db
  - name: canary-ok
    db: db/canary-ok.db
    tags: [canary]
  - name: canary-bad
    db: db/canary-bad.db
    path: bad
    tags: [canary]
EOF

# ---- a failing canary ------------------------------------------------------
fleet upgrade --inventory fleet.yaml --canary tag:canary --jobs 4 \
	--report report.json
is_rc 1 "a failing canary: exit 1"
is "$(sqlite_rows "$W/db/canary-ok.db")" "1:success:Run 2:success:Run" \
	"the good canary was upgraded"
is "$(sqlite_rows "$W/db/canary-bad.db")" \
	"1:success:Run 2:success:Run 3:error:Run" "the bad canary failed and recorded it"
touched=
for i in 01 02 03 04 05 06 07 08; do
	[ -e "$W/db/app-$i.db" ] && touched="$touched app-$i"
done
is "$touched" "" "no other target was touched: none of their databases exists"
is "$(printf '%s\n' "$M_OUT" | grep -E '^(# wave|canary|app-0[12] )' | sed -E 's/  +/ /g' | cut -d' ' -f1-4)" \
	"# wave canary: 2
canary-ok sqlite ok 2
canary-bad sqlite failed 2
# wave rest: 8
app-01 sqlite not-reached -
app-02 sqlite not-reached -" "the text report has a header line per wave, the canaries first"
like "$M_OUT" "# wave canary: 2 targets, 2 started, 1 failed" "the wave line counts its targets and failures"
like "$M_OUT" "# wave rest: 8 targets, not started" "a wave never started says so"
like "$M_OUT" "app-01 +sqlite +not-reached .*not started: wave 'canary' ended with 1 failed target" \
	"a target not reached says why"
like "$M_OUT" "stopped: wave 'canary' ended with 1 failed target; 8 targets not reached" \
	"the text report says why the rollout stopped"
like "$M_ERR" "wave 'canary' \(1 of 2\): 2 targets" "progress announces the wave"

is "$(py "$W/report.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
t = {x["name"]: x for x in r["targets"]}
print(r["exit_code"], r["stopped"])
print(t["canary-bad"]["wave"], t["canary-bad"]["status"], t["canary-bad"]["attempts"])
print(t["canary-ok"]["wave"], t["canary-ok"]["status"])
rest = [x for x in r["targets"] if x["wave"] == "rest"]
print(len(rest), sorted({x["status"] for x in rest}), sorted({x["reason"] for x in rest}))
print(sorted({x["attempts"] for x in rest}), {x["start"] for x in rest})
for w in r["waves"]:
    print(w["name"], w["status"], w["targets"], w["started"], w["failed"],
          w["start"] is not None, w["end"] is not None)
print(r["options"]["canary"], r["totals"]["not-reached"], r["totals"]["failed"])
PY
)" "1 wave 'canary' ended with 1 failed target
canary failed 1
canary ok
8 ['not-reached'] [\"not started: wave 'canary' ended with 1 failed target\"]
[0] {None}
canary completed 2 2 1 True True
rest not-started 8 0 0 False False
tag:canary 8 1" "the report: each target's wave, the canary failure, every other target not reached"

# ---- a passing canary: then the rest ----------------------------------------
rm -f "$W"/db/*
fleet upgrade --inventory fleet.yaml --canary canary-ok --jobs 4 \
	--select 'app-0[1-3],canary-ok' --report report.json
is_rc 0 "a passing canary: the rest follows, exit 0"
is "$(py "$W/report.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
for w in r["waves"]:
    print(w["name"], w["status"], w["targets"], w["failed"])
c = [x for x in r["targets"] if x["name"] == "canary-ok"][0]
first = min(x["start"] for x in r["targets"] if x["wave"] == "rest")
print(c["end"] <= first, r["stopped"])
PY
)" "canary completed 1 0
rest completed 3 0
True None" "the rest started only after the canary wave ended"
is "$(sqlite_rows "$W/db/app-03.db")" "1:success:Run 2:success:Run" "the rest was upgraded"

# ---- a failing canary and the run's budget ----------------------------------
# The inventory's run budget (10% of 20: 2 failures) is not the canary's:
# a canary wave tolerates no failure unless its own budget says so.
rm -f "$W"/db/*
cat >"$W/budget.yaml" <<EOF
version: 1
defaults:
  engine: sqlite
  path: good
targets:
  - name: app-{01..19}
    db: db/app-{01..19}.db
  - name: canary-bad
    db: db/canary-bad.db
    path: bad
rollout:
  max_failures: 10%
EOF
fleet upgrade --inventory budget.yaml --canary canary-bad --report report.json
is_rc 1 "a failing canary under the run's budget of 10%: exit 1"
is "$(ls "$W/db" | grep -v "\.lock$")" "canary-bad.db" "no other target was touched: the run's budget is not the canary's"
like "$M_OUT" "stopped: wave 'canary' ended with 1 failed target; 19 targets not reached" \
	"the report says the canary stopped the run"

# With the rollout's own canary wave budget, --canary takes it: one
# failure tolerated, the rest runs.
rm -f "$W"/db/*
cat >>"$W/budget.yaml" <<EOF
  waves:
    - name: canary
      select: [canary-bad]
      max_failures: 1
EOF
fleet upgrade --inventory budget.yaml --canary canary-bad --report report.json
is_rc 1 "a failing canary within the canary wave's own budget: exit 1"
is "$(py "$W/report.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print(r["stopped"], " ".join("%s:%s:%s" % (w["name"], w["status"], w["max_failures"]) for w in r["waves"]))
print(r["totals"]["ok"], r["totals"]["failed"], r["totals"]["not-reached"])
PY
)" "None canary:completed:1 rest:completed:None
19 1 0" \
	"--canary takes the budget of the rollout's canary wave: the rest ran"

# Without --canary, the inventory's wave named canary follows the same
# rule: without a budget of its own it tolerates no failure.
rm -f "$W"/db/*
sed -i '/max_failures: 1$/d' "$W/budget.yaml"
fleet upgrade --inventory budget.yaml --report report.json
is_rc 1 "the inventory's canary wave without a budget of its own: exit 1"
is "$(ls "$W/db" | grep -v "\.lock$")" "canary-bad.db" "its failure stopped the run despite the run's budget"

# ---- waves of the inventory -------------------------------------------------
rm -f "$W"/db/*
cat >"$W/waves.yaml" <<EOF
version: 1
defaults:
  engine: sqlite
  path: good
targets:
  - name: app-{01..08}
    db: db/app-{01..08}.db
  - name: app-09
    db: db/app-09.db
    path: bad
rollout:
  waves:
    - name: first
      select: ["app-0[1-2]"]
      jobs: 1
    - name: half
      percent: 50%
      max_failures: 1
EOF
# app-03..09 remain after "first": half takes 4 of 7 (app-03..06), rest 3
fleet upgrade --inventory waves.yaml --report report.json
is_rc 1 "waves: the last one has a failure, exit 1"
is "$(py "$W/report.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
for w in r["waves"]:
    print(w["name"], w["status"], w["targets"], w["started"], w["failed"], w["jobs"] if w["name"] == "first" else "-", w["max_failures"])
print(" ".join(x["name"] + ":" + x["wave"] for x in r["targets"]))
f = [x for x in r["targets"] if x["wave"] == "first"]
print("one at a time:", f[0]["end"] <= f[1]["start"] or f[1]["end"] <= f[0]["start"])
PY
)" "first completed 2 2 0 1 None
half completed 4 4 0 - 1
rest completed 3 3 1 - None
app-01:first app-02:first app-03:half app-04:half app-05:half app-06:half app-07:rest app-08:rest app-09:rest
one at a time: True" "waves in order: a first wave one at a time, a half, the rest"

# a wave over its own budget stops the rollout, within the wave
rm -f "$W"/db/*
cat >"$W/strict.yaml" <<EOF
version: 1
defaults:
  engine: sqlite
  path: good
targets:
  - name: bad
    db: db/bad.db
    path: bad
  - name: app-{01..08}
    db: db/app-{01..08}.db
rollout:
  waves:
    - name: first
      select: ["app-0[1-2]"]
    - name: strict
      select: [bad, "app-0[3-5]"]
      jobs: 1
      max_failures: 0
EOF
fleet upgrade --inventory strict.yaml --report report.json
is_rc 1 "a wave over its budget: exit 1"
is "$(py "$W/report.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print(r["stopped"])
print(" ".join("%s:%s" % (w["name"], w["status"]) for w in r["waves"]))
print(" ".join("%s:%s" % (x["name"], x["status"]) for x in r["targets"]))
PY
)" "wave 'strict' exceeded its failure budget: 1 of its targets failed, 0 allowed (max_failures 0)
first:completed strict:stopped rest:not-started
bad:failed app-01:ok app-02:ok app-03:not-reached app-04:not-reached app-05:not-reached app-06:not-reached app-07:not-reached app-08:not-reached" \
	"a wave's budget exceeded: nothing more starts, in that wave or after it"
is "$(sqlite_rows "$W/db/app-03.db")" none "a target of the stopped wave was not touched"

# ---- usage errors -----------------------------------------------------------
rm -f "$W"/db/*
fleet upgrade --inventory fleet.yaml --canary 'nothing-*'
is_rc 2 "--canary matching no target: exit 2"
like "$M_ERR" "--canary 'nothing-\*' matches no target of the inventory" "... and says so"
fleet upgrade --inventory fleet.yaml --canary 'app-01,,x'
is_rc 2 "--canary with an empty term: exit 2"
fleet upgrade --inventory fleet.yaml --max-failures 'ten'
is_rc 2 "--max-failures that is not a number: exit 2"
like "$M_ERR" "--max-failures: 'ten' is not a number of targets" "... and says so"
MIG_CWD=$W mig upgrade --canary app-01
is_rc 2 "--canary without an inventory: exit 2"
like "$M_ERR" "--canary is for fleet mode" "... and says why"
is "$(ls "$W/db" | wc -l)" 0 "usage errors touched nothing"

done_testing
