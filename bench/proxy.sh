# bench/proxy.sh - tests/tools/netproxy for the bench scripts (sourced by
# bench/run.sh and bench/roundtrips.sh; tests/tools/README.md describes the
# proxy, and how it counts turns).
#
#   px_start DIR DELAY PORT [LISTEN]
#                             starts netproxy in front of 127.0.0.1:PORT with
#                             a one-way delay of DELAY ms (RTT = 2 x DELAY),
#                             listening on LISTEN (default 0: a free port),
#                             its port file and stats in DIR; sets px_port
#                             and px_pid; returns 1 if it is not up in 5 s
#   px_stop                   once every connection has ended (5 s at most:
#                             the clients are gone), SIGTERM, then waits:
#                             every connection has its stats line; px_pid
#                             is emptied
#   px_sum DIR                "CONNS TURNS": connections and turns summed
#                             over DIR/stats
#   px_login ENGINE           the turns of one login: PostgreSQL with
#                             SCRAM-SHA-256 and sslmode=disable 3, MariaDB
#                             with mysql_native_password 1 (the test
#                             servers; tests/integration/netproxy.sh checks
#                             both); LOGIN_TURNS overrides it
#   px_url URL PORT           URL with its host and port made 127.0.0.1:PORT
#
# Round trips after connect: turns - CONNS x (login + 1). The 1 is the
# polite close (PostgreSQL Terminate, MySQL COM_QUIT), a turn that waits
# for nothing; every client measured here closes so (one c2s read more than
# s2c reads, or the server's EOF, in the stats).
#
# NETPROXY names the binary; the caller sets it (bench/run.sh and
# bench/roundtrips.sh default to the build directory's).

px_start() { # DIR DELAY PORT [LISTEN]
	local i
	mkdir -p "$1"
	rm -f "$1/port"
	"$NETPROXY" --listen "${4:-0}" --port-file "$1/port" --stats "$1/stats" \
		--delay "$2" --to "$3" >/dev/null 2>"$1/err" &
	px_pid=$!
	for ((i = 0; i < 500; i++)); do
		if [ -s "$1/port" ]; then
			px_port=$(cat "$1/port")
			return 0
		fi
		kill -0 "$px_pid" 2>/dev/null || break
		sleep 0.01
	done
	echo "netproxy did not start: $(cat "$1/err")" >&2
	return 1
}

# The proxy's sockets: its listener, and two for each connection open.
px_sockets() {
	find "/proc/$px_pid/fd" -lname 'socket:*' 2>/dev/null | wc -l
}

px_stop() {
	local i
	[ -n "${px_pid:-}" ] || return 0
	# The client has exited, but the proxy may not have read its last
	# bytes yet (the polite close): a SIGTERM now would end the connection
	# with one turn fewer. Wait until every connection ended by itself.
	for ((i = 0; i < 500 && $(px_sockets) > 1; i++)); do
		sleep 0.01
	done
	kill -TERM "$px_pid" 2>/dev/null
	wait "$px_pid" 2>/dev/null
	px_pid=
}

px_sum() { # DIR
	awk '{
		n++
		if (match($0, /"turns":[0-9]+/)) t += substr($0, RSTART + 8, RLENGTH - 8)
	} END { printf "%d %d\n", n, t }' "$1/stats"
}

px_login() { # ENGINE
	if [ -n "${LOGIN_TURNS:-}" ]; then
		echo "$LOGIN_TURNS"
		return
	fi
	case $1 in
	postgres) echo 3 ;;
	mysql) echo 1 ;;
	esac
}

px_url() { # URL PORT
	printf '%s\n' "$1" | sed -E "s#^([a-z]+://([^@/]*@)?)[^/:?]*(:[0-9]+)?#\\1127.0.0.1:$2#"
}
