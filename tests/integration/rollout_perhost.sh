#!/bin/bash
# --per-host N (docs/fleet.md, Rollouts): at most N targets of one server
# at once, whatever --jobs is. Twelve databases on the PostgreSQL test
# server, --jobs 8 --per-host 2: the server's own clock shows at most two
# migrations running at any moment (each records clock_timestamp() when it
# starts and ends, around a pg_sleep). Without --per-host the same
# evidence shows more than two: the measure can see a breach.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$TESTS_SRCDIR/lib/tap.sh"
. "$TESTS_SRCDIR/lib/engines.sh"
. "$TESTS_SRCDIR/lib/rollout.sh"

if [ -z "${TEST_PG_URL:-}" ]; then
	skip "no PostgreSQL test server (TEST_PG_URL)" 5
	done_testing
fi

W=$T_TMP/fleet
mkdir -p "$W"
# each migration: a mark at its start and its end, 0.4 s apart
mark_mig() { # DIR TS N TAG
	write_mig "$1" "$2" "$3" "timed $4" <<SQL
-- migratore: run
CREATE TABLE IF NOT EXISTS ev (tag text, what text, at timestamptz);
INSERT INTO ev VALUES ('$4', 'start', clock_timestamp());
SELECT pg_sleep(0.4);
INSERT INTO ev VALUES ('$4', 'end', clock_timestamp());
SQL
}
mark_mig "$W/capped" 1700000100 1 capped
mark_mig "$W/free" 1700000100 1 capped
mark_mig "$W/free" 1700000200 2 free

DBS=()
{
	printf 'version: 1\ndefaults:\n  engine: postgres\n  host: %s\n  port: %s\n' \
		"$TEST_PG_HOST" "$TEST_PG_PORT"
	printf '  username: %s\n  password: ${PGPW}\n  path: capped\n  lock_timeout: 30\ntargets:\n' \
		"$TEST_DB_USER"
	for i in $(seq -w 1 12); do
		new_db postgres
		DBS+=("$T_DBNAME")
		printf '  - name: pg-%s\n    db: %s\n' "$i" "$T_DBNAME"
	done
} >"$W/fleet.yaml"

# The most migrations of tag TAG running at once, by the server's clock.
overlap() { # TAG
	local db
	for db in "${DBS[@]}"; do
		T_DBNAME=$db sql postgres \
			"SELECT what, extract(epoch FROM at) FROM ev WHERE tag = '$1'"
	done >"$W/ev.txt"
	py "$W/ev.txt" <<'PY'
import sys
ev = []
for line in open(sys.argv[1]):
    what, at = line.split()
    ev.append((float(at), 1 if what == "start" else -1))
ev.sort(key=lambda e: (e[0], e[1]))   # an end before a start at a tie
now = most = 0
for _, d in ev:
    now += d
    most = max(most, now)
print(len(ev) // 2, most)
PY
}

fleet PGPW="$TEST_DB_PASS" upgrade --inventory fleet.yaml --jobs 8 \
	--per-host 2 --report report.json
is_rc 0 "12 targets on one server, --jobs 8 --per-host 2: exit 0"
is "$(overlap capped)" "12 2" "the server ran every migration, never more than two at once"
is "$(py "$W/report.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
ts = sorted((t["start"], t["end"]) for t in r["targets"])
most = max(sum(1 for s, e in ts if s <= t < e) for t, _ in ts)
print(r["options"]["per_host"], r["options"]["jobs"], most)
PY
)" "2 8 2" "the coordinator's own times agree: two workers at most"

# the control: the same server, no cap
fleet PGPW="$TEST_DB_PASS" upgrade free --inventory fleet.yaml --jobs 8 \
	--report report.json
is_rc 0 "the same fleet without --per-host: exit 0"
got=$(overlap free)
like "$got" "^12 ([3-9]|1[0-2])$" "without the cap more than two ran at once ($got)"

check_no_password
done_testing
