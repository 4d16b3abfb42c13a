# tests/tools/proxylib.sh - start tests/tools/netproxy from a TAP script.
# Source after tests/lib/engines.sh (it uses T_TMP and bg_track, so every
# proxy is killed when the script exits). See tests/tools/README.md.
#
#   proxy_start NAME ARGS...   starts "$NETPROXY --listen 0 ARGS..." with a
#                              port file and --stats; sets NAME_PORT,
#                              NAME_PID, NAME_STATS; returns 1 if it did not
#                              come up within 5 s
#   proxy_stop NAME            SIGTERM, then waits: every open connection
#                              has its stats line; returns its exit status
#   proxy_wait NAME N          waits (5 s at most) until connection N ended
#   proxy_stat NAME N FIELD    the FIELD of connection N's stats line (after
#                              proxy_wait), e.g. turns, c2s_bytes, end
#   proxy_servers              sets SERVERS to the engines whose test
#                              server runs (postgres, mysql); with none,
#                              skips and ends the script
#   proxy_server_port ENGINE   the port of ENGINE's test server: what
#                              --to forwards to
#
# NETPROXY names the binary (tests/local.mk exports it).

: "${NETPROXY:=$(dirname "$MIGRATORE")/tests/tools/netproxy}"

proxy_start() { # NAME ARGS...
	local name=$1 dir pid i
	shift
	dir=$(mktemp -d "$T_TMP/proxy.XXXXXX")
	"$NETPROXY" --listen 0 --port-file "$dir/port" --stats "$dir/stats" \
		"$@" >"$dir/out" 2>"$dir/err" &
	pid=$!
	bg_track "$pid"
	printf -v "${name}_PID" %s "$pid"
	printf -v "${name}_STATS" %s "$dir/stats"
	for ((i = 0; i < 500; i++)); do
		if [ -s "$dir/port" ]; then
			printf -v "${name}_PORT" %s "$(cat "$dir/port")"
			return 0
		fi
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.01
	done
	diag "netproxy $* did not start: $(cat "$dir/err")"
	return 1
}

proxy_stop() { # NAME
	local pid_var=${1}_PID
	kill -TERM "${!pid_var}" 2>/dev/null
	wait "${!pid_var}"
}

proxy_wait() { # NAME N
	local stats_var=${1}_STATS i
	for ((i = 0; i < 500; i++)); do
		grep -q "^{\"conn\":$2," "${!stats_var}" 2>/dev/null && return 0
		sleep 0.01
	done
	diag "netproxy $1: connection $2 did not end"
	return 1
}

proxy_stat() { # NAME N FIELD
	local stats_var=${1}_STATS
	grep "^{\"conn\":$2," "${!stats_var}" 2>/dev/null |
		sed -E -n "s/.*[{,]\"$3\":\"?([^,\"}]*).*/\\1/p"
}

proxy_servers() {
	SERVERS=()
	[ -n "${TEST_PG_URL:-}" ] && SERVERS+=(postgres)
	[ -n "${TEST_MY_URL:-}" ] && SERVERS+=(mysql)
	if [ ${#SERVERS[@]} = 0 ]; then
		skip "no server started" 1
		done_testing
	fi
}

proxy_server_port() { # ENGINE
	case $1 in
	postgres) echo "$TEST_PG_PORT" ;;
	mysql) echo "$TEST_MY_PORT" ;;
	esac
}
