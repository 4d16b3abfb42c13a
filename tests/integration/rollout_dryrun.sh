#!/bin/bash
# The fleet-wide dry run (docs/fleet.md, Rollouts): dry_upgrade and
# dry_downgrade check every target without writing anything (connect,
# probe the lock, compute what is pending, flag drift and out-of-order
# files) and end with one plan: how many targets would apply how many
# migrations, and what stands in the way. Exit 0 only when the real run
# could proceed everywhere; drift alone is a warning.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$TESTS_SRCDIR/lib/tap.sh"
. "$TESTS_SRCDIR/lib/engines.sh"
. "$TESTS_SRCDIR/lib/rollout.sh"

command -v flock >/dev/null || { skip "flock (util-linux) not installed" 1; done_testing; }

W=$T_TMP/fleet
mkdir -p "$W/db"
m1() { write_mig "$1" 1700000100 1 "first table" <<'SQL'
-- migratore: run
CREATE TABLE t1 (id INTEGER PRIMARY KEY);
-- migratore: rollback
DROP TABLE t1;
SQL
}
m2() { write_mig "$1" 1700000200 2 "second table" <<'SQL'
-- migratore: run
CREATE TABLE t2 (id INTEGER PRIMARY KEY);
SQL
}
m3() { write_mig "$1" 1700000300 3 "third table" <<'SQL'
-- migratore: run
CREATE TABLE t3 (id INTEGER PRIMARY KEY);
SQL
}
m1 "$W/v1"
m1 "$W/v2"; m2 "$W/v2"; m3 "$W/v2"
m2 "$W/only2"

cat >"$W/fleet.yaml" <<EOF
version: 1
defaults:
  engine: sqlite
  path: v2
  lock_timeout: 1
targets:
  - name: a-{1..5}
    db: db/a-{1..5}.db
EOF

M1="<Migration $(uid 1) 1700000100 first table>"
M2="<Migration $(uid 2) 1700000200 second table>"
M3="<Migration $(uid 3) 1700000300 third table>"
snapshot() { (cd "$W/db" && for f in $(ls -A); do echo "$f $(file_sha "$f")"; done); }

# ---- a clean fleet --------------------------------------------------------------
fleet dry_upgrade --inventory fleet.yaml --report plan.json
is_rc 0 "a clean fleet: exit 0"
contains "$M_OUT" "Plan: 5 targets will apply 3 migrations (15 steps); 0 unreachable; 0 locked; 0 drifted; 0 out of order
  5  $M1
  5  $M2
  5  $M3" "the plan line and each migration's count of targets"
is "$(ls -A "$W/db")" "" "nothing was written: no database file was even created"

# ---- some targets are ahead -------------------------------------------------------
fleet upgrade v1 --inventory fleet.yaml --select 'a-[12]' --quiet
is_rc 0 "(two targets upgraded to the first migration)"
before=$(snapshot)
fleet dry_upgrade --inventory fleet.yaml --report plan.json
is_rc 0 "a fleet half way: exit 0"
contains "$M_OUT" "Plan: 5 targets will apply 3 migrations (13 steps); 0 unreachable; 0 locked; 0 drifted; 0 out of order
  3  $M1
  5  $M2
  5  $M3" "steps count what each target would apply"
is "$(snapshot)" "$before" "nothing was written: every file byte for byte the same, no file added"
is "$(py "$W/plan.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))["plan"]
print(p["operation"], p["targets"], p["changing"], p["steps"], p["unreachable"], p["locked"], p["drifted"], p["out_of_order"], p["clear"])
print([(m["timestamp"], m["description"], m["targets"]) for m in p["migrations"]])
PY
)" "run 5 5 13 0 0 0 0 True
[(1700000100, 'first table', 3), (1700000200, 'second table', 5), (1700000300, 'third table', 5)]" \
	"the JSON report's plan object"

# ---- drift alone is a warning -------------------------------------------------------
cp -r "$W/v2" "$W/drift"
sed -i 's/CREATE TABLE t1 (id INTEGER PRIMARY KEY);/CREATE TABLE t1 (id INTEGER PRIMARY KEY, x TEXT);/' \
	"$W/drift/1700000100_m1.sql"
fleet dry_upgrade drift --inventory fleet.yaml
is_rc 0 "drift alone: exit 0 (the real run would proceed, with a warning)"
contains "$M_OUT" "5 targets will apply 3 migrations (13 steps); 0 unreachable; 0 locked; 2 drifted; 0 out of order" \
	"the plan counts the drifted targets"
like "$M_OUT" "^2 targets: 1700000100_m1.sql .* was changed after it was applied" \
	"one warning for the drifted targets, naming the file"
like "$M_OUT" "^  \[a-1 [a-z0-9-]+\]$" "and naming the targets"

# ---- what stands in the way ------------------------------------------------------------
cat >"$W/more.yaml" <<EOF
version: 1
defaults:
  engine: sqlite
  path: v2
  lock_timeout: 1
targets:
  - name: a-{1..5}
    db: db/a-{1..5}.db
  - name: garbled
    db: db/garbled.db
  - name: held
    db: db/held.db
  - name: ahead
    db: db/ahead.db
EOF
echo "not a database" >"$W/db/garbled.db"
fleet upgrade v1 --inventory more.yaml --select held --quiet
fleet upgrade only2 --inventory more.yaml --select ahead --quiet
(exec 9>"$W/db/held.db.lock" && flock -x 9 && exec sleep 60) &
HOLDER=$!
bg_track $HOLDER
wait_for sh -c "! flock -n -x '$W/db/held.db.lock' true" || bail_out "the lock holder did not start"
before=$(snapshot)
fleet dry_upgrade --inventory more.yaml --report plan.json
is_rc 1 "one unreachable, one locked, one out of order: exit 1"
contains "$M_OUT" "Plan: 5 targets will apply 3 migrations (13 steps); 1 unreachable; 1 locked; 0 drifted; 1 out of order" \
	"the plan line counts what stands in the way"
like "$M_OUT" "held +sqlite +locked " "the locked target: the lock was probed, not waited for"
like "$M_OUT" "ahead +sqlite +failed .*out of order: 1700000100_m1.sql is older than the newest applied" \
	"the out-of-order target, named"
is "$(snapshot)" "$before" "nothing was written anywhere"
is "$(py "$W/plan.json" <<<'import json,sys; p=json.load(open(sys.argv[1]))["plan"]; print(p["unreachable"], p["locked"], p["out_of_order"], p["clear"])')" \
	"1 1 1 False" "the JSON plan agrees"
kill $HOLDER 2>/dev/null

# ---- dry_downgrade --------------------------------------------------------------------
fleet dry_downgrade --inventory fleet.yaml --select 'a-[12]'
is_rc 0 "dry_downgrade of two targets: exit 0"
contains "$M_OUT" "Plan: 2 targets will roll back 1 migration (2 steps); 0 unreachable; 0 locked; 0 drifted
  2  $M1" "the plan of a downgrade"
fleet dry_downgrade --inventory fleet.yaml --select 'a-[23]' --quiet
is_rc 1 "dry_downgrade where nothing is applied: exit 1"
contains "$M_OUT" "1 target will roll back 1 migration (1 step); 0 unreachable; 0 locked; 0 drifted; 1 other failure" \
	"a target with nothing to roll back is counted"

done_testing
