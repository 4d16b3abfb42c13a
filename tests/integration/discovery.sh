#!/bin/bash
# Discover entries (docs/fleet.md, "Discovery"): targets found at run time
# by a query (PostgreSQL schemas, MariaDB databases) or by a command that
# prints JSON lines. The targets are sorted by name, --select and --canary
# apply to them, the report records what was found so that --resume takes
# the same targets without discovering again, shards agree and `report
# merge` says when they did not; a discovery that fails, hangs or finds
# nothing is an inventory error (exit 3) with the position of its entry.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$TESTS_SRCDIR/lib/tap.sh"
. "$TESTS_SRCDIR/lib/engines.sh"
. "$TESTS_SRCDIR/lib/rollout.sh"

W=$T_TMP/fleet
mkdir -p "$W"

write_mig "$W/m" 1700000100 1 "items" <<'SQL'
-- migratore: run
CREATE TABLE items (id INT);
SQL

# A report's targets as "name:status" words.
statuses() { # REPORT
	py "$1" <<'PY'
import json, sys
print(" ".join(t["name"] + ":" + t["status"] for t in json.load(open(sys.argv[1]))["targets"]))
PY
}

# A report's discovered[i] field.
discovered() { # REPORT FIELD [I]
	py "$1" "$2" "${3:-0}" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))["discovered"][int(sys.argv[3])][sys.argv[2]]
print(json.dumps(d) if isinstance(d, (list, dict)) else d)
PY
}

# ---- PostgreSQL: schemas found by a query ---------------------------------

pg_setup() {
	local s
	new_db postgres
	PGDB=$T_DBNAME
	for s in t_1 t_2 t_3 t_4 t_5 other; do
		sql postgres "CREATE SCHEMA $s" >/dev/null
	done
	# the first migration fails in t_3: its table is there already
	sql postgres "CREATE TABLE t_3.items (id INT)" >/dev/null
	PGURL="postgres://$TEST_DB_USER:\${PGPW}@$TEST_PG_HOST:$TEST_PG_PORT/$PGDB?sslmode=disable"
	cat >"$W/pg.yaml" <<EOF
version: 1
defaults:
  url: $PGURL
  path: m
targets:
  - name: public
  - name: tenant-{nspname}
    schema: "{nspname}"
    tags: [tenants, "owner-{owner}"]
    discover:
      query: SELECT nspname, 'me' AS owner FROM pg_namespace WHERE nspname LIKE 't\\_%' ORDER BY nspname DESC
EOF
}

pg_query_cases() {
	fleet PGPW="$TEST_DB_PASS" upgrade --inventory pg.yaml --report r1.json
	is_rc 1 "postgres: a public target and five discovered schemas, t_3 fails: exit 1"
	is "$(statuses "$W/r1.json")" \
		"public:ok tenant-t_1:ok tenant-t_2:ok tenant-t_3:failed tenant-t_4:ok tenant-t_5:ok" \
		"the discovered targets come sorted by name, whatever the query's order"
	is "$(sql postgres "SELECT string_agg(table_schema, ' ' ORDER BY table_schema) FROM information_schema.tables WHERE table_name = 'items'")" \
		"public t_1 t_2 t_3 t_4 t_5" "each schema got its table (t_3 had one)"
	is "$(discovered "$W/r1.json" kind) $(discovered "$W/r1.json" targets) $(discovered "$W/r1.json" line):$(discovered "$W/r1.json" column)" \
		"query 5 10:5" "the report records the discovery and its entry"
	is "$(discovered "$W/r1.json" columns) $(discovered "$W/r1.json" rows)" \
		'["nspname", "owner"] [["t_5", "me"], ["t_4", "me"], ["t_3", "me"], ["t_2", "me"], ["t_1", "me"]]' \
		"and the rows it found, as the server returned them"
	is "$(discovered "$W/r1.json" source)" \
		"query on postgres $TEST_DB_USER:****@$TEST_PG_HOST:$TEST_PG_PORT/$PGDB" \
		"the source says where the query ran, password masked"

	fleet PGPW="$TEST_DB_PASS" dry_upgrade --inventory pg.yaml \
		--select 'tag:owner-me' --select public --canary tenant-t_2 \
		--report sel.json
	is_rc 0 "--select and --canary on discovered targets: exit 0"
	is "$(py "$W/sel.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print(len(r["targets"]), " ".join("%s:%d" % (w["name"], w["targets"]) for w in r["waves"]))
PY
)" "6 canary:1 rest:5" "the canary wave takes the discovered target it names"

	# t_3 fixed, and a tenant added since: --resume takes the report's
	# targets, not a new discovery
	sql postgres "DROP TABLE t_3.items; CREATE SCHEMA t_6" >/dev/null
	fleet PGPW="$TEST_DB_PASS" upgrade --inventory pg.yaml --resume r1.json \
		--report r2.json
	is_rc 0 "--resume: exit 0"
	is "$(statuses "$W/r2.json")" "tenant-t_3:ok" "only the unfinished target ran again, not the new tenant"
	is "$(discovered "$W/r2.json" digest)" "$(discovered "$W/r1.json" digest)" \
		"the resumed run recorded the very same discovery"
	is "$(sql postgres "SELECT count(*) FROM information_schema.tables WHERE table_schema = 't_6'")" 0 \
		"t_6 was not touched"

	fleet PGPW="$TEST_DB_PASS" upgrade --inventory pg.yaml --report r3.json
	is_rc 0 "a new run discovers again: exit 0"
	is "$(statuses "$W/r3.json")" \
		"public:nothing-to-do tenant-t_1:nothing-to-do tenant-t_2:nothing-to-do tenant-t_3:nothing-to-do tenant-t_4:nothing-to-do tenant-t_5:nothing-to-do tenant-t_6:ok" \
		"and finds t_6"
}

pg_shard_cases() {
	local names
	fleet PGPW="$TEST_DB_PASS" dry_upgrade --inventory pg.yaml --shard 0/2 \
		--report s0.json
	fleet PGPW="$TEST_DB_PASS" dry_upgrade --inventory pg.yaml --shard 1/2 \
		--report s1.json
	is_rc 0 "two shards of the discovered fleet: exit 0"
	is "$(discovered "$W/s0.json" digest)" "$(discovered "$W/s1.json" digest)" \
		"the shards discovered the same targets"
	names=$( (statuses "$W/s0.json"; statuses "$W/s1.json") | tr ' ' '\n' | sed 's/:.*//' | sort | tr '\n' ' ')
	is "$names" "public tenant-t_1 tenant-t_2 tenant-t_3 tenant-t_4 tenant-t_5 tenant-t_6 " \
		"between them every target, each once"
	MIG_CWD=$W mig report merge merged.json s0.json s1.json
	is_rc 0 "report merge of the shards: exit 0"
	lacks "$M_ERR" "did not see the same fleet" "no note: the shards agree"
	is "$(discovered "$W/merged.json" digest)" "$(discovered "$W/s0.json" digest)" \
		"the merged report keeps the discovery"

	sql postgres "CREATE SCHEMA t_7" >/dev/null
	sleep 1 # a later end: the second shard's report is the latest
	fleet PGPW="$TEST_DB_PASS" dry_upgrade --inventory pg.yaml --shard 1/2 \
		--report s1b.json
	MIG_CWD=$W mig report merge merged2.json s0.json s1b.json
	contains "$M_ERR" "s0.json discovered other targets than s1b.json (6 and 7): the runs did not see the same fleet" \
		"a shard that saw another fleet is noted"
}

pg_failure_cases() {
	local pwf=$W/pg.pw
	printf '%s\n' "$TEST_DB_PASS" >"$pwf"
	chmod 600 "$pwf"
	bad_inventory() { # QUERY [DISCOVER-EXTRA]
		cat >"$W/bad.yaml" <<EOF
version: 1
defaults:
  url: $PGURL
  path: m
targets:
  - name: "x-{0}"
    schema: "{0}"
    discover:
      query: $1
$2
EOF
	}
	bad_inventory "SELECT nspname FROM no_such"
	fleet PGPW="$TEST_DB_PASS" upgrade --inventory bad.yaml
	is_rc 3 "a failed query: exit 3"
	is "$M_ERR" "bad.yaml:8:5: discover: query on postgres $TEST_DB_USER:****@$TEST_PG_HOST:$TEST_PG_PORT/$PGDB failed: relation \"no_such\" does not exist
migratore: error: inventory bad.yaml: 1 problem" "its message, at the discover entry"

	bad_inventory "SELECT nspname FROM pg_namespace WHERE nspname = 'nobody'"
	fleet PGPW="$TEST_DB_PASS" upgrade --inventory bad.yaml
	is_rc 3 "a query that finds nothing: exit 3"
	is "$M_ERR" "bad.yaml:8:5: discover: the query returned no rows: a discovery that finds nothing is an error, not an empty fleet
migratore: error: inventory bad.yaml: 1 problem" "never an empty success"

	bad_inventory "SELECT 'a b'"
	fleet PGPW="$TEST_DB_PASS" upgrade --inventory bad.yaml
	is_rc 3 "a row that makes a bad name: exit 3"
	is "$M_ERR" "bad.yaml:6:11: discover: row 1: name: 'x-a b' is not a valid name: use letters, digits, '.', '_' and '-', not first '.' or '-', at most 200
migratore: error: inventory bad.yaml: 1 problem" "the row is named"

	bad_inventory "SELECT nspname FROM pg_namespace WHERE nspname LIKE 't\\_%'" \
		"      url: postgres://$TEST_DB_USER@$TEST_PG_HOST:$TEST_PG_PORT/$PGDB?sslmode=disable
      password: $T_SECRET"
	fleet PGPW="$TEST_DB_PASS" upgrade --inventory bad.yaml
	is_rc 3 "a discovery url with a wrong password: exit 3"
	is "$M_ERR" "bad.yaml:8:5: discover: query on postgres $TEST_DB_USER:****@$TEST_PG_HOST:$TEST_PG_PORT/$PGDB failed: cannot connect to postgres at $TEST_PG_HOST:$TEST_PG_PORT/$PGDB: password authentication failed for user \"$TEST_DB_USER\" (refused by the server: fix the password, the database name or the privilege, a retry would not help; nothing was touched)
migratore: error: inventory bad.yaml: 1 problem" "the server's words, the password masked"

	bad_inventory "SELECT nspname FROM pg_namespace WHERE nspname LIKE 't\\_%'" \
		"      url: postgres://$TEST_DB_USER@$TEST_PG_HOST:$TEST_PG_PORT/$PGDB?sslmode=disable
      password_file: pg.pw"
	fleet PGPW="$TEST_DB_PASS" dry_upgrade --inventory bad.yaml
	is_rc 0 "the discovery url's password from a password_file: exit 0"
	contains "$M_OUT" "7 targets" "it found the seven tenants"
}

# ---- a command that prints JSON lines, MariaDB databases ------------------

my_setup() {
	local d
	MYBASE=mit_dsc_$$_$RANDOM
	for d in a b c; do
		_my_admin -e "CREATE DATABASE \`${MYBASE}_$d\`" || bail_out "CREATE DATABASE"
		echo "mysql ${MYBASE}_$d" >>"$T_TMP/dbs"
	done
	cat >"$W/tenants.sh" <<EOF
#!/bin/sh
# a service catalogue's answer: one target a line
echo '{"name": "b", "schema": "${MYBASE}_b", "tags": ["eu"]}'
echo
echo '{"name": "a", "schema": "${MYBASE}_a", "port": $TEST_MY_PORT}'
echo "a warning the catalogue printed" >&2
EOF
	chmod 755 "$W/tenants.sh"
	my_inventory() { # COMMAND... (YAML flow items)
		cat >"$W/my.yaml" <<EOF
version: 1
defaults:
  url: mysql://$TEST_DB_USER:\${MYPW}@$TEST_MY_HOST:$TEST_MY_PORT/
  path: m
targets:
  - discover:
      command: [$1]
      timeout: 2s
    tags: [catalogue]
EOF
	}
}

my_command_cases() {
	local start end
	my_inventory "./tenants.sh"
	fleet MYPW="$TEST_DB_PASS" upgrade --inventory my.yaml --report c1.json
	is_rc 0 "mariadb: two databases from a command's JSON lines: exit 0"
	is "$(statuses "$W/c1.json")" "a:ok b:ok" "sorted by name"
	is "$(py "$W/c1.json" <<<'import json,sys; print(" ".join(",".join(t["tags"]) for t in json.load(open(sys.argv[1]))["targets"]))')" \
		"catalogue catalogue,eu" "a line's tags add to the entry's"
	is "$(_my_admin -N -B -e "SELECT group_concat(table_schema ORDER BY table_schema) FROM information_schema.tables WHERE table_name = 'items' AND table_schema LIKE '${MYBASE}\_%'" | sed "s/$MYBASE//g")" \
		"_a,_b" "each database got its table"
	is "$(discovered "$W/c1.json" kind) $(discovered "$W/c1.json" source) $(discovered "$W/c1.json" targets)" \
		"command command ./tenants.sh 2" "the report records the command"
	is "$(discovered "$W/c1.json" lines)" \
		"[\"{\\\"name\\\": \\\"b\\\", \\\"schema\\\": \\\"${MYBASE}_b\\\", \\\"tags\\\": [\\\"eu\\\"]}\", \"{\\\"name\\\": \\\"a\\\", \\\"schema\\\": \\\"${MYBASE}_a\\\", \\\"port\\\": $TEST_MY_PORT}\"]" \
		"and its lines, as printed"

	# resumed: the command is not run again (it would now fail)
	printf '#!/bin/sh\necho "a warning the catalogue printed" >&2\nexit 9\n' \
		>"$W/tenants.sh"
	_my_admin -e "DROP TABLE \`${MYBASE}_b\`.items; DELETE FROM \`${MYBASE}_b\`.migratore"
	py "$W/c1.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
for t in r["targets"]:
    if t["name"] == "b":
        t["status"] = "failed"
json.dump(r, open(sys.argv[1], "w"))
PY
	fleet MYPW="$TEST_DB_PASS" upgrade --inventory my.yaml --resume c1.json \
		--report c2.json
	is_rc 0 "--resume replays the command's lines without running it: exit 0"
	is "$(statuses "$W/c2.json")" "b:ok" "b ran again from the recorded line"
	fleet MYPW="$TEST_DB_PASS" upgrade --inventory my.yaml
	is_rc 3 "a new run runs the command, which now fails: exit 3"
	is "$M_ERR" "my.yaml:6:5: discover: command ./tenants.sh exited with status 9: a warning the catalogue printed
migratore: error: inventory my.yaml: 1 problem" "its exit status and the last line it wrote on stderr"

	printf '#!/bin/sh\necho "{\\"name\\": \\"a\\"}"\nexec sleep 30\n' >"$W/slow.sh"
	chmod 755 "$W/slow.sh"
	my_inventory "./slow.sh"
	start=$(date +%s)
	fleet MYPW="$TEST_DB_PASS" upgrade --inventory my.yaml
	end=$(date +%s)
	is_rc 3 "a command that hangs: exit 3"
	is "$M_ERR" "my.yaml:6:5: discover: command ./slow.sh did not finish within 2s (killed)
migratore: error: inventory my.yaml: 1 problem" "killed at its timeout"
	[ $((end - start)) -lt 10 ]
	ok $? "within the bound, not after the command's 30 s ($((end - start)) s)"

	printf '#!/bin/sh\nexit 0\n' >"$W/empty.sh"
	chmod 755 "$W/empty.sh"
	my_inventory "./empty.sh"
	fleet MYPW="$TEST_DB_PASS" upgrade --inventory my.yaml
	is_rc 3 "a command that prints nothing: exit 3"
	is "$M_ERR" "my.yaml:6:5: discover: the command printed no targets: a discovery that finds nothing is an error, not an empty fleet
migratore: error: inventory my.yaml: 1 problem" "never an empty success"

	cat >"$W/badlines.sh" <<EOF
#!/bin/sh
echo '{"name": "a", "schema": "${MYBASE}_a"}'
echo 'oops'
echo '{"name": "c", "password": "$T_SECRET"}'
echo '{"name": "a", "hots": "x"}'
EOF
	chmod 755 "$W/badlines.sh"
	my_inventory "./badlines.sh"
	fleet MYPW="$TEST_DB_PASS" upgrade --inventory my.yaml
	is_rc 3 "lines that are not good targets: exit 3"
	is "$M_ERR" "my.yaml:6:5: discover: line 2: not JSON (column 1: expected a value, found 'o')
my.yaml:6:5: discover: line 3: password: a discovered target cannot carry a password (the report keeps what was discovered): give password or password_file in the discover entry or in defaults
my.yaml:6:5: discover: line 4: unknown key 'hots' (did you mean 'host'?)
my.yaml:6:5: discover: line 4: duplicate target name 'a' (first defined at 6:5, line 1)
migratore: error: inventory my.yaml: 4 problems" "every problem, with its line"

	my_inventory "./no-such-program"
	fleet MYPW="$TEST_DB_PASS" upgrade --inventory my.yaml
	is_rc 3 "a command that cannot run: exit 3"
	is "$M_ERR" "my.yaml:6:5: discover: command ./no-such-program exited with status 127: cannot run ./no-such-program: No such file or directory
migratore: error: inventory my.yaml: 1 problem" "why it could not run"
}

my_query_cases() {
	cat >"$W/myq.yaml" <<EOF
version: 1
defaults:
  url: mysql://$TEST_DB_USER:\${MYPW}@$TEST_MY_HOST:$TEST_MY_PORT/
  path: m
targets:
  - name: "db-{suffix}"
    schema: "{schema_name}"
    discover:
      query: SELECT schema_name, right(schema_name, 1) AS suffix FROM information_schema.schemata WHERE schema_name LIKE '${MYBASE}\\\\_%'
EOF
	fleet MYPW="$TEST_DB_PASS" upgrade --inventory myq.yaml --report q.json
	is_rc 0 "mariadb: databases found by a query: exit 0"
	is "$(statuses "$W/q.json")" "db-a:nothing-to-do db-b:nothing-to-do db-c:ok" \
		"every database of the pattern, by the column names of the query"
}

if [ -n "${TEST_PG_URL:-}" ]; then
	pg_setup
	pg_query_cases
	pg_shard_cases
	pg_failure_cases
else
	skip "no PostgreSQL test server (TEST_PG_URL)" 36
fi
if [ -n "${TEST_MY_URL:-}" ]; then
	my_setup
	my_command_cases
	my_query_cases
else
	skip "no MariaDB test server (TEST_MY_URL)" 25
fi

check_no_password
done_testing
