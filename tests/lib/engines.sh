# tests/lib/engines.sh - engines, throwaway databases and a wrapper around
# the real binary for the TAP integration scripts. Source after tap.sh.
#
# Environment: MIGRATORE (the binary), TESTS_SRCDIR, TEST_ENGINES_BUILT
# ("sqlite postgres mysql" when unset); TEST_PG_URL / TEST_MY_URL
# and TEST_PG_HOST/PORT, TEST_MY_HOST/PORT, TEST_DB_USER/PASS from
# tests/servers.sh (or /work/dbenv.sh) when the servers run.
#
#   engine_list            sqlite, plus postgres / mysql when their URL is set
#                          and the binary has the engine
#   engine_built ENGINE    whether the binary has the engine (configure
#                          --without-mysql leaves one out)
#   fresh_db ENGINE        creates an empty database, prints shell assignments
#                          (T_ENGINE, T_DBNAME, T_DBFILE, DB_URL)
#   new_db ENGINE          eval "$(fresh_db ENGINE)" in the current shell
#   drop_db                drops the current database (also done at exit)
#   sql ENGINE QUERY       runs QUERY on the current database, rows printed
#                          tab-separated; a SQLite file that does not exist is
#                          never created (prints nothing, returns 1)
#   mig [VAR=VAL...] ARGS  runs $MIGRATORE ARGS in a clean environment with
#                          DB_URL of the current database and the VARs; sets
#                          M_RC, M_OUT, M_ERR and logs both to the suite log
#   write_mig DIR TS N DESC [HEADER...] < body
#                          writes DIR/TS_mN.sql with uuid $(uid N)
#   uid N                  a fixed uuid for migration number N
#   ppid_of PID            the parent of a process, from /proc
#
# All state lives under T_TMP (mktemp -d), removed at exit together with
# every server database this script created and every background process it
# started (bg_track PID).

: "${MIGRATORE:?MIGRATORE must name the migratore binary}"
: "${TESTS_SRCDIR:=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"

T_TMP=$(mktemp -d "${TMPDIR:-/tmp}/migit.XXXXXX") || bail_out "mktemp failed"
chmod 0755 "$T_TMP"
mkdir -p "$T_TMP/cwd" "$T_TMP/home"
: >"$T_TMP/dbs"
: >"$T_TMP/pids"
: >"$T_TMP/all-output"
T_SCRIPT=$(basename "$0" .sh | tr -c 'a-z0-9\n' '_')
T_SEQ=0
# A password that appears nowhere else: any output holding it leaked it.
T_SECRET="s3cret-Pw-$$"

_engines_cleanup() {
	local pid kind name
	while read -r pid; do
		[ -n "$pid" ] && kill "$pid" 2>/dev/null
	done <"$T_TMP/pids"
	while read -r kind name; do
		case $kind in
		postgres) _pg_admin -c "DROP DATABASE IF EXISTS \"$name\"" >/dev/null 2>&1 ;;
		mysql) _my_admin -e "DROP DATABASE IF EXISTS \`$name\`" >/dev/null 2>&1 ;;
		esac
	done <"$T_TMP/dbs"
	if [ -n "${KEEP_TMP:-}" ]; then
		echo "# kept $T_TMP" >&2
	else
		rm -rf "$T_TMP"
	fi
}
trap '_engines_cleanup' EXIT
trap 'exit 130' INT TERM

bg_track() { echo "$1" >>"$T_TMP/pids"; }

engine_list() {
	echo sqlite
	[ -n "${TEST_PG_URL:-}" ] && echo postgres
	[ -n "${TEST_MY_URL:-}" ] && echo mysql
	return 0
}

# A binary built without an engine (./configure --without-mysql): its
# server is as good as absent, and every case that needs it skips, as
# without TEST_MY_URL. make check says which engines configure built.
engine_built() { # ENGINE
	case " ${TEST_ENGINES_BUILT:-sqlite postgres mysql} " in
	*" $1 "*) return 0 ;;
	*) return 1 ;;
	esac
}
if [ -n "${TEST_PG_URL:-}" ] && ! engine_built postgres; then
	echo "# postgres is not compiled in: its cases skip" >&2
	unset TEST_PG_URL
fi
if [ -n "${TEST_MY_URL:-}" ] && ! engine_built mysql; then
	echo "# mysql is not compiled in: its cases skip" >&2
	unset TEST_MY_URL
fi

# ---- server clients -------------------------------------------------------

_pg_admin() {
	PGPASSWORD=$TEST_DB_PASS PGCONNECT_TIMEOUT=10 psql -X -q -v ON_ERROR_STOP=1 \
		-h "$TEST_PG_HOST" -p "$TEST_PG_PORT" -U "$TEST_DB_USER" \
		-d "${TEST_DB_NAME:-postgres}" "$@"
}

_my_admin() {
	MYSQL_PWD=$TEST_DB_PASS mariadb --no-defaults --protocol=tcp \
		--connect-timeout=10 -h "$TEST_MY_HOST" -P "$TEST_MY_PORT" \
		-u "$TEST_DB_USER" "$@"
}

fresh_db() { # ENGINE
	local engine=$1 n name
	n=$(($(wc -l <"$T_TMP/dbs") + 1))
	name="mit_${T_SCRIPT}_$$_${n}_$RANDOM"
	name=${name:0:60}
	case $engine in
	sqlite)
		echo "sqlite -" >>"$T_TMP/dbs"
		printf "T_ENGINE=sqlite T_DBNAME=%q T_DBFILE=%q DB_URL=%q\n" \
			"$name" "$T_TMP/$name.db" "sqlite://$T_TMP/$name.db"
		;;
	postgres)
		_pg_admin -c "CREATE DATABASE \"$name\"" >&2 ||
			{ echo "fresh_db: CREATE DATABASE $name failed" >&2; return 1; }
		echo "postgres $name" >>"$T_TMP/dbs"
		printf "T_ENGINE=postgres T_DBNAME=%q T_DBFILE= DB_URL=%q\n" "$name" \
			"postgres://$TEST_DB_USER:$TEST_DB_PASS@$TEST_PG_HOST:$TEST_PG_PORT/$name?sslmode=disable"
		;;
	mysql)
		_my_admin -e "CREATE DATABASE \`$name\`" >&2 ||
			{ echo "fresh_db: CREATE DATABASE $name failed" >&2; return 1; }
		echo "mysql $name" >>"$T_TMP/dbs"
		printf "T_ENGINE=mysql T_DBNAME=%q T_DBFILE= DB_URL=%q\n" "$name" \
			"mysql://$TEST_DB_USER:$TEST_DB_PASS@$TEST_MY_HOST:$TEST_MY_PORT/$name"
		;;
	*)
		echo "fresh_db: unknown engine $engine" >&2
		return 1
		;;
	esac
}

new_db() {
	local assign
	assign=$(fresh_db "$1") || bail_out "cannot create a $1 database"
	eval "$assign"
}

drop_db() {
	case $T_ENGINE in
	sqlite) rm -f "$T_DBFILE" "$T_DBFILE.lock" "$T_DBFILE-journal" "$T_DBFILE-wal" "$T_DBFILE-shm" ;;
	postgres) _pg_admin -c "DROP DATABASE IF EXISTS \"$T_DBNAME\"" >/dev/null 2>&1 ;;
	mysql) _my_admin -e "DROP DATABASE IF EXISTS \`$T_DBNAME\`" >/dev/null 2>&1 ;;
	esac
	return 0
}

sql() { # ENGINE QUERY
	case $1 in
	sqlite)
		[ -f "$T_DBFILE" ] || return 1
		sqlite3 -batch -noheader -separator $'\t' -cmd '.timeout 5000' \
			"$T_DBFILE" "$2"
		;;
	postgres)
		PGPASSWORD=$TEST_DB_PASS psql -X -q -A -t -F $'\t' -v ON_ERROR_STOP=1 \
			-h "$TEST_PG_HOST" -p "$TEST_PG_PORT" -U "$TEST_DB_USER" \
			-d "$T_DBNAME" -c "$2"
		;;
	mysql)
		_my_admin -N -B -D "$T_DBNAME" -e "$2"
		;;
	esac
}

# Hex (upper case) of a text value: byte-exact comparisons, any engine.
sql_hex() { # ENGINE EXPR FROM-AND-WHERE
	case $1 in
	postgres) sql "$1" "SELECT upper(encode(convert_to($2, 'UTF8'), 'hex')) $3" ;;
	*) sql "$1" "SELECT upper(hex($2)) $3" ;;
	esac
}

hex_of() { # STRING -> upper-case hex of its bytes
	printf '%s' "$1" | od -An -v -tx1 | tr -d ' \n' | tr 'a-f' 'A-F'
}

table_exists() { # ENGINE TABLE -> prints 1 or 0
	local q
	case $1 in
	sqlite)
		[ -f "$T_DBFILE" ] || { echo 0; return; }
		q="SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '$2'"
		;;
	postgres) q="SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = '$2'" ;;
	mysql) q="SELECT count(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = '$2'" ;;
	esac
	sql "$1" "$q"
}

column_exists() { # ENGINE TABLE COLUMN -> 1 or 0
	local q
	case $1 in
	sqlite) q="SELECT count(*) FROM pragma_table_info('$2') WHERE name = '$3'" ;;
	postgres) q="SELECT count(*) FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = '$2' AND column_name = '$3'" ;;
	mysql) q="SELECT count(*) FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = '$2' AND column_name = '$3'" ;;
	esac
	sql "$1" "$q"
}

# The bookkeeping rows as "uuid result operation" lines, by id.
ledger() { # ENGINE [COLUMNS]
	local cols=${2:-"uuid, result, operation"}
	[ "$(table_exists "$1" migratore)" = 1 ] || return 0
	sql "$1" "SELECT $cols FROM migratore ORDER BY object_id"
}

ledger_count() { # ENGINE [WHERE]
	[ "$(table_exists "$1" migratore)" = 1 ] || { echo 0; return; }
	sql "$1" "SELECT count(*) FROM migratore ${2:+WHERE $2}"
}

# ---- the binary -----------------------------------------------------------

# mig [VAR=VALUE...] [--] ARGS...: run the binary with only the given
# variables plus DB_URL (unless DB_URL= is given) in a directory without a
# .env, bounded by a timeout. M_RC, M_OUT, M_ERR hold the outcome.
mig() {
	local -a envs=(PATH="$PATH" HOME="$T_TMP/home" USER=itester LANG=C.UTF-8
		LOCK_TIMEOUT=20)
	local have_url=0 a
	while [ $# -gt 0 ]; do
		case $1 in
		--) shift; break ;;
		[A-Z]*=*)
			[[ $1 == DB_URL=* ]] && have_url=1
			envs+=("$1")
			shift
			;;
		*) break ;;
		esac
	done
	[ $have_url = 1 ] || [ -z "${DB_URL:-}" ] || envs+=(DB_URL="$DB_URL")
	local out=$T_TMP/out.$BASHPID err=$T_TMP/err.$BASHPID
	(cd "${MIG_CWD:-$T_TMP/cwd}" &&
		exec env -i "${envs[@]}" timeout -k 5 "${MIG_TIMEOUT:-60}" \
			"$MIGRATORE" "$@") >"$out" 2>"$err"
	M_RC=$?
	M_OUT=$(cat "$out")
	M_ERR=$(cat "$err")
	{
		printf '=== migratore'
		for a in "$@"; do printf ' %q' "$a"; done
		printf ' [exit %d]\n' "$M_RC"
		cat "$out" "$err"
	} >>"$T_TMP/all-output"
	rm -f "$out" "$err"
	if [ "$M_RC" = 124 ] || [ "$M_RC" = 137 ]; then
		diag "migratore $* timed out after ${MIG_TIMEOUT:-60}s"
	fi
	return 0
}

# Show the last command's output when a check failed (for the log).
mig_diag() {
	diag "exit: $M_RC"
	[ -n "$M_OUT" ] && _tap_show "stdout" "$M_OUT"
	[ -n "$M_ERR" ] && _tap_show "stderr" "$M_ERR"
	return 0
}

# is_rc WANT NAME: the last command's exit status, with its output on failure.
is_rc() {
	if [ "$M_RC" = "$1" ]; then
		_tap_result 0 "$2"
	else
		_tap_result 1 "$2"
		diag "expected exit $1"
		mig_diag
	fi
}

# ---- migration files ------------------------------------------------------

uid() { printf '%08x-0000-4000-8000-%012x\n' "$1" "$1"; }

# write_mig DIR TS N DESCRIPTION [EXTRA-HEADER-LINE...] < BODY
write_mig() {
	local dir=$1 ts=$2 n=$3 desc=$4 h
	shift 4
	mkdir -p "$dir"
	{
		printf -- '-- migratore: uuid = %s\n' "$(uid "$n")"
		printf -- '-- migratore: timestamp = %s\n' "$ts"
		printf -- '-- migratore: description = %s\n' "$desc"
		for h in "$@"; do printf -- '-- migratore: %s\n' "$h"; done
		printf '\n'
		cat
	} >"$dir/${ts}_m$n.sql"
}

new_dir() { mktemp -d "$T_TMP/migs.XXXXXX"; }

# A statement that takes about a second on the engine.
slow_sql() {
	case $1 in
	sqlite) echo "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 2000000) SELECT count(*) FROM c;" ;;
	postgres) echo "SELECT pg_sleep(1);" ;;
	mysql) echo "SELECT SLEEP(1);" ;;
	esac
}

file_sha() { [ -e "$1" ] && sha256sum "$1" | cut -d' ' -f1 || echo absent; }

# The advisory-lock key of drivers/pg/pg.c (pg_lock_key): FNV-1a 64 of
# "migratore:" + database name, shifted right by one.
pg_lock_key() {
	python3 -c '
import sys
h = 0xcbf29ce484222325
for b in ("migratore:" + sys.argv[1]).encode():
    h ^= b
    h = (h * 0x100000001b3) & 0xffffffffffffffff
print(h >> 1)' "$1"
}

# The parent of a process, from /proc (its name may hold spaces: the
# fields after the last ')').
ppid_of() { sed 's/.*) //' "/proc/$1/stat" | cut -d' ' -f2; }

# Wait (bounded, 10 s) until COMMAND succeeds.
wait_for() {
	local i
	for ((i = 0; i < 100; i++)); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}

# The last check of a script: nothing it ran ever printed a password.
check_no_password() {
	local log=$T_TMP/all-output
	if grep -qF -- "$T_SECRET" "$log"; then
		fail "no command printed the test password ($T_SECRET)"
		grep -nF -- "$T_SECRET" "$log" | head -5 | sed 's/^/# /'
	else
		pass "no command printed the test password ($T_SECRET)"
	fi
	# The servers' own password: unmistakable only where it sits in a URL
	# or after a password label (it may equal the user name).
	if [ -n "${TEST_DB_PASS:-}" ]; then
		if grep -qiE -- ":${TEST_DB_PASS}@|password[^a-z]*: *${TEST_DB_PASS}|PASSWORD=${TEST_DB_PASS}" "$log"; then
			fail "no command printed the servers' password"
			grep -niE -- ":${TEST_DB_PASS}@|password[^a-z]*: *${TEST_DB_PASS}|PASSWORD=${TEST_DB_PASS}" "$log" | head -5 | sed 's/^/# /'
		else
			pass "no command printed the servers' password"
		fi
	fi
}
