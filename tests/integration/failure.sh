#!/bin/bash
# Failed migrations: SAFE on and off, the error row, errors and trace,
# rebuild after a fix (resuming after committed statements), on every engine
# (SPEC 4.2, 5, 6.1). MySQL/MariaDB commit DDL implicitly: there a failed
# migration keeps its DDL, the error row says how much, rebuild skips it.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$TESTS_SRCDIR/lib/tap.sh"
. "$TESTS_SRCDIR/lib/engines.sh"

# The engine's own words for a missing table.
missing_msg() { # ENGINE TABLE
	case $1 in
	sqlite) echo "no such table: $2" ;;
	postgres) echo "relation \"$2\" does not exist" ;;
	mysql) echo "Table '$T_DBNAME.$2' doesn't exist" ;;
	esac
}

# m1 creates users; m2 creates audit, adds users.email, then fails at its
# third statement (line 8), before inserting carol; m3 must never run.
failing_set() {
	write_mig "$1" 1700000001 1 "create users" <<'EOF'
-- migratore: run
CREATE TABLE users (id INTEGER PRIMARY KEY, username VARCHAR(255) NOT NULL);
EOF
	write_mig "$1" 1700000002 2 "audit and email" <<'EOF'
-- migratore: run
CREATE TABLE audit (id INTEGER PRIMARY KEY, note VARCHAR(255));
ALTER TABLE users ADD COLUMN email VARCHAR(255);
INSERT INTO missing_table (id) VALUES (1);
INSERT INTO users (id, username) VALUES (10, 'carol');

-- migratore: rollback
DROP TABLE IF EXISTS audit;
CREATE TABLE recovered (id INTEGER PRIMARY KEY);

-- migratore: rollback mysql
DROP TABLE IF EXISTS audit;
ALTER TABLE users DROP COLUMN email;
CREATE TABLE recovered (id INTEGER PRIMARY KEY);
EOF
	write_mig "$1" 1700000003 3 "later" <<'EOF'
-- migratore: run
CREATE TABLE later (id INTEGER PRIMARY KEY);
EOF
}

fix_m2() { sed -i 's/INSERT INTO missing_table (id)/INSERT INTO audit (id)/' "$1/1700000002_m2.sql"; }

case_safe_failure() { # ENGINE
	local e=$1 d id msg want_committed errid
	new_db "$e"
	d=$(new_dir)
	failing_set "$d"
	msg=$(missing_msg "$e" missing_table)
	want_committed=0
	[ "$e" = mysql ] && want_committed=2

	mig upgrade "$d"
	is_rc 1 "$e: a failing migration makes upgrade exit 1"
	contains "$M_ERR" "1700000002_m2.sql" "$e: stderr names the failed file"
	contains "$M_ERR" "$msg" "$e: stderr carries the engine's message"
	is "$(ledger "$e")" "$(printf '%s\tsuccess\tRun\n%s\terror\tRun' "$(uid 1)" "$(uid 2)")" \
		"$e: an error row follows the success row; later migrations not run"
	is "$(table_exists "$e" later)" 0 "$e: the migration after the failure did not run"
	errid=$(sql "$e" "SELECT object_id FROM migratore WHERE result = 'error'")
	contains "$(sql "$e" "SELECT error FROM migratore WHERE object_id = $errid")" \
		"statement 3 of 4 (1700000002_m2.sql:8)" "$e: the error names the statement (N of M, file:line)"
	contains "$(sql "$e" "SELECT error FROM migratore WHERE object_id = $errid")" "$msg" \
		"$e: the error holds the engine's message"
	is "$(sql "$e" "SELECT name, operator FROM migratore WHERE object_id = $errid")" \
		"$(printf '1700000002_m2.sql\titester')" "$e: the error row has name and operator"
	if [ "$e" = mysql ]; then
		is "$(table_exists "$e" audit)$(column_exists "$e" users email)" 11 \
			"$e: the DDL before the failure stays (implicit commit)"
		contains "$M_ERR" "2 of 4 statements" "$e: stderr says 2 of 4 statements were committed"
	else
		is "$(table_exists "$e" audit)" 0 "$e: no table left from the failed migration"
		is "$(column_exists "$e" users email)" 0 "$e: no column left from the failed migration"
		lacks "$M_ERR" "stayed committed" "$e: nothing is reported committed"
	fi
	is "$(sql "$e" "SELECT committed FROM migratore WHERE object_id = $errid")" "$want_committed" \
		"$e: the error row says $want_committed statements were committed"
	is "$(sql "$e" "SELECT count(*) FROM users")" 0 "$e: no row left from the failed migration"

	# The traceback: the statement and the engine's message; trace prints
	# it byte for byte.
	mig -q trace "$errid"
	is_rc 0 "$e: trace of the error row exits 0"
	contains "$M_OUT" "INSERT INTO missing_table (id) VALUES (1)" "$e: the traceback holds the statement"
	contains "$M_OUT" "$msg" "$e: the traceback holds the engine's message"
	is "$(hex_of "$M_OUT")" "$(sql_hex "$e" traceback "FROM migratore WHERE object_id = $errid")" \
		"$e: trace prints the stored traceback byte for byte"
	mig trace 999
	is_rc 1 "$e: trace of an unknown id exits 1"
	like "$M_ERR" "no bookkeeping row with id 999" "$e: trace of an unknown id says so"
	mig trace 1
	is_rc 1 "$e: trace of a success row exits 1"
	like "$M_ERR" "row 1 has no traceback" "$e: trace of a success row says it has no traceback"
	mig trace abc
	is_rc 2 "$e: trace of a non-number is a usage error"

	mig -q errors
	is_rc 0 "$e: errors exits 0"
	is "$(printf '%s\n' "$M_OUT" | sed -n 1,9p | cut -c1-14 | paste -sd,)" \
		"ID          : ,UUID        : ,Timestamp   : ,Description : ,Operation   : ,Operator    : ,Duration    : ,Start time  : ,End time    : " \
		"$e: errors prints the 9-line block"
	is "$(printf '%s\n' "$M_OUT" | sed -n 10p | cut -c1-14)" "Error       : " "$e: then the Error line"
	contains "$M_OUT" "Error       :  statement 3 of 4 (1700000002_m2.sql:8) failed: " \
		"$e: the Error line (two spaces) names the statement"
	contains "$M_OUT" "UUID        : $(uid 2)" "$e: errors shows the failed migration"
	mig -q errors --format json
	is "$(printf '%s' "$M_OUT" | python3 -c 'import json,sys; r=json.load(sys.stdin); print(len(r), r[0]["result"], r[0]["committed"])' 2>&1)" \
		"1 error $want_committed" "$e: errors --format json parses"
	mig -q list
	lacks "$M_OUT" "$(uid 2)" "$e: list does not show the error row"

	# A second upgrade tries again, fails the same way, and changes
	# nothing. On MySQL it resumes after the two committed statements
	# (tests/integration/resume.sh), so its error row says 2 again.
	mig upgrade "$d"
	is_rc 1 "$e: upgrade retries the failed migration and fails again"
	is "$(ledger_count "$e" "result = 'error'")" 2 "$e: a second error row"
	is "$(sql "$e" "SELECT committed FROM migratore WHERE result = 'error' ORDER BY object_id DESC LIMIT 1")" \
		"$want_committed" "$e: which says $want_committed committed, as the first"

	# Fix the cause and rebuild: Run Partial; on MySQL the two DDL
	# statements are not repeated (they would fail: audit exists).
	fix_m2 "$d"
	mig rebuild "$(uid 2)" "$d"
	is_rc 0 "$e: rebuild after the fix exits 0"
	if [ "$e" = mysql ]; then
		contains "$M_ERR" "resuming at statement 3" "$e: rebuild resumes after the committed statements"
	else
		lacks "$M_ERR" "resuming" "$e: rebuild starts from the first statement"
	fi
	is "$(ledger "$e" | tail -1)" "$(printf '%s\tsuccess\tRun Partial' "$(uid 2)")" "$e: rebuild records Run Partial"
	is "$(sql "$e" "SELECT id, username FROM users")" "$(printf '10\tcarol')" "$e: the rebuilt migration inserted its row once"
	is "$(sql "$e" "SELECT count(*) FROM audit")" 1 "$e: and its audit row"
	is "$(column_exists "$e" users email)" 1 "$e: and its column"
	is "$(table_exists "$e" later)" 0 "$e: rebuild runs only that migration"

	mig upgrade "$d"
	is_rc 0 "$e: upgrade after the rebuild runs the rest"
	is "$(ledger "$e" | tail -1)" "$(printf '%s\tsuccess\tRun' "$(uid 3)")" "$e: the later migration is recorded"
	is "$(sql "$e" "SELECT count(*) FROM migratore WHERE uuid = '$(uid 2)' AND result = 'success'")" 1 \
		"$e: the rebuilt migration is not run again"

	mig rebuild no-such-id "$d"
	is_rc 1 "$e: rebuild of an unknown id exits 1"
	like "$M_ERR" "no-such-id.*not found" "$e: rebuild of an unknown id says not found"
	drop_db
}

case_unsafe_failure() { # ENGINE
	local e=$1 d rows
	new_db "$e"
	d=$(new_dir)
	failing_set "$d"

	mig SAFE=0 upgrade "$d"
	is_rc 1 "$e: SAFE=0: a failing migration makes upgrade exit 1"
	rows=$(ledger "$e")
	is "$rows" "$(printf '%s\tsuccess\tRun\n%s\terror\tRun\n%s\tsuccess\tRollback' "$(uid 1)" "$(uid 2)" "$(uid 2)")" \
		"$e: SAFE=0: a Rollback row follows the error row"
	is "$(table_exists "$e" recovered)" 1 "$e: SAFE=0: the rollback section ran"
	is "$(table_exists "$e" audit)" 0 "$e: SAFE=0: the recovery removed the table"
	is "$(column_exists "$e" users email)" 0 "$e: SAFE=0: no column left"
	contains "$M_OUT" "Rolling back operation of migration '$(uid 2)'" "$e: SAFE=0: the recovery is announced"
	is "$(table_exists "$e" later)" 0 "$e: SAFE=0: later migrations not run"
	mig SAFE=0 dry_upgrade "$d"
	contains "$M_OUT" "<Migration $(uid 2) " "$e: SAFE=0: the failed migration is still pending"

	# After a recovery, rebuild starts from the top even on MySQL.
	fix_m2 "$d"
	mig rebuild 1700000002 "$d"
	is_rc 0 "$e: SAFE=0: rebuild by timestamp after recovery exits 0"
	lacks "$M_ERR" "resuming" "$e: SAFE=0: rebuild after a recovery starts from the first statement"
	is "$(sql "$e" "SELECT count(*) FROM audit")" 1 "$e: SAFE=0: the rebuilt migration ran whole"
	drop_db
}

# transaction = off: statements commit one by one; rebuild resumes at the
# first statement that did not commit, so the inserts are not repeated.
case_transaction_off() { # ENGINE
	local e=$1 d
	new_db "$e"
	d=$(new_dir)
	write_mig "$d" 1700000001 1 "counter" <<'EOF'
-- migratore: run
CREATE TABLE counter (n INTEGER);
EOF
	write_mig "$d" 1700000002 2 "count without a transaction" "transaction = off" <<'EOF'
-- migratore: run
INSERT INTO counter (n) VALUES (1);
INSERT INTO counter (n) VALUES (2);
INSERT INTO missing_counter (n) VALUES (3);
INSERT INTO counter (n) VALUES (4);
EOF
	mig --verbose upgrade "$d"
	is_rc 1 "$e: transaction=off: the third statement fails"
	contains "$M_ERR" "INSERT INTO missing_counter (n) VALUES (3)" "$e: --verbose prints the traceback on stderr"
	is "$(sql "$e" "SELECT n FROM counter ORDER BY n" | paste -sd,)" "1,2" \
		"$e: transaction=off: the first two statements stayed"
	is "$(sql "$e" "SELECT committed FROM migratore WHERE result = 'error'")" 2 \
		"$e: transaction=off: the error row says 2 committed"
	contains "$(sql "$e" "SELECT error FROM migratore WHERE result = 'error'")" "statement 3 of 4 (1700000002_m2.sql:9)" \
		"$e: transaction=off: the error names statement 3 at line 9"
	contains "$M_ERR" "2 of 4 statements" "$e: transaction=off: stderr says 2 of 4 committed"

	sed -i 's/missing_counter/counter/' "$d/1700000002_m2.sql"
	mig rebuild "$(uid 2)" "$d"
	is_rc 0 "$e: transaction=off: rebuild exits 0"
	contains "$M_ERR" "resuming at statement 3" "$e: transaction=off: rebuild says where it resumes"
	is "$(sql "$e" "SELECT n FROM counter ORDER BY n" | paste -sd,)" "1,2,3,4" \
		"$e: transaction=off: rebuild started at the third statement"
	is "$(ledger "$e" | tail -1)" "$(printf '%s\tsuccess\tRun Partial' "$(uid 2)")" \
		"$e: transaction=off: rebuild records Run Partial"
	is "$(sql "$e" "SELECT committed FROM migratore WHERE operation = 'Run Partial'")" \
		"$([ "$e" = mysql ] && echo NULL)" "$e: transaction=off: a success row has no committed count"
	mig upgrade "$d"
	is_rc 0 "$e: transaction=off: nothing left to do"
	is "$(ledger_count "$e")" 3 "$e: transaction=off: no further row"
	drop_db
}

# A run_partial section wins over resuming run (SPEC 4.2).
case_run_partial_section() { # ENGINE
	local e=$1 d
	new_db "$e"
	d=$(new_dir)
	write_mig "$d" 1700000001 1 "with run_partial" <<'EOF'
-- migratore: run
CREATE TABLE t1 (id INTEGER);

-- migratore: run_partial
CREATE TABLE t1_partial (id INTEGER);

-- migratore: cleanup
CREATE TABLE cleaned (id INTEGER);
EOF
	mig rebuild "$(uid 1)" "$d"
	is_rc 0 "$e: rebuild runs the run_partial section"
	is "$(table_exists "$e" t1_partial)$(table_exists "$e" t1)" 10 "$e: run_partial, not run"
	is "$(table_exists "$e" cleaned)" 1 "$e: cleanup runs after the operation"
	is "$(ledger "$e")" "$(printf '%s\tsuccess\tRun Partial' "$(uid 1)")" "$e: Run Partial recorded"
	mig upgrade "$d"
	is "$(ledger_count "$e")" 1 "$e: a migration rebuilt counts as applied"
	drop_db
}

# Rollback sections that fail: the recovery of SAFE=0 and an explicit
# downgrade each leave an error Rollback row, and nothing loops.
case_failing_rollback() { # ENGINE
	local e=$1 d
	new_db "$e"
	d=$(new_dir)
	write_mig "$d" 1700000001 1 "fails both ways" <<'EOF'
-- migratore: run
CREATE TABLE t1 (id INTEGER);
INSERT INTO no_such_run (id) VALUES (1);

-- migratore: rollback
INSERT INTO no_such_rollback (id) VALUES (1);
EOF
	mig SAFE=0 upgrade "$d"
	is_rc 1 "$e: SAFE=0 with a failing rollback: exit 1"
	is "$(ledger "$e")" "$(printf '%s\terror\tRun\n%s\terror\tRollback' "$(uid 1)" "$(uid 1)")" \
		"$e: SAFE=0 with a failing rollback: error Run, then error Rollback, nothing more"
	contains "$(sql "$e" "SELECT error FROM migratore WHERE operation = 'Rollback'")" "$(missing_msg "$e" no_such_rollback)" \
		"$e: the Rollback error row names the rollback's failure"
	contains "$M_ERR" "$(missing_msg "$e" no_such_run)" "$e: stderr reports the run's failure"
	contains "$M_ERR" "$(missing_msg "$e" no_such_rollback)" "$e: and the recovery's failure"

	new_db "$e"
	d=$(new_dir)
	write_mig "$d" 1700000001 1 "cannot go back" <<'EOF'
-- migratore: run
CREATE TABLE t2 (id INTEGER);

-- migratore: rollback
DROP TABLE t2;
INSERT INTO no_such_rollback (id) VALUES (1);

-- migratore: cleanup
INSERT INTO no_such_cleanup (id) VALUES (1);
EOF
	mig upgrade "$d"
	is_rc 0 "$e: a failing cleanup does not fail the migration"
	contains "$M_ERR" "cleanup" "$e: a failing cleanup is reported"
	mig downgrade "$d"
	is_rc 1 "$e: a downgrade whose rollback fails exits 1"
	is "$(ledger "$e" | tail -1)" "$(printf '%s\terror\tRollback' "$(uid 1)")" "$e: it records an error Rollback row"
	if [ "$e" != mysql ]; then
		is "$(table_exists "$e" t2)" 1 "$e: the failed rollback was rolled back (the table is still there)"
	fi
	mig dry_downgrade "$d"
	contains "$M_OUT" "<Migration $(uid 1) " "$e: the migration still counts as applied"
	mig upgrade "$d"
	is "$(ledger_count "$e")" 2 "$e: and upgrade does not run it again"
	drop_db
}

# MySQL: DML between DDL statements. A DDL commits what came before it, so
# only the statements up to the last DDL count as committed; DML after it
# is rolled back; rebuild repeats neither.
case_mysql_dml_ddl() {
	local e=mysql d
	new_db "$e"
	d=$(new_dir)
	write_mig "$d" 1700000001 1 "ddl dml ddl dml fail" <<'EOF'
-- migratore: run
CREATE TABLE log1 (n INTEGER);
INSERT INTO log1 (n) VALUES (1);
CREATE TABLE log2 (n INTEGER);
INSERT INTO log2 (n) VALUES (2);
INSERT INTO missing_log (n) VALUES (3);
EOF
	mig upgrade "$d"
	is_rc 1 "$e: DDL, DML, DDL, DML, failure: exit 1"
	is "$(sql "$e" "SELECT committed FROM migratore")" 3 "$e: 3 committed (the second DDL committed the insert before it)"
	is "$(sql "$e" "SELECT count(*) FROM log1")/$(sql "$e" "SELECT count(*) FROM log2")" 1/0 \
		"$e: the insert before the DDL stayed, the one after was rolled back"
	contains "$M_ERR" "3 of 5 statements" "$e: stderr says 3 of 5 committed"
	sed -i 's/missing_log/log2/' "$d/1700000001_m1.sql"
	mig rebuild "$(uid 1)" "$d"
	is_rc 0 "$e: rebuild after the fix exits 0"
	is "$(sql "$e" "SELECT count(*) FROM log1")/$(sql "$e" "SELECT count(*) FROM log2")" 1/2 \
		"$e: rebuild ran statements 4 and 5 only"
	drop_db
}

# The engine's own error fields reach the traceback: SQLSTATE and DETAIL
# (PostgreSQL), the native error code (MySQL, SQLite).
case_engine_fields() { # ENGINE
	local e=$1 d tb
	new_db "$e"
	d=$(new_dir)
	write_mig "$d" 1700000001 1 "duplicate key" <<'EOF'
-- migratore: run
CREATE TABLE dup (id INTEGER PRIMARY KEY);
INSERT INTO dup (id) VALUES (1);
INSERT INTO dup (id) VALUES (1);
EOF
	mig upgrade "$d"
	is_rc 1 "$e: a duplicate key fails the migration"
	mig -q trace "$(sql "$e" "SELECT object_id FROM migratore WHERE result = 'error'")"
	tb=$M_OUT
	contains "$tb" "statement 3 of 3, line 8:"$'\n'"INSERT INTO dup (id) VALUES (1)" "$e: the traceback names statement 3 and its line"
	case $e in
	sqlite)
		contains "$tb" "UNIQUE constraint failed: dup.id" "$e: the traceback has SQLite's message"
		contains "$tb" "code: 1555" "$e: and its extended result code"
		;;
	postgres)
		contains "$tb" 'duplicate key value violates unique constraint "dup_pkey"' "$e: the traceback has PostgreSQL's message"
		contains "$tb" "SQLSTATE: 23505" "$e: and its SQLSTATE"
		contains "$tb" "DETAIL: Key (id)=(1) already exists." "$e: and its DETAIL"
		;;
	mysql)
		contains "$tb" "Duplicate entry '1' for key 'PRIMARY'" "$e: the traceback has MariaDB's message"
		contains "$tb" "code: 1062" "$e: and its error number"
		;;
	esac
	drop_db
}

for e in $(engine_list); do
	case_engine_fields "$e"
	case_failing_rollback "$e"
	[ "$e" = mysql ] && case_mysql_dml_ddl
	case_safe_failure "$e"
	case_unsafe_failure "$e"
	case_transaction_off "$e"
	case_run_partial_section "$e"
done
check_no_password
done_testing
