#!/usr/bin/env bash
# servers.sh - throwaway PostgreSQL 15 and MariaDB servers on 127.0.0.1 for the
# tests, in a temporary directory, stopped again by their recorded pids only.
#
# Usage:
#   dbenv=$(bash tests/servers.sh start [DIR]) || exit 1; eval "$dbenv"
#   ... make check ...
#   bash tests/servers.sh restart "$DBTEST_DIR"   (after a test killed one)
#   bash tests/servers.sh stop "$DBTEST_DIR" [--keep]
#
# `start` prints `export ...` lines (DBTEST_DIR, TEST_PG_*, TEST_MY_*,
# TEST_DB_USER/PASS/NAME) and also writes them to $DBTEST_DIR/env.sh. Do not
# write `eval "$(bash tests/servers.sh start)"`: eval of an empty string
# succeeds, so a failed start would go unnoticed.
# `stop` stops exactly the two servers `start` started in DIR (pid files plus a
# command-line check against pid reuse), then deletes DIR unless --keep.
#
# Run as root (CI does): the servers run as the postgres and mysql users.
# Debian 12 packages: postgresql mariadb-server iproute2.
# Knobs: PG_PORT (55432), MY_PORT (53306), TEST_USER/TEST_PASS/TEST_DB
# CRASH_SAFE=1 (start and restart): a commit survives a killed server
# (PostgreSQL synchronous_commit, InnoDB's log written at each commit; the
# OS still flushes when it likes), for a test that kills one;
# (migtest/migtest/migtest), PGBIN (/usr/lib/postgresql/15/bin).
set -euo pipefail

PG_PORT=${PG_PORT:-55432}
MY_PORT=${MY_PORT:-53306}
TEST_USER=${TEST_USER:-migtest}
CRASH_SAFE=${CRASH_SAFE:-0}
TEST_PASS=${TEST_PASS:-migtest}
TEST_DB=${TEST_DB:-migtest}
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
export PATH="$PATH:/usr/sbin"

log() { echo "servers.sh: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }
usage() {
	echo "usage: servers.sh start [DIR] | restart DIR | stop DIR [--keep]" >&2
	exit 2
}

# ---------------------------------------------------------------- stop ----

# stop_pid NAME PIDFILE SIGNAL EXPECTED-CMDLINE-SUBSTRING
stop_pid() {
	local name=$1 pidfile=$2 sig=$3 expect=$4 pid
	[ -s "$pidfile" ] || { log "$name: no pid file ($pidfile)"; return 0; }
	pid=$(head -1 "$pidfile" | tr -dc 0-9)
	[ -n "$pid" ] || return 0
	if ! kill -0 "$pid" 2>/dev/null; then
		log "$name: pid $pid not running"
		return 0
	fi
	# A recycled pid must not be killed: the process has to name our dir.
	if ! tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "$expect"; then
		log "$name: pid $pid is not our server, leaving it alone"
		return 0
	fi
	kill "-$sig" "$pid"
	for _ in $(seq 1 300); do
		kill -0 "$pid" 2>/dev/null || { log "$name (pid $pid) stopped"; return 0; }
		sleep 0.1
	done
	log "$name (pid $pid) did not stop in 30s, sending KILL"
	kill -KILL "$pid" 2>/dev/null || true
	sleep 0.5
}

# Prefer the pid files start recorded; fall back to the servers' own.
pick() { if [ -s "$1" ]; then echo "$1"; else echo "$2"; fi; }

do_stop() {
	local dir=${1:-${DBTEST_DIR:-}} keep=${2:-}
	[ -n "$dir" ] && [ -d "$dir" ] || usage
	# postgres: SIGINT is a fast shutdown; its backends exit with it.
	stop_pid postgres "$(pick "$dir/postgres.pid" "$dir/pg/data/postmaster.pid")" \
		INT "$dir/pg/data"
	# mariadbd: SIGTERM is a normal shutdown.
	stop_pid mariadb "$(pick "$dir/mariadb.pid" "$dir/my/mariadbd.pid")" \
		TERM "$dir/my/data"
	[ "$keep" = "--keep" ] && return 0
	case "$(basename "$dir")" in
	dbtest.*) rm -rf -- "$dir" ;;
	*) log "not deleting $dir (not a dbtest.* folder)" ;;
	esac
}

# --------------------------------------------------------------- start ----

port_busy() { ss -Hltn "sport = :$1" 2>/dev/null | grep -q .; }

# The server processes alone, on the data directories start made (start,
# and restart after a crash).
run_pg() {
	local pgdir=$DBTEST_DIR/pg
	runuser -u postgres -- "$PGBIN/pg_ctl" -D "$pgdir/data" -l "$pgdir/server.log" -w -t 60 \
		-o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $pgdir/sock -c fsync=off -c synchronous_commit=$([ "$CRASH_SAFE" = 1 ] && echo on || echo off) -c full_page_writes=off" \
		start >"$pgdir/pg_ctl.log" 2>&1 ||
		{ cat "$pgdir/server.log" >&2; die "pg_ctl start failed"; }
	head -1 "$pgdir/data/postmaster.pid" >"$DBTEST_DIR/postgres.pid"
}

run_my() {
	local mydir=$DBTEST_DIR/my pid i
	# Detached, or it would hold the caller's $(...) open forever. The
	# character set is Debian's packaged default, what users run.
	setsid mariadbd --no-defaults --user=mysql --datadir="$mydir/data" \
		--bind-address=127.0.0.1 --port="$MY_PORT" --socket="$mydir/mysqld.sock" \
		--pid-file="$mydir/mariadbd.pid" --log-error="$mydir/error.log" \
		--skip-name-resolve --skip-log-bin --innodb-buffer-pool-size=64M \
		--character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci \
		--innodb-flush-log-at-trx-commit=$([ "$CRASH_SAFE" = 1 ] && echo 2 || echo 0) \
		--innodb-doublewrite=0 \
		</dev/null >/dev/null 2>&1 &
	pid=$!
	for i in $(seq 1 300); do
		mariadb-admin --no-defaults -S "$mydir/mysqld.sock" -uroot ping >/dev/null 2>&1 && break
		kill -0 "$pid" 2>/dev/null || { cat "$mydir/error.log" >&2; die "mariadbd exited"; }
		[ "$i" -eq 300 ] && { cat "$mydir/error.log" >&2; die "mariadbd not up after 30s"; }
		sleep 0.1
	done
	cp "$mydir/mariadbd.pid" "$DBTEST_DIR/mariadb.pid"
}

# Whether PID runs: a killed server whose parent (init) did not reap it yet
# is a zombie, and no longer holds its files.
running() {
	local st
	st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
	[ -n "$st" ] && [ "$st" != Z ]
}

# restart DIR: start again whichever of the two servers start made in DIR
# is not running (a test killed it), on the same ports and data.
do_restart() {
	local dir=$1
	[ -s "$dir/env.sh" ] || usage
	# shellcheck disable=SC1091
	. "$dir/env.sh"
	PG_PORT=$TEST_PG_PORT MY_PORT=$TEST_MY_PORT
	if ! running "$(head -1 "$DBTEST_DIR/postgres.pid")"; then
		# postgres would take the zombie's pid in its lock files for a
		# running server
		rm -f "$DBTEST_DIR/pg/data/postmaster.pid" "$DBTEST_DIR/pg/sock/.s.PGSQL.$PG_PORT.lock"
		run_pg
		log "postgres restarted: pid $(cat "$DBTEST_DIR/postgres.pid")"
	fi
	if ! running "$(head -1 "$DBTEST_DIR/mariadb.pid")"; then
		run_my
		log "mariadb restarted: pid $(cat "$DBTEST_DIR/mariadb.pid")"
	fi
}

start_pg() {
	local pgdir=$DBTEST_DIR/pg pwfile
	local pgdata=$pgdir/data pgsock=$pgdir/sock
	# postgres refuses to run as root. Unix socket: trust (admin);
	# TCP: scram-sha-256, so a wrong password is really refused.
	pwfile=$pgdir/pwfile
	printf '%s\n' postgres >"$pwfile"
	chown postgres "$pwfile"
	chmod 600 "$pwfile"
	runuser -u postgres -- "$PGBIN/initdb" -D "$pgdata" -U postgres \
		--pwfile="$pwfile" --auth-local=trust --auth-host=scram-sha-256 \
		--no-locale -E UTF8 --no-sync >"$pgdir/initdb.log" 2>&1 ||
		{ cat "$pgdir/initdb.log" >&2; die "initdb failed"; }
	rm -f "$pwfile"
	run_pg

	psql_admin() {
		runuser -u postgres -- "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 \
			-h "$pgsock" -p "$PG_PORT" -U postgres "$@"
	}
	psql_admin -d postgres -c "CREATE ROLE \"$TEST_USER\" LOGIN CREATEDB PASSWORD '$TEST_PASS'" >&2
	psql_admin -d postgres -c "CREATE DATABASE \"$TEST_DB\" OWNER \"$TEST_USER\"" >&2
	# pg_ctl -w only proved the socket: wait for a TCP login too.
	for i in $(seq 1 100); do
		PGPASSWORD=$TEST_PASS "$PGBIN/psql" -X -q -h 127.0.0.1 -p "$PG_PORT" \
			-U "$TEST_USER" -d "$TEST_DB" -c 'select 1' >/dev/null 2>&1 && break
		[ "$i" -eq 100 ] && die "postgres not reachable over TCP"
		sleep 0.1
	done
	log "postgres up: pid $(cat "$DBTEST_DIR/postgres.pid") on 127.0.0.1:$PG_PORT"
}

start_my() {
	local mydir=$DBTEST_DIR/my
	local mydata=$mydir/data mysock=$mydir/mysqld.sock i
	# --no-defaults must come FIRST, or /etc/mysql/*.cnf is read.
	mariadb-install-db --no-defaults --user=mysql --datadir="$mydata" \
		--auth-root-authentication-method=socket --skip-test-db --skip-name-resolve \
		>"$mydir/install-db.log" 2>&1 ||
		{ cat "$mydir/install-db.log" >&2; die "mariadb-install-db failed"; }
	run_my
	# root@localhost authenticates by unix_socket only: OS root, over the socket.
	# With --skip-name-resolve TCP and socket logins are separate users.
	mariadb --no-defaults -S "$mysock" -uroot <<SQL
CREATE USER '$TEST_USER'@'127.0.0.1' IDENTIFIED BY '$TEST_PASS';
CREATE USER '$TEST_USER'@'localhost' IDENTIFIED BY '$TEST_PASS';
GRANT ALL PRIVILEGES ON *.* TO '$TEST_USER'@'127.0.0.1';
GRANT ALL PRIVILEGES ON *.* TO '$TEST_USER'@'localhost';
CREATE DATABASE \`$TEST_DB\`;
SQL
	for i in $(seq 1 100); do
		mariadb --no-defaults --protocol=tcp -h 127.0.0.1 -P "$MY_PORT" \
			-u"$TEST_USER" -p"$TEST_PASS" "$TEST_DB" -e 'select 1' >/dev/null 2>&1 && break
		[ "$i" -eq 100 ] && die "mariadb not reachable over TCP"
		sleep 0.1
	done
	log "mariadb up: pid $(cat "$DBTEST_DIR/mariadb.pid") on 127.0.0.1:$MY_PORT"
}

cleanup_on_fail() {
	local rc=$?
	[ $rc -eq 0 ] && return 0
	log "start failed (rc=$rc); stopping what was started; logs kept in $DBTEST_DIR"
	(do_stop "$DBTEST_DIR" --keep) >&2 || true
}

do_start() {
	[ "$(id -u)" -eq 0 ] || die "run as root (the servers run as postgres and mysql)"
	[ -x "$PGBIN/initdb" ] || die "$PGBIN/initdb missing: apt-get install postgresql"
	command -v mariadbd >/dev/null || die "mariadbd missing: apt-get install mariadb-server"
	command -v ss >/dev/null || die "ss missing: apt-get install iproute2"
	port_busy "$PG_PORT" && die "port $PG_PORT already in use"
	port_busy "$MY_PORT" && die "port $MY_PORT already in use"

	DBTEST_DIR=${1:-$(mktemp -d -t dbtest.XXXXXX)}
	mkdir -p "$DBTEST_DIR"
	DBTEST_DIR=$(cd "$DBTEST_DIR" && pwd)
	# mktemp -d is 0700 root: postgres and mysql could not traverse it.
	chmod 0755 "$DBTEST_DIR"
	# runuser keeps the cwd; an unreadable one makes postgres complain.
	cd "$DBTEST_DIR"
	mkdir -p pg/sock my
	chown -R postgres:postgres pg
	chown -R mysql:mysql my

	trap cleanup_on_fail EXIT
	start_pg
	start_my

	cat >"$DBTEST_DIR/env.sh" <<EOF
export DBTEST_DIR='$DBTEST_DIR'
export TEST_PG_URL='postgres://$TEST_USER:$TEST_PASS@127.0.0.1:$PG_PORT/$TEST_DB?sslmode=disable'
export TEST_PG_HOST=127.0.0.1 TEST_PG_PORT=$PG_PORT TEST_PG_SOCKDIR='$DBTEST_DIR/pg/sock'
export TEST_MY_URL='mysql://$TEST_USER:$TEST_PASS@127.0.0.1:$MY_PORT/$TEST_DB'
export TEST_MY_HOST=127.0.0.1 TEST_MY_PORT=$MY_PORT TEST_MY_SOCKET='$DBTEST_DIR/my/mysqld.sock'
export TEST_DB_USER='$TEST_USER' TEST_DB_PASS='$TEST_PASS' TEST_DB_NAME='$TEST_DB'
EOF
	trap - EXIT
	cat "$DBTEST_DIR/env.sh"
}

case "${1:-}" in
start) shift; [ $# -le 1 ] || usage; do_start "$@" ;;
restart) shift; [ $# -eq 1 ] || usage; do_restart "$@" ;;
stop) shift; [ $# -ge 1 ] && [ $# -le 2 ] || usage; do_stop "$@" ;;
*) usage ;;
esac
