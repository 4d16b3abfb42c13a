#!/bin/bash
# The password audit (docs/security.md): a mixed fleet (SQLite, PostgreSQL,
# MariaDB) run with a dedicated login whose password is known, then every
# byte the run produced searched for that password, its percent-encoded
# form and a piece of it: stdout, stderr, the JSON, JUnit and HTML reports,
# the log directory, DEBUG=1 output, environ, the messages of 24 malformed
# URLs and 8 malformed inventories, and /proc/PID/cmdline and environ of
# the coordinator, a worker and its keeper taken while a migration program
# waits on a FIFO. Zero hits, but for the one documented place: the
# environment of an executable migration (PASSWORD, DB_URL). The variables
# the inventory took secrets from are scrubbed from the run's own
# environment once loaded.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$TESTS_SRCDIR/lib/tap.sh"
. "$TESTS_SRCDIR/lib/engines.sh"

PW='Zq9-aud1t/SECRET%x'
PW_ENC='Zq9-aud1t%2FSECRET%25x'
PIECE='aud1t'
LOGIN="mig_audit_$$"
W=$T_TMP/a
OUT=$W/collected
mkdir -p "$W/m" "$W/m2" "$W/hold" "$W/nohold" "$W/db" "$OUT"

# ---- dedicated logins, made by each server's administrator ------------------
_pg_super() {
	psql -X -q -v ON_ERROR_STOP=1 -h "$TEST_PG_SOCKDIR" -p "$TEST_PG_PORT" \
		-U postgres -d postgres "$@"
}
_my_root() { mariadb --no-defaults -S "$TEST_MY_SOCKET" -uroot "$@"; }
PG_DB= MY_DB=
audit_cleanup() {
	[ -n "$PG_DB" ] && _pg_super -c "DROP DATABASE IF EXISTS \"$PG_DB\" WITH (FORCE)" \
		-c "DROP DATABASE IF EXISTS \"${PG_DB}_u\" WITH (FORCE)" \
		-c "DROP DATABASE IF EXISTS \"${PG_DB}_c\" WITH (FORCE)" \
		-c "DROP ROLE IF EXISTS \"$LOGIN\"" >/dev/null 2>&1
	[ -n "$MY_DB" ] && _my_root -e "DROP USER IF EXISTS '$LOGIN'@'127.0.0.1'" >/dev/null 2>&1
	_engines_cleanup
}
trap 'audit_cleanup' EXIT

if [ -n "${TEST_PG_URL:-}" ] && [ -n "${TEST_PG_SOCKDIR:-}" ] &&
	_pg_super -c "CREATE ROLE \"$LOGIN\" LOGIN PASSWORD '$PW'" >/dev/null 2>&1; then
	PG_DB="mit_audit_$$"
	for d in "$PG_DB" "${PG_DB}_u"; do
		_pg_super -c "CREATE DATABASE \"$d\" OWNER \"$LOGIN\"" >/dev/null
	done
	pass "postgres: a login '$LOGIN' with the audit password"
else
	skip "postgres: no server, or no administrator on its socket"
fi
if [ -n "${TEST_MY_URL:-}" ] && [ -n "${TEST_MY_SOCKET:-}" ] &&
	_my_root -e "CREATE USER '$LOGIN'@'127.0.0.1' IDENTIFIED BY '$PW'" >/dev/null 2>&1; then
	MY_DB="mit_audit_$$"
	_my_admin -e "CREATE DATABASE \`$MY_DB\`" &&
		echo "mysql $MY_DB" >>"$T_TMP/dbs"
	_my_root -e "GRANT ALL ON \`$MY_DB\`.* TO '$LOGIN'@'127.0.0.1'"
	pass "mysql: a login '$LOGIN' with the audit password"
else
	skip "mysql: no server, or no administrator on its socket"
fi

# ---- migrations: SQL, an executable that waits on $FS/gate, a failing one ---
write_mig "$W/m" 1700000100 1 "a table" <<'EOF'
-- migratore: run
CREATE TABLE audit_t (id INTEGER PRIMARY KEY);
-- migratore: rollback
DROP TABLE audit_t;
EOF
cat >"$W/m/1700000200_hold" <<EOF
#!/bin/sh
# migratore: uuid = $(uid 2)
# migratore: timestamp = 1700000200
case "\$1" in run) echo \$\$ >"\$FS/prog.pid"; cat "\$FS/gate" >/dev/null; echo "program ran";; esac
EOF
chmod 755 "$W/m/1700000200_hold"
cp "$W/m"/* "$W/m2/"
write_mig "$W/m2" 1700000300 3 "fails" <<'EOF'
-- migratore: run
INSERT INTO no_such_table VALUES (1);
EOF
: >"$W/nohold/gate"
mkfifo "$W/hold/gate"
printf '%s\n' "$PW" >"$W/pw.txt"
chmod 0600 "$W/pw.txt"

# ---- the fleet -------------------------------------------------------------------
{
	printf 'version: 1\ndefaults:\n  path: %s\n  fs: %s/nohold\ntargets:\n' "$W/m" "$W"
	printf '  - name: lite\n    engine: sqlite\n    db: db/lite.db\n    password: ${AUDIT_PW}\n'
	[ -z "$MY_DB" ] && printf '    fs: %s/hold\n' "$W"
	if [ -n "$PG_DB" ]; then
		printf '  - name: pg\n    engine: postgres\n    host: %s\n    port: %s\n' "$TEST_PG_HOST" "$TEST_PG_PORT"
		printf '    db: %s\n    username: %s\n    password_file: pw.txt\n' "$PG_DB" "$LOGIN"
		printf '  - name: pg-url\n    url: postgres://%s:%s@%s:%s/%s_u?sslmode=disable\n' \
			"$LOGIN" "$PW_ENC" "$TEST_PG_HOST" "$TEST_PG_PORT" "$PG_DB"
		printf '  - name: pg-nodb\n    url: postgres://%s:${AUDIT_PW_ENC}@%s:%s/no_such_db\n' \
			"$LOGIN" "$TEST_PG_HOST" "$TEST_PG_PORT"
	fi
	if [ -n "$MY_DB" ]; then
		printf '  - name: my\n    engine: mysql\n    host: %s\n    port: %s\n' "$TEST_MY_HOST" "$TEST_MY_PORT"
		printf '    db: %s\n    username: %s\n    password: ${AUDIT_PW}\n    fs: %s/hold\n' \
			"$MY_DB" "$LOGIN" "$W"
	fi
} >"$W/fleet.yaml"

fleet_env=(PATH="$PATH" HOME="$T_TMP/home" USER=itester AUDIT_PW="$PW"
	AUDIT_PW_ENC="$PW_ENC" PASSWORD="$PW" DB_URL="mysql://u:$PW_ENC@h/db")
(cd "$W" && exec env -i "${fleet_env[@]}" "$MIGRATORE" upgrade --inventory fleet.yaml \
	--jobs 8 --log-dir logs --report r.json --junit r.xml --html r.html \
	>"$OUT/fleet.out" 2>"$OUT/fleet.err") &
P=$!
bg_track $P
wait_for eval '[ -s "$W/hold/prog.pid" ]'
ok $? "a worker is held in its executable migration"
PROG=$(cat "$W/hold/prog.pid")
KEEPER=$(ppid_of "$PROG")
WORKER=$(ppid_of "$KEEPER")
SPAWNER=$(ppid_of "$WORKER")
is "$(ppid_of "$SPAWNER")" "$P" "found its keeper, worker and spawner"
for who in P SPAWNER WORKER KEEPER; do
	pid=${!who}
	tr '\0' '\n' <"/proc/$pid/cmdline" >"$OUT/$who.cmdline"
	tr '\0' '\n' <"/proc/$pid/environ" >"$OUT/$who.environ"
done
tr '\0' '\n' <"/proc/$PROG/environ" >"$W/program.environ" # the exception
like "$(cat "$OUT/P.environ")" "^AUDIT_PW=$" \
	"the coordinator's /proc environ keeps the name of a variable it took a password from, not its value"
like "$(cat "$OUT/P.environ")" "^PATH=/" "and keeps the other variables"
like "$(cat "$OUT/SPAWNER.environ")" "^AUDIT_PW=$" \
	"so does the spawner's, forked before the inventory was read"
contains "$(cat "$W/program.environ")" "PASSWORD=$PW" \
	"the program's environment holds its own PASSWORD (the documented exception)"
lacks "$(cat "$W/program.environ")" "AUDIT_PW" \
	"but not the variables the inventory took secrets from"
echo >"$W/hold/gate"
wait $P
FLEET_RC=$?
ok "$([ "$FLEET_RC" = 1 ] || [ "$FLEET_RC" = 0 ]; echo $?)" "the fleet run ends ($FLEET_RC)"
like "$(cat "$OUT/fleet.out")" "lite +sqlite +ok" "the SQLite target ran"
if [ -n "$PG_DB" ]; then
	like "$(cat "$OUT/fleet.out")" "pg +postgres +ok" "the PostgreSQL target ran with its password file"
	like "$(cat "$OUT/fleet.out")" "pg-url +postgres +ok" "and the one with the password in its url"
	like "$(cat "$OUT/fleet.out")" "pg-nodb +postgres +refused .*database \"no_such_db\" does not exist" "a refused one says why"
fi
[ -n "$MY_DB" ] && like "$(cat "$OUT/fleet.out")" "my +mysql +ok" "the MariaDB target ran"
cp "$W/r.json" "$W/r.xml" "$W/r.html" "$OUT/"
cp -r "$W/logs" "$OUT/logs"
(cd "$W" && env -i "${fleet_env[@]}" "$MIGRATORE" environ --inventory fleet.yaml) \
	>"$OUT/fleet-environ" 2>&1
(cd "$W" && env -i "${fleet_env[@]}" "$MIGRATORE" list --inventory fleet.yaml --format json) \
	>"$OUT/fleet-list" 2>&1

# ---- single target, DEBUG=1 ---------------------------------------------------------
single() { # NAME VAR=VALUE...
	local name=$1
	shift
	for cmd in "upgrade $W/m2" "list" "errors" "environ" "trace 1" "dry_downgrade $W/m2"; do
		# shellcheck disable=SC2086
		(cd "$W" && env -i PATH="$PATH" HOME="$T_TMP/home" USER=itester DEBUG=1 \
			FS="$W/nohold" "$@" timeout 60 "$MIGRATORE" $cmd) \
			>>"$OUT/single-$name" 2>&1
	done
}
single sqlite DB_URL="sqlite://$W/db/single.db" PASSWORD="$PW"
if [ -n "$PG_DB" ]; then
	single pg-url DB_URL="postgres://$LOGIN:$PW_ENC@$TEST_PG_HOST:$TEST_PG_PORT/$PG_DB?sslmode=disable"
	single pg-wrongdb DB_URL="postgres://$LOGIN:$PW_ENC@$TEST_PG_HOST:$TEST_PG_PORT/no_such_db"
	single pg-wrongpw DB_URL="postgres://$LOGIN:x$PW_ENC@$TEST_PG_HOST:$TEST_PG_PORT/$PG_DB"
	like "$(cat "$OUT/single-pg-url")" "no such table|does not exist" "postgres single: the failing migration's error is there"
fi
if [ -n "$MY_DB" ]; then
	single my-vars HOST="$TEST_MY_HOST" PORT="$TEST_MY_PORT" USERNAME="$LOGIN" \
		PASSWORD="$PW" DB="$MY_DB"
	single my-wrongpw HOST="$TEST_MY_HOST" PORT="$TEST_MY_PORT" USERNAME="$LOGIN" \
		DB_PASSWORD="${PW}x" DB="$MY_DB"
	like "$(cat "$OUT/single-my-vars")" "no_such_table" "mysql single: the failing migration's error is there"
fi
like "$(cat "$OUT/single-sqlite")" "INSERT INTO no_such_table" "DEBUG=1 traced the statements"

# A URL on the command line is hidden from /proc/PID/cmdline once parsed.
if [ -n "$PG_DB" ]; then
	rm -f "$W/hold/prog.pid"
	_pg_super -c "CREATE DATABASE \"${PG_DB}_c\" OWNER \"$LOGIN\"" >/dev/null
	(cd "$W" && exec env -i PATH="$PATH" HOME="$T_TMP/home" USER=itester FS="$W/hold" \
		"$MIGRATORE" -q upgrade "$W/m" \
		--db-url "postgres://$LOGIN:$PW_ENC@$TEST_PG_HOST:$TEST_PG_PORT/${PG_DB}_c?sslmode=disable" \
		>"$OUT/cmdline.out" 2>&1) &
	S=$!
	bg_track $S
	wait_for eval '[ -s "$W/hold/prog.pid" ]'
	ok $? "a single-target run given --db-url waits in its program"
	tr '\0' ' ' <"/proc/$S/cmdline" >"$OUT/single.cmdline"
	contains "$(cat "$OUT/single.cmdline")" "--db-url postgres://$LOGIN:" "the URL is still on the command line..."
	echo >"$W/hold/gate"
	wait $S
fi

# ---- malformed URLs and inventories ------------------------------------------------------
n=0
for pw in "$PW" "$PW_ENC"; do
	for url in "sqlite://$LOGIN:$pw@/srv/app.db" "sqlite://$LOGIN:$pw@h/x.db" \
		"postgres://$LOGIN:$pw@h:port/db" "postgres://$LOGIN:$pw@h/a/b" \
		"postgres://$LOGIN:$pw@h/db?novalue" "postgres://$LOGIN:$pw@h/db#frag" \
		"mysql://$LOGIN:$pw@[::1/db" "mysql://$LOGIN:$pw@h:99999/db" \
		"postgres://$LOGIN:$pw@h/db?sslmode=bogus" "postgres://h/db?password=$pw&x=%zz" \
		"http://$LOGIN:$pw@h/db" "postgres://$LOGIN:$pw"; do
		n=$((n + 1))
		(cd "$W" && env -i PATH="$PATH" DB_URL="$url" "$MIGRATORE" list) >>"$OUT/bad-urls" 2>&1
	done
done
is "$(grep -c 'migratore: error' "$OUT/bad-urls")" "$n" "$n malformed URLs: each refused with a message"
bad_inventory() { # YAML-BODY
	n=$((n + 1))
	printf 'version: 1\n%s\n' "$1" >"$W/bad$n.yaml"
	(cd "$W" && env -i PATH="$PATH" AUDIT_PW="$PW" "$MIGRATORE" list --inventory "bad$n.yaml") \
		>>"$OUT/bad-inventories" 2>&1
}
n=0
bad_inventory "targets:
  - {name: a, url: 'sqlite://$LOGIN:$PW@/x.db'}"
bad_inventory "targets:
  - {name: a, url: 'postgres://$LOGIN:$PW_ENC@h:99999/db'}"
bad_inventory "targets:
  - {name: a, engine: postgres, password: '$PW{1..x}'}"
bad_inventory "targets:
  - {name: a, engine: postgres, password: '\$$PW'}"
bad_inventory "targets:
  - {name: a, engine: postgres, password: [$PW_ENC]}"
bad_inventory "targets:
  - {name: a, engine: postgres, password: \"$PW"
bad_inventory "defaults: {password: '\${AUDIT_PW}', colour: '$PW_ENC'}
targets:
  - {name: a, engine: postgres}
  - {name: a, engine: postgres}"
bad_inventory "targets:
  - {name: a, url: 'postgres://$LOGIN:\${AUDIT_PW}@h/db', engine: mysql}"
is "$(grep -c 'error: inventory' "$OUT/bad-inventories")" 8 "8 malformed inventories: each refused"

# ---- the search ------------------------------------------------------------------------
files=$(find "$OUT" -type f | wc -l)
for pat in "$PW" "$PW_ENC" "$PIECE"; do
	hits=$(grep -rlaF -- "$pat" "$OUT" | sed "s|$OUT/||" | tr '\n' ' ')
	is "$hits" "" "'$pat' is in none of the $files files the runs produced"
done
check_no_password
done_testing
