#!/bin/bash
# A login the server refuses (a wrong password, an unknown database) is
# status `refused`, never retried: retrying a wrong password can lock the
# account. Only transient failures (a closed port) are `unreachable` and
# retried by --retries. Single target: exit 4 both, the message says which.
# Each target's connections are counted by a netproxy in front of it.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$TESTS_SRCDIR/lib/tap.sh"
. "$TESTS_SRCDIR/lib/engines.sh"
. "$TESTS_SRCDIR/lib/rollout.sh"
. "$TESTS_SRCDIR/tools/proxylib.sh"

proxy_servers

W=$T_TMP/fleet
mkdir -p "$W"
two_good "$W/m"

# url ENGINE PORT PASSWORD DB
url() {
	case $1 in
	postgres) echo "postgres://$TEST_DB_USER:$3@127.0.0.1:$2/$4?sslmode=disable&connect_timeout=5" ;;
	mysql) echo "mysql://$TEST_DB_USER:$3@127.0.0.1:$2/$4?connect_timeout=5" ;;
	esac
}

connections() { # PROXY: connections it saw end
	local stats_var=${1}_STATS
	grep -c '^{"conn"' "${!stats_var}" 2>/dev/null || echo 0
}

# A port nothing listens on: a proxy's, once it is stopped.
proxy_start CLOSED --to 1 || bail_out "netproxy did not start"
closed_port=$CLOSED_PORT
proxy_stop CLOSED

for e in "${SERVERS[@]}"; do
	new_db "$e"
	db=$T_DBNAME
	proxy_start PW --to "$(proxy_server_port "$e")" || bail_out "netproxy did not start"
	proxy_start DB --to "$(proxy_server_port "$e")" || bail_out "netproxy did not start"
	cat >"$W/fleet.yaml" <<EOF
version: 1
defaults:
  path: m
targets:
  - name: badpw
    url: $(url "$e" "$PW_PORT" "wrong-$T_SECRET" "$db")
  - name: nodb
    url: $(url "$e" "$DB_PORT" "$TEST_DB_PASS" "no_such_db_$$")
  - name: closed
    url: $(url "$e" "$closed_port" "$TEST_DB_PASS" "$db")
EOF
	fleet upgrade --inventory fleet.yaml --retries 3 --report report.json
	is_rc 1 "$e: refused and unreachable targets: exit 1"
	is "$(py "$W/report.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
for t in r["targets"]:
    print(t["name"], t["status"], t["attempts"], t["exit_code"])
print(r["totals"]["refused"], r["totals"]["unreachable"])
PY
)" "badpw refused 1 4
nodb refused 1 4
closed unreachable 4 4
2 1" "$e: a wrong password and an unknown database are refused, tried once; a closed port is unreachable, retried"
	proxy_stop PW
	proxy_stop DB
	is "$(connections PW)/$(connections DB)" "1/1" \
		"$e: one connection each to the refusing server: no retry"
	like "$M_OUT" "badpw +$e +refused .*cannot connect to $e at 127\.0\.0\.1:$PW_PORT/$db: .*(password authentication failed|Access denied)" \
		"$e: the table shows the server's refusal"
	like "$M_OUT" "^3 targets: 1 unreachable, 2 refused$" \
		"$e: the totals count refused targets"

	# Single target: exit 4 both, the message says which it is.
	mig DB_URL="$(url "$e" "$(proxy_server_port "$e")" "wrong-$T_SECRET" "$db")" upgrade "$W/m"
	is_rc 4 "$e: single target, wrong password: exit 4"
	like "$M_ERR" "\(refused by the server: .*; nothing was touched\)$" \
		"$e: single target, wrong password: the message says refused"
	mig DB_URL="$(url "$e" "$(proxy_server_port "$e")" "$TEST_DB_PASS" "no_such_db_$$")" upgrade "$W/m"
	is_rc 4 "$e: single target, unknown database: exit 4"
	like "$M_ERR" "\(refused by the server: .*; nothing was touched\)$" \
		"$e: single target, unknown database: the message says refused"
	mig DB_URL="$(url "$e" "$closed_port" "$TEST_DB_PASS" "$db")" upgrade "$W/m"
	is_rc 4 "$e: single target, closed port: exit 4"
	unlike "$M_ERR" "refused by the server" "$e: single target, closed port: not said to be refused"
	drop_db
done
check_no_password
done_testing
