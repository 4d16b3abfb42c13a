#!/usr/bin/env bash
# The round trips of one migratore upgrade, counted by tests/tools/netproxy
# at --delay 0: a deterministic figure (tests/tools/README.md, "Turns"),
# which tests/integration/roundtrips.sh checks and bench/run.sh reports
# next to its latency timings.
#
# Usage: bench/roundtrips.sh ENGINE URL MIGDIR
#   ENGINE   postgres or mysql
#   URL      the database, on 127.0.0.1 or localhost (the proxy forwards to
#            127.0.0.1 only); the proxy takes the place of its host and port
#   MIGDIR   the migrations to apply
# Runs `migratore -q upgrade MIGDIR` (single target) through the proxy, then
# once more with nothing pending, each with a proxy of its own, and prints
# one key=value a line:
#   applied           migrations the upgrade applied (bookkeeping rows with
#                     result success, after minus before, read directly)
#   upgrade_conns, upgrade_turns, noop_conns, noop_turns
#                     connections and turns of each run
#   login_turns       of one login (bench/proxy.sh; LOGIN_TURNS overrides)
#   upgrade_rt, noop_rt
#                     round trips after connect: turns - conns x (login + 1),
#                     the 1 being the polite close, which waits for nothing
#   rt_per_migration  (upgrade_turns - noop_turns) / applied, two decimals:
#                     what applying one migration adds to the fixed cost of
#                     a run (the no-op run's); "-" when nothing was applied
# Exit 1 if a run failed (its output shown on stderr), 2 on a usage error.
# MIGRATORE and NETPROXY name the binaries (default: build/migratore and
# build/tests/tools/netproxy next to bench/). migratore runs with a clean
# environment (DB_URL only) in an empty directory, so no .env is read.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/proxy.sh"

usage() {
	echo "usage: bench/roundtrips.sh postgres|mysql URL MIGDIR" >&2
	exit 2
}
[ $# = 3 ] || usage
engine=$1 url=$2 migdir=$(cd "$3" && pwd)
case $engine in postgres | mysql) ;; *) usage ;; esac
: "${MIGRATORE:=$here/../build/migratore}"
: "${NETPROXY:=$(dirname "$MIGRATORE")/tests/tools/netproxy}"
port=$(printf '%s\n' "$url" | sed -E -n 's#^[a-z]+://([^@/]*@)?(127\.0\.0\.1|localhost)(:([0-9]+))?([/?].*)?$#\4#p')
if ! printf '%s\n' "$url" | grep -Eq '^[a-z]+://([^@/]*@)?(127\.0\.0\.1|localhost)([:/?]|$)'; then
	echo "roundtrips.sh: the URL's host must be 127.0.0.1 or localhost" >&2
	exit 2
fi
if [ -z "$port" ]; then
	case $engine in postgres) port=5432 ;; mysql) port=3306 ;; esac
fi

# localhost would be a Unix socket to libmariadb: always TCP to 127.0.0.1.
direct=$(px_url "$url" "$port")

work=$(mktemp -d "${TMPDIR:-/tmp}/roundtrips.XXXXXX")
px_pid=
trap '[ -z "$px_pid" ] || kill "$px_pid" 2>/dev/null; rm -rf "$work"' EXIT

mig() { # URL ARGS...
	local u=$1
	shift
	(cd "$work" && env -i PATH="$PATH" HOME="$work" LANG=C.UTF-8 DB_URL="$u" \
		"$MIGRATORE" "$@")
}

# Bookkeeping rows with result success, read directly (no proxy).
applied_rows() {
	local json
	if ! json=$(mig "$direct" list --format json 2>&1); then
		echo "roundtrips.sh: migratore list failed: $json" >&2
		exit 1
	fi
	printf '%s\n' "$json" | grep -c '"result": "success"' || true
}

# through DIR: one upgrade through a proxy of its own; DIR/sum gets
# "CONNS TURNS"
through() {
	px_start "$work/$1" 0 "$port"
	if ! mig "$(px_url "$url" "$px_port")" -q upgrade "$migdir" >"$work/$1/out" 2>&1; then
		px_stop
		echo "roundtrips.sh: migratore upgrade through the proxy failed:" >&2
		cat "$work/$1/out" >&2
		exit 1
	fi
	px_stop
	px_sum "$work/$1" >"$work/$1/sum"
}

applied_rows >"$work/before"
through up
applied_rows >"$work/after"
before=$(cat "$work/before") after=$(cat "$work/after")
through noop
read -r up_conns up_turns <"$work/up/sum"
read -r np_conns np_turns <"$work/noop/sum"
applied=$((after - before))
login=$(px_login "$engine")

echo "applied=$applied"
echo "upgrade_conns=$up_conns"
echo "upgrade_turns=$up_turns"
echo "noop_conns=$np_conns"
echo "noop_turns=$np_turns"
echo "login_turns=$login"
echo "upgrade_rt=$((up_turns - up_conns * (login + 1)))"
echo "noop_rt=$((np_turns - np_conns * (login + 1)))"
if [ "$applied" -gt 0 ]; then
	awk -v d="$((up_turns - np_turns))" -v n="$applied" 'BEGIN { printf "rt_per_migration=%.2f\n", d / n }'
else
	echo "rt_per_migration=-"
fi
