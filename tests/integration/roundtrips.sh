#!/bin/bash
# The round trips of an upgrade, counted by tests/tools/netproxy through
# bench/roundtrips.sh: 20 two-statement migrations on a new database, then
# the same upgrade with nothing pending, on each server. Counted, never
# timed: turns do not depend on timing, so the counts are exact.
#
# Today's counts are asserted exactly: a change in the round trips an
# upgrade costs shows here and is recorded on purpose (update WANT_*), and
# so are the goals of issue 12 (pipelined PostgreSQL, batched MariaDB).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$TESTS_SRCDIR/lib/tap.sh"
. "$TESTS_SRCDIR/lib/engines.sh"

ROUNDTRIPS=$TESTS_SRCDIR/../bench/roundtrips.sh
M=20

# Turns of one single-target run, login and close included, one connection
# each (bench/README.md says where they go; 177 and 423 before issue 12,
# then 27 and 25; one fewer since the unlock goes out with the goodbye).
declare -A WANT_UP=([postgres]=26 [mysql]=24)
declare -A WANT_NOOP=([postgres]=5 [mysql]=3)
# Issue 12's goals: round trips per applied migration (upgrade turns minus
# the no-op run's, over the migrations applied) and a no-op target's round
# trips after connect.
declare -A GOAL_PER_MIG=([postgres]=1.1 [mysql]=2)
GOAL_NOOP_RT=2

# A goal: GOT a number at most MAX.
at_most() { # GOT MAX NAME
	if [[ $1 =~ ^[0-9]+(\.[0-9]+)?$ ]] &&
		awk -v g="$1" -v m="$2" 'BEGIN { exit !(g + 0 <= m + 0) }'; then
		pass "$3"
	else
		fail "$3"
		diag "got $1, the goal is at most $2"
	fi
}

# The bench's migrations: CREATE TABLE and one INSERT each.
write_twenty() { # DIR
	local i
	for ((i = 1; i <= M; i++)); do
		write_mig "$1" $((1700000000 + i)) "$i" "bench $i" <<EOF
-- migratore: run
CREATE TABLE t$i (id INTEGER PRIMARY KEY, v TEXT);
INSERT INTO t$i (id, v) VALUES (1, 'x');

-- migratore: rollback
DROP TABLE t$i;
EOF
	done
}

# count ENGINE DIR: bench/roundtrips.sh on the current database; sets R_RC
# and R_OUT, logs the output with the rest (check_no_password reads it).
count() {
	R_OUT=$(MIGRATORE=$MIGRATORE NETPROXY=$NETPROXY bash "$ROUNDTRIPS" "$1" "$DB_URL" "$2" 2>&1)
	R_RC=$?
	printf '=== bench/roundtrips.sh %s [exit %d]\n%s\n' "$1" "$R_RC" "$R_OUT" >>"$T_TMP/all-output"
}

val() { printf '%s\n' "$R_OUT" | sed -n "s/^$1=//p"; }

case_engine() { # ENGINE
	local e=$1 d first
	d=$(new_dir)
	write_twenty "$d"
	new_db "$e"
	count "$e" "$d"
	is "$R_RC" 0 "$e: bench/roundtrips.sh counts an upgrade" || diag "$R_OUT"
	is "$(val applied)" "$M" "$e: the upgrade applied $M migrations"
	is "$(ledger_count "$e" "result = 'success'")" "$M" "$e: $M bookkeeping rows"
	is "$(sql "$e" "SELECT count(*) FROM t$M")" 1 "$e: the last migration ran"
	is "$(val upgrade_conns) $(val noop_conns)" "1 1" "$e: each run is one connection"
	is "$(val upgrade_turns)" "${WANT_UP[$e]}" \
		"$e: an upgrade of $M migrations: ${WANT_UP[$e]} turns"
	is "$(val noop_turns)" "${WANT_NOOP[$e]}" \
		"$e: the same with nothing pending: ${WANT_NOOP[$e]} turns"
	first=$R_OUT
	new_db "$e"
	count "$e" "$d"
	is "$R_OUT" "$first" "$e: on a second database the counts are the same"
	at_most "$(val rt_per_migration)" "${GOAL_PER_MIG[$e]}" \
		"$e: at most ${GOAL_PER_MIG[$e]} round trips per applied migration"
	at_most "$(val noop_rt)" "$GOAL_NOOP_RT" \
		"$e: at most $GOAL_NOOP_RT round trips after connect with nothing pending"
}

for e in postgres mysql; do
	url_var=TEST_PG_URL host_var=TEST_PG_HOST
	[ $e = mysql ] && url_var=TEST_MY_URL host_var=TEST_MY_HOST
	if [ -z "${!url_var:-}" ]; then
		skip "no $e server" 10
		continue
	fi
	case ${!host_var:-} in
	127.0.0.1 | localhost) case_engine "$e" ;;
	*) skip "the $e server is not on 127.0.0.1 (the proxy's only target)" 10 ;;
	esac
done
check_no_password
done_testing
