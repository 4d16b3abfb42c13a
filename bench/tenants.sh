#!/usr/bin/env bash
# Tenants and discovery (docs/fleet.md), by hand like bench/run.sh: on the
# test PostgreSQL,
#   1. N tenant schemas of one database (default 1,000), 20 migrations each:
#      migratore upgrade --jobs 8 --per-host 8 next to the floor doing the
#      same per schema (bench/floor.c --schemas: connect with the schema as
#      search path, bookkeeping table, 20 x BEGIN, statements, INSERT,
#      COMMIT), both on freshly created empty schemas;
#   2. the same fleet again, nothing pending (the nightly case), per schema,
#      next to the floor's --check;
#   3. a discover entry finding D schemas (default 10,000) by a query: the
#      time from start until the inventory is loaded and checked, which is
#      before the first worker could start (environ --select of a name that
#      matches nothing stops right there, exit 2).
# Prints one table; bench/README.md (Tenants) has the figures.
#
# Usage: bench/tenants.sh [--schemas N] [--discover D] [--reps R] [--socket]
#                         [--bin PATH]
#   --socket   every connection through the server's Unix socket
#              (TEST_PG_SOCKDIR; trust there) instead of TCP with its SCRAM
#              login, whose cost alone is several milliseconds a connection
# Needs TEST_PG_HOST/PORT and TEST_DB_USER/PASS (tests/servers.sh), gcc,
# pkg-config, bc, and the development files of libpq, libsqlite3 and
# libmariadb (for bench/floor.c).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
n=1000 d=10000 reps=3 socket=0 bin=${MIGRATORE:-$here/../build/migratore}
while [ $# -gt 0 ]; do
	case $1 in
	--schemas) n=$2; shift ;;
	--discover) d=$2; shift ;;
	--reps) reps=$2; shift ;;
	--socket) socket=1 ;;
	--bin) bin=$2; shift ;;
	*) echo "usage: bench/tenants.sh [--schemas N] [--discover D] [--reps R] [--socket] [--bin PATH]" >&2; exit 2 ;;
	esac
	shift
done
: "${TEST_PG_HOST:?start the test servers (tests/servers.sh)}"
export PGPASSWORD=$TEST_DB_PASS PGSSLMODE=disable
work=$(mktemp -d "${BENCH_DIR:-/var/tmp}/migratore-tenants.XXXXXX")
db=bench_tenants_$$ ddb=bench_discover_$$
psql_() {
	psql -X -q -v ON_ERROR_STOP=1 -h "$TEST_PG_HOST" -p "$TEST_PG_PORT" \
		-U "$TEST_DB_USER" "$@"
}
cleanup() {
	psql_ -d postgres -c "DROP DATABASE IF EXISTS $db" \
		-c "DROP DATABASE IF EXISTS $ddb" >/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT

gcc -O2 -std=gnu11 -Wall -Wextra -o "$work/floor" "$here/floor.c" \
	$(pkg-config --cflags --libs sqlite3 libpq libmariadb)

# the 20 migrations of bench/run.sh, and the floor's plan of them
mkdir -p "$work/m"
for i in $(seq 1 20); do
	ts=$((1700000000 + i))
	uuid=$(printf '%08x-0000-4000-8000-%012x' "$i" "$i")
	s1="CREATE TABLE t$i (id INTEGER PRIMARY KEY, v TEXT)"
	s2="INSERT INTO t$i (id, v) VALUES (1, 'x')"
	printf -- '-- migratore: uuid = %s\n-- migratore: timestamp = %d\n-- migratore: description = bench %d\n\n-- migratore: run\n%s;\n%s;\n' \
		"$uuid" "$ts" "$i" "$s1" "$s2" >"$work/m/${ts}_bench_$i.sql"
	printf '%s\t%d\t%s\tbench %d\t%s\t%s\n' "$uuid" "$ts" \
		"${ts}_bench_$i.sql" "$i" "$s1" "$s2" >>"$work/plan.tsv"
done

# schemas DB COUNT: DB made anew with COUNT empty schemas t_00001 ...
schemas() {
	psql_ -d postgres -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1" >/dev/null
	psql_ -d "$1" -c "DO \$\$ BEGIN FOR i IN 1..$2 LOOP
		EXECUTE format('CREATE SCHEMA t_%s', lpad(i::text, 5, '0'));
	END LOOP; END \$\$" >/dev/null
}
# timed FILE COMMAND...: appends COMMAND's wall seconds to FILE
timed() {
	local f=$1 t0 t1
	shift
	t0=$(date +%s.%N)
	"$@"
	t1=$(date +%s.%N)
	echo "$t1 - $t0" | bc >>"$f"
}
best() { sort -g "$1" | head -1; }
rows_of() { psql_ -d "$db" -Atc "SELECT count(*) FROM t_00007.migratore"; }

seq -f 't_%05g' 1 "$n" >"$work/targets"
last=$(printf '%05d' "$n")
host=$TEST_PG_HOST
[ "$socket" = 0 ] || host=${TEST_PG_SOCKDIR:?no TEST_PG_SOCKDIR}
# the defaults of an inventory on database $1
defaults() {
	printf 'version: 1\ndefaults:\n  engine: postgres\n  port: %s\n' "$TEST_PG_PORT"
	printf '  username: %s\n  password: ${PGPW}\n  db: %s\n  path: m\n' "$TEST_DB_USER" "$1"
	if [ "$socket" = 1 ]; then printf '  unix_socket: %s\n' "$host"; else printf '  host: %s\n' "$host"; fi
}
defaults "$db" >"$work/fleet.yaml"
printf 'targets:\n  - name: t-{00001..%s}\n    schema: t_{00001..%s}\n' \
	"$last" "$last" >>"$work/fleet.yaml"
mg() { PGPW=$TEST_DB_PASS "$bin" upgrade --inventory "$work/fleet.yaml" --jobs 8 --per-host 8 -q >/dev/null; }
fl() {
	"$work/floor" -e postgres -t "$work/targets" -j 8 --schemas "$db" \
		-H "$host" -P "$TEST_PG_PORT" -u "$TEST_DB_USER" \
		-w "$TEST_DB_PASS" "$@"
}

for r in $(seq 1 "$reps"); do
	schemas "$db" "$n"
	timed "$work/mg" mg
	timed "$work/mgnp" mg
	[ "$(rows_of)" = 20 ] || { echo "tenants.sh: migratore did not apply 20 migrations" >&2; exit 1; }
	schemas "$db" "$n"
	timed "$work/fl" fl -m "$work/plan.tsv"
	timed "$work/flnp" fl --check
	[ "$(rows_of)" = 20 ] || { echo "tenants.sh: the floor did not apply 20 migrations" >&2; exit 1; }
done

schemas "$ddb" "$d"
{
	defaults "$ddb"
	printf 'targets:\n  - name: tenant-{nspname}\n    schema: "{nspname}"\n'
	printf '    tags: [tenants]\n    discover:\n'
	printf "      query: SELECT nspname FROM pg_namespace WHERE nspname LIKE 't\\\\_%%'\n"
} >"$work/discover.yaml"
disc() {
	PGPW=$TEST_DB_PASS "$bin" environ --inventory "$work/discover.yaml" \
		--select nothing-matches >/dev/null 2>"$work/disc.err" || true
	grep -q "matches no target" "$work/disc.err" || { cat "$work/disc.err" >&2; exit 1; }
}
for r in $(seq 1 "$reps"); do timed "$work/disc" disc; done

mg=$(best "$work/mg") fl=$(best "$work/fl") mgnp=$(best "$work/mgnp")
flnp=$(best "$work/flnp") disc=$(best "$work/disc")
printf '%-46s %10s %10s %7s\n' "scenario ($([ "$socket" = 1 ] && echo socket || echo TCP))" migratore floor ratio
printf '%-46s %9.2fs %9.2fs %6.2fx\n' "$n schemas x 20 migrations, -j8 --per-host 8" \
	"$mg" "$fl" "$(echo "$mg / $fl" | bc -l)"
printf '%-46s %9.2fs %9.2fs %6.2fx\n' "$n schemas, nothing pending" \
	"$mgnp" "$flnp" "$(echo "$mgnp / $flnp" | bc -l)"
printf '%-46s %8.2fms %8.2fms\n' "  per schema, nothing pending" \
	"$(echo "$mgnp * 1000 / $n" | bc -l)" "$(echo "$flnp * 1000 / $n" | bc -l)"
printf '%-46s %9.3fs\n' "discovery of $d schemas, inventory loaded" "$disc"
