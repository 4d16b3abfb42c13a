#!/usr/bin/env bash
# Single-target benchmarks (run by hand; never part of the test suite):
#  1. dry_upgrade over 1,000 migration files with nothing pending (SQLite)
#  2. upgrade of 100 small migrations on a new SQLite file, next to the
#     floor: the same statements and bookkeeping inserts, one transaction
#     per migration, run by the sqlite3 shell in one process
#  3. upgrade with nothing pending against PostgreSQL and MariaDB over TCP
#     (when TEST_PG_URL / TEST_MY_URL are set, e.g. after
#     `eval "$(bash tests/servers.sh start)"`), and dbmate on the same
#     database when bench/dbmate is installed (bench/get-dbmate.sh).
# Usage: bench/single.sh [path/to/migratore]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=${1:-$here/../build/migratore}
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

now_ns() { date +%s%N; }
# best of N runs of a command, in milliseconds
best_ms() {
	local n=$1 best= t0 t1 d; shift
	for _ in $(seq "$n"); do
		t0=$(now_ns); "$@" >/dev/null 2>&1 || true; t1=$(now_ns)
		d=$(( (t1 - t0) / 1000 ))
		if [ -z "$best" ] || [ "$d" -lt "$best" ]; then best=$d; fi
	done
	awk -v us="$best" 'BEGIN { printf "%.2f", us / 1000 }'
}

gen() { # gen DIR COUNT [slow]
	local dir=$1 n=$2 i ts
	mkdir -p "$dir"
	for i in $(seq 1 "$n"); do
		ts=$((1700000000 + i))
		printf -- '-- migratore: uuid = %08x-0000-4000-8000-%012x\n-- migratore: timestamp = %d\n-- migratore: description = bench %d\n\n-- migratore: run\nCREATE TABLE t%d (id INTEGER PRIMARY KEY, v TEXT);\nINSERT INTO t%d (v) VALUES (%s);\n\n-- migratore: rollback\nDROP TABLE t%d;\n' \
			"$i" "$i" "$ts" "$i" "$i" "$i" "'x'" "$i" >"$dir/${ts}_bench_$i.sql"
	done
}

printf '%-58s %10s\n' "benchmark" "ms"
gen "$work/m1000" 1000
DB=$work/m1000.db "$bin" -q upgrade "$work/m1000" >/dev/null
printf '%-58s %10s\n' "dry_upgrade, 1000 files, nothing pending (best of 10)" \
	"$(DB=$work/m1000.db best_ms 10 "$bin" -q dry_upgrade "$work/m1000")"
printf '%-58s %10s\n' "upgrade, 1000 files, nothing pending (best of 10)" \
	"$(DB=$work/m1000.db best_ms 10 "$bin" -q upgrade "$work/m1000")"

gen "$work/m100" 100
run_upgrade() { rm -f "$work/u.db" "$work/u.db.lock"; DB=$work/u.db "$bin" -q upgrade "$work/m100"; }
printf '%-58s %10s\n' "upgrade, 100 migrations, new SQLite file (best of 5)" \
	"$(best_ms 5 run_upgrade)"
# The floor: one sqlite3 process, one transaction per migration with its
# bookkeeping insert, default durability.
{
	echo "CREATE TABLE migratore (object_id INTEGER PRIMARY KEY, uuid TEXT, timestamp INTEGER, name TEXT, description TEXT, result TEXT, error TEXT, traceback TEXT, operator TEXT, operation TEXT, start INTEGER, \"end\" INTEGER, duration INTEGER, start_s TEXT, end_s TEXT, checksum TEXT, statement TEXT, committed INTEGER, run_id TEXT, host TEXT);"
	for i in $(seq 1 100); do
		echo "BEGIN IMMEDIATE; CREATE TABLE t$i (id INTEGER PRIMARY KEY, v TEXT); INSERT INTO t$i (v) VALUES ('x'); INSERT INTO migratore (object_id, uuid, timestamp, name, result, operation) VALUES ($i, 'u$i', $i, 'f$i', 'success', 'Run'); COMMIT;"
	done
} >"$work/floor.sql"
run_floor() { rm -f "$work/f.db"; sqlite3 "$work/f.db" <"$work/floor.sql"; }
printf '%-58s %10s\n' "floor: sqlite3 shell, same work (best of 5)" "$(best_ms 5 run_floor)"

for eng in PG MY; do
	url_var=TEST_${eng}_URL
	url=${!url_var:-}
	[ -n "$url" ] || continue
	DB_URL=$url "$bin" -q upgrade "$work/m100" >/dev/null 2>&1 || true
	printf '%-58s %10s\n' "upgrade, 100 applied, nothing pending, $eng over TCP (best of 10)" \
		"$(DB_URL=$url best_ms 10 "$bin" -q upgrade "$work/m100")"
done
