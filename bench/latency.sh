# bench/latency.sh - the latency section of bench/run.sh (`--only latency`),
# sourced by it: it uses the harness's variables and helpers (work, jobs,
# rss, floor, bin, dbmate, log, gen_migrations, verify, pg_client,
# my_client). PostgreSQL and MariaDB behind tests/tools/netproxy at a
# one-way delay of 0, 1 and 10 ms (RTT 0, 2 and 20 ms), each run with a
# proxy of its own whose turns go next to its time. bench/README.md
# ("Latency") says what each column means.
#
# Rows, per engine and RTT: LAT_N targets x M migrations at --jobs P, then
# the same with nothing pending; one target, the same two. Tools:
# migratore (an inventory; one target: the single-target command), the
# floor, the pipelined floor one pipeline per migration ("pfloor") and one
# per target ("pfloor target"), dbmate (under xargs -P; one target: `up`).

# The issue's scenario is 20 targets at --jobs 8; --quick runs one wave of 8
# (most of a round's time is dropping and creating the targets).
LAT_N=$([ "$quick" = 1 ] && echo 8 || echo 20)
LAT_DELAYS=${LAT_DELAYS:-"0 1 10"}
# One target is quick and noisy: its runs repeat within a round, nothing
# pending always, upgrades at RTT 0 only (at 20 ms its time is its turns).
LAT_SINGLE_REPS=$([ "$quick" = 1 ] && echo 3 || echo 5)
lat_results=$work/latency.tsv
: >"$lat_results"

# The proxy listens on one port for the whole section, so that every
# inventory and URL can name it: the first proxy picks a free one.
lat_pick_port() {
	px_start "$work/px" 0 1 || return 1
	lat_port=$px_port
	px_stop
}

# lat_run PREP SCEN DELAY TOOL SHAPE PAR N -- COMMAND...: PREP (or -), then
# COMMAND timed by bench/rss through a fresh proxy in front of the engine's
# server; one row of $lat_results with the proxy's connections and turns.
lat_run() {
	local prep=$1 scen=$2 delay=$3 tool=$4 shape=$5 par=$6 n=$7 line wall st
	local conns turns
	shift 8
	[ "$prep" = - ] || "$prep"
	px_start "$work/px" "$delay" "$lat_to" "$lat_port" || return 1
	: >"$work/rss.out"
	if ! "$rss" "$work/rss.out" "$@" >"$work/last.out" 2>"$work/last.err"; then
		log "FAILED: $scen rtt $((2 * delay)) / $tool:"
		tail -n 5 "$work/last.err" "$work/last.out" >&2
	fi
	px_stop
	read -r conns turns < <(px_sum "$work/px")
	line=$(tail -n 1 "$work/rss.out")
	wall=${line#wall_s=}
	wall=${wall%% *}
	st=${line##*status=}
	st=${st%% *}
	[ "$st" = 0 ] || tool="$tool (exit $st)"
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$scen" "$delay" "$tool" \
		"$shape" "$par" "$wall" "$n" "$conns" "$turns" "$lat_login" >>"$lat_results"
	log "$(printf '%-34s %-18s %8.3f s %6d turns' "$scen rtt $((2 * delay))" "$tool" "$wall" "$turns")"
}

lat_db() { echo "bench_$1_$2"; } # PREFIX INDEX
lat_names() {                     # PREFIX COUNT
	local i
	for i in $(seq -f '%02g' 1 "$2"); do lat_db "$1" "$i"; done
}
lat_url() { # PREFIX INDEX
	case $lat_eng in
	postgres) echo "postgres://$TEST_DB_USER:$TEST_DB_PASS@127.0.0.1:$lat_port/$(lat_db "$1" "$2")?sslmode=disable" ;;
	mysql) echo "mysql://$TEST_DB_USER:$TEST_DB_PASS@127.0.0.1:$lat_port/$(lat_db "$1" "$2")" ;;
	esac
}
# lat_fresh PREFIX COUNT: the tool's databases, dropped and created empty
lat_fresh() {
	lat_names "$1" "$2" | awk '{ printf "DROP DATABASE IF EXISTS %s;\nCREATE DATABASE %s;\n", $1, $1 }' |
		case $lat_eng in
		postgres) pg_client >/dev/null ;;
		mysql) my_client ;;
		esac
}

# Files naming the proxy's port: an inventory, target lists, dbmate URLs.
lat_files() {
	local d=$work/lat/$lat_eng p i
	mkdir -p "$d"
	{
		echo "version: 1"
		echo "defaults:"
		echo "  engine: $lat_eng"
		echo "  path: $work/mig-$M/migratore"
		echo "  host: 127.0.0.1"
		echo "  port: $lat_port"
		echo "  username: $TEST_DB_USER"
		echo "  password: \${TEST_DB_PASS}"
		echo "targets:"
		echo "  - name: t{01..$(printf '%02d' "$LAT_N")}"
		echo "    db: bench_lmg_{01..$(printf '%02d' "$LAT_N")}"
	} >"$d/mg.yaml"
	for p in lfl lpm lpt; do lat_names "$p" "$LAT_N" >"$d/$p.txt"; done
	for p in lsfl lspm lspt; do lat_names "$p" 1 >"$d/$p.txt"; done
	for i in $(seq -f '%02g' 1 "$LAT_N"); do lat_url ldx "$i"; done >"$d/dx.url"
}

# The work was done: the first and the last target have M bookkeeping rows.
lat_verify() { # PREFIX COUNT TABLE
	verify "$lat_eng" "$3" "$M" "$(lat_db "$1" 01)" "$(lat_db "$1" "$(printf '%02d' "$2")")"
}

lat_fresh_lmg() { lat_fresh lmg "$LAT_N"; }
lat_fresh_lfl() { lat_fresh lfl "$LAT_N"; }
lat_fresh_lpm() { lat_fresh lpm "$LAT_N"; }
lat_fresh_lpt() { lat_fresh lpt "$LAT_N"; }
lat_fresh_ldx() { lat_fresh ldx "$LAT_N"; }
lat_fresh_lsmg() { lat_fresh lsmg 1; }
lat_fresh_lsfl() { lat_fresh lsfl 1; }
lat_fresh_lspm() { lat_fresh lspm 1; }
lat_fresh_lspt() { lat_fresh lspt 1; }
lat_fresh_lsdm() { lat_fresh lsdm 1; }

lat_fleet() { # DELAY
	local dl=$1 d=$work/lat/$lat_eng s="$lat_eng upgrade" shape="${LAT_N}x$M" mg=$work/mig-$M
	local -a fl=("$floor" -e "$lat_eng" -j "$jobs" -H 127.0.0.1 -P "$lat_port" -u "$TEST_DB_USER" -w "$TEST_DB_PASS")
	lat_run lat_fresh_lmg "$s" "$dl" migratore "$shape" "$jobs" "$LAT_N" -- \
		"$bin" upgrade --inventory "$d/mg.yaml" --jobs "$jobs" -q
	lat_verify lmg "$LAT_N" migratore
	lat_run lat_fresh_lfl "$s" "$dl" floor "$shape" "$jobs" "$LAT_N" -- \
		"${fl[@]}" -t "$d/lfl.txt" -m "$mg/plan.tsv"
	lat_verify lfl "$LAT_N" migratore
	lat_run lat_fresh_lpm "$s" "$dl" pfloor "$shape" "$jobs" "$LAT_N" -- \
		"${fl[@]}" -t "$d/lpm.txt" -m "$mg/plan.tsv" --pipeline migration
	lat_verify lpm "$LAT_N" migratore
	lat_run lat_fresh_lpt "$s" "$dl" "pfloor target" "$shape" "$jobs" "$LAT_N" -- \
		"${fl[@]}" -t "$d/lpt.txt" -m "$mg/plan.tsv" --pipeline target
	lat_verify lpt "$LAT_N" migratore
	if [ -n "$dbmate" ]; then
		lat_run lat_fresh_ldx "$s" "$dl" "dbmate xargs -P" "$shape" "$jobs" "$LAT_N" -- \
			xargs -a "$d/dx.url" -P "$jobs" -I{} "$dbmate" --url {} -d "$mg/dbmate" --no-dump-schema up
		lat_verify ldx "$LAT_N" schema_migrations
	fi
	s="$lat_eng nothing pending"
	lat_run - "$s" "$dl" migratore "$shape" "$jobs" "$LAT_N" -- \
		"$bin" upgrade --inventory "$d/mg.yaml" --jobs "$jobs" -q
	lat_run - "$s" "$dl" floor "$shape" "$jobs" "$LAT_N" -- \
		"${fl[@]}" -t "$d/lfl.txt" --check
	if [ -n "$dbmate" ]; then
		lat_run - "$s" "$dl" "dbmate xargs -P" "$shape" "$jobs" "$LAT_N" -- \
			xargs -a "$d/dx.url" -P "$jobs" -I{} "$dbmate" --url {} -d "$mg/dbmate" --no-dump-schema up
	fi
}

lat_times() { # N COMMAND...
	local i
	for ((i = 0; i < $1; i++)); do "${@:2}"; done
}

lat_single() { # DELAY
	local dl=$1 d=$work/lat/$lat_eng s="$lat_eng single upgrade" shape="1x$M" mg=$work/mig-$M
	local -a fl=("$floor" -e "$lat_eng" -H 127.0.0.1 -P "$lat_port" -u "$TEST_DB_USER" -w "$TEST_DB_PASS")
	local n=1
	[ "$dl" != 0 ] || n=$LAT_SINGLE_REPS
	export DB_URL
	DB_URL=$(lat_url lsmg 01)
	lat_times "$n" lat_run lat_fresh_lsmg "$s" "$dl" migratore "$shape" 1 1 -- "$bin" -q upgrade "$mg/migratore"
	lat_verify lsmg 1 migratore
	lat_times "$n" lat_run lat_fresh_lsfl "$s" "$dl" floor "$shape" 1 1 -- "${fl[@]}" -t "$d/lsfl.txt" -m "$mg/plan.tsv"
	lat_verify lsfl 1 migratore
	lat_times "$n" lat_run lat_fresh_lspm "$s" "$dl" pfloor "$shape" 1 1 -- \
		"${fl[@]}" -t "$d/lspm.txt" -m "$mg/plan.tsv" --pipeline migration
	lat_verify lspm 1 migratore
	lat_times "$n" lat_run lat_fresh_lspt "$s" "$dl" "pfloor target" "$shape" 1 1 -- \
		"${fl[@]}" -t "$d/lspt.txt" -m "$mg/plan.tsv" --pipeline target
	lat_verify lspt 1 migratore
	if [ -n "$dbmate" ]; then
		lat_times "$n" lat_run lat_fresh_lsdm "$s" "$dl" "dbmate up" "$shape" 1 1 -- \
			"$dbmate" --url "$(lat_url lsdm 01)" -d "$mg/dbmate" --no-dump-schema up
		lat_verify lsdm 1 schema_migrations
	fi
	s="$lat_eng single nothing pending"
	n=$LAT_SINGLE_REPS
	lat_times "$n" lat_run - "$s" "$dl" migratore "$shape" 1 1 -- "$bin" -q upgrade "$mg/migratore"
	lat_times "$n" lat_run - "$s" "$dl" floor "$shape" 1 1 -- "${fl[@]}" -t "$d/lsfl.txt" --check
	if [ -n "$dbmate" ]; then
		lat_times "$n" lat_run - "$s" "$dl" "dbmate up" "$shape" 1 1 -- \
			"$dbmate" --url "$(lat_url lsdm 01)" -d "$mg/dbmate" --no-dump-schema up
	fi
	unset DB_URL
}

latency() {
	local r dl
	[ -x "$NETPROXY" ] || { log "latency: no netproxy at $NETPROXY (make, or NETPROXY=): skipped"; return 0; }
	gen_migrations "$M"
	lat_pick_port || return 0
	for r in $(seq "$LAT_REPS"); do
		for lat_eng in postgres mysql; do
			case $lat_eng in
			postgres) lat_to=${pg_port:-} ;;
			mysql) lat_to=${my_port:-} ;;
			esac
			if [ -z "$lat_to" ]; then
				[ "$r" -gt 1 ] || log "latency: no $lat_eng server, skipped"
				continue
			fi
			lat_login=$(px_login "$lat_eng")
			lat_files
			for dl in $LAT_DELAYS; do
				lat_fleet "$dl"
				lat_single "$dl"
			done
		done
	done
}

# The table: one row per scenario, RTT and tool, its fastest round; the
# turns are the same in every round (a "~" says they were not).
print_latency() {
	[ -s "$lat_results" ] || return 0
	echo
	awk -F'\t' -v M="$M" -f "$here/latency.awk" "$lat_results"
}
