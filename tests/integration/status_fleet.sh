#!/bin/bash
# `status --inventory` on a mixed fleet (SQLite, and PostgreSQL and
# MariaDB when tests/servers.sh started them): the version skew, the
# targets that are failed, drifted or without a status, one line per
# target with its last run from its own rows, the JSON report's "status"
# member read with python3, --strict and STATUS_STRICT (exit 1 until every
# target is up to date), and that it writes nothing anywhere.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$TESTS_SRCDIR/lib/tap.sh"
. "$TESTS_SRCDIR/lib/engines.sh"
. "$TESTS_SRCDIR/lib/rollout.sh" # py, fleet

W=$T_TMP/fleet
mkdir -p "$W/m" "$W/v1" "$W/db"

write_mig "$W/m" 1700000100 1 "users" <<'EOF'
-- migratore: run
CREATE TABLE t1 (id INTEGER PRIMARY KEY, name TEXT);
-- migratore: run mysql
CREATE TABLE t1 (id INT PRIMARY KEY, name VARCHAR(100));
EOF
write_mig "$W/m" 1700000200 2 "add email" <<<$'-- migratore: run\nCREATE TABLE t2 (id INT);'
write_mig "$W/m" 1700000300 3 "add currency" <<<$'-- migratore: run\nCREATE TABLE t3 (id INT);'
cp "$W/m/1700000100_m1.sql" "$W/v1/"

# The inventory: three SQLite targets, one that cannot be reached (unless
# "reachable" is given), then the servers' databases.
write_inventory() { # [reachable]
	local n
	{
		echo "version: 1"
		echo "defaults:"
		echo "  path: m"
		echo "targets:"
		echo "  - name: lite-{1..3}"
		echo "    engine: sqlite"
		echo "    db: db/lite-{1..3}.db"
		[ "${1:-}" = reachable ] ||
			printf '  - name: gone\n    engine: sqlite\n    db: %s\n' \
				"$W/no/such/dir/gone.db"
		for n in "${NAMES[@]}"; do
			[ -n "${URL[$n]:-}" ] &&
				printf '  - name: %s\n    url: %s\n' "$n" "${URL[$n]}"
		done
	} >"$W/fleet.yaml"
}
declare -A URL ENGINE
NAMES=(lite-1 lite-2 lite-3)
for n in "${NAMES[@]}"; do ENGINE[$n]=sqlite; done
for e in $(engine_list); do
	[ "$e" = sqlite ] && continue
	for i in 1 2; do
		new_db "$e"
		n="${e:0:2}-$i"
		NAMES+=("$n")
		URL[$n]=$DB_URL
		ENGINE[$n]=$e
	done
done
unset DB_URL
write_inventory
[ "${#NAMES[@]}" -gt 3 ] || note "no server started: a SQLite-only fleet"

# The rows of one target, whatever its engine.
target_sql() { # NAME QUERY
	if [ "${ENGINE[$1]}" = sqlite ]; then
		sqlite3 "$W/db/$1.db" "$2"
	else
		T_ENGINE=${ENGINE[$1]} T_DBNAME=${URL[$1]##*/}
		T_DBNAME=${T_DBNAME%%\?*}
		sql "${ENGINE[$1]}" "$2"
	fi
}

# The text with the ages replaced.
no_ages() { sed -E 's/(success|failed), [0-9]+[smhd] ago/\1, AGE ago/'; }

# ---- nothing anywhere yet: read-only ----
fleet status --inventory fleet.yaml
is_rc 1 "a fleet with an unreachable target: exit 1"
is "$(ls "$W/db")" "" "no SQLite file was created"
for n in "${NAMES[@]}"; do
	[ "${ENGINE[$n]}" = sqlite ] && continue
	schema="DATABASE()"
	[ "${ENGINE[$n]}" = postgres ] && schema="current_schema()"
	is "$(target_sql "$n" "SELECT count(*) FROM information_schema.tables WHERE table_name LIKE 'migratore%' AND table_schema = $schema")" 0 \
		"$n: no bookkeeping table was made"
done

# ---- skew: the first half at 1, lite-3 at 3, the others at 2 ----
fleet upgrade v1 --inventory fleet.yaml --select 'lite-1,lite-2' --quiet
is_rc 0 "(two targets at the first migration)"
fleet upgrade --inventory fleet.yaml --select lite-3 --quiet
others=()
for n in "${NAMES[@]}"; do
	case $n in lite-*) ;; *) others+=("$n") ;; esac
done
if [ "${#others[@]}" -gt 0 ]; then
	rm -rf "$W/v2" && mkdir "$W/v2" && cp "$W/m/1700000100_m1.sql" "$W/m/1700000200_m2.sql" "$W/v2/"
	fleet upgrade v2 --inventory fleet.yaml --select "$(IFS=,; echo "${others[*]}")" --quiet
	is_rc 0 "(the servers' targets at the second migration)"
fi
# lite-2: a failed third migration; lite-3: its first one drifted
sqlite3 "$W/db/lite-2.db" "INSERT INTO migratore (object_id, uuid, timestamp, name, result, error, operation, start, \"end\", duration, start_s, end_s) SELECT MAX(object_id) + 1, '$(uid 2)', 1700000200, '1700000200_m2.sql', 'error', 'statement 1 of 1 (1700000200_m2.sql:6) failed: boom
DETAIL: more', 'Run', strftime('%s','now'), strftime('%s','now'), 0, 'x', 'x' FROM migratore"
sqlite3 "$W/db/lite-3.db" "UPDATE migratore SET checksum = 'v2:00' WHERE uuid = '$(uid 1)'"

fleet status --inventory fleet.yaml
is_rc 1 "the unreachable target makes the run exit 1"
want_skew="Version skew (the latest applied migration of each target):
  1700000300 add currency: 1 target"
[ "${#others[@]}" -gt 0 ] && want_skew+="
  1700000200 add email: ${#others[@]} targets"
want_skew+="
  1700000100 users: 2 targets
  no status: 1 target"
is "$(sed -n '1,/^$/p' <<<"$M_OUT" | sed '$d')" "$want_skew" \
	"the version skew: newest first, with the targets at each"
is "$(sed -n '/^Failed, drifted/,/^$/p' <<<"$M_OUT" | sed '$d')" \
"Failed, drifted or without status:
  lite-2  failed   1700000200_m2.sql: statement 1 of 1 (1700000200_m2.sql:6) failed: boom
  lite-3  drifted  1700000100_m1.sql: its run section for sqlite (the plain \`run\`, line 5) changed since it ran
  gone    unreachable: cannot open database file $W/no/such/dir/gone.db: its directory does not exist or is not writable" \
	"then the targets that need a look, with the first line of each problem"
we=6
[ -n "${ENGINE[po-1]:-}" ] && we=8
line() { printf "%-6s  %-${we}s  %-23s  %7s  %7s  %s" "$@"; }
rows="$(line TARGET ENGINE "LATEST APPLIED" PENDING DRIFTED "LAST RUN")
$(line lite-1 sqlite "1700000100 users" 2 0 "success, AGE ago")
$(line lite-2 sqlite "1700000100 users" 2 0 "failed, AGE ago")
$(line lite-3 sqlite "1700000300 add currency" 0 1 "success, AGE ago")
$(printf "%-6s  %-${we}s  %s" gone sqlite "unreachable: cannot open database file $W/no/such/dir/gone.db: its directory does not exist or is not writable")"
for n in "${others[@]}"; do
	rows+="
$(line "$n" "${ENGINE[$n]}" "1700000200 add email" 1 0 "success, AGE ago")"
done
is "$(sed -n '/^TARGET/,/^$/p' <<<"$M_OUT" | sed '$d' | no_ages | sed 's/ *$//')" "$(sed 's/ *$//' <<<"$rows")" \
	"one line per target: engine, latest applied, pending, drifted, last run"
is "$(tail -n 1 <<<"$M_OUT")" \
	"$((${#NAMES[@]} + 1)) targets: 0 up to date, $((1 + ${#others[@]})) behind, 1 failed, 1 drifted, 1 unreachable" \
	"the counts, each target once"

# ---- JSON ----
fleet status --inventory fleet.yaml --format json
is_rc 1 "status --format json: the same exit"
printf '%s' "$M_OUT" >"$W/status.json"
is "$(py "$W/status.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
s = d["status"]
print(d["command"], s["strict"], s["counts"]["targets"], s["counts"]["failed"], s["counts"]["drifted"], s["counts"]["not_reached"])
print([(k["timestamp"], k["description"], k["targets"]) for k in s["skew"]])
t = {x["name"]: x for x in s["targets"]}
print(t["lite-2"]["state"], t["lite-2"]["failed"], t["lite-2"]["last_run"]["result"], [p["state"] for p in t["lite-2"]["problems"]])
print(t["lite-3"]["state"], t["lite-3"]["latest"]["file"], t["gone"]["state"], t["gone"]["latest"])
PY
)" "status False $((${#NAMES[@]} + 1)) 1 1 1
[(1700000300, 'add currency', 1)$([ "${#others[@]}" -gt 0 ] && echo ", (1700000200, 'add email', ${#others[@]})"), (1700000100, 'users', 2)]
failed 1 error ['failed']
drifted 1700000300_m3.sql not_reached None" "the JSON report's status member"

# ---- strict ----
write_inventory reachable
fleet status --inventory fleet.yaml
is_rc 0 "every target reached, not strict: exit 0"
fleet status --inventory fleet.yaml --strict
is_rc 1 "--strict while targets are behind, failed or drifted: exit 1"
fleet STATUS_STRICT=1 status --inventory fleet.yaml
is_rc 1 "STATUS_STRICT=1: the same"
fleet upgrade --inventory fleet.yaml --quiet
is_rc 0 "(upgrade everything)"
fleet repair --inventory fleet.yaml --select lite-3 --yes
is_rc 0 "(repair the drifted target)"
fleet status --inventory fleet.yaml --strict
is_rc 0 "--strict once every target is up to date: exit 0"
is "$(sed -n 2p <<<"$M_OUT")" "  1700000300 add currency: ${#NAMES[@]} targets" \
	"no skew left"
check_no_password
done_testing
