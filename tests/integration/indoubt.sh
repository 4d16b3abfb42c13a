#!/bin/bash
# A statement in doubt (worker/indoubt.h): on MySQL/MariaDB a DDL
# statement commits on the server whether or not the run lives to count
# it. Before it runs, the progress row marks it in flight; a run killed
# right after it (MIGRATORE_TESTING_KILL_AT=executed:N) leaves the mark,
# and the next run asks the catalogue: found, it resumes after the
# statement; not found, at it; when the catalogue cannot tell, it runs
# nothing, exits 1 and says what to run once the operator has checked
# (`rebuild UUID --from N`), which then finishes the migration. With
# `transaction = off` a statement that can share a transaction with its
# progress row (an INSERT, on every engine) runs in one with it and is
# never in doubt; one that cannot (VACUUM) is marked like DDL.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$TESTS_SRCDIR/lib/tap.sh"
. "$TESTS_SRCDIR/lib/engines.sh"

e=mysql

progress() { # UUID: "committed checksums" of its progress row, or none
	local c
	c=$(sql $e "SELECT committed, checksums FROM migratore_progress WHERE uuid = '$1'")
	echo "${c:-none}"
}

# One migration: a table, a DDL statement (the one killed after), a row.
one() { # DIR SECOND-STATEMENT
	write_mig "$1" 1700000002 2 "in doubt" <<EOF
-- migratore: run
CREATE TABLE d2 (id INTEGER PRIMARY KEY);
$2
INSERT INTO d2 (id) VALUES (1);
EOF
}

killed_after_2() { # DIR LABEL: the run killed right after statement 2 ran
	mig MIGRATORE_TESTING_KILL_AT=executed:2 upgrade "$1"
	is "$M_RC" 137 "$2: the run was killed after statement 2"
	like "$(progress "$(uid 2)")" "^1	[0-9a-f]{12},![0-9a-f]{12}$" \
		"$2: the progress row counts 1 committed and marks statement 2 in flight"
}

case_mysql() {
# ---- found in the catalogue: resumed after it ----------------------------

new_db $e
d=$(new_dir)
one "$d" "ALTER TABLE d2 ADD COLUMN c INTEGER;"
killed_after_2 "$d" "ADD COLUMN"
is "$(column_exists $e d2 c)" 1 "ADD COLUMN: the column committed before the kill"
mig dry_upgrade "$d"
is_rc 0 "ADD COLUMN: dry_upgrade: the catalogue can tell: exit 0"
mig upgrade "$d"
is_rc 0 "ADD COLUMN: upgrade again: exit 0"
contains "$M_ERR" "1700000002_m2.sql: statement 2 (1700000002_m2.sql:7) had committed before the previous run ended (found in the catalogue): resuming at statement 3" \
	"ADD COLUMN: it says what the catalogue showed and where it resumes"
lacks "$M_ERR" "Duplicate column" "ADD COLUMN: the statement did not run again"
is "$(ledger $e)" "$(uid 2)	success	Run" "ADD COLUMN: one success row"
is "$(sql $e "SELECT id FROM d2")" 1 "ADD COLUMN: the row after it inserted once"
is "$(progress "$(uid 2)")" none "ADD COLUMN: no progress row left"
drop_db

# ---- not in the catalogue: resumed at it ---------------------------------

new_db $e
d=$(new_dir)
one "$d" "CREATE INDEX i2 ON d2 (id);"
killed_after_2 "$d" "CREATE INDEX"
# As if the kill had come before the server committed it.
sql $e "DROP INDEX i2 ON d2" >/dev/null
mig upgrade "$d"
is_rc 0 "CREATE INDEX, not committed: upgrade again: exit 0"
contains "$M_ERR" "1700000002_m2.sql: statement 2 (1700000002_m2.sql:7) had not committed when the previous run ended (not in the catalogue): resuming at it" \
	"CREATE INDEX, not committed: it says so and runs it"
is "$(sql $e "SELECT count(*) FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name = 'd2' AND index_name = 'i2'")" 1 \
	"CREATE INDEX, not committed: the index is there"
is "$(ledger $e)" "$(uid 2)	success	Run" "CREATE INDEX, not committed: one success row"
is "$(sql $e "SELECT id FROM d2")" 1 "CREATE INDEX, not committed: the row inserted once"
drop_db

# ---- the catalogue cannot tell: nothing runs, the operator says ----------

new_db $e
d=$(new_dir)
one "$d" "CREATE OR REPLACE VIEW v2 AS SELECT id FROM d2;"
killed_after_2 "$d" "CREATE OR REPLACE VIEW"
before=$(progress "$(uid 2)")
mig upgrade "$d"
is_rc 1 "unknown: upgrade again: exit 1"
contains "$M_ERR" "migratore: error: 1700000002_m2.sql ($(uid 2)): statement 2 of 3 (1700000002_m2.sql:7) was running when the previous run ended, and whether it committed is unknown (the catalogue cannot show its effect): CREATE OR REPLACE VIEW v2 AS SELECT id FROM d2; nothing was run. Check the database, then say what is true: \`migratore rebuild $(uid 2) --from 3\` if it committed, \`migratore rebuild $(uid 2) --from 2\` if it did not" \
	"unknown: the exact message: the statement, its line, the two commands"
is "$(ledger_count $e)" 0 "unknown: no row recorded"
mig dry_upgrade "$d"
is_rc 1 "unknown: dry_upgrade finds it too: exit 1"
contains "$M_ERR" "statement 2 of 3 (1700000002_m2.sql:7) was running when the previous run ended" \
	"unknown: dry_upgrade names the statement in doubt"
is "$(progress "$(uid 2)")" "$before" "unknown: the progress row is as the killed run left it"
is "$(sql $e "SELECT count(*) FROM d2")" 0 "unknown: statement 3 did not run"
mig rebuild "$(uid 2)" "$d" --from 3 --inventory x.yaml
is_rc 2 "rebuild --from with --inventory: a usage error"
mig rebuild "$(uid 2)" "$d" --from 5
is_rc 2 "rebuild --from past the end: a usage error"
contains "$M_ERR" "rebuild --from 5: 1700000002_m2.sql has 3 statements (4: all of them committed)" \
	"rebuild --from past the end: it says how many there are"
is "$(ledger_count $e)" 0 "the refused rebuilds recorded nothing"
mig rebuild "$(uid 2)" "$d" --from 3
is_rc 0 "unknown: rebuild --from 3 (it committed): exit 0"
contains "$M_ERR" "1700000002_m2.sql: running statement 3 on, as told (--from 3): the first 2 are taken as committed" \
	"unknown: rebuild says what it takes as committed"
is "$(ledger $e)" "$(uid 2)	success	Run Partial" "unknown: one Run Partial success row"
is "$(sql $e "SELECT id FROM d2")" 1 "unknown: statement 3 ran once"
is "$(progress "$(uid 2)")" none "unknown: no progress row left"
mig upgrade "$d"
is_rc 0 "unknown: upgrade after the rebuild: exit 0"
is "$(ledger_count $e)" 1 "unknown: nothing more recorded"
drop_db

# ---- a statement changed since it was marked: nobody can tell -----------

new_db $e
d=$(new_dir)
one "$d" "ALTER TABLE d2 ADD COLUMN c INTEGER;"
killed_after_2 "$d" "changed"
one "$d" "ALTER TABLE d2 ADD COLUMN c BIGINT;"
mig upgrade "$d"
is_rc 1 "changed: upgrade refuses: exit 1"
contains "$M_ERR" "was running when the previous run ended, and whether it committed is unknown (it changed in the file since): ALTER TABLE d2 ADD COLUMN c BIGINT" \
	"changed: it says the statement in doubt changed"
is "$(ledger_count $e)" 0 "changed: no row recorded"
mig rebuild "$(uid 2)" "$d" --from 3
is_rc 0 "changed: rebuild --from 3: exit 0"
is "$(sql $e "SELECT id FROM d2")" 1 "changed: statement 3 ran once"
drop_db

}

# ---- PostgreSQL, transaction = off: CREATE INDEX CONCURRENTLY ----------

case_pg() {
	e=postgres
	new_db $e
	d=$(new_dir)
	write_mig "$d" 1700000002 2 "concurrently" "transaction = off" <<'EOF'
-- migratore: run
CREATE TABLE d2 (id INTEGER PRIMARY KEY);
CREATE INDEX CONCURRENTLY i2 ON d2 (id);
INSERT INTO d2 (id) VALUES (1);
EOF
	killed_after_2 "$d" "postgres CONCURRENTLY"
	mig upgrade "$d"
	is_rc 0 "postgres CONCURRENTLY: upgrade again: exit 0"
	contains "$M_ERR" "1700000002_m2.sql: statement 2 (1700000002_m2.sql:8) had committed before the previous run ended (found in the catalogue): resuming at statement 3" \
		"postgres CONCURRENTLY: to_regclass found the index: resumed after it"
	is "$(ledger $e)" "$(uid 2)	success	Run" "postgres CONCURRENTLY: one success row"
	is "$(sql $e "SELECT id FROM d2")" 1 "postgres CONCURRENTLY: the row inserted once"
	drop_db

	# VACUUM cannot share a transaction with its progress row, nor can
	# the catalogue show it ran: marked, and the next run asks.
	new_db $e
	d=$(new_dir)
	write_mig "$d" 1700000002 2 "vacuum" "transaction = off" <<'EOF'
-- migratore: run
CREATE TABLE d2 (id INTEGER PRIMARY KEY);
VACUUM d2;
INSERT INTO d2 (id) VALUES (1);
EOF
	killed_after_2 "$d" "postgres VACUUM"
	mig upgrade "$d"
	is_rc 1 "postgres VACUUM: upgrade again: exit 1"
	contains "$M_ERR" "statement 2 of 3 (1700000002_m2.sql:8) was running when the previous run ended, and whether it committed is unknown (the catalogue cannot show its effect): VACUUM d2; nothing was run" \
		"postgres VACUUM: in doubt, said so, nothing run"
	is "$(sql $e "SELECT count(*) FROM d2")" 0 "postgres VACUUM: statement 3 did not run"
	mig rebuild "$(uid 2)" "$d" --from 3
	is_rc 0 "postgres VACUUM: rebuild --from 3: exit 0"
	is "$(sql $e "SELECT id FROM d2")" 1 "postgres VACUUM: the row inserted once"
	drop_db
}

# ---- transaction = off, statements that can share a transaction --------
# An INSERT runs in a transaction of its own with its progress row: a run
# killed after it ran (executed:N) and before its count was written took
# both with it, and the next run runs it again, once.

txoff() { # ENGINE
	local e=$1 k d
	for k in 1 2; do
		new_db $e
		d=$(new_dir)
		write_mig "$d" 1700000001 1 "table" <<'EOF'
-- migratore: run
CREATE TABLE t1 (v INTEGER);
EOF
		mig upgrade "$d"
		is_rc 0 "$e txoff executed:$k: the table first"
		write_mig "$d" 1700000002 2 "inserts" "transaction = off" <<'EOF'
-- migratore: run
INSERT INTO t1 (v) VALUES (1);
INSERT INTO t1 (v) VALUES (2);
EOF
		mig MIGRATORE_TESTING_KILL_AT=executed:$k upgrade "$d"
		is "$M_RC" 137 "$e txoff executed:$k: the run was killed after INSERT $k ran"
		is "$(sql $e "SELECT count(*) FROM t1")" $((k - 1)) \
			"$e txoff executed:$k: INSERT $k went with its uncommitted progress"
		if [ $k = 1 ]; then
			is "$(progress "$(uid 2)")" none "$e txoff executed:1: no progress row"
		else
			like "$(progress "$(uid 2)")" "^1	[0-9a-f]{12}$" \
				"$e txoff executed:2: the progress row counts INSERT 1, unmarked"
		fi
		mig upgrade "$d"
		is_rc 0 "$e txoff executed:$k: upgrade again: exit 0"
		is "$(sql $e "SELECT v FROM t1 ORDER BY v" | tr '\n' ' ')" "1 2 " \
			"$e txoff executed:$k: each INSERT applied exactly once"
		is "$(ledger $e)" "$(uid 1)	success	Run
$(uid 2)	success	Run" "$e txoff executed:$k: one success row each"
		is "$(progress "$(uid 2)")" none "$e txoff executed:$k: no progress row left"
		drop_db
	done
}

for x in $(engine_list); do
	txoff $x
done

if [ -n "${TEST_MY_URL:-}" ] && engine_built mysql; then
	case_mysql
else
	skip "no MariaDB server" 1
fi
if [ -n "${TEST_PG_URL:-}" ] && engine_built postgres; then
	case_pg
else
	skip "no PostgreSQL server" 1
fi

check_no_password
done_testing
