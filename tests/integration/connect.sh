#!/bin/bash
# Connection failures (exit 4, within the connect timeout, a message naming
# host, port and database, never the password) and password masking in
# environ and the connection line (SPEC 3, 6.2).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$TESTS_SRCDIR/lib/tap.sh"
. "$TESTS_SRCDIR/lib/engines.sh"

ms_since() { echo $((($(date +%s%N) - $1) / 1000000)); }

# connect_fails ENGINE LABEL HOST PORT DB URL [VAR=VAL...]
connect_fails() {
	local e=$1 label=$2 host=$3 port=$4 db=$5 url=$6 t0 ms cmd
	shift 6
	for cmd in list upgrade; do
		t0=$(date +%s%N)
		if [ $cmd = list ]; then
			mig DB_URL="$url" "$@" list
		else
			mig DB_URL="$url" "$@" upgrade "$MIGS"
		fi
		ms=$(ms_since "$t0")
		is_rc 4 "$e: $label: $cmd exits 4"
		ok "$([ "$ms" -lt 15000 ]; echo $?)" "$e: $label: $cmd gives up within the connect timeout (${ms} ms)"
		contains "$M_ERR" "$host:$port/$db" "$e: $label: $cmd names host, port and database"
		lacks "$M_OUT$M_ERR" "$T_SECRET" "$e: $label: $cmd never shows the password"
	done
}

case_connect() { # ENGINE
	local e=$1 host port scheme q=
	case $e in
	postgres) host=$TEST_PG_HOST port=$TEST_PG_PORT scheme=postgres q='?sslmode=disable' ;;
	mysql) host=$TEST_MY_HOST port=$TEST_MY_PORT scheme=mysql ;;
	esac
	connect_fails "$e" "wrong password" "$host" "$port" "$TEST_DB_NAME" \
		"$scheme://$TEST_DB_USER:$T_SECRET@$host:$port/$TEST_DB_NAME$q"
	like "$M_ERR" "[Pp]assword|[Aa]ccess denied" "$e: wrong password: the message says why"
	connect_fails "$e" "wrong password (PASSWORD variable)" "$host" "$port" "$TEST_DB_NAME" \
		"$scheme://$TEST_DB_USER@$host:$port/$TEST_DB_NAME$q" PASSWORD="$T_SECRET"
	connect_fails "$e" "unknown database" "$host" "$port" "mit_no_such_db_$$" \
		"$scheme://$TEST_DB_USER:$TEST_DB_PASS@$host:$port/mit_no_such_db_$$$q"
	like "$M_ERR" "mit_no_such_db_$$" "$e: unknown database: named"
	connect_fails "$e" "closed port" 127.0.0.1 1 somedb \
		"$scheme://$TEST_DB_USER:$T_SECRET@127.0.0.1:1/somedb$q"
	connect_fails "$e" "unresolvable host" no-such-host.invalid 4242 somedb \
		"$scheme://$TEST_DB_USER:$T_SECRET@no-such-host.invalid:4242/somedb$q"
	connect_fails "$e" "HOST/PORT/DB variables" 127.0.0.1 1 vardb "" \
		ENGINE="$e" HOST=127.0.0.1 PORT=1 DB=vardb USERNAME=someone PASSWORD="$T_SECRET"
	# A percent-encoded password with URL delimiters: hidden in both forms.
	mig DB_URL="$scheme://$TEST_DB_USER:${T_SECRET}%40%3A%2F@$host:$port/$TEST_DB_NAME$q" list
	is_rc 4 "$e: an encoded password that is wrong: exit 4"
	lacks "$M_OUT$M_ERR" "$T_SECRET" "$e: an encoded password is not shown"
	lacks "$M_OUT$M_ERR" "%40%3A" "$e: nor its encoded tail"
	# A black-hole address with a short connect_timeout: bounded.
	local t0 ms
	t0=$(date +%s%N)
	mig DB_URL="$scheme://$TEST_DB_USER:$T_SECRET@192.0.2.1:5/somedb?connect_timeout=2${q:+&sslmode=disable}" list
	ms=$(ms_since "$t0")
	is_rc 4 "$e: unreachable address: exit 4"
	ok "$([ "$ms" -lt 6000 ]; echo $?)" "$e: unreachable address: gives up after connect_timeout=2 (${ms} ms)"
}

case_environ() { # ENGINE
	local e=$1 url
	case $e in
	sqlite) url=$DB_URL ;;
	postgres) url="postgres://$TEST_DB_USER:$T_SECRET@$TEST_PG_HOST:$TEST_PG_PORT/x?sslmode=disable" ;;
	mysql) url="mysql://$TEST_DB_USER:$T_SECRET@$TEST_MY_HOST:$TEST_MY_PORT/x" ;;
	esac
	mig DB_URL="$url" PASSWORD="$T_SECRET" environ
	is_rc 0 "$e: environ exits 0"
	lacks "$M_OUT$M_ERR" "$T_SECRET" "$e: environ never shows the password"
	like "$M_OUT" "^engine +: $e " "$e: environ shows the engine"
	if [ "$e" != sqlite ]; then
		like "$M_OUT" "^password +: \*\*\*\*" "$e: environ shows the password as ****"
		like "$M_OUT" "^db_url +: $e://$TEST_DB_USER:\*\*\*\*@" "$e: environ masks the password inside DB_URL"
	fi
	mig DB_PASSWORD="$T_SECRET" DB_URL="$url" environ
	lacks "$M_OUT$M_ERR" "$T_SECRET" "$e: environ hides DB_PASSWORD too"
	mig DB_URL="$url" DEBUG=1 PASSWORD="$T_SECRET" list
	lacks "$M_OUT$M_ERR" "$T_SECRET" "$e: DEBUG=1 list never shows the password"
}

MIGS=$(new_dir)
write_mig "$MIGS" 1700000001 1 "anything" <<'EOF'
-- migratore: run
CREATE TABLE t (id INTEGER);
EOF

for e in $(engine_list); do
	new_db "$e"
	case_environ "$e"
	[ "$e" = sqlite ] || case_connect "$e"
	drop_db
done
check_no_password
done_testing
