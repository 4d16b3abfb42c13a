#!/usr/bin/env bash
# The benchmark harness (run by hand; never part of the test suite). Times
# migratore on a fleet and on single targets next to the floor (bench/floor.c:
# the same statements and bookkeeping inserts from one minimal C loop, same
# parallelism, same durability) and next to dbmate 2.36.0, in a serial loop
# and under xargs -P; and, through tests/tools/netproxy at RTT 0, 2 and 20 ms,
# PostgreSQL and MariaDB next to the pipelined floor, with the round trips
# the proxy counted (bench/latency.sh). Prints the tables; bench/README.md
# says what each number means.
#
# Usage: bench/run.sh [--quick] [--only LIST] [--jobs P] [--bin MIGRATORE]
#                     [--keep]
#   --quick        smaller fleets and fewer rounds, for a run of two minutes
#   --only LIST    comma-separated sections:
#                  single,sqlite,postgres,mysql,memory,latency,status, and
#                  scale (1k/10k/100k targets; never by default: an hour)
#   --jobs P       parallelism of every fleet run (default 8)
#   --bin PATH     the migratore binary (default $MIGRATORE, else build/migratore)
#   --keep         keep the work directory (databases, inventories, logs)
# PostgreSQL and MariaDB run when TEST_PG_URL / TEST_MY_URL and TEST_DB_USER /
# TEST_DB_PASS are set (tests/servers.sh, or /work/dbenv.sh). dbmate runs when
# bench/get-dbmate.sh has installed it. Needs gcc, pkg-config and the
# development files of libsqlite3, libpq and libmariadb; the latency section
# needs tests/tools/netproxy from a build (NETPROXY, default: next to the
# migratore binary, tests/tools/netproxy).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/proxy.sh"

quick=0 only=single,sqlite,postgres,mysql,memory,latency,status jobs=${JOBS:-8} keep=0
bin=${MIGRATORE:-$here/../build/migratore}
while [ $# -gt 0 ]; do
	case $1 in
	--quick) quick=1 ;;
	--only) only=$2; shift ;;
	--jobs) jobs=$2; shift ;;
	--bin) bin=$2; shift ;;
	--keep) keep=1 ;;
	*) echo "usage: bench/run.sh [--quick] [--only LIST] [--jobs P] [--bin PATH] [--keep]" >&2; exit 2 ;;
	esac
	shift
done
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
[ -x "$bin" ] || { echo "run.sh: no migratore binary at $bin (--bin)" >&2; exit 2; }

if [ "$quick" = 1 ]; then
	SQ_N=100 NET_N=20 MEM_N=10000 SERIAL_N=100
else
	SQ_N=1000 NET_N=100 MEM_N=10000 SERIAL_N=1000
fi
M=20          # migrations per fleet target
if [ "$quick" = 1 ]; then UP_REPS=${UP_REPS:-1} NP_REPS=${NP_REPS:-2} LAT_REPS=${LAT_REPS:-1}; fi
UP_REPS=${UP_REPS:-3} NP_REPS=${NP_REPS:-5} # rounds of the fleet runs
LAT_REPS=${LAT_REPS:-2}                      # rounds of the latency runs
SINGLE_M=100  # migrations of the single-target upgrade
DRY_M=1000    # files of the single-target nothing-pending runs

work=$(mktemp -d "${BENCH_DIR:-/var/tmp}/migratore-bench.XXXXXX")
cleanup() {
	px_stop
	drop_server_dbs || true
	if [ "$keep" = 1 ]; then echo "work directory kept: $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

dbmate=$here/node_modules/@dbmate/linux-x64/bin/dbmate
[ -x "$dbmate" ] || dbmate=
NETPROXY=${NETPROXY:-$(dirname "$bin")/tests/tools/netproxy}
[ -x "$NETPROXY" ] || NETPROXY=$here/../build/tests/tools/netproxy
. "$here/latency.sh"
export PGSSLMODE=disable # the test servers have no TLS: no probe round trip for anyone

has() { case ",$only," in *",$1,"*) return 0 ;; *) return 1 ;; esac; }
log() { printf '# %s\n' "$*" >&2; }

# ---- tools ---------------------------------------------------------------

build_tools() {
	mkdir -p "$work/bin"
	gcc -O2 -std=gnu11 -Wall -Wextra -o "$work/bin/floor" "$here/floor.c" "$here/pfloor.c" \
		$(pkg-config --cflags --libs sqlite3 libpq libmariadb)
	gcc -O2 -std=gnu11 -Wall -Wextra -o "$work/bin/rss" "$here/rss.c"
	gcc -O2 -std=gnu11 -Wall -Wextra -shared -fPIC -o "$work/bin/rsshook.so" "$here/rsshook.c"
	floor=$work/bin/floor rss=$work/bin/rss
}

# gen_migrations COUNT: $work/mig-COUNT/{migratore,dbmate}/ and plan.tsv,
# the same statements for all three.
gen_migrations() {
	local n=$1 d=$work/mig-$1 i ts uuid name s1 s2
	[ -d "$d" ] && return 0
	mkdir -p "$d/migratore" "$d/dbmate"
	for i in $(seq 1 "$n"); do
		ts=$((1700000000 + i))
		uuid=$(printf '%08x-0000-4000-8000-%012x' "$i" "$i")
		name=${ts}_bench_$i.sql
		s1="CREATE TABLE t$i (id INTEGER PRIMARY KEY, v TEXT)"
		s2="INSERT INTO t$i (id, v) VALUES (1, 'x')"
		printf -- '-- migratore: uuid = %s\n-- migratore: timestamp = %d\n-- migratore: description = bench %d\n\n-- migratore: run\n%s;\n%s;\n\n-- migratore: rollback\nDROP TABLE t%d;\n' \
			"$uuid" "$ts" "$i" "$s1" "$s2" "$i" >"$d/migratore/$name"
		printf -- '-- migrate:up\n%s;\n%s;\n\n-- migrate:down\nDROP TABLE t%d;\n' \
			"$s1" "$s2" "$i" >"$d/dbmate/$name"
		printf '%s\t%d\t%s\tbench %d\t%s\t%s\n' "$uuid" "$ts" "$name" "$i" "$s1" "$s2" >>"$d/plan.tsv"
	done
}

# ---- measuring -------------------------------------------------------------

results=$work/results.tsv
: >"$results"

# measure REPS PREP SCENARIO TOOL SHAPE PAR NTARGETS -- COMMAND...
# Runs COMMAND REPS times under bench/rss (PREP first each time, '-' for
# none), keeps the fastest run, appends a row to $results.
measure() {
	local reps=$1 prep=$2 scen=$3 tool=$4 shape=$5 par=$6 n=$7 r line best=
	local wall coord work_kb tree st priv=-1
	shift 8
	for r in $(seq "$reps"); do
		[ "$prep" = - ] || "$prep"
		: >"$work/rss.out"
		if ! "$rss" "$work/rss.out" "$@" >"$work/last.out" 2>"$work/last.err"; then
			log "FAILED: $scen / $tool:"; tail -n 5 "$work/last.err" "$work/last.out" >&2
		fi
		line=$(tail -n 1 "$work/rss.out")
		wall=${line#wall_s=}; wall=${wall%% *}
		if [ -z "$best" ] || awk -v a="$wall" -v b="${best#wall_s=}" 'BEGIN { exit !(a + 0 < b + 0) }'; then
			best=$line
		fi
	done
	for kv in $best; do
		case $kv in
		wall_s=*) wall=${kv#*=} ;; coord_kb=*) coord=${kv#*=} ;;
		workers_kb=*) work_kb=${kv#*=} ;; tree_kb=*) tree=${kv#*=} ;;
		status=*) st=${kv#*=} ;; worker_priv_kb=*) priv=${kv#*=} ;;
		esac
	done
	# wait4's maxrss is max(coordinator at exit, largest worker): when it
	# exceeds the worker's, it is the coordinator's exact final peak.
	if [ "$coord" -ge 0 ] && [ "$tree" -gt "$work_kb" ] && [ "$tree" -gt "$coord" ]; then coord=$tree; fi
	[ "$st" = 0 ] || tool="$tool (exit $st)"
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$scen" "$tool" "$shape" "$par" \
		"$wall" "$n" "$coord" "$work_kb" "$tree" "$priv" "$reps" >>"$results"
	log "$(printf '%-34s %-22s %8.3f s' "$scen" "$tool" "$wall")"
}

# dbmate, one process per target: under xargs -P (xargs is the coordinator)
# and in a serial shell loop (bash is). Commands for measure, as argv.
serial_loop='while IFS= read -r u; do "$0" --url "$u" -d "$2" --no-dump-schema up || exit 1; done <"$1"'

# count_rows ENGINE TARGET TABLE: rows in a table of one target
count_rows() {
	case $1 in
	sqlite) sqlite3 "$2" "SELECT count(*) FROM $3" ;;
	postgres) PGPASSWORD=$TEST_DB_PASS psql -h "$pg_host" -p "$pg_port" -U "$TEST_DB_USER" -d "$2" -Atc "SELECT count(*) FROM $3" ;;
	mysql) my_client -N -e "SELECT count(*) FROM \`$2\`.$3" ;;
	esac
}
# verify ENGINE TABLE EXPECTED TARGET...: the work really was done
verify() {
	local eng=$1 table=$2 want=$3 t got; shift 3
	for t in "$@"; do
		got=$(count_rows "$eng" "$t" "$table" 2>/dev/null || echo "?")
		[ "$got" = "$want" ] || log "CHECK FAILED: $t has $got rows in $table, expected $want"
	done
}

# ---- fleets ----------------------------------------------------------------

# fleet ENGINE N: the four upgrade runs and the four nothing-pending runs.
# Each tool gets its own set of targets (prefixes mg, fl, dx, ds).
fleet() {
	local eng=$1 n=$2 w=${#2} shape par=$jobs d=$work/mig-$M first last scen
	local sn=$(( SERIAL_N < n ? SERIAL_N : n ))
	shape="${n}x$M"
	first=$(printf "%0${w}d" 1) last=$(printf "%0${w}d" "$n")
	mkdir -p "$work/$eng"
	write_inventory "$eng" "$w" "$first" "$last" >"$work/$eng/mg.yaml"
	local p i
	for p in fl dx ds; do
		for i in $(seq -f "%0${w}g" 1 "$n"); do target_name "$eng" "$p" "$i"; done >"$work/$eng/$p.txt"
	done
	for i in $(seq -f "%0${w}g" 1 "$n"); do dbmate_url "$eng" dx "$i"; done >"$work/$eng/dx.url"
	# The serial loop may be given fewer targets (SERIAL_N) to bound its time.
	for i in $(seq -f "%0${w}g" 1 "$sn"); do dbmate_url "$eng" ds "$i"; done >"$work/$eng/ds.url"

	# Rounds: every tool once per round, so that a change of machine load
	# hits all of them alike; the table keeps each tool's fastest round.
	local r
	scen="$eng upgrade"
	for r in $(seq "$UP_REPS"); do
		measure 1 "fresh_mg" "$scen" migratore "$shape" "$par" "$n" -- \
			"$bin" upgrade --inventory "$work/$eng/mg.yaml" --jobs "$jobs" -q
		verify "$eng" migratore "$M" "$(target_name "$eng" mg "$first")" "$(target_name "$eng" mg "$last")"
		measure 1 "fresh_fl" "$scen" floor "$shape" "$par" "$n" -- \
			"$floor" -e "$eng" -t "$work/$eng/fl.txt" -m "$d/plan.tsv" -j "$jobs" "${srv_args[@]}"
		verify "$eng" migratore "$M" "$(target_name "$eng" fl "$first")" "$(target_name "$eng" fl "$last")"
		[ -n "$dbmate" ] || continue
		measure 1 "fresh_dx" "$scen" "dbmate xargs -P" "$shape" "$par" "$n" -- \
			xargs -a "$work/$eng/dx.url" -P "$jobs" -I{} "$dbmate" --url {} -d "$d/dbmate" --no-dump-schema up
		verify "$eng" schema_migrations "$M" "$(target_name "$eng" dx "$first")" "$(target_name "$eng" dx "$last")"
		[ "$r" = 1 ] || continue # the serial loop is slow: one round
		measure 1 "fresh_ds" "$scen" "dbmate serial" "${sn}x$M" 1 "$sn" -- \
			bash -c "$serial_loop" "$dbmate" "$work/$eng/ds.url" "$d/dbmate"
		verify "$eng" schema_migrations "$M" "$(target_name "$eng" ds "$first")"
	done

	scen="$eng nothing pending"
	for r in $(seq "$NP_REPS"); do
		measure 1 - "$scen" migratore "$shape" "$par" "$n" -- \
			"$bin" upgrade --inventory "$work/$eng/mg.yaml" --jobs "$jobs" -q
		measure 1 - "$scen" floor "$shape" "$par" "$n" -- \
			"$floor" --check -e "$eng" -t "$work/$eng/fl.txt" -j "$jobs" "${srv_args[@]}"
		[ -n "$dbmate" ] || continue
		measure 1 - "$scen" "dbmate xargs -P" "$shape" "$par" "$n" -- \
			xargs -a "$work/$eng/dx.url" -P "$jobs" -I{} "$dbmate" --url {} -d "$d/dbmate" --no-dump-schema up
		[ "$r" -le 2 ] || continue
		measure 1 - "$scen" "dbmate serial" "${sn}x$M" 1 "$sn" -- \
			bash -c "$serial_loop" "$dbmate" "$work/$eng/ds.url" "$d/dbmate"
	done
}

# target_name ENGINE PREFIX INDEX: a file path or a database name
target_name() {
	case $1 in
	sqlite) echo "$work/sqlite/$2/t$3.db" ;;
	*) echo "bench_$2_$3" ;;
	esac
}
dbmate_url() {
	case $1 in
	sqlite) echo "sqlite:$(target_name "$@")" ;;
	postgres) echo "postgres://$TEST_DB_USER:$TEST_DB_PASS@$pg_host:$pg_port/$(target_name "$@")?sslmode=disable" ;;
	mysql) echo "mysql://$TEST_DB_USER:$TEST_DB_PASS@$my_host:$my_port/$(target_name "$@")" ;;
	esac
}
write_inventory() { # ENGINE WIDTH FIRST LAST
	echo "version: 1"
	echo "defaults:"
	echo "  path: $work/mig-$M/migratore"
	case $1 in
	sqlite)
		echo "  engine: sqlite"
		echo "targets:"
		echo "  - name: t{$3..$4}"
		echo "    db: $work/sqlite/mg/t{$3..$4}.db" ;;
	*)
		echo "  engine: $1"
		echo "  host: $([ "$1" = postgres ] && echo "$pg_host" || echo "$my_host")"
		echo "  port: $([ "$1" = postgres ] && echo "$pg_port" || echo "$my_port")"
		echo "  username: $TEST_DB_USER"
		echo "  password: \${TEST_DB_PASS}"
		echo "targets:"
		echo "  - name: t{$3..$4}"
		echo "    db: bench_mg_{$3..$4}" ;;
	esac
}

# Fresh, empty targets before each tool's upgrade run.
fresh() { # PREFIX
	case $eng_now in
	sqlite) rm -rf "$work/sqlite/$1"; mkdir -p "$work/sqlite/$1" ;;
	postgres) pg_recreate "$1" ;;
	mysql) my_recreate "$1" ;;
	esac
}
fresh_mg() { fresh mg; }
fresh_fl() { fresh fl; }
fresh_dx() { fresh dx; }
fresh_ds() { fresh ds; }

pg_client() { PGOPTIONS='-c client_min_messages=warning' PGPASSWORD=$TEST_DB_PASS psql -X -q -v ON_ERROR_STOP=1 -h "$pg_host" -p "$pg_port" -U "$TEST_DB_USER" -d postgres "$@"; }
my_client() { mariadb --no-defaults --protocol=tcp -h "$my_host" -P "$my_port" -u"$TEST_DB_USER" -p"$TEST_DB_PASS" "$@"; }
server_dbs() { # PREFIX: the database names of one tool
	local n=$fleet_n w=${#fleet_n} i
	if [ "$1" = ds ] && [ "$SERIAL_N" -lt "$n" ]; then n=$SERIAL_N; fi
	for i in $(seq -f "%0${w}g" 1 "$n"); do echo "bench_$1_$i"; done
}
pg_recreate() {
	server_dbs "$1" | awk '{ printf "DROP DATABASE IF EXISTS %s;\nCREATE DATABASE %s;\n", $1, $1 }' | pg_client >/dev/null
}
my_recreate() {
	server_dbs "$1" | awk '{ printf "DROP DATABASE IF EXISTS %s;\nCREATE DATABASE %s;\n", $1, $1 }' | my_client
}
dropped=0
drop_server_dbs() {
	[ "$dropped" = 0 ] || return 0
	dropped=1
	local p
	for p in mg fl dx ds st single_mg single_dm single_fl \
		lmg lfl lpm lpt ldx lsmg lsfl lspm lspt lsdm; do
		if [ -n "${pg_port:-}" ]; then
			pg_client -Atc "SELECT datname FROM pg_database WHERE datname LIKE 'bench\\_${p}\\_%' OR datname = 'bench_$p'" |
				awk '{ printf "DROP DATABASE IF EXISTS %s;\n", $1 }' | pg_client >/dev/null 2>&1 || true
		fi
		if [ -n "${my_port:-}" ]; then
			my_client -N -e "SELECT schema_name FROM information_schema.schemata WHERE schema_name LIKE 'bench\\_${p}\\_%' OR schema_name = 'bench_$p'" |
				awk '{ printf "DROP DATABASE IF EXISTS %s;\n", $1 }' | my_client 2>/dev/null || true
		fi
	done
}

# ---- single target -----------------------------------------------------------

single() {
	local d=$work/mig-$DRY_M s=$work/single
	mkdir -p "$s"
	gen_migrations "$DRY_M"
	gen_migrations "$SINGLE_M"
	# what starting each program costs, doing nothing (dynamic linking)
	measure 10 - "single process start, no work" migratore 1x0 1 1 -- "$bin" version
	: >"$s/none.txt"
	measure 10 - "single process start, no work" floor 1x0 1 1 -- \
		"$floor" --check -e sqlite -t "$s/none.txt"
	if [ -n "$dbmate" ]; then
		measure 10 - "single process start, no work" dbmate 1x0 1 1 -- "$dbmate" --version
	fi
	# nothing pending over 1,000 files
	DB=$s/dry.db "$bin" -q upgrade "$d/migratore" >/dev/null
	export DB=$s/dry.db
	measure 10 - "single dry_upgrade, nothing pending" migratore "1x$DRY_M" 1 1 -- \
		"$bin" -q dry_upgrade "$d/migratore"
	measure 10 - "single upgrade, nothing pending" migratore "1x$DRY_M" 1 1 -- \
		"$bin" -q upgrade "$d/migratore"
	unset DB
	if [ -n "$dbmate" ]; then
		"$dbmate" --url "sqlite:$s/dry-dm.db" -d "$d/dbmate" --no-dump-schema up >/dev/null
		measure 10 - "single upgrade, nothing pending" dbmate "1x$DRY_M" 1 1 -- \
			"$dbmate" --url "sqlite:$s/dry-dm.db" -d "$d/dbmate" --no-dump-schema up
	fi
	# 100 migrations on a new file
	d=$work/mig-$SINGLE_M
	echo "$s/up-fl.db" >"$s/fl.txt"
	single_fresh() { rm -f "$s"/up-*; }
	export DB=$s/up-mg.db
	measure 5 single_fresh "single upgrade, new SQLite file" migratore "1x$SINGLE_M" 1 1 -- \
		"$bin" -q upgrade "$d/migratore"
	unset DB
	verify sqlite migratore "$SINGLE_M" "$s/up-mg.db"
	measure 5 single_fresh "single upgrade, new SQLite file" floor "1x$SINGLE_M" 1 1 -- \
		"$floor" -e sqlite -t "$s/fl.txt" -m "$d/plan.tsv" -j 1
	verify sqlite migratore "$SINGLE_M" "$s/up-fl.db"
	if [ -n "$dbmate" ]; then
		measure 5 single_fresh "single upgrade, new SQLite file" dbmate "1x$SINGLE_M" 1 1 -- \
			"$dbmate" --url "sqlite:$s/up-dm.db" -d "$d/dbmate" --no-dump-schema up
		verify sqlite schema_migrations "$SINGLE_M" "$s/up-dm.db"
	fi
	# nothing pending over TCP, 20 migrations applied
	gen_migrations "$M"
	d=$work/mig-$M
	[ -n "${pg_port:-}" ] && single_net postgres
	[ -n "${my_port:-}" ] && single_net mysql
	return 0
}

single_net() { # ENGINE
	local eng=$1 url dmurl name=bench_single
	server_args "$eng"
	case $eng in
	postgres)
		printf 'DROP DATABASE IF EXISTS %s_mg;\nCREATE DATABASE %s_mg;\nDROP DATABASE IF EXISTS %s_dm;\nCREATE DATABASE %s_dm;\nDROP DATABASE IF EXISTS %s_fl;\nCREATE DATABASE %s_fl;\n' \
			$name $name $name $name $name $name | pg_client >/dev/null
		url="postgres://$TEST_DB_USER:$TEST_DB_PASS@$pg_host:$pg_port/${name}_mg?sslmode=disable"
		dmurl="postgres://$TEST_DB_USER:$TEST_DB_PASS@$pg_host:$pg_port/${name}_dm?sslmode=disable" ;;
	mysql)
		printf 'DROP DATABASE IF EXISTS %s_mg;\nCREATE DATABASE %s_mg;\nDROP DATABASE IF EXISTS %s_dm;\nCREATE DATABASE %s_dm;\nDROP DATABASE IF EXISTS %s_fl;\nCREATE DATABASE %s_fl;\n' \
			$name $name $name $name $name $name | my_client
		url="mysql://$TEST_DB_USER:$TEST_DB_PASS@$my_host:$my_port/${name}_mg"
		dmurl="mysql://$TEST_DB_USER:$TEST_DB_PASS@$my_host:$my_port/${name}_dm" ;;
	esac
	DB_URL=$url "$bin" -q upgrade "$d/migratore" >/dev/null
	echo "${name}_fl" >"$work/single/$eng-fl.txt"
	"$floor" -e "$eng" -t "$work/single/$eng-fl.txt" -m "$d/plan.tsv" "${srv_args[@]}"
	export DB_URL=$url
	measure 10 - "single $eng nothing pending" migratore "1x$M" 1 1 -- "$bin" -q upgrade "$d/migratore"
	unset DB_URL
	measure 10 - "single $eng nothing pending" floor "1x$M" 1 1 -- \
		"$floor" --check -e "$eng" -t "$work/single/$eng-fl.txt" "${srv_args[@]}"
	if [ -n "$dbmate" ]; then
		"$dbmate" --url "$dmurl" -d "$d/dbmate" --no-dump-schema up >/dev/null
		measure 10 - "single $eng nothing pending" "dbmate up" "1x$M" 1 1 -- \
			"$dbmate" --url "$dmurl" -d "$d/dbmate" --no-dump-schema up
		measure 10 - "single $eng nothing pending" "dbmate migrate" "1x$M" 1 1 -- \
			"$dbmate" --url "$dmurl" -d "$d/dbmate" --no-dump-schema migrate
	fi
}

# ---- memory at 10,000 targets --------------------------------------------

memory() {
	local n=$MEM_N w=${#MEM_N} first last
	first=$(printf "%0${w}d" 1) last=$(printf "%0${w}d" "$n")
	gen_migrations "$M"
	mkdir -p "$work/mem"
	{
		echo "version: 1"
		echo "defaults:"
		echo "  engine: sqlite"
		echo "  path: $work/mig-$M/migratore"
		echo "targets:"
		echo "  - name: t{$first..$last}"
		echo "    db: $work/mem/t{$first..$last}.db"
	} >"$work/mem/inv.yaml"
	# Files that do not exist: dry_upgrade opens them as empty in-memory
	# databases and writes nothing, so the coordinator runs 10,000 workers
	# and a 10,000-row report without 200,000 commits.
	# RSSHOOK_WORKERS: each worker reports its private memory as it exits.
	RSSHOOK_WORKERS=1 measure 1 - "memory: dry_upgrade, new targets" migratore "${n}x$M" "$jobs" "$n" -- \
		"$bin" dry_upgrade --inventory "$work/mem/inv.yaml" --jobs "$jobs" -q
	# The nightly case: every target up to date. One database upgraded by
	# migratore, copied to every path (tee writes many copies at once).
	DB=$work/mem/src.db "$bin" -q upgrade "$work/mig-$M/migratore" >/dev/null
	seq -f "$work/mem/t%0${w}g.db" 1 "$n" |
		xargs -n 500 sh -c 'tee "$@" <"$0" >/dev/null' "$work/mem/src.db"
	RSSHOOK_WORKERS=1 measure 1 - "memory: upgrade, nothing pending" migratore "${n}x$M" "$jobs" "$n" -- \
		"$bin" upgrade --inventory "$work/mem/inv.yaml" --jobs "$jobs" -q
	verify sqlite migratore "$M" "$work/mem/t$last.db"
}

# ---- status ------------------------------------------------------------------

# `migratore status` (a fleet's overview: read-only, no lock) next to the
# floor's --check (connect, read the bookkeeping rows): MEM_N up-to-date
# SQLite files, and NET_N PostgreSQL databases (prefix st).
status_rows() {
	local n=$MEM_N w=${#MEM_N} s=$work/status r reps=$((NP_REPS < 2 ? NP_REPS : 2))
	gen_migrations "$M"
	mkdir -p "$s/db"
	DB=$s/src.db "$bin" -q upgrade "$work/mig-$M/migratore" >/dev/null
	seq -f "$s/db/t%0${w}g.db" 1 "$n" | tee "$s/fl.txt" |
		xargs -n 500 sh -c 'tee "$@" <"$0" >/dev/null' "$s/src.db"
	printf 'version: 1\ndefaults:\n  engine: sqlite\n  path: %s\ntargets:\n  - name: t{%s..%s}\n    db: %s/db/t{%s..%s}.db\n' \
		"$work/mig-$M/migratore" "$(printf "%0${w}d" 1)" "$n" "$s" "$(printf "%0${w}d" 1)" "$n" >"$s/sqlite.yaml"
	for r in $(seq "$reps"); do
		measure 1 - "sqlite status" migratore "${n}x$M" "$jobs" "$n" -- \
			"$bin" status --inventory "$s/sqlite.yaml" --jobs "$jobs" -q
		measure 1 - "sqlite status" floor "${n}x$M" "$jobs" "$n" -- \
			"$floor" --check -e sqlite -t "$s/fl.txt" -j "$jobs"
	done
	[ -n "${pg_port:-}" ] || { log "status: TEST_PG_URL not set, no postgres row"; return 0; }
	eng_now=postgres fleet_n=$NET_N n=$NET_N w=${#NET_N}
	server_args postgres
	pg_recreate st
	server_dbs st >"$s/pg.txt"
	write_inventory postgres "$w" "$(printf "%0${w}d" 1)" "$n" | sed 's/bench_mg_/bench_st_/' >"$s/pg.yaml"
	"$bin" upgrade --inventory "$s/pg.yaml" --jobs "$jobs" -q || log "status: the upgrade of the st databases failed"
	for r in $(seq "$NP_REPS"); do
		measure 1 - "postgres status" migratore "${n}x$M" "$jobs" "$n" -- \
			"$bin" status --inventory "$s/pg.yaml" --jobs "$jobs" -q
		measure 1 - "postgres status" floor "${n}x$M" "$jobs" "$n" -- \
			"$floor" --check -e postgres -t "$s/pg.txt" -j "$jobs" "${srv_args[@]}"
	done
}

# ---- scale: 1,000, 10,000 and 100,000 targets with nothing pending ------

# The nightly run at three sizes, to show that no step is quadratic: the
# per-target time and the coordinator's peak at 1k, 10k and 100k, of an
# upgrade with nothing pending and of status. Only
# with --only scale (100,000 SQLite files of 200 kB: 20 GB of disk, and
# about an hour on two CPUs). SCALE_SIZES="1000 10000" picks the sizes.
scale() {
	local n w first last
	gen_migrations "$M"
	mkdir -p "$work/scale"
	DB=$work/scale/src.db "$bin" -q upgrade "$work/mig-$M/migratore" >/dev/null
	for n in ${SCALE_SIZES:-1000 10000 100000}; do
		w=${#n} first=$(printf "%0${w}d" 1) last=$(printf "%0${w}d" "$n")
		rm -rf "$work/scale/$n" && mkdir -p "$work/scale/$n"
		{
			echo "version: 1"
			echo "defaults:"
			echo "  engine: sqlite"
			echo "  path: $work/mig-$M/migratore"
			echo "targets:"
			echo "  - name: t{$first..$last}"
			echo "    db: $work/scale/$n/t{$first..$last}.db"
		} >"$work/scale/$n/inv.yaml"
		seq -f "$work/scale/$n/t%0${w}g.db" 1 "$n" |
			xargs -n 500 sh -c 'tee "$@" <"$0" >/dev/null' "$work/scale/src.db"
		measure 1 - "scale: upgrade, nothing pending, $n" migratore "${n}x$M" "$jobs" "$n" -- \
			"$bin" upgrade --inventory "$work/scale/$n/inv.yaml" --jobs "$jobs" -q
		verify sqlite migratore "$M" "$work/scale/$n/t$last.db"
		measure 1 - "scale: status, $n" migratore "${n}x$M" "$jobs" "$n" -- \
			"$bin" status --inventory "$work/scale/$n/inv.yaml" --jobs "$jobs" -q
		rm -rf "$work/scale/$n"
	done
}

# ---- the table ---------------------------------------------------------------

print_table() {
	awk -F'\t' '
	function mb(kb) { return kb <= 0 ? "-" : sprintf("%.1f", kb / 1024) }
	# One row per scenario and tool: the fastest of its rounds.
	{
		k = $1 SUBSEP $2
		if (!(k in best)) { order[++nk] = k; best[k] = $0 }
		else { split(best[k], o, "\t"); if ($5 / $6 < o[5] / o[6]) best[k] = $0 }
		nrounds[k] += $11
	}
	END {
		for (i = 1; i <= nk; i++) {
			row[i] = best[order[i]]; split(row[i], f, "\t")
			if (f[2] == "floor") floor[f[1]] = f[5] / f[6]
			if (f[2] == "migratore") mig[f[1]] = f[5] / f[6]
		}
	}
	END {
		printf "%-36s %-16s %-9s %3s %4s %8s %9s %8s %6s %7s %8s %7s %6s\n", "scenario", "tool",
			"targets×m", "par", "runs", "wall s", "ms/target", "ovh ms/t", "×floor", "coordMB", "workerMB",
			"wPrivMB", "÷migr"
		for (i = 1; i <= nk; i++) {
			split(row[i], f, "\t")
			ratio = (f[1] in floor && floor[f[1]] > 0) ? sprintf("%.2f", (f[5] / f[6]) / floor[f[1]]) : "-"
			ovh = (f[1] in floor) ? sprintf("%.3f", (f[5] / f[6] - floor[f[1]]) * 1000) : "-"
			# no report from the hook (a static binary): the whole tree, starred
			coord = f[7] < 0 ? mb(f[9]) "*" : mb(f[7])
			vs = (f[1] in mig && f[2] != "migratore" && mig[f[1]] > 0) ? sprintf("%.1f", (f[5] / f[6]) / mig[f[1]]) : "-"
			printf "%-36s %-16s %-9s %3s %4d %8.3f %9.3f %8s %6s %7s %8s %7s %6s\n", f[1], f[2], f[3], f[4],
				nrounds[order[i]], f[5], f[5] * 1000 / f[6], ovh, ratio, coord, mb(f[8]), mb(f[10]), vs
		}
	}' "$results"
}

# ---- main ----------------------------------------------------------------------

build_tools
if [ -n "${TEST_PG_URL:-}" ] && [ -n "${TEST_DB_USER:-}" ]; then
	pg_host=${TEST_PG_HOST:-127.0.0.1} pg_port=${TEST_PG_PORT:-5432}
fi
if [ -n "${TEST_MY_URL:-}" ] && [ -n "${TEST_DB_USER:-}" ]; then
	my_host=${TEST_MY_HOST:-127.0.0.1} my_port=${TEST_MY_PORT:-3306}
fi
export TEST_DB_PASS="${TEST_DB_PASS:-}"
log "migratore: $bin ($("$bin" version 2>/dev/null | head -n 1))"
log "dbmate: ${dbmate:-not installed (bench/get-dbmate.sh)}"
log "jobs: $jobs; $(nproc) CPUs; load: $(cut -d' ' -f1-3 /proc/loadavg); work: $work"
gen_migrations "$M"

srv_args=()
# server_args ENGINE: the floor's connection options for that engine
server_args() {
	case $1 in
	sqlite) srv_args=() ;;
	postgres) srv_args=(-H "$pg_host" -P "$pg_port" -u "$TEST_DB_USER" -w "$TEST_DB_PASS") ;;
	mysql) srv_args=(-H "$my_host" -P "$my_port" -u "$TEST_DB_USER" -w "$TEST_DB_PASS") ;;
	esac
}
run_fleet() { # ENGINE N
	eng_now=$1 fleet_n=$2
	server_args "$1"
	fleet "$1" "$2"
}

has single && single
has sqlite && run_fleet sqlite "$SQ_N"
if has postgres; then
	if [ -n "${pg_port:-}" ]; then run_fleet postgres "$NET_N"; else log "postgres: TEST_PG_URL not set, skipped"; fi
fi
if has mysql; then
	if [ -n "${my_port:-}" ]; then run_fleet mysql "$NET_N"; else log "mysql: TEST_MY_URL not set, skipped"; fi
fi
has memory && memory
has latency && latency
has status && status_rows
has scale && scale
log "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
[ -s "$results" ] && print_table
print_latency
