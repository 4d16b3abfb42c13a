#!/bin/bash
# Connection parameters over TLS (issue 11 item 10): every libpq keyword
# passes through DB_URL, an unknown one is an error naming it, secrets stay
# hidden. A throwaway PostgreSQL (the binaries of tests/servers.sh, a free
# port, stopped at the end) with ssl=on and a pg_hba `hostssl ... cert`
# rule: the client certificate this script makes with openssl is the only
# way in. Then the same for MariaDB: a throwaway mariadbd with ssl_cert,
# ssl_key and ssl_ca, and a user created REQUIRE X509. The shared test
# servers are not touched.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$TESTS_SRCDIR/lib/tap.sh"
. "$TESTS_SRCDIR/lib/engines.sh"

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
if ! engine_built postgres || [ "$(id -u)" != 0 ] ||
	[ ! -x "$PGBIN/initdb" ] || ! command -v openssl >/dev/null; then
	skip "needs root, postgres compiled in, $PGBIN/initdb and openssl"
	done_testing
fi

TLS=$T_TMP/tls
PGDATA_TLS=$TLS/data
mkdir -p "$TLS/sock" "$TLS/certs"

# Stops what this script started, by its pid files only.
tls_cleanup() {
	local pid
	[ -f "$PGDATA_TLS/postmaster.pid" ] &&
		runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA_TLS" -m immediate \
			-w stop >/dev/null 2>&1
	if [ -s "$TLS/my/mariadbd.pid" ]; then
		pid=$(tr -dc 0-9 <"$TLS/my/mariadbd.pid")
		kill -TERM "$pid" 2>/dev/null
		for _ in $(seq 1 100); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
	fi
	_engines_cleanup
}
trap tls_cleanup EXIT

# ---- certificates: a CA, the server's (for 127.0.0.1), the client's ------

certs() {
	local d=$TLS/certs
	cd "$d" || return 1
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=migratore test CA" \
		-keyout ca.key -out ca.crt &&
		openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" \
			-keyout server.key -out server.csr &&
		printf 'subjectAltName=IP:127.0.0.1\n' >server.ext &&
		openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial \
			-days 2 -extfile server.ext -out server.crt &&
		openssl req -newkey rsa:2048 -nodes -subj "/CN=migtls" \
			-keyout client.key -out client.csr &&
		openssl x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial \
			-days 2 -out client.crt &&
		openssl pkey -in client.key -aes256 -passout "pass:$T_SECRET" \
			-out client-enc.key &&
		cp server.key server-my.key &&
		chmod 0600 ./*.key && chown postgres server.key &&
		chown mysql server-my.key
}
certs >"$TLS/openssl.log" 2>&1 || { cat "$TLS/openssl.log" >&2; bail_out "openssl failed"; }
cd "$T_TMP/cwd" || bail_out "no cwd"

# ---- the server -----------------------------------------------------------

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
PORT=$(free_port) || bail_out "no free port"
chown -R postgres "$TLS"
runuser -u postgres -- "$PGBIN/initdb" -D "$PGDATA_TLS" -U postgres --auth-local=trust \
	--no-locale -E UTF8 --no-sync >"$TLS/initdb.log" 2>&1 ||
	{ cat "$TLS/initdb.log" >&2; bail_out "initdb failed"; }
cat >"$PGDATA_TLS/pg_hba.conf" <<EOF
local   all  all                  trust
hostssl all  migtls  127.0.0.1/32 cert
EOF
runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA_TLS" -l "$TLS/server.log" -w -t 60 \
	-o "-c listen_addresses=127.0.0.1 -p $PORT -k $TLS/sock -c fsync=off -c ssl=on \
-c ssl_cert_file=$TLS/certs/server.crt -c ssl_key_file=$TLS/certs/server.key \
-c ssl_ca_file=$TLS/certs/ca.crt" start >/dev/null 2>&1 ||
	{ cat "$TLS/server.log" >&2; bail_out "the TLS postgres did not start"; }
tls_psql() {
	runuser -u postgres -- "$PGBIN/psql" -X -q -A -t -v ON_ERROR_STOP=1 \
		-h "$TLS/sock" -p "$PORT" -U postgres "$@"
}
tls_psql -d postgres -c "CREATE ROLE migtls LOGIN" \
	-c "CREATE DATABASE migtls OWNER migtls" >/dev/null ||
	bail_out "cannot create the role"

C=$TLS/certs
BASE="postgres://migtls@127.0.0.1:$PORT/migtls"
VERIFY="sslmode=verify-full&sslrootcert=$C/ca.crt"
CERT="sslcert=$C/client.crt&sslkey=$C/client.key"

MIGS=$(new_dir)
write_mig "$MIGS" 1795770001 1 "what the server saw" <<'EOF'
-- migratore: run
CREATE TABLE seen AS
SELECT s.ssl, s.client_dn, a.application_name,
       current_setting('statement_timeout') AS statement_timeout
FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid)
WHERE s.pid = pg_backend_pid();
-- migratore: rollback
DROP TABLE seen;
EOF

# ---- with the client certificate ------------------------------------------

mig DB_URL="$BASE?$VERIFY&$CERT&application_name=tls-it&options=-c%20statement_timeout%3D4321" \
	upgrade "$MIGS"
is_rc 0 "upgrade over TLS with the client certificate succeeds"
is "$(tls_psql -d migtls -F '|' -c 'SELECT ssl, client_dn, application_name, statement_timeout FROM seen')" \
	"t|/CN=migtls|tls-it|4321ms" \
	"the server saw TLS, the client certificate, application_name and options"
is "$(tls_psql -d migtls -c "SELECT result FROM migratore")" "success" \
	"the bookkeeping row was written over TLS"

# A dry run's read-only session keeps the user's options too.
mig DB_URL="$BASE?$VERIFY&$CERT&options=-c%20statement_timeout%3D4321" dry_downgrade "$MIGS"
is_rc 0 "a read-only dry run with options connects"

# sslpassword: the encrypted key opens with it and is never shown.
mig DB_URL="$BASE?$VERIFY&sslcert=$C/client.crt&sslkey=$C/client-enc.key&sslpassword=$T_SECRET" \
	list
is_rc 0 "an encrypted client key opens with sslpassword"
is "$(head -1 <<<"$M_OUT")" "postgres migtls@127.0.0.1:$PORT/migtls" "the connection line"
lacks "$M_OUT$M_ERR" "$T_SECRET" "the connection line hides sslpassword"
mig DB_URL="$BASE?$VERIFY&sslcert=$C/client.crt&sslkey=$C/client-enc.key&sslpassword=$T_SECRET" \
	environ
lacks "$M_OUT$M_ERR" "$T_SECRET" "environ hides sslpassword"
contains "$M_OUT" "sslpassword=****" "environ shows sslpassword masked"
mig DB_URL="$BASE?$VERIFY&sslcert=$C/client.crt&sslkey=$C/client-enc.key&sslpassword=wrong$T_SECRET" \
	list
is_rc 4 "a wrong sslpassword: exit 4"
lacks "$M_OUT$M_ERR" "$T_SECRET" "a wrong sslpassword is not shown"

# ---- refused --------------------------------------------------------------

mig DB_URL="$BASE?$VERIFY" upgrade "$MIGS"
is_rc 4 "without the client certificate: exit 4"
is "$M_ERR" "migratore: error: cannot connect to postgres at 127.0.0.1:$PORT/migtls: connection requires a valid client certificate (refused by the server: fix the password, the database name or the privilege, a retry would not help; nothing was touched)" \
	"without the client certificate: the server's reason"

mig DB_URL="$BASE?sslmode=disable&$CERT" list
is_rc 4 "sslmode=disable: exit 4"
like "$M_ERR" "no pg_hba.conf entry for host \"127.0.0.1\", user \"migtls\", database \"migtls\", no encryption" \
	"sslmode=disable: refused by pg_hba, no encryption"

# ---- bad parameters: before any connection --------------------------------

mig DB_URL="$BASE?$VERIFY&sslcertt=$C/client.crt&sslkey=$C/client.key" upgrade "$MIGS"
is_rc 3 "a typo'd parameter: exit 3"
is "$M_ERR" "migratore: error: DB_URL: parameter 'sslcertt' is not supported by the postgres driver (did you mean 'sslcert'?)" \
	"a typo'd parameter is named, with the one meant"

mig DB_URL="$BASE?$VERIFY&$CERT&target_session_attrs=primry" list
is_rc 3 "a bad value libpq checks: exit 3"
is "$M_ERR" "migratore: error: DB_URL: invalid target_session_attrs value: \"primry\"" \
	"a bad value is libpq's own message"

mig DB_URL="$BASE?$VERIFY&$CERT&options=-c%20statement_timeout%3D5x" list
is_rc 3 "a bad setting in options: exit 3"
is "$M_ERR" "migratore: error: DB_URL: invalid value for parameter \"statement_timeout\": \"5x\"" \
	"a bad setting in options is the server's message"

mig DB_URL="$BASE?$VERIFY&$CERT&client_encoding=LATIN1" list
is_rc 3 "client_encoding is migratore's own: exit 3"
like "$M_ERR" "^migratore: error: DB_URL: parameter 'client_encoding' is not supported by the postgres driver \\(supported: .*sslcert, sslkey, sslpassword, sslrootcert" \
	"client_encoding is refused, with the keywords that are accepted"

mig DB_URL="$BASE?$VERIFY&$CERT&sslmode=require" list
is_rc 3 "a parameter given twice: exit 3"
is "$M_ERR" "migratore: error: DB_URL: parameter 'sslmode' is given twice" \
	"a parameter given twice is named"

# ---- MariaDB: ssl_ca, ssl_cert, ssl_key for a user REQUIRE X509 ------------

start_mariadb() {
	local my=$TLS/my i
	mkdir -p "$my" && chown mysql "$my" "$C/server-my.key"
	mariadb-install-db --no-defaults --user=mysql --datadir="$my/data" \
		--auth-root-authentication-method=socket --skip-test-db \
		--skip-name-resolve >"$my/install.log" 2>&1 || return 1
	MY_TLS_PORT=$(free_port) || return 1
	setsid mariadbd --no-defaults --user=mysql --datadir="$my/data" \
		--bind-address=127.0.0.1 --port="$MY_TLS_PORT" --socket="$my/my.sock" \
		--pid-file="$my/mariadbd.pid" --log-error="$my/error.log" \
		--skip-name-resolve --skip-log-bin --innodb-buffer-pool-size=16M \
		--ssl-cert="$C/server.crt" --ssl-key="$C/server-my.key" --ssl-ca="$C/ca.crt" \
		</dev/null >/dev/null 2>&1 &
	for i in $(seq 1 300); do
		mariadb-admin --no-defaults -S "$my/my.sock" -uroot ping >/dev/null 2>&1 && break
		[ "$i" = 300 ] && return 1
		sleep 0.1
	done
	mariadb --no-defaults -S "$my/my.sock" -uroot -e "
CREATE USER 'migtls'@'127.0.0.1' IDENTIFIED BY '$T_SECRET' REQUIRE X509;
CREATE DATABASE migtls;
GRANT ALL ON migtls.* TO 'migtls'@'127.0.0.1';"
}
my_sql() {
	mariadb --no-defaults -S "$TLS/my/my.sock" -uroot -N -B migtls -e "$1"
}

if ! engine_built mysql || ! command -v mariadbd >/dev/null; then
	skip "mysql is not compiled in, or no mariadbd" 8
	done_testing
fi
start_mariadb || {
	cat "$TLS/my/install.log" "$TLS/my/error.log" >&2
	bail_out "the TLS mariadbd did not start"
}

MBASE="mysql://migtls:$T_SECRET@127.0.0.1:$MY_TLS_PORT/migtls"
MCERT="ssl_ca=$C/ca.crt&ssl_cert=$C/client.crt&ssl_key=$C/client.key"
MMIGS=$(new_dir)
write_mig "$MMIGS" 1795770001 1 "what the server saw" <<'EOF'
-- migratore: run
CREATE TABLE seen AS SELECT VARIABLE_VALUE AS cipher
FROM information_schema.SESSION_STATUS WHERE VARIABLE_NAME = 'SSL_CIPHER';
-- migratore: rollback
DROP TABLE seen;
EOF

mig DB_URL="$MBASE?$MCERT&tls_version=TLSv1.2&ssl_cipher=ECDHE-RSA-AES128-GCM-SHA256" \
	upgrade "$MMIGS"
is_rc 0 "mariadb: upgrade with the client certificate succeeds (REQUIRE X509)"
is "$(my_sql 'SELECT cipher FROM seen')" "ECDHE-RSA-AES128-GCM-SHA256" \
	"mariadb: the session is TLS 1.2 with the cipher of ssl_cipher"
lacks "$M_OUT$M_ERR" "$T_SECRET" "mariadb: the password is not shown"

mig DB_URL="$MBASE?$MCERT&ssl_mode=verify_identity" list
is_rc 0 "mariadb: ssl_mode=verify_identity checks the server's certificate and name"

mig DB_URL="$MBASE?ssl_ca=$C/ca.crt&ssl_mode=required" list
is_rc 4 "mariadb: TLS without the client certificate: exit 4"
is "$M_ERR" "migratore: error: cannot connect to mysql at 127.0.0.1:$MY_TLS_PORT/migtls: Access denied for user 'migtls'@'127.0.0.1' (using password: YES) (refused by the server: fix the password, the database name or the privilege, a retry would not help; nothing was touched)" \
	"mariadb: without the client certificate the login is refused"

mig DB_URL="$MBASE?$MCERT&ssl_certt=$C/client.crt" list
is_rc 3 "mariadb: a typo'd parameter: exit 3"
is "$M_ERR" "migratore: error: DB_URL: parameter 'ssl_certt' is not supported by the mysql driver (did you mean 'ssl_cert'?)" \
	"mariadb: a typo'd parameter is named, with the one meant"

done_testing
