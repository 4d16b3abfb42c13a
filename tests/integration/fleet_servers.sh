#!/bin/bash
# A mixed fleet (SPEC 1, 8): SQLite plus, when tests/servers.sh started
# them, two PostgreSQL and two MariaDB databases in one inventory, run by
# one coordinator. Engine-qualified sections pick the right SQL per
# target; a failing migration is reported per engine with how many of its
# statements were committed (MariaDB commits DDL implicitly, PostgreSQL and
# SQLite roll it back), and the rows in every database match the report.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$TESTS_SRCDIR/lib/tap.sh"
. "$TESTS_SRCDIR/lib/engines.sh"

W=$T_TMP/fleet
mkdir -p "$W/m" "$W/db"

{
	echo "version: 1"
	echo "defaults:"
	echo "  path: m"
	echo "targets:"
	echo "  - name: lite"
	echo "    engine: sqlite"
	echo "    db: db/lite.db"
} >"$W/fleet.yaml"
declare -A URL ENGINE
NAMES=(lite)
ENGINE[lite]=sqlite
for e in $(engine_list); do
	[ "$e" = sqlite ] && continue
	for i in 1 2; do
		new_db "$e"
		name="$e-$i"
		NAMES+=("$name")
		URL[$name]=$DB_URL
		ENGINE[$name]=$e
		printf '  - name: %s\n    url: %s\n' "$name" "$DB_URL" >>"$W/fleet.yaml"
	done
done
unset DB_URL
[ "${#NAMES[@]}" -gt 1 ] || note "no server started: a SQLite-only fleet"

write_mig "$W/m" 1700000100 1 "per engine" <<'EOF'
-- migratore: run
CREATE TABLE t1 (id INTEGER PRIMARY KEY, name TEXT);
-- migratore: run mysql
CREATE TABLE t1 (id INT PRIMARY KEY, name VARCHAR(100));
EOF
write_mig "$W/m" 1700000200 2 "data" <<'EOF'
-- migratore: run
INSERT INTO t1 (id, name) VALUES (1, 'it''s');
EOF

fleet() { MIG_CWD=$W mig "$@"; }

fleet upgrade --inventory fleet.yaml --report r1.json
is_rc 0 "a mixed fleet upgrades: exit 0"
for n in "${NAMES[@]}"; do
	like "$M_OUT" "^$n +${ENGINE[$n]} +ok +2 +0 " "$n: ok, 2 applied"
done

write_mig "$W/m" 1700000300 3 "breaks" <<'EOF'
-- migratore: run
CREATE TABLE t3 (id INT PRIMARY KEY);
INSERT INTO no_such_table VALUES (1);
EOF
fleet upgrade --inventory fleet.yaml --report r2.json
is_rc 1 "a migration failing everywhere: exit 1"
for n in "${NAMES[@]}"; do
	like "$M_OUT" "^$n +${ENGINE[$n]} +failed +0 +1 .*statement 2 of 2" "$n: failed at statement 2"
done

is "$(python3 - "$W/r2.json" <<'PY'
import json, sys
for t in json.load(open(sys.argv[1]))["targets"]:
    s = t["steps"][-1]
    print(t["name"], t["engine"], s["result"], s["committed"], s["total"], s["statement_no"])
PY
)" "$(for n in "${NAMES[@]}"; do
	c=0
	[ "${ENGINE[$n]}" = mysql ] && c=1
	echo "$n ${ENGINE[$n]} error $c 2 2"
done)" "the report says how much each engine committed"

# The rows of every database against the report of the second run.
for n in "${NAMES[@]}"; do
	if [ "$n" = lite ]; then
		T_ENGINE=sqlite T_DBFILE=$W/db/lite.db
	else
		T_ENGINE=${ENGINE[$n]}
		T_DBNAME=${URL[$n]##*/}
		T_DBNAME=${T_DBNAME%%\?*}
	fi
	rows=$(sql "$T_ENGINE" "SELECT object_id, result, operation FROM migratore WHERE run_id = '$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["run_id"])' "$W/r2.json")' ORDER BY object_id" | tr '\t' ' ')
	want=$(python3 - "$W/r2.json" "$n" <<'PY'
import json, sys
t = [t for t in json.load(open(sys.argv[1]))["targets"] if t["name"] == sys.argv[2]][0]
for s in t["steps"]:
    if s["object_id"] is not None:
        print(s["object_id"], s["result"], s["operation"])
PY
)
	is "$rows" "$want" "$n: the rows of this run match the report"
done
check_no_password
done_testing
