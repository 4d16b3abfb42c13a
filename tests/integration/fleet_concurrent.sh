#!/bin/bash
# Two coordinators on the same fleet at once (SPEC 8, 9: "two coordinators
# on the same fleet"): the per-database migration lock makes every
# migration run exactly once per target; for each target one run applies
# everything and the other finds nothing to do, and both exit 0.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$TESTS_SRCDIR/lib/tap.sh"
. "$TESTS_SRCDIR/lib/engines.sh"

W=$T_TMP/fleet
mkdir -p "$W/m" "$W/db"
write_mig "$W/m" 1700000100 1 "first" <<'EOF'
-- migratore: run
CREATE TABLE t1 (id INTEGER PRIMARY KEY);
EOF
write_mig "$W/m" 1700000200 2 "slow" <<EOF
-- migratore: run
$(slow_sql sqlite)
CREATE TABLE t2 (id INTEGER PRIMARY KEY);
EOF
write_mig "$W/m" 1700000300 3 "third" <<'EOF'
-- migratore: run
CREATE TABLE t3 (id INTEGER PRIMARY KEY);
EOF
cat >"$W/fleet.yaml" <<'EOF'
version: 1
defaults:
  engine: sqlite
  path: m
  lock_timeout: 60
targets:
  - name: s-{1..6}
    db: db/s-{1..6}.db
EOF

run() { # N: coordinator N in the background
	(cd "$W" && exec env -i PATH="$PATH" HOME="$T_TMP/home" USER=itester \
		"$MIGRATORE" upgrade --inventory fleet.yaml --jobs 3 \
		--report "report-$1.json" >"$W/out-$1" 2>&1) &
}
run 1
P1=$!
bg_track $P1
run 2
P2=$!
bg_track $P2
wait $P1
R1=$?
wait $P2
R2=$?
is "$R1 $R2" "0 0" "both coordinators exit 0"

for i in 1 2 3 4 5 6; do
	got=$(sqlite3 "$W/db/s-$i.db" "SELECT uuid, count(*) FROM migratore WHERE result = 'success' AND operation = 'Run' GROUP BY uuid ORDER BY uuid" | tr '\n' ' ')
	is "$got" "$(uid 1)|1 $(uid 2)|1 $(uid 3)|1 " "s-$i: every migration applied exactly once"
	is "$(sqlite3 "$W/db/s-$i.db" "SELECT count(*) FROM migratore WHERE result != 'success'")" 0 \
		"s-$i: no error row"
done

is "$(python3 - "$W/report-1.json" "$W/report-2.json" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
out = []
for x, y in zip(a["targets"], b["targets"]):
    pair = sorted([x["status"], y["status"]])
    applied = x["applied"] + y["applied"]
    if pair != ["nothing-to-do", "ok"] or applied != 3:
        out.append("%s: %s, %d applied" % (x["name"], pair, applied))
print("\n".join(out) or "split")
PY
)" split "per target: one run applied all three, the other had nothing to do"
isnt "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["run_id"])' "$W/report-1.json")" \
	"$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["run_id"])' "$W/report-2.json")" \
	"each run has its own id"

done_testing
