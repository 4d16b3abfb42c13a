#!/bin/bash
# slow: 100 repetitions on each engine, about 15 s on SQLite and 20-30 s on
# each server on the 2-CPU test machine (CONCURRENCY_REPS and
# CONCURRENCY_SERVER_REPS override the counts). Run by make check.
#
# The concurrency proof (SPEC 7, issue 9): eight runners at once, single
# target and fleet mixed, on the same database through every way of naming
# it, apply every migration exactly once, every repetition.
#   SQLite: relative, ./, absolute, a non-canonical absolute path, a
#     symlink, a hard link, and a bind mount of the directory when mount
#     --bind works here.
#   PostgreSQL: DB_URL, the HOST/PORT variables, an inventory url and
#     host/port keys, 127.0.0.1 and the Unix socket.
#   MariaDB: the same, with its socket.
# Each repetition brings three new migrations (a table, then two inserts a
# second run would repeat) onto the same database; after it, each has
# exactly one success row, the table exactly two rows, every runner exit 0.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$TESTS_SRCDIR/lib/tap.sh"
. "$TESTS_SRCDIR/lib/engines.sh"

REPS=${CONCURRENCY_REPS:-100}
SERVER_REPS=${CONCURRENCY_SERVER_REPS:-100}
N=8
BINDS=()
trap 'for b in "${BINDS[@]}"; do umount "$b" 2>/dev/null; done; _engines_cleanup' EXIT

# rep_migrations DIR K: repetition K's three migrations, uuids 3K+1..3K+3.
rep_migrations() {
	local d=$1 k=$2 ts=$((1700000000 + 10 * $2)) n=$((3 * $2))
	rm -rf "$d"
	write_mig "$d" $((ts + 1)) $((n + 1)) "table $k" <<EOF2
-- migratore: run
CREATE TABLE t$k (id INTEGER);
EOF2
	write_mig "$d" $((ts + 2)) $((n + 2)) "insert $k" <<EOF2
-- migratore: run
INSERT INTO t$k (id) VALUES (1);
EOF2
	write_mig "$d" $((ts + 3)) $((n + 3)) "insert $k again" <<EOF2
-- migratore: run
INSERT INTO t$k (id) VALUES (2);
EOF2
}

# One runner: "single VAR=VALUE..." or "fleet INVENTORY"; exit status in
# $W/rc.I, output in $W/out.I.
runner() { # I KIND ARGS...
	local i=$1 kind=$2
	shift 2
	if [ "$kind" = fleet ]; then
		(cd "$W" && exec env -i PATH="$PATH" HOME="$T_TMP/home" USER=itester \
			LOCK_TIMEOUT=60 "$MIGRATORE" upgrade "$D" --inventory "$1" \
			--jobs 1 --quiet) >"$W/out.$i" 2>&1
	else
		(cd "$W" && exec env -i PATH="$PATH" HOME="$T_TMP/home" USER=itester \
			LOCK_TIMEOUT=60 "$@" "$MIGRATORE" -q upgrade "$D") >"$W/out.$i" 2>&1
	fi
	echo $? >"$W/rc.$i"
}

# repetition ENGINE K: the N runners of SPELL (one spec a line), checked.
repetition() {
	local e=$1 k=$2 i=0 spec got want
	local -a pids=()
	rep_migrations "$D" "$k"
	rm -f "$W"/rc.* "$W"/out.*
	while IFS= read -r spec; do
		i=$((i + 1))
		# shellcheck disable=SC2086
		runner "$i" $spec &
		pids+=($!)
	done <<<"$SPELL"
	wait "${pids[@]}"
	got=$(cat "$W"/rc.* | sort | uniq -c | awk '{ printf "%s×%s ", $1, $2 }')
	if [ "$got" != "$N×0 " ]; then
		REP_FAIL="$REP_FAIL rep $k: exits $got; $(cat "$W"/out.* | grep -v '^$' | head -3 | tr '\n' ' ')"
		return
	fi
	got=$(sql "$e" "SELECT uuid, count(*) FROM migratore WHERE uuid IN ('$(uid $((3 * k + 1)))', '$(uid $((3 * k + 2)))', '$(uid $((3 * k + 3)))') GROUP BY uuid, result ORDER BY uuid" | tr '\t\n' ': ')
	want="$(uid $((3 * k + 1))):1 $(uid $((3 * k + 2))):1 $(uid $((3 * k + 3))):1 "
	[ "$got" = "$want" ] || REP_FAIL="$REP_FAIL rep $k: rows $got;"
	got=$(sql "$e" "SELECT count(*) FROM t$k")
	[ "$got" = 2 ] || REP_FAIL="$REP_FAIL rep $k: t$k has $got rows;"
}

prove() { # ENGINE REPS
	local e=$1 reps=$2 k t0 t1
	REP_FAIL=
	t0=$(date +%s)
	for ((k = 1; k <= reps; k++)); do
		repetition "$e" "$k"
	done
	t1=$(date +%s)
	is "${REP_FAIL:-none}" none \
		"$e: $N runners ($(grep -c fleet <<<"$SPELL") of them fleets) through $(sort -u <<<"$SPELL" | wc -l) spellings: exactly once in $reps of $reps repetitions"
	note "$e: $reps repetitions of $N runners in $((t1 - t0)) s"
}

# ---- SQLite ----------------------------------------------------------------

sqlite_inventory() { # FILE DBPATH
	printf 'version: 1\ntargets:\n  - name: it\n    engine: sqlite\n    db: %s\n' "$2" >"$W/$1"
}

W=$T_TMP/sqlite
D=$T_TMP/migs
mkdir -p "$W/a"
: >"$W/a/real.db"
ln -s a/real.db "$W/link.db"
ln "$W/a/real.db" "$W/hard.db"
mkdir "$W/bind"
BIND=
if mount --bind "$W/a" "$W/bind" 2>/dev/null; then
	BINDS+=("$W/bind")
	BIND=1
fi
sqlite_inventory link.yaml link.db
sqlite_inventory abs.yaml "$W/a/../a/real.db"
sqlite_inventory bind.yaml "$([ -n "$BIND" ] && echo bind/real.db || echo ./a/real.db)"
SPELL="single DB_URL=sqlite:a/real.db
single DB_URL=sqlite:./a/real.db
fleet link.yaml
single DB_URL=sqlite://$W/a/real.db
single ENGINE=sqlite DB=hard.db
fleet abs.yaml
single DB_URL=sqlite:$([ -n "$BIND" ] && echo bind/real.db || echo link.db)
fleet bind.yaml"
T_ENGINE=sqlite T_DBFILE=$W/a/real.db
prove sqlite "$REPS"
[ -n "$BIND" ] || note "mount --bind failed here: no bind-mount spelling"

# ---- servers ---------------------------------------------------------------

server_spellings() { # ENGINE: inventories and SPELL for the current database
	local e=$1 port sock
	if [ "$e" = postgres ]; then
		port=$TEST_PG_PORT sock=$TEST_PG_SOCKDIR
	else
		port=$TEST_MY_PORT sock=$TEST_MY_SOCKET
	fi
	printf 'version: 1\ntargets:\n  - name: it\n    url: %s\n' "$DB_URL" >"$W/url.yaml"
	printf 'version: 1\ntargets:\n  - name: it\n    engine: %s\n    host: 127.0.0.1\n    port: %s\n    db: %s\n    username: %s\n    password: %s\n' \
		"$e" "$port" "$T_DBNAME" "$TEST_DB_USER" "$TEST_DB_PASS" >"$W/keys.yaml"
	# PostgreSQL's socket is named after the port: it goes along.
	printf 'version: 1\ntargets:\n  - name: it\n    engine: %s\n    unix_socket: %s\n    port: %s\n    db: %s\n    username: %s\n    password: %s\n' \
		"$e" "$sock" "$port" "$T_DBNAME" "$TEST_DB_USER" "$TEST_DB_PASS" >"$W/socket.yaml"
	SPELL="single DB_URL=$DB_URL
single ENGINE=$e HOST=127.0.0.1 PORT=$port DB=$T_DBNAME USERNAME=$TEST_DB_USER PASSWORD=$TEST_DB_PASS
fleet url.yaml
single ENGINE=$e UNIX_SOCKET=$sock PORT=$port DB=$T_DBNAME USERNAME=$TEST_DB_USER PASSWORD=$TEST_DB_PASS
single ENGINE=$e DB_HOST=127.0.0.1 DB_PORT=$port DB_NAME=$T_DBNAME DB_USER=$TEST_DB_USER DB_PASSWORD=$TEST_DB_PASS
fleet keys.yaml
single DB_URL=$DB_URL
fleet socket.yaml"
}

for e in $(engine_list); do
	[ "$e" = sqlite ] && continue
	W=$T_TMP/$e
	mkdir -p "$W"
	new_db "$e"
	server_spellings "$e"
	prove "$e" "$SERVER_REPS"
	drop_db
done
check_no_password
done_testing
