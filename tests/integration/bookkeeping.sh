#!/bin/bash
# Rows that are always written (SPEC 5, "Character sets"): whatever fails
# after a statement committed, the next run knows that statement committed.
# The bookkeeping write is broken every way a test can provoke, on every
# engine where it applies:
#   - charset: a MariaDB server whose default is latin1, a Python-made
#     latin1 table, a PostgreSQL LATIN1 database (SQLite stores any text);
#   - a too-long value: a column shorter than the text (a TEXT traceback,
#     a varchar(n) description);
#   - a dropped connection right at the bookkeeping INSERT (netproxy);
#   - a killed process between the last statement and the row (SIGKILL on
#     the DEBUG trace of the row's id query; the test holds whichever
#     moment the kill lands in);
#   - a failed bookkeeping or progress write names its statement and line.
# After each, upgrade again neither repeats committed DDL nor loses the
# migration; new tables are utf8mb4 and an existing table's charset is
# never changed.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$TESTS_SRCDIR/lib/tap.sh"
. "$TESTS_SRCDIR/lib/engines.sh"
. "$TESTS_SRCDIR/lib/python.sh"
. "$TESTS_SRCDIR/tools/proxylib.sh"

ARROW=$'\xe2\x86\x92'
CJK=$'\xe6\xbc\xa2\xe5\xad\x97'
EMOJI=$'\xf0\x9f\x98\x80'
WIDE="$ARROW $CJK $EMOJI"

# A database of our own: fresh_db with a character set.
charset_db() { # ENGINE
	local name="mit_bk_$$_${RANDOM}_$1"
	case $1 in
	mysql) _my_admin -e "CREATE DATABASE \`$name\` CHARACTER SET latin1" || return 1
		DB_URL="mysql://$TEST_DB_USER:$TEST_DB_PASS@$TEST_MY_HOST:$TEST_MY_PORT/$name" ;;
	postgres) _pg_admin -c "CREATE DATABASE \"$name\" ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0" || return 1
		DB_URL="postgres://$TEST_DB_USER:$TEST_DB_PASS@$TEST_PG_HOST:$TEST_PG_PORT/$name?sslmode=disable" ;;
	esac
	echo "$1 $name" >>"$T_TMP/dbs"
	T_ENGINE=$1 T_DBNAME=$name T_DBFILE=
}

wide_migrations() { # DIR
	write_mig "$1" 1700000001 1 "add $WIDE" <<'EOF2'
-- migratore: run
CREATE TABLE u8 (id INTEGER);
EOF2
	write_mig "$1" 1700000002 2 "fails $ARROW" <<EOF2
-- migratore: run
INSERT INTO no_such_table VALUES ('$WIDE');
CREATE TABLE u9 (id INTEGER);
EOF2
}

# with_tables DIR: the bookkeeping tables made (a first migration applied).
with_tables() {
	write_mig "$1" 1700000000 9 "setup" <<'EOF2'
-- migratore: run
SELECT 1;
EOF2
	mig upgrade "$1"
}

# ---- character sets --------------------------------------------------------

# MariaDB, latin1 by default: our own tables are utf8mb4 and hold it all.
case_new_tables_utf8mb4() {
	local d
	charset_db mysql || bail_out "cannot create a latin1 database"
	d=$(new_dir)
	wide_migrations "$d"
	mig upgrade "$d"
	is_rc 1 "mysql latin1 server: upgrade runs the first, the second fails"
	like "$(sql mysql "SHOW CREATE TABLE migratore" | cut -f2-)" 'CHARSET=utf8mb4 COLLATE=utf8mb4_bin' \
		"mysql latin1 server: the bookkeeping table is utf8mb4"
	like "$(sql mysql "SHOW CREATE TABLE migratore_progress" | cut -f2-)" 'CHARSET=utf8mb4 COLLATE=utf8mb4_bin' \
		"mysql latin1 server: the progress table is utf8mb4"
	is "$(sql_hex mysql description "FROM migratore WHERE object_id = 1")" "$(hex_of "add $WIDE")" \
		"mysql latin1 server: the description is stored exactly"
	is "$(sql_hex mysql statement "FROM migratore WHERE object_id = 2")" \
		"$(hex_of "INSERT INTO no_such_table VALUES ('$WIDE')")" \
		"mysql latin1 server: the error row keeps its statement exactly"
	lacks "$M_ERR" "warning" "mysql latin1 server: nothing to warn about"
	sed -i '/no_such_table/d' "$d/1700000002_m2.sql"
	mig upgrade "$d"
	is_rc 0 "mysql latin1 server: the next upgrade goes on (no 'u8 already exists')"
}

# The Python tool's latin1 table: the row is written, what does not fit
# becomes '?', a warning says so, the report keeps the full text.
case_python_latin1() {
	local d w=$T_TMP/pyfleet
	new_db mysql
	python_table
	d=$(new_dir)
	wide_migrations "$d"
	mig upgrade "$d"
	is_rc 1 "python latin1 table: the first migration applies, the second fails"
	is "$(sql mysql "SELECT object_id, result FROM migratore ORDER BY object_id" | tr '\t\n' ': ')" "1:success 2:error " \
		"python latin1 table: both rows are written"
	is "$(sql_hex mysql description "FROM migratore WHERE object_id = 1")" "$(hex_of "add ? ?? ?")" \
		"python latin1 table: what latin1 cannot hold is '?'"
	contains "$M_ERR" "warning: 1700000001_m1.sql: bookkeeping row 1: column description: 4 characters latin1 cannot hold replaced by '?'; this run's output and report have the full text" \
		"python latin1 table: a warning says which column and how many"
	contains "$M_OUT" "add $WIDE" "python latin1 table: the output has the full description"
	is "$(sql mysql "SELECT statement FROM migratore WHERE object_id = 2")" "INSERT INTO no_such_table VALUES ('? ?? ?')" \
		"python latin1 table: the error row holds the statement, fitted"
	mig -v upgrade "$d"
	contains "$M_ERR" "INSERT INTO no_such_table VALUES ('$WIDE')" \
		"python latin1 table: the failure's traceback on stderr (-v) has the full text"
	like "$(sql mysql "SHOW CREATE TABLE migratore" | cut -f2-)" 'CHARSET=latin1' \
		"python latin1 table: its charset was not changed"
	# In a fleet, the report (the frames the worker sent) keeps it whole.
	mkdir -p "$w"
	printf 'version: 1\ntargets:\n  - name: py\n    url: %s\n' "$DB_URL" >"$w/fleet.yaml"
	(cd "$w" && env -i PATH="$PATH" HOME="$T_TMP/home" USER=itester "$MIGRATORE" upgrade "$d" \
		--inventory fleet.yaml --report r.json >/dev/null 2>&1)
	is "$(python3 -c 'import json,sys; s=json.load(open(sys.argv[1]))["targets"][0]["steps"]; print(any(sys.argv[2] in (x.get("traceback") or "") for x in s))' "$w/r.json" "$WIDE" 2>&1)" \
		True "python latin1 table: the fleet report has the full error text"
	drop_db
}

case_pg_latin1() {
	local d
	charset_db postgres || bail_out "cannot create a LATIN1 database"
	d=$(new_dir)
	wide_migrations "$d"
	mig upgrade "$d"
	is_rc 1 "postgres LATIN1 database: the first applies, the second fails"
	is "$(sql postgres "SELECT object_id, result FROM migratore ORDER BY object_id" | tr '\t\n' ': ')" "1:success 2:error " \
		"postgres LATIN1 database: both rows are written"
	is "$(sql postgres "SELECT description FROM migratore WHERE object_id = 1")" "add ? ?? ?" \
		"postgres LATIN1 database: what LATIN1 cannot hold is '?'"
	contains "$M_ERR" "column description: 4 characters LATIN1 cannot hold replaced by '?'" \
		"postgres LATIN1 database: a warning says so"
	sed -i '/no_such_table/d' "$d/1700000002_m2.sql"
	mig upgrade "$d"
	is_rc 0 "postgres LATIN1 database: the next upgrade goes on"
}

# ---- too long ----------------------------------------------------------------

case_too_long() { # ENGINE
	local e=$1 d long
	new_db "$e"
	d=$(new_dir)
	if [ "$e" = mysql ]; then
		python_table text # error and traceback hold 65,535 bytes
	else
		with_tables "$d"
		sql "$e" "ALTER TABLE migratore ALTER COLUMN description TYPE varchar(40)"
		sql "$e" "ALTER TABLE migratore ALTER COLUMN traceback TYPE varchar(300)"
	fi
	long=$(head -c 70000 /dev/zero | tr '\0' x)
	write_mig "$d" 1700000001 1 "a description longer than forty characters, far longer" <<EOF2
-- migratore: run
INSERT INTO no_such_table VALUES ('$long');
CREATE TABLE l1 (id INTEGER);
EOF2
	mig upgrade "$d"
	is_rc 1 "$e: too long: the migration fails (its own fault)"
	is "$(sql "$e" "SELECT count(*) FROM migratore WHERE uuid = '$(uid 1)' AND result = 'error'")" 1 \
		"$e: too long: its error row is written"
	like "$(sql "$e" "SELECT traceback FROM migratore WHERE uuid = '$(uid 1)'" | tail -1)" \
		'\[\.\.\. truncated by migratore\]$' "$e: too long: the traceback is cut with a marker"
	like "$M_ERR" "column traceback: cut to its limit of (65535|300) characters; this run's output and report have the full text" \
		"$e: too long: a warning says so"
	sed -i '/no_such_table/d' "$d/1700000001_m1.sql"
	mig upgrade "$d"
	is_rc 0 "$e: too long: the next upgrade applies it"
	drop_db
}

# ---- a dropped connection at the bookkeeping INSERT --------------------------

proxied_url() { # PORT
	case $T_ENGINE in
	postgres) echo "postgres://$TEST_DB_USER:$TEST_DB_PASS@127.0.0.1:$1/$T_DBNAME?sslmode=disable" ;;
	mysql) echo "mysql://$TEST_DB_USER:$TEST_DB_PASS@127.0.0.1:$1/$T_DBNAME" ;;
	esac
}

case_dropped() { # ENGINE TRANSACTION
	local e=$1 txn=$2 d port match
	new_db "$e"
	d=$(new_dir)
	with_tables "$d"
	write_mig "$d" 1700000001 1 "two tables" ${txn:+"transaction = $txn"} <<'EOF2'
-- migratore: run
CREATE TABLE c1 (id INTEGER);
CREATE TABLE c2 (id INTEGER);
EOF2
	port=$([ "$e" = mysql ] && echo "$TEST_MY_PORT" || echo "$TEST_PG_PORT")
	match=$([ "$e" = mysql ] && echo '`migratore` (`object_id`' || echo '"migratore" ("object_id"')
	proxy_start PX --to "$port" --cut-before "$match" || { fail "netproxy"; return; }
	mig DB_URL="$(proxied_url "$PX_PORT")" upgrade "$d"
	isnt "$M_RC" 0 "$e${txn:+ transaction=$txn}: cut at the row's INSERT: the run fails"
	proxy_wait PX 1
	is "$(proxy_stat PX 1 end)" cut-before "$e${txn:+ transaction=$txn}: the proxy cut right there"
	proxy_stop PX
	is "$(sql "$e" "SELECT count(*) FROM migratore WHERE uuid = '$(uid 1)'")" 0 \
		"$e${txn:+ transaction=$txn}: no row could be written"
	mig upgrade "$d"
	is_rc 0 "$e${txn:+ transaction=$txn}: the next upgrade succeeds (nothing repeated: no 'already exists')"
	is "$(sql "$e" "SELECT result, operation FROM migratore WHERE uuid = '$(uid 1)'" | tr '\t\n' ': ')" "success:Run " \
		"$e${txn:+ transaction=$txn}: the migration is recorded once"
	is "$(table_exists "$e" c1)$(table_exists "$e" c2)" 11 "$e${txn:+ transaction=$txn}: its tables are there"
	if [ -n "$txn" ]; then
		contains "$M_ERR" "all 2 statements had committed before the previous run ended: recording it" \
			"$e${txn:+ transaction=$txn}: it knew both statements had committed"
	elif [ "$e" = mysql ]; then
		# The statements, their progress and the row are one batch
		# (issue 12): cut before it, none of it ran, and none is skipped.
		unlike "$M_ERR" "had committed|resuming" \
			"$e: cut with its batch: nothing had committed, it ran whole"
	fi
	drop_db
}

# ---- a process killed between the last statement and the row ---------------

# killed DIR URL: upgrade with DEBUG=1, SIGKILLed when its trace shows the
# row's INSERT, which allocates its id (MAX(object_id) + 1): the statements
# ran, or went out in the same pipeline or batch, and the row is next.
killed() {
	local fifo=$T_TMP/trace.$RANDOM pid line
	mkfifo "$fifo"
	(cd "$T_TMP/cwd" && exec env -i PATH="$PATH" USER=itester DB_URL="$2" DEBUG=1 \
		"$MIGRATORE" -q upgrade "$1" >/dev/null 2>"$fifo") &
	pid=$!
	bg_track $pid
	while IFS= read -r line; do
		case $line in *MAX\(?object_id?\)*) kill -KILL "$pid"; break ;; esac
	done <"$fifo"
	wait "$pid"
	KILLED_RC=$?
	rm -f "$fifo"
}

# A reader's open transaction: a SQLite COMMIT waits for it to end.
hold_reader() {
	(printf 'BEGIN;\nSELECT count(*) FROM migratore;\n'; exec sleep 60) |
		sqlite3 "$T_DBFILE" >/dev/null &
	READER=$!
	bg_track $READER
	wait_for eval '! sqlite3 "$T_DBFILE" "BEGIN EXCLUSIVE; ROLLBACK" 2>/dev/null'
}

# Where the kill lands must not depend on the machine's speed: on a
# server the row's id query waits a round trip of 60 ms (netproxy); on
# SQLite the COMMIT waits for a reader. Only SQLite with transaction = off
# has nothing to wait for at that point: there the kill may come late.
case_killed() { # ENGINE TRANSACTION
	local e=$1 txn=$2 d url what
	what="$e${txn:+ transaction=$txn}"
	new_db "$e"
	url=$DB_URL
	d=$(new_dir)
	with_tables "$d"
	write_mig "$d" 1700000001 1 "two tables" ${txn:+"transaction = $txn"} <<'EOF2'
-- migratore: run
CREATE TABLE k1 (id INTEGER);
CREATE TABLE k2 (id INTEGER);
EOF2
	READER=
	if [ "$e" != sqlite ]; then
		proxy_start PX --delay 30 --to "$([ "$e" = mysql ] && echo "$TEST_MY_PORT" || echo "$TEST_PG_PORT")" ||
			{ fail "netproxy"; return; }
		url=$(proxied_url "$PX_PORT")
	elif [ -z "$txn" ]; then
		hold_reader
	fi
	killed "$d" "$url"
	[ -n "$READER" ] && kill "$READER" 2>/dev/null
	[ "$e" != sqlite ] && proxy_stop PX
	if [ "$e" = sqlite ] && [ -n "$txn" ]; then
		ok "$([ "$KILLED_RC" = 137 ] || [ "$KILLED_RC" = 0 ]; echo $?)" \
			"$what: killed right before its row, or just done ($KILLED_RC)"
	elif [ "$e" != sqlite ] && [ -z "$txn" ]; then
		# One pipeline (batch) carries the statements, the row and the
		# COMMIT (issue 12): the kill lands once it went out. PostgreSQL
		# runs all of it or none; MariaDB may stop after DDL it commits
		# on its own, whose progress rows went with it: never a
		# statement left unrecorded.
		local row tables progress
		is "$KILLED_RC" 137 "$what: killed as its statements and row went out"
		row=$(sql "$e" "SELECT count(*) FROM migratore WHERE uuid = '$(uid 1)'")
		tables=$(($(table_exists "$e" k1) + $(table_exists "$e" k2)))
		progress=$(sql "$e" "SELECT COALESCE(MAX(committed), 0) FROM migratore_progress WHERE uuid = '$(uid 1)'")
		ok "$([ "$row$tables" = 12 ] || [ "$row$tables" = "0$progress" ]; echo $?)" \
			"$what: after the kill its row, or only what its progress rows say committed ($row row, $tables tables, progress $progress)"
	else
		is "$KILLED_RC" 137 "$what: killed right before its row"
		is "$(sql "$e" "SELECT count(*) FROM migratore WHERE uuid = '$(uid 1)'")" 0 \
			"$what: no row for it after the kill"
	fi
	mig upgrade "$d"
	is_rc 0 "$what: after the kill the next upgrade succeeds (nothing repeated)"
	is "$(sql "$e" "SELECT result, operation FROM migratore WHERE uuid = '$(uid 1)'" | tr '\t\n' ': ')" "success:Run " \
		"$what: after the kill the migration is recorded once"
	is "$(table_exists "$e" k1)$(table_exists "$e" k2)" 11 "$what: its tables are there"
	drop_db
}

# ---- a failed bookkeeping or progress write names its statement -------------

case_names_statement() { # ENGINE
	local e=$1 d f
	new_db "$e"
	d=$(new_dir)
	with_tables "$d"
	if [ "$e" = mysql ]; then
		# DDL commits: the progress write after the DROP fails.
		write_mig "$d" 1700000001 1 "drops the progress table" <<'EOF2'
-- migratore: run
CREATE TABLE n1 (id INTEGER);
DROP TABLE migratore_progress;
CREATE TABLE n2 (id INTEGER);
EOF2
		f=1700000001_m1.sql
		mig upgrade "$d"
		is_rc 1 "$e: a progress write that fails fails the migration"
		contains "$M_ERR" "after statement 2 of 3 ($f:7), its progress could not be recorded: recording progress in 'migratore_progress': " \
			"$e: the message names the statement and its line"
		is "$(sql "$e" "SELECT result, committed FROM migratore WHERE uuid = '$(uid 1)'" | tr '\t' :)" "error:2" \
			"$e: its error row is written all the same, two statements committed"
	else
		# The row's INSERT fails: the transaction rolls back.
		write_mig "$d" 1700000001 1 "hides the bookkeeping" <<'EOF2'
-- migratore: run
CREATE TABLE n1 (id INTEGER);
ALTER TABLE migratore RENAME TO hidden;
EOF2
		f=1700000001_m1.sql
		mig upgrade "$d"
		is_rc 1 "$e: a row that cannot be written fails the migration"
		contains "$M_ERR" "after statement 2 of 2 ($f:7), its bookkeeping row could not be recorded: writing to bookkeeping table 'migratore': " \
			"$e: the message names the statement and its line"
		is "$(sql "$e" "SELECT result FROM migratore WHERE uuid = '$(uid 1)'")" error \
			"$e: the error row is written after the rollback"
		is "$(table_exists "$e" n1)" 0 "$e: nothing of it stayed"
	fi
	drop_db
}

if [ -n "${TEST_MY_URL:-}" ]; then
	case_new_tables_utf8mb4
	case_python_latin1
else
	skip "no MariaDB server (TEST_MY_URL unset)" 1
fi
if [ -n "${TEST_PG_URL:-}" ]; then
	case_pg_latin1
else
	skip "no PostgreSQL server (TEST_PG_URL unset)" 1
fi
note "sqlite stores any text, whatever its length: no charset or too-long case"
for e in $(engine_list); do
	[ "$e" != sqlite ] && case_too_long "$e"
	if [ "$e" != sqlite ]; then
		case_dropped "$e" ""
		case_dropped "$e" off
	fi
	case_killed "$e" ""
	case_killed "$e" off
	case_names_statement "$e"
done
check_no_password
done_testing
