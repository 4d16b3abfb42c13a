#!/bin/bash
# A failure in the middle of a PostgreSQL pipeline or a MySQL batch (issue
# 12: a migration, its bookkeeping and its progress rows go out as one) is
# reported and recorded exactly as when the statements went one by one:
# the statement's number and line, the engine's SQLSTATE, DETAIL, HINT and
# position, what committed, the error row, the progress rows; the
# statements after it never ran, the migrations before it stay applied.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$TESTS_SRCDIR/lib/tap.sh"
. "$TESTS_SRCDIR/lib/engines.sh"

progress_rows() { sql "$1" "SELECT count(*) FROM migratore_progress"; }

# m1 applies; m2 fails at its third statement (a duplicate key, line 8),
# after a CREATE TABLE (which MySQL commits on its own) and an INSERT.
middle_set() {
	write_mig "$1" 1700000001 1 "applies" <<'EOF'
-- migratore: run
CREATE TABLE p1 (id INTEGER PRIMARY KEY);
INSERT INTO p1 (id) VALUES (1);
EOF
	write_mig "$1" 1700000002 2 "fails in the middle" <<'EOF'
-- migratore: run
CREATE TABLE p2 (id INTEGER PRIMARY KEY);
INSERT INTO p2 (id) VALUES (1);
INSERT INTO p2 (id) VALUES (1);
CREATE TABLE p3 (id INTEGER PRIMARY KEY);
EOF
	write_mig "$1" 1700000003 3 "never runs" <<'EOF'
-- migratore: run
CREATE TABLE p4 (id INTEGER PRIMARY KEY);
EOF
}

case_middle() { # ENGINE
	local e=$1 d tb committed
	new_db "$e"
	d=$(new_dir)
	middle_set "$d"
	committed=0
	[ "$e" = mysql ] && committed=1
	mig upgrade "$d"
	is_rc 1 "$e: a failure at statement 3 of 4 fails the upgrade"
	contains "$M_ERR" "statement 3 of 4 (1700000002_m2.sql:8) failed:" \
		"$e: stderr names the statement, its number and line"
	is "$(sql "$e" "SELECT uuid, result, COALESCE(committed, -1) FROM migratore ORDER BY object_id" | tr '\t\n' ',;')" \
		"$(uid 1),success,-1;$(uid 2),error,$committed;" \
		"$e: m1's success row, then m2's error row saying $committed committed"
	# MySQL: the progress row stays at what committed, with its checksum
	# (issue 9: the next upgrade resumes after it); PostgreSQL: none
	if [ "$e" = mysql ]; then
		is "$(sql "$e" "SELECT committed, length(checksums) FROM migratore_progress")" \
			"$(printf '1\t12')" "$e: the progress row keeps the 1 committed statement and its checksum"
	else
		is "$(progress_rows "$e")" 0 "$e: no progress row left behind"
	fi
	is "$(sql "$e" "SELECT count(*) FROM p1")" 1 "$e: m1 stayed applied"
	is "$(table_exists "$e" p2)$(table_exists "$e" p3)$(table_exists "$e" p4)" \
		"${committed}00" "$e: of m2 only what committed stayed; nothing ran after the failure"
	if [ "$e" = mysql ]; then
		is "$(sql "$e" "SELECT count(*) FROM p2")" 0 \
			"$e: the INSERT before the failure was rolled back with it"
	else
		pass "$e: (MySQL only: what committed implicitly)"
	fi
	mig -q trace "$(sql "$e" "SELECT object_id FROM migratore WHERE result = 'error'")"
	tb=$M_OUT
	contains "$tb" "statement 3 of 4, line 8:"$'\n'"INSERT INTO p2 (id) VALUES (1)" \
		"$e: the traceback names statement 3 and its line"
	contains "$tb" "committed: $committed of 4 statements" "$e: the traceback says what committed"
	case $e in
	postgres)
		contains "$tb" "SQLSTATE: 23505" "$e: the traceback has the SQLSTATE"
		contains "$tb" "DETAIL: Key (id)=(1) already exists." "$e: and the DETAIL"
		;;
	mysql)
		contains "$tb" "Duplicate entry '1' for key 'PRIMARY'" "$e: the traceback has MariaDB's message"
		contains "$tb" "code: 1062" "$e: and its error number"
		;;
	esac
	sed -i '8d' "$d/1700000002_m2.sql"
	# rebuild resumes after what committed (MySQL's CREATE TABLE p2)
	mig rebuild "$(uid 2)" "$d"
	is_rc 0 "$e: after the fix, rebuild exits 0"
	mig upgrade "$d"
	is_rc 0 "$e: and the upgrade goes on"
	is "$(sql "$e" "SELECT count(*) FROM migratore WHERE result = 'success'")" 3 \
		"$e: m2 and m3 recorded once each"
	drop_db
}

# PostgreSQL's HINT and position come back from inside a pipeline.
case_hint() {
	local d tb
	new_db postgres
	d=$(new_dir)
	write_mig "$d" 1700000001 1 "hint" <<'EOF'
-- migratore: run
CREATE TABLE h (id INTEGER);
SELECT no_such_function(1);
EOF
	mig upgrade "$d"
	is_rc 1 "postgres: an unknown function fails the migration"
	mig -q trace "$(sql postgres "SELECT object_id FROM migratore WHERE result = 'error'")"
	tb=$M_OUT
	contains "$tb" "SQLSTATE: 42883" "postgres: the traceback has the SQLSTATE"
	contains "$tb" "HINT: No function matches the given name and argument types." \
		"postgres: and the HINT"
	contains "$tb" "position: 8" "postgres: and the position"
	is "$(table_exists postgres h)" 0 "postgres: the CREATE TABLE before it was rolled back"
	drop_db
}

# MySQL: the progress after each DDL is in the batch right after it, so a
# failure at statement 4 leaves exactly the progress of statements 1-2,
# and a rebuild resumes after them.
case_progress() {
	local d
	new_db mysql
	d=$(new_dir)
	write_mig "$d" 1700000001 1 "two DDL, then a failure" <<'EOF'
-- migratore: run
CREATE TABLE q1 (id INTEGER PRIMARY KEY);
CREATE TABLE q2 (id INTEGER PRIMARY KEY);
INSERT INTO q1 (id) VALUES (1);
INSERT INTO no_such_table (id) VALUES (1);
EOF
	mig upgrade "$d"
	is_rc 1 "mysql: a failure at statement 4 fails the migration"
	is "$(sql mysql "SELECT committed FROM migratore WHERE result = 'error'")" 2 \
		"mysql: the error row says 2 committed (the two CREATE TABLE)"
	is "$(table_exists mysql q1)$(table_exists mysql q2)$(sql mysql "SELECT count(*) FROM q1")" 110 \
		"mysql: both tables stayed, the INSERT after them was rolled back"
	sed -i 's/no_such_table/q2/' "$d/1700000001_m1.sql"
	mig rebuild "$(uid 1)" "$d"
	is_rc 0 "mysql: rebuild after the fix exits 0"
	contains "$M_ERR" "statement 3" "mysql: it resumes after the 2 committed statements"
	is "$(sql mysql "SELECT count(*) FROM q1")$(sql mysql "SELECT count(*) FROM q2")" 11 \
		"mysql: the rest ran once"
	drop_db
}

for e in postgres mysql; do
	if ! engine_list | grep -qw "$e"; then
		skip "no $e server" 21
		continue
	fi
	case_middle "$e"
	[ "$e" = postgres ] && case_hint
	[ "$e" = mysql ] && case_progress
done
check_no_password
done_testing
