#!/bin/bash
# A connection lost in the middle of a migration (issue 9, item 4): a
# target that sent a statement of a migration is never "unreachable" (exit
# 4 says nothing was touched) and never retried (the statement would run
# again): it is failed, "connection lost after N of M statements
# committed", exit 1; what committed is in migratore_progress and the next
# run resumes after it. Two ways to lose it: a statement that kills its own
# backend, and a netproxy that cuts the connection right after a statement
# was forwarded (it ran and committed; the client never learns it).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$TESTS_SRCDIR/lib/tap.sh"
. "$TESTS_SRCDIR/lib/engines.sh"
. "$TESTS_SRCDIR/lib/rollout.sh"
. "$TESTS_SRCDIR/tools/proxylib.sh"

proxy_servers

proxied_url() { # PORT
	case $T_ENGINE in
	postgres) echo "postgres://$TEST_DB_USER:$TEST_DB_PASS@127.0.0.1:$1/$T_DBNAME?sslmode=disable" ;;
	mysql) echo "mysql://$TEST_DB_USER:$TEST_DB_PASS@127.0.0.1:$1/$T_DBNAME" ;;
	esac
}

# m1 makes the table hits (and, on PostgreSQL, a sequence counting how
# often the killing statement ran: nextval is not transactional).
hits_table() { # DIR ENGINE
	if [ "$2" = postgres ]; then
		write_mig "$1" 1700000001 1 "hits" <<'EOF'
-- migratore: run
CREATE TABLE hits (n INTEGER);
CREATE SEQUENCE kills;
EOF
	else
		write_mig "$1" 1700000001 1 "hits" <<'EOF'
-- migratore: run
CREATE TABLE hits (n INTEGER);
EOF
	fi
}

kill_sql() { # ENGINE
	case $1 in
	postgres) echo "SELECT nextval('kills'), pg_terminate_backend(pg_backend_pid());" ;;
	mysql) echo "KILL CONNECTION_ID();" ;;
	esac
}

# m2 commits statement 1, then its statement 2 kills its own session.
killing_set() { # DIR ENGINE
	hits_table "$1" "$2"
	write_mig "$1" 1700000002 2 "kills itself" "transaction = off" <<EOF
-- migratore: run
INSERT INTO hits (n) VALUES (1);
$(kill_sql "$2")
INSERT INTO hits (n) VALUES (3);
EOF
}

progress() { # ENGINE UUID: its committed count, or none
	local c
	c=$(sql "$1" "SELECT committed FROM migratore_progress WHERE uuid = '$2'")
	echo "${c:-none}"
}

case_kill_single() { # ENGINE
	local e=$1 d
	new_db "$e"
	d=$(new_dir)
	killing_set "$d" "$e"
	mig upgrade "$d"
	is_rc 1 "$e: a migration that kills its own session: exit 1, not 4"
	like "$M_ERR" "1700000002_m2\.sql: connection lost after 1 of 3 statements committed, at statement 2 \(1700000002_m2\.sql:8\): connection to $e at .* lost" \
		"$e: the message says the connection was lost and how much committed"
	lacks "$M_ERR" "could not be reached" "$e: not said to be unreachable"
	is "$(ledger "$e")" "$(uid 1)	success	Run" "$e: the first migration is recorded; the second could not be"
	is "$(sql "$e" "SELECT n FROM hits ORDER BY n" | paste -sd,)" 1 "$e: statement 1 committed"
	is "$(progress "$e" "$(uid 2)")" 1 "$e: migratore_progress knows statement 1 committed"
	mig upgrade "$d"
	is_rc 1 "$e: the next run reconnects and fails the same way"
	contains "$M_ERR" "resuming at statement 2" "$e: it resumed after the committed statement"
	is "$(sql "$e" "SELECT n FROM hits ORDER BY n" | paste -sd,)" 1 "$e: statement 1 did not run again"
	drop_db
}

# --retries 3 in a fleet: failed, one attempt; the killing statement ran
# once (PostgreSQL counts it in a sequence).
case_kill_fleet() { # ENGINE
	local e=$1 W
	new_db "$e"
	W=$(new_dir)
	killing_set "$W/m" "$e"
	printf 'version: 1\ndefaults:\n  path: m\ntargets:\n  - name: t1\n    url: %s\n' \
		"$DB_URL" >"$W/fleet.yaml"
	MIG_CWD=$W mig upgrade --inventory fleet.yaml --retries 3 --report report.json
	is_rc 1 "$e: fleet: exit 1"
	is "$(py "$W/report.json" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))["targets"][0]
s = t["steps"][-1]
print(t["status"], t["attempts"], t["exit_code"], s["committed"], s["total"], s["statement_no"])
print(t["reason"].startswith("connection lost after 1 of 3 statements committed, at statement 2 (1700000002_m2.sql:8): "))
PY
)" "failed 1 1 1 3 2
True" \
		"$e: fleet --retries 3: failed after one attempt, never unreachable"
	if [ "$e" = postgres ]; then
		is "$(sql "$e" "SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM kills")" 1 \
			"$e: fleet: the killing statement ran once"
	fi
	is "$(sql "$e" "SELECT count(*) FROM hits")" 1 "$e: fleet: statement 1 ran once"
	drop_db
}

# A proxy cuts the connection right after statement 2 was forwarded: it
# ran and committed; with --retries 3 it must not run again.
case_cut_fleet() { # ENGINE TRANSACTION
	local e=$1 txn=$2 W want
	new_db "$e"
	W=$(new_dir)
	hits_table "$W/m" "$e"
	write_mig "$W/m" 1700000002 2 "three inserts" ${txn:+"transaction = $txn"} <<'EOF'
-- migratore: run
INSERT INTO hits (n) VALUES (1);
INSERT INTO hits (n) VALUES (2);
INSERT INTO hits (n) VALUES (3);
EOF
	proxy_start PX --to "$(proxy_server_port "$e")" --cut-after "VALUES (2)" || { fail "netproxy"; return; }
	printf 'version: 1\ndefaults:\n  path: m\ntargets:\n  - name: t1\n    url: %s\n' \
		"$(proxied_url "$PX_PORT")" >"$W/fleet.yaml"
	MIG_CWD=$W mig upgrade --inventory fleet.yaml --retries 3 --report report.json
	is_rc 1 "$e${txn:+ transaction=$txn}: cut after a statement: exit 1"
	proxy_stop PX
	is "$(grep -c '"end":"cut-after"' "$PX_STATS")" 1 "$e${txn:+ transaction=$txn}: the proxy cut once"
	is "$(py "$W/report.json" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))["targets"][0]
print(t["status"], t["attempts"], "connection lost after" in t["reason"])
PY
)" "failed 1 True" "$e${txn:+ transaction=$txn}: failed, one attempt: not unreachable, not retried"
	# transaction = off: statements 1 and 2 committed (the client knew
	# of 1 only). In one transaction the migration went out as one batch
	# (issue 12) with its COMMIT and its bookkeeping row, all forwarded
	# before the cut: all of it committed, the row with it, so the next
	# run knows it is applied.
	want="1,2"
	[ -z "$txn" ] && want="1,2,3"
	is "$(sql "$e" "SELECT n FROM hits ORDER BY n" | paste -sd,)" "$want" \
		"$e${txn:+ transaction=$txn}: the cut statement ran exactly once"
	if [ -z "$txn" ]; then
		is "$(ledger_count "$e" "uuid = '$(uid 2)' AND result = 'success'")" 1 \
			"$e: the batch's success row committed with it"
	fi
	drop_db
}

# Single target through the proxy: exit 1 as well.
case_cut_single() { # ENGINE
	local e=$1 d
	new_db "$e"
	d=$(new_dir)
	hits_table "$d" "$e"
	write_mig "$d" 1700000002 2 "two inserts" "transaction = off" <<'EOF'
-- migratore: run
INSERT INTO hits (n) VALUES (1);
INSERT INTO hits (n) VALUES (2);
EOF
	proxy_start PX --to "$(proxy_server_port "$e")" --cut-before "VALUES (2)" || { fail "netproxy"; return; }
	mig DB_URL="$(proxied_url "$PX_PORT")" upgrade "$d"
	is_rc 1 "$e: single target, cut before statement 2: exit 1"
	contains "$M_ERR" "connection lost after 1 of 2 statements committed, at statement 2" \
		"$e: single target, cut: the message says how much committed"
	proxy_stop PX
	mig upgrade "$d"
	is_rc 0 "$e: the next run, without the proxy, finishes it"
	contains "$M_ERR" "resuming at statement 2" "$e: it resumed at statement 2"
	is "$(sql "$e" "SELECT n FROM hits ORDER BY n" | paste -sd,)" "1,2" "$e: each statement ran once"
	drop_db
}

# MySQL, one batch (issue 12): the CREATE TABLE commits implicitly, its
# progress row with it, the INSERT fails, and the connection is cut with
# the whole batch forwarded, so the error row cannot be written: what the
# next run knows is the batch's own progress row, which must carry the
# checksum the one-by-one path writes (worker/resume.h), so that the next
# run resumes after the CREATE TABLE.
case_cut_batch() {
	local e=mysql d sum
	new_db "$e"
	d=$(new_dir)
	write_mig "$d" 1700000002 2 "a table, then a failure" <<'EOF'
-- migratore: run
CREATE TABLE cut2 (id INTEGER PRIMARY KEY);
INSERT INTO missing_table (id) VALUES (1);
INSERT INTO cut2 (id) VALUES (1);
EOF
	proxy_start PX --to "$(proxy_server_port "$e")" --cut-after "missing_table" || { fail "netproxy"; return; }
	mig DB_URL="$(proxied_url "$PX_PORT")" upgrade "$d"
	is_rc 1 "$e: batch cut after a failure: exit 1"
	contains "$M_ERR" "connection lost after" "$e: batch cut: the connection was lost"
	proxy_stop PX
	sum=$(python3 -c 'import hashlib; print(hashlib.sha256(b"CREATE TABLE cut2 (id INTEGER PRIMARY KEY)").hexdigest()[:12])')
	is "$(sql "$e" "SELECT committed, checksums FROM migratore_progress WHERE uuid = '$(uid 2)'")" \
		"$(printf '1\t%s' "$sum")" \
		"$e: the batch's progress row: 1 committed, its checksum"
	sed -i 's/INSERT INTO missing_table (id) VALUES (1);/INSERT INTO cut2 (id) VALUES (2);/' "$d/1700000002_m2.sql"
	mig upgrade "$d"
	is_rc 0 "$e: after the fix, the next run finishes it"
	contains "$M_ERR" "resuming at statement 2" "$e: it resumed after the CREATE TABLE"
	is "$(sql "$e" "SELECT id FROM cut2 ORDER BY id" | paste -sd,)" "1,2" \
		"$e: the rest ran once"
	drop_db
}

for e in "${SERVERS[@]}"; do
	[ "$e" = mysql ] && case_cut_batch
	case_kill_single "$e"
	case_kill_fleet "$e"
	case_cut_fleet "$e" off
	case_cut_fleet "$e" ""
	case_cut_single "$e"
done
check_no_password
done_testing
