#!/bin/bash
# Schema targets (docs/fleet.md, "Tenants"): PostgreSQL schemas of one
# database and MariaDB databases of one server. Each target's migrations
# run with its schema as the only search path (also after a migration
# moved it), its bookkeeping lives inside it, a missing schema is refused
# unless create_schema says to make it (under the lock, before the
# bookkeeping), the lock is per schema, and --per-host 2 keeps a fleet of
# 20 schemas at two connections to the server, as pg_stat_activity shows.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$TESTS_SRCDIR/lib/tap.sh"
. "$TESTS_SRCDIR/lib/engines.sh"
. "$TESTS_SRCDIR/lib/rollout.sh"

W=$T_TMP/fleet
mkdir -p "$W"

# Three migrations that name nothing but their tables: the second leaves
# its session on another schema (or database), which must not move the
# third, and the third resets search_path itself.
tenant_migs() { # DIR ENGINE
	write_mig "$1" 1700000100 1 "items" <<'SQL'
-- migratore: run
CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(20));
INSERT INTO items VALUES (1, 'first');
SQL
	if [ "$2" = postgres ]; then
		write_mig "$1" 1700000200 2 "wanders off" <<'SQL'
-- migratore: run
SET search_path TO public;
SQL
		write_mig "$1" 1700000300 3 "comes back" <<'SQL'
-- migratore: run
CREATE TABLE after_set (id INT);
RESET search_path;
CREATE TABLE after_reset (id INT);
SQL
	else
		write_mig "$1" 1700000200 2 "wanders off" <<'SQL'
-- migratore: run
USE mysql;
SQL
		write_mig "$1" 1700000300 3 "comes back" <<'SQL'
-- migratore: run
CREATE TABLE after_set (id INT);
SQL
	fi
}

# ---- PostgreSQL: schemas of one database ----------------------------------

pg_cases() {
	local url
	new_db postgres
	PGDB=$T_DBNAME
	tenant_migs "$W/pg" postgres
	url="postgres://$TEST_DB_USER:\${PGPW}@$TEST_PG_HOST:$TEST_PG_PORT/$PGDB?sslmode=disable"
	cat >"$W/pg.yaml" <<EOF
version: 1
defaults:
  url: $url
  path: pg
  lock_timeout: 1
targets:
  - name: t-{01..20}
    schema: t_{01..20}
    tags: [tenants]
EOF
	sed 's/^    tags: \[tenants\]/    tags: [tenants]\n    create_schema: true/' \
		"$W/pg.yaml" >"$W/pg-create.yaml"

	fleet PGPW="$TEST_DB_PASS" upgrade --inventory pg.yaml --select t-01 \
		--report missing.json
	is_rc 1 "postgres: a missing schema without create_schema fails the target"
	is "$(py "$W/missing.json" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))["targets"][0]
print(t["status"], t["schema"])
print(t["reason"])
PY
)" "unreachable t_01
cannot use postgres at $TEST_PG_HOST:$TEST_PG_PORT/$PGDB schema t_01: the schema does not exist (or this user may not use it): create it first, or let migratore create it (create_schema: true, CREATE_SCHEMA=1)" \
		"the report names the schema and what to do"
	is "$(sql postgres "SELECT count(*) FROM pg_namespace WHERE nspname LIKE 't\_%'")" 0 \
		"nothing was created"

	fleet PGPW="$TEST_DB_PASS" dry_upgrade --inventory pg-create.yaml \
		--select t-01 --report dry.json
	is_rc 0 "postgres: a dry run of a schema it may create: exit 0"
	is "$(py "$W/dry.json" <<<'import json,sys; t=json.load(open(sys.argv[1]))["targets"][0]; print(t["status"], t["pending"])')" \
		"ok 3" "every migration is pending there"
	is "$(sql postgres "SELECT count(*) FROM pg_namespace WHERE nspname LIKE 't\_%'")" 0 \
		"and the dry run created nothing"

	fleet PGPW="$TEST_DB_PASS" upgrade --inventory pg-create.yaml --jobs 8 \
		--report created.json
	is_rc 0 "postgres: 20 schemas created and migrated: exit 0"
	is "$(sql postgres "SELECT count(*) FROM pg_namespace WHERE nspname LIKE 't\_%'")" 20 \
		"twenty schemas exist"
	is "$(sql postgres "SELECT table_name, count(*) FROM information_schema.tables WHERE table_schema LIKE 't\_%' GROUP BY 1 ORDER BY 1" | tr '\t\n' ': ')" \
		"after_reset:20 after_set:20 items:20 migratore:20 migratore_progress:20 " \
		"each schema holds its tables and its bookkeeping, after SET and RESET search_path too"
	is "$(sql postgres "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")" 0 \
		"nothing landed in public"
	is "$(sql postgres "SELECT count(*), min(result), max(result) FROM t_07.migratore" | tr '\t' ' ')" \
		"3 success success" "t_07's own bookkeeping has its three rows"
	is "$(py "$W/created.json" <<'PY'
import json, sys
t = [t for t in json.load(open(sys.argv[1]))["targets"] if t["name"] == "t-07"][0]
print(t["status"], t["applied"], t["schema"], t["target"])
PY
)" "ok 3 t_07 postgres $TEST_DB_USER:****@$TEST_PG_HOST:$TEST_PG_PORT/$PGDB schema t_07" \
		"the report describes the target with its schema"

	fleet PGPW="$TEST_DB_PASS" upgrade --inventory pg.yaml --jobs 8 \
		--report again.json
	is_rc 0 "postgres: the same fleet again, without create_schema: exit 0"
	is "$(py "$W/again.json" <<'PY'
import json, sys
print(json.load(open(sys.argv[1]))["totals"]["nothing-to-do"])
PY
)" 20 "every schema has nothing to do"

	mig DB_URL="postgres://$TEST_DB_USER:$TEST_DB_PASS@$TEST_PG_HOST:$TEST_PG_PORT/$PGDB?sslmode=disable" \
		SCHEMA=t_03 -- list "$W/pg"
	is_rc 0 "single target: SCHEMA=t_03 list"
	is "$(grep -c '^UUID' <<<"$M_OUT")" 3 "it lists t_03's three rows"
	contains "$M_OUT" "/$PGDB schema t_03" "its banner names the schema"
}

# The advisory lock key of a schema target (pg.h): FNV-1a, 63 bits, of
# "migratore:" + database + NUL + schema.
pg_key() { # DB SCHEMA
	python3 - "$1" "$2" <<'PY'
import sys
h = 0xcbf29ce484222325
for b in b"migratore:" + sys.argv[1].encode() + b"\0" + sys.argv[2].encode():
    h = ((h ^ b) * 0x100000001b3) % 2**64
print(h >> 1)
PY
}

pg_lock_cases() {
	local key pid i
	key=$(pg_key "$PGDB" t_01)
	mkdir -p "$W/pg-more"
	cp "$W"/pg/*.sql "$W/pg-more/"
	write_mig "$W/pg-more" 1700000400 4 "more" <<'SQL'
-- migratore: run
CREATE TABLE more (id INT);
SQL
	PGPASSWORD=$TEST_DB_PASS psql -X -q -h "$TEST_PG_HOST" -p "$TEST_PG_PORT" \
		-U "$TEST_DB_USER" -d "$PGDB" \
		-c "SELECT pg_advisory_lock($key)" -c "SELECT pg_sleep(30)" \
		>/dev/null 2>&1 &
	pid=$!
	bg_track "$pid"
	for i in $(seq 1 100); do
		[ "$(sql postgres "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND ((classid::bigint << 32) | objid::bigint) = $key")" = 1 ] && break
		sleep 0.1
	done
	fleet PGPW="$TEST_DB_PASS" upgrade pg-more --inventory pg.yaml \
		--select 't-0[12]' --report lock.json
	is_rc 1 "postgres: t_01's lock is held by another session: exit 1"
	is "$(py "$W/lock.json" <<'PY'
import json, sys
print(" ".join(t["name"] + ":" + t["status"] for t in json.load(open(sys.argv[1]))["targets"]))
PY
)" "t-01:locked t-02:ok" "the lock is per schema: t_01 waits, t_02 of the same database runs"
	contains "$(py "$W/lock.json" <<<'import json,sys; print(json.load(open(sys.argv[1]))["targets"][0]["reason"])')" \
		"advisory lock $key on postgres database $TEST_PG_HOST:$TEST_PG_PORT/$PGDB schema t_01 is held by another session" \
		"the message names the schema's lock key"
	# the server would let the sleeping session hold it to the end
	sql postgres "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted AND ((classid::bigint << 32) | objid::bigint) = $key" >/dev/null
	wait "$pid" 2>/dev/null
}

# --per-host 2 over 20 schemas of one server: the server never sees more
# than two of our sessions (application_name migratore), sampled every
# 20 ms from pg_stat_activity while the fleet runs (each migration takes
# 0.6 s, long enough for a slow sampler); without the cap it
# sees more, so the sampling can see a breach.
pg_perhost_cases() {
	local cap most_capped most_free
	write_mig "$W/slow" 1700000500 5 "slow" <<'SQL'
-- migratore: run
SELECT pg_sleep(0.6);
CREATE TABLE slow (id INT);
SQL
	sample() { # OUT-FILE
		while :; do
			sql postgres "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'migratore' AND datname = '$PGDB'"
			sleep 0.02
		done >"$1" 2>/dev/null
	}
	for cap in 2 none; do
		sample "$W/sessions.$cap" &
		SAMPLER=$!
		bg_track "$SAMPLER"
		if [ $cap = 2 ]; then
			fleet PGPW="$TEST_DB_PASS" upgrade slow --inventory pg.yaml \
				--jobs 8 --per-host 2
		else
			sql postgres "DO \$\$ DECLARE s text; BEGIN FOR s IN SELECT nspname FROM pg_namespace WHERE nspname LIKE 't\_%' LOOP EXECUTE format('DELETE FROM %I.migratore WHERE uuid = %L', s, '$(uid 5)'); EXECUTE format('DROP TABLE IF EXISTS %I.slow', s); END LOOP; END \$\$" >/dev/null
			fleet PGPW="$TEST_DB_PASS" upgrade slow --inventory pg.yaml \
				--jobs 8
		fi
		kill "$SAMPLER" 2>/dev/null
		wait "$SAMPLER" 2>/dev/null
		if [ $cap = 2 ]; then
			is_rc 0 "postgres: 20 schemas, --jobs 8 --per-host 2: exit 0"
		else
			is_rc 0 "postgres: the same without --per-host: exit 0"
		fi
	done
	most_capped=$(sort -n "$W/sessions.2" | tail -1)
	most_free=$(sort -n "$W/sessions.none" | tail -1)
	is "$most_capped" 2 "--per-host 2: at most two sessions on the server, and two at times"
	like "$most_free" '^([3-9]|[1-9][0-9])$' "without it more ran at once ($most_free): the sampling sees a breach"
	is "$(sql postgres "SELECT count(*) FROM information_schema.tables WHERE table_name = 'slow'")" 20 \
		"every schema got its migration"
}

# ---- MariaDB: databases of one server -------------------------------------

my_cases() {
	local base=mit_tn_$$_$RANDOM i
	tenant_migs "$W/my" mysql
	for i in 1 2 3; do echo "mysql ${base}_$i" >>"$T_TMP/dbs"; done
	cat >"$W/my.yaml" <<EOF
version: 1
defaults:
  url: mysql://$TEST_DB_USER:\${MYPW}@$TEST_MY_HOST:$TEST_MY_PORT/
  path: my
  lock_timeout: 1
targets:
  - name: my-{1..3}
    schema: ${base}_{1..3}
EOF
	fleet MYPW="$TEST_DB_PASS" upgrade --inventory my.yaml --select my-1 \
		--report missing.json
	is_rc 1 "mariadb: a missing database without create_schema fails the target"
	contains "$(py "$W/missing.json" <<<'import json,sys; t=json.load(open(sys.argv[1]))["targets"][0]; print(t["status"], t["reason"])')" \
		"refused cannot connect to mysql at $TEST_MY_HOST:$TEST_MY_PORT/${base}_1: Unknown database '${base}_1' (refused by the server: fix the password, the database name or the privilege, a retry would not help; nothing was touched)" \
		"the server's words name the database"

	printf '    create_schema: true\n' >>"$W/my.yaml"
	fleet MYPW="$TEST_DB_PASS" upgrade --inventory my.yaml --report my.json
	is_rc 0 "mariadb: three databases created and migrated: exit 0"
	is "$(_my_admin -N -B -e "SELECT table_schema, group_concat(table_name ORDER BY table_name) FROM information_schema.tables WHERE table_schema LIKE '${base}\_%' GROUP BY 1 ORDER BY 1" | sed "s/^$base//" | tr '\t\n' ': ')" \
		"_1:after_set,items,migratore,migratore_progress _2:after_set,items,migratore,migratore_progress _3:after_set,items,migratore,migratore_progress " \
		"each database holds its tables and its bookkeeping, after a USE too"
	is "$(_my_admin -N -B -e "SELECT count(*) FROM \`${base}_2\`.migratore WHERE result = 'success'")" 3 \
		"the second database's bookkeeping has its three rows"
	is "$(py "$W/my.json" <<<'import json,sys; t=json.load(open(sys.argv[1]))["targets"][1]; print(t["schema"], t["target"])')" \
		"${base}_2 mysql $TEST_DB_USER:****@$TEST_MY_HOST:$TEST_MY_PORT/${base}_2" \
		"the report describes the target by its database"

	_my_admin -e "SELECT GET_LOCK('migratore.${base}_1', 10), SLEEP(30)" >/dev/null 2>&1 &
	LOCKER=$!
	bg_track "$LOCKER"
	for i in $(seq 1 100); do
		[ "$(_my_admin -N -B -e "SELECT IS_USED_LOCK('migratore.${base}_1') IS NOT NULL")" = 1 ] && break
		sleep 0.1
	done
	write_mig "$W/my" 1700000400 4 "more" <<'SQL'
-- migratore: run
CREATE TABLE more (id INT);
SQL
	fleet MYPW="$TEST_DB_PASS" upgrade --inventory my.yaml --select 'my-[12]' \
		--report lock.json
	is_rc 1 "mariadb: the first database's lock is held: exit 1"
	is "$(py "$W/lock.json" <<<'import json,sys; print(" ".join(t["name"]+":"+t["status"] for t in json.load(open(sys.argv[1]))["targets"]))')" \
		"my-1:locked my-2:ok" "the lock is per database: the second one runs"
	kill "$LOCKER" 2>/dev/null
	wait "$LOCKER" 2>/dev/null
}

new_db sqlite
mig SCHEMA=t_1 -- list "$W"
is_rc 3 "single target: a schema on SQLite is a configuration error"
contains "$M_ERR" "schema 't_1': a sqlite database has no schemas" "which says so"

if [ -n "${TEST_PG_URL:-}" ]; then
	pg_cases
	pg_lock_cases
	pg_perhost_cases
else
	skip "no PostgreSQL test server (TEST_PG_URL)" 20
fi
if [ -n "${TEST_MY_URL:-}" ]; then
	my_cases
else
	skip "no MariaDB test server (TEST_MY_URL)" 8
fi

check_no_password
done_testing
