#!/bin/bash
# tests/tools/netproxy, the proxy that the fault and latency tests and the
# bench put between a client and a server: it forwards the engines' own
# clients and migratore, its --delay costs at least the round trips it
# should, its turn count is exact for a known exchange, and each fault mode
# gives the failure a user would see. Only lower bounds on time: timings
# flake, round trips do not.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$TESTS_SRCDIR/lib/tap.sh"
. "$TESTS_SRCDIR/lib/engines.sh"
. "$TESTS_SRCDIR/tools/proxylib.sh"

# The handshake's turns (tests/tools/README.md). PostgreSQL with
# sslmode=disable and SCRAM-SHA-256 (tests/servers.sh): StartupMessage,
# SASLInitialResponse, SASLResponse. MariaDB with mysql_native_password:
# the server speaks first, then one turn, the handshake response. A polite
# close (Terminate, COM_QUIT) is one more turn.
PG_LOGIN_TURNS=3
MY_LOGIN_TURNS=1

ms_since() { echo $((($(date +%s%N) - $1) / 1000000)); }

login_turns() { # ENGINE
	case $1 in
	postgres) echo "$PG_LOGIN_TURNS" ;;
	mysql) echo "$MY_LOGIN_TURNS" ;;
	esac
}

# client ENGINE PORT SQL...: the engine's own client on 127.0.0.1:PORT, the
# current database, one synchronous request per SQL; sets C_RC, C_OUT (stdout
# and stderr) and C_MS.
client() {
	local e=$1 port=$2 t0 a q=
	local -a cs=()
	shift 2
	t0=$(date +%s%N)
	case $e in
	postgres)
		for a in "$@"; do cs+=(-c "$a"); done
		C_OUT=$(PGPASSWORD=$TEST_DB_PASS PGSSLMODE=disable PGCONNECT_TIMEOUT=10 \
			timeout 20 psql -X -q -A -t -h 127.0.0.1 -p "$port" \
			-U "$TEST_DB_USER" -d "$T_DBNAME" "${cs[@]}" 2>&1)
		;;
	mysql)
		for a in "$@"; do q+="$a; "; done
		C_OUT=$(MYSQL_PWD=$TEST_DB_PASS timeout 20 mariadb --no-defaults \
			--protocol=tcp --connect-timeout=10 -N -B -h 127.0.0.1 \
			-P "$port" -u "$TEST_DB_USER" "$T_DBNAME" -e "$q" 2>&1)
		;;
	esac
	C_RC=$?
	C_MS=$(ms_since "$t0")
}

# The message the engine's client prints when the connection drops.
lost_message() {
	case $1 in
	postgres) echo "server closed the connection unexpectedly" ;;
	mysql) echo "Lost connection to server" ;;
	esac
}

url_via() { # ENGINE PORT [PARAM]: DB_URL of the current database via PORT
	case $1 in
	postgres) echo "postgres://$TEST_DB_USER:$TEST_DB_PASS@127.0.0.1:$2/$T_DBNAME?sslmode=disable${3:+&$3}" ;;
	mysql) echo "mysql://$TEST_DB_USER:$TEST_DB_PASS@127.0.0.1:$2/$T_DBNAME${3:+?$3}" ;;
	esac
}

case_usage() {
	local out rc
	out=$("$NETPROXY" --to 10.0.0.1:5432 2>&1)
	rc=$?
	is "$rc" 2 "a target other than 127.0.0.1: exit 2"
	contains "$out" "only 127.0.0.1 is allowed" "a target other than 127.0.0.1: refused"
	out=$("$NETPROXY" --to localhost:5432 2>&1)
	is "$?" 2 "a target spelled localhost: exit 2"
	out=$("$NETPROXY" --listen 0.0.0.0:0 --to 5432 2>&1)
	rc=$?
	is "$rc" 2 "listening anywhere but 127.0.0.1: exit 2"
	contains "$out" "only 127.0.0.1 is allowed" "listening anywhere but 127.0.0.1: refused"
	out=$("$NETPROXY" --listen 0 2>&1)
	rc=$?
	is "$rc" 2 "no target: exit 2"
	contains "$out" "--to, --to-unix or --blackhole is required" "no target: said"
	out=$("$NETPROXY" --to 1 --cut-before 'a\q' 2>&1)
	is "$?" 2 "a bad escape in MATCH: exit 2"
}

# Without --port-file the port is the first line of stdout.
case_stdout_port() {
	local pid line
	coproc NP { exec "$NETPROXY" --listen 0 --to 1; }
	pid=$NP_PID
	bg_track "$pid"
	read -r -t 5 line <&"${NP[0]}"
	like "$line" '^[1-9][0-9]*$' "the chosen port is the first line of stdout"
	kill -TERM "$pid"
	wait "$pid"
	is "$?" 0 "SIGTERM: exit 0"
}

case_forward() { # ENGINE
	local e=$1 want
	proxy_start FW --to "$(proxy_server_port "$e")" || { fail "$e: proxy started"; return; }
	client "$e" "$FW_PORT" "SELECT 41 + 1"
	is "$C_RC" 0 "$e: the engine's client works through the proxy"
	is "$C_OUT" 42 "$e: and reads the right result"
	proxy_wait FW 1
	want=$(($(login_turns "$e") + 2))
	is "$(proxy_stat FW 1 turns)" "$want" "$e: login + one request + quit: $want turns"
	client "$e" "$FW_PORT" "SELECT 1" "SELECT 2" "SELECT 3" "SELECT 4"
	is "$C_OUT" $'1\n2\n3\n4' "$e: four requests through the proxy"
	proxy_wait FW 2
	want=$(($(login_turns "$e") + 5))
	is "$(proxy_stat FW 2 turns)" "$want" "$e: login + four requests + quit: $want turns"
	# After a polite close either side may close first.
	like "$(proxy_stat FW 2 end)" '^(client|server)$' "$e: it ended without a cut"
	like "$(proxy_stat FW 2 c2s_bytes)" '^[1-9][0-9]*$' "$e: client bytes counted"
	like "$(proxy_stat FW 2 s2c_bytes)" '^[1-9][0-9]*$' "$e: server bytes counted"
	mig DB_URL="$(url_via "$e" "$FW_PORT")" list
	is_rc 0 "$e: migratore list works through the proxy"
	proxy_stop FW
	is "$?" 0 "$e: the proxy exits 0 on SIGTERM"
}

case_delay() { # ENGINE
	local e=$1 login rtts floor
	proxy_start DL --to "$(proxy_server_port "$e")" --delay 50 || { fail "$e: proxy started"; return; }
	client "$e" "$DL_PORT" "SELECT 1"
	is "$C_OUT" 1 "$e: --delay 50: the client works"
	proxy_wait DL 1
	login=$(login_turns "$e")
	is "$(proxy_stat DL 1 turns)" $((login + 2)) "$e: --delay 50: the same turns as without delay"
	# Every turn but the quit waits for its reply: one RTT (100 ms) each;
	# MariaDB's greeting comes first, one way.
	rtts=$((login + 1))
	floor=$((rtts * 100))
	[ "$e" = mysql ] && floor=$((floor + 50))
	ok "$([ "$C_MS" -ge "$floor" ]; echo $?)" "$e: --delay 50: login and a query take at least $rtts RTTs (${C_MS} ms >= $floor ms)"
	proxy_stop DL
}

case_cuts() { # ENGINE
	local e=$1 lost
	lost=$(lost_message "$e")
	sql "$e" "CREATE TABLE np (id INT)"
	proxy_start CB --to "$(proxy_server_port "$e")" --cut-before "INSERT INTO np" ||
		{ fail "$e: proxy started"; return; }
	client "$e" "$CB_PORT" "SELECT 1" "INSERT INTO np VALUES (1)"
	isnt "$C_RC" 0 "$e: --cut-before: the client fails"
	contains "$C_OUT" "$lost" "$e: --cut-before: the client sees the connection lost"
	proxy_wait CB 1
	is "$(sql "$e" "SELECT count(*) FROM np")" 0 "$e: --cut-before: the statement never ran"
	is "$(proxy_stat CB 1 end)" cut-before "$e: --cut-before: the stats say so"
	proxy_stop CB
	proxy_start CA --to "$(proxy_server_port "$e")" --cut-after "INSERT INTO np" ||
		{ fail "$e: proxy started"; return; }
	client "$e" "$CA_PORT" "INSERT INTO np VALUES (2)"
	isnt "$C_RC" 0 "$e: --cut-after: the client fails"
	contains "$C_OUT" "$lost" "$e: --cut-after: the client sees the connection lost"
	is "$(sql "$e" "SELECT id FROM np")" 2 "$e: --cut-after: the statement ran"
	proxy_wait CA 1
	is "$(proxy_stat CA 1 end)" cut-after "$e: --cut-after: the stats say so"
	proxy_stop CA
}

# The bookkeeping read of `list` cut off: exit 4, since nothing of a
# migration was sent (a connection lost after that is exit 1:
# tests/integration/connlost.sh).
case_list_cut() { # ENGINE
	local e=$1 match
	case $e in
	postgres) match=pg_attribute ;;
	mysql) match=information_schema.columns ;;
	esac
	proxy_start LC --to "$(proxy_server_port "$e")" --cut-before "$match" ||
		{ fail "$e: proxy started"; return; }
	mig DB_URL="$(url_via "$e" "$LC_PORT")" list
	is_rc 4 "$e: migratore list cut before its bookkeeping read: exit 4"
	like "$M_ERR" "reading bookkeeping table .* lost" "$e: migratore list: says the connection was lost"
	proxy_stop LC
}

# Byte counts checked by a second proxy between the cutting one and its
# peer: exactly N bytes got through.
case_cut_bytes() { # ENGINE
	local e=$1
	proxy_start IN --to "$(proxy_server_port "$e")" || { fail "$e: proxy started"; return; }
	proxy_start CUT --to "$IN_PORT" --cut-after-bytes 20 || { fail "$e: proxy started"; return; }
	client "$e" "$CUT_PORT" "SELECT 1"
	isnt "$C_RC" 0 "$e: --cut-after-bytes 20: the client fails"
	proxy_wait IN 1
	is "$(proxy_stat IN 1 c2s_bytes)" 20 "$e: --cut-after-bytes 20: exactly 20 bytes reach the server"
	proxy_wait CUT 1
	is "$(proxy_stat CUT 1 end)" cut-after-bytes "$e: --cut-after-bytes: the stats say so"
	proxy_stop CUT
	proxy_stop IN
	proxy_start CUT --to "$(proxy_server_port "$e")" --cut-s2c-after-bytes 7 || { fail "$e: proxy started"; return; }
	proxy_start OUT --to "$CUT_PORT" || { fail "$e: proxy started"; return; }
	client "$e" "$OUT_PORT" "SELECT 1"
	isnt "$C_RC" 0 "$e: --cut-s2c-after-bytes 7: the client fails"
	proxy_wait OUT 1
	is "$(proxy_stat OUT 1 s2c_bytes)" 7 "$e: --cut-s2c-after-bytes 7: exactly 7 bytes reach the client"
	proxy_wait CUT 1
	is "$(proxy_stat CUT 1 end)" cut-s2c-after-bytes "$e: --cut-s2c-after-bytes: the stats say so"
	proxy_stop OUT
	proxy_stop CUT
}

case_conn() { # ENGINE
	local e=$1
	proxy_start CN --to "$(proxy_server_port "$e")" --cut-before "SELECT 42" --conn 2 ||
		{ fail "$e: proxy started"; return; }
	client "$e" "$CN_PORT" "SELECT 42"
	is "$C_OUT" 42 "$e: --conn 2: the first connection is left alone"
	client "$e" "$CN_PORT" "SELECT 42"
	isnt "$C_RC" 0 "$e: --conn 2: the second is cut"
	client "$e" "$CN_PORT" "SELECT 42"
	is "$C_OUT" 42 "$e: --conn 2: the third is left alone"
	proxy_wait CN 3
	is "$(proxy_stat CN 2 end)" cut-before "$e: --conn 2: the stats name the second"
	proxy_stop CN
}

case_blackhole() { # ENGINE
	local e=$1 t0 ms secs
	case $e in
	postgres) secs=2 ;; # libpq's smallest connect_timeout
	mysql) secs=1 ;;
	esac
	proxy_start BH --blackhole || { fail "$e: proxy started"; return; }
	t0=$(date +%s%N)
	mig DB_URL="$(url_via "$e" "$BH_PORT" "connect_timeout=$secs")" list
	ms=$(ms_since "$t0")
	is_rc 4 "$e: --blackhole: migratore list exits 4"
	contains "$M_ERR" "cannot connect to $e at 127.0.0.1:$BH_PORT" "$e: --blackhole: cannot connect"
	# libpq counts whole seconds: 2 s is more than 1 s, at most 2 s.
	ok "$([ "$ms" -ge 1000 ]; echo $?)" "$e: --blackhole: the client waited for its connect_timeout=$secs (${ms} ms)"
	proxy_stop BH
}

# A cut is a FIN, or with --rst a reset.
case_rst() {
	local out rc mode
	local -a extra
	for mode in fin rst; do
		extra=()
		[ $mode = rst ] && extra=(--rst)
		proxy_start RS --to "$TEST_PG_PORT" --cut-after-bytes 1 "${extra[@]}" ||
			{ fail "proxy started"; return; }
		exec 3<>"/dev/tcp/127.0.0.1/$RS_PORT"
		printf 'abcdefgh' >&3
		out=$(timeout 10 cat <&3 2>&1)
		rc=$?
		exec 3>&-
		if [ $mode = fin ]; then
			is "$rc:$out" "0:" "a cut without --rst: the client reads EOF"
		else
			contains "$out" "Connection reset by peer" "a cut with --rst: the client is reset"
		fi
		proxy_stop RS
	done
}

case_unix() {
	proxy_start UX --to-unix "$TEST_PG_SOCKDIR/.s.PGSQL.$TEST_PG_PORT" ||
		{ fail "proxy started"; return; }
	client postgres "$UX_PORT" "SELECT 7"
	is "$C_OUT" 7 "--to-unix: forwards to a Unix socket"
	proxy_stop UX
}

case_signal_stats() {
	proxy_start SG --blackhole || { fail "proxy started"; return; }
	exec 3<>"/dev/tcp/127.0.0.1/$SG_PORT"
	printf 'hello' >&3
	# Until the proxy has read it: its socket's receive queue is empty.
	wait_for sh -c "ss -Htn state established '( sport = :$SG_PORT )' | grep -q '^0 '"
	proxy_stop SG
	is "$?" 0 "SIGTERM with a connection open: exit 0"
	exec 3>&-
	is "$(proxy_stat SG 1 end)" signal "SIGTERM: the open connection's stats are written"
	is "$(proxy_stat SG 1 c2s_bytes)" 5 "SIGTERM: with what it had received"
}

# Two client sends with no server bytes between them: one turn.
case_turn_definition() {
	proxy_start TD --blackhole || { fail "proxy started"; return; }
	exec 3<>"/dev/tcp/127.0.0.1/$TD_PORT"
	printf 'a' >&3
	sleep 0.1
	printf 'b' >&3
	exec 3>&-
	proxy_wait TD 1
	is "$(proxy_stat TD 1 turns)" 1 "two sends without a reply between them are one turn"
	is "$(proxy_stat TD 1 c2s_bytes)" 2 "and both are counted"
	proxy_stop TD
}

# A MATCH split over two reads is found; a black hole stands in for the
# server and counts what it got.
case_match_span() {
	proxy_start SINK --blackhole || { fail "proxy started"; return; }
	proxy_start SP --to "$SINK_PORT" --cut-before 'INSERT\x20INTO' ||
		{ fail "proxy started"; return; }
	exec 3<>"/dev/tcp/127.0.0.1/$SP_PORT"
	printf 'INSE' >&3
	sleep 0.2
	printf 'RT INTO t' >&3
	timeout 10 cat <&3 >/dev/null 2>&1
	exec 3>&-
	proxy_wait SP 1
	is "$(proxy_stat SP 1 end)" cut-before "--cut-before: a MATCH (with an escape) split over two reads is found"
	proxy_wait SINK 1
	like "$(proxy_stat SINK 1 c2s_bytes)" '^[04]$' "--cut-before: the read that completes it is not forwarded"
	proxy_stop SP
	proxy_stop SINK
}

case_usage
case_stdout_port
case_signal_stats
case_turn_definition
case_match_span
if [ -n "${TEST_PG_URL:-}" ]; then
	case_rst
	case_unix
else
	skip "no PostgreSQL server" 3
fi
for e in postgres mysql; do
	url_var=TEST_PG_URL
	[ $e = mysql ] && url_var=TEST_MY_URL
	if [ -z "${!url_var:-}" ]; then
		skip "no $e server"
		continue
	fi
	new_db "$e"
	case_forward "$e"
	case_delay "$e"
	case_cuts "$e"
	case_list_cut "$e"
	case_cut_bytes "$e"
	case_conn "$e"
	case_blackhole "$e"
done
check_no_password
done_testing
