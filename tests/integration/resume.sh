#!/bin/bash
# A failed migration whose first statements committed (issue 9, item 3):
# MySQL/MariaDB commit DDL implicitly, and `transaction = off` commits each
# statement on every engine. The error row and migratore_progress keep how
# many committed, the progress row with a checksum per committed statement
# (worker/resume.h); upgrade, single target and fleet (--resume), resumes
# at the first statement that did not commit, never repeating committed
# DDL, when those statements are unchanged, and refuses, naming the
# statement, when they changed. The report and the fleet table name the
# committed count and the exact command.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$TESTS_SRCDIR/lib/tap.sh"
. "$TESTS_SRCDIR/lib/engines.sh"
. "$TESTS_SRCDIR/lib/rollout.sh"

# m1: users; m2: two columns, then a statement that fails (missing_table),
# then one that needs both columns. transaction = off where DDL would roll
# back (SQLite, PostgreSQL): there, as on MySQL, the two ALTERs commit.
failing_set() { # DIR ENGINE
	local txn=()
	[ "$2" = mysql ] || txn=("transaction = off")
	write_mig "$1" 1700000001 1 "users" <<'EOF'
-- migratore: run
CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50));
EOF
	write_mig "$1" 1700000002 2 "two columns" "${txn[@]}" <<'EOF'
-- migratore: run
ALTER TABLE users ADD COLUMN a INTEGER;
ALTER TABLE users ADD COLUMN b INTEGER;
INSERT INTO missing_table (id) VALUES (1);
INSERT INTO users (id, name, a, b) VALUES (1, 'x', 10, 20);
EOF
}

M2=1700000002_m2.sql
fix_m2() { sed -i 's/INSERT INTO missing_table (id) VALUES (1);/INSERT INTO users (id, name) VALUES (2, '"'y'"');/' "$1/$M2"; }
line_of() { grep -n -F -- "$2" "$1/$M2" | cut -d: -f1; }

# resume.h's checksum of a statement: sha256 of the text with each run of
# blanks as one space, first 12 hex digits.
sum_of() { # SQL
	python3 -c 'import hashlib, sys; print(hashlib.sha256(" ".join(sys.argv[1].split()).encode()).hexdigest()[:12])' "$1"
}
SUM1=$(sum_of "ALTER TABLE users ADD COLUMN a INTEGER")
SUM2=$(sum_of "ALTER TABLE users ADD COLUMN b INTEGER")

progress_row() { # ENGINE
	sql "$1" "SELECT committed, checksums FROM migratore_progress WHERE uuid = '$(uid 2)'"
}

case_resume() { # ENGINE
	local e=$1 d
	new_db "$e"
	d=$(new_dir)
	failing_set "$d" "$e"

	mig upgrade "$d"
	is_rc 1 "$e: statement 3 fails after 2 committed: exit 1"
	is "$(sql "$e" "SELECT committed FROM migratore WHERE result = 'error'")" 2 \
		"$e: the error row says 2 committed (rebuild reads it)"
	is "$(progress_row "$e")" "$(printf '2\t%s,%s' "$SUM1" "$SUM2")" \
		"$e: migratore_progress keeps the count and a checksum per committed statement"
	contains "$M_ERR" "migratore: 2 of 4 statements of $M2 stayed committed; once the cause is fixed, upgrade resumes at statement 3 if the first 2 are unchanged (\`rebuild $(uid 2)\` resumes there whatever they are)" \
		"$e: stderr says what stayed committed and what comes next"

	# Not fixed yet: the next upgrade resumes at 3 and fails there again,
	# not at statement 1 (Duplicate column name).
	mig upgrade "$d"
	is_rc 1 "$e: upgrade again before the fix fails again"
	contains "$M_ERR" "$M2: resuming at statement 3: a failed run committed the first 2, unchanged since" \
		"$e: it resumed after the committed statements"
	contains "$M_ERR" "statement 3 of 4 ($M2:$(line_of "$d" missing_table)) failed" \
		"$e: it failed at statement 3 again, not at a committed one"
	is "$(sql "$e" "SELECT committed FROM migratore WHERE result = 'error' ORDER BY object_id" | paste -sd,)" "2,2" \
		"$e: the second error row says 2 committed too"
	is "$(progress_row "$e" | cut -f1)" 2 "$e: the progress row stays"

	# A dry run sees nothing wrong with the committed statements.
	mig dry_upgrade "$d"
	is_rc 0 "$e: dry_upgrade: the committed statements are unchanged: exit 0"

	# Fixed, and statement 1 re-wrapped (blanks do not count): resumed.
	fix_m2 "$d"
	sed -i 's/^ALTER TABLE users ADD COLUMN a INTEGER;$/ALTER TABLE users\n    ADD COLUMN a   INTEGER;/' "$d/$M2"
	mig upgrade "$d"
	is_rc 0 "$e: after the fix, upgrade succeeds"
	contains "$M_ERR" "resuming at statement 3" "$e: it resumed at statement 3"
	is "$(sql "$e" "SELECT id, COALESCE(a, 0), COALESCE(b, 0) FROM users ORDER BY id" | tr '\t\n' ': ')" "1:10:20 2:0:0 " \
		"$e: the rest ran once, on the committed columns"
	is "$(ledger "$e" | tail -1)" "$(printf '%s\tsuccess\tRun' "$(uid 2)")" "$e: a success Run row"
	is "$(progress_row "$e")" "" "$e: the progress row is gone with the success"
	drop_db
}

case_changed() { # ENGINE
	local e=$1 d want line
	new_db "$e"
	d=$(new_dir)
	failing_set "$d" "$e"
	mig upgrade "$d"
	is_rc 1 "$e: changed: the first run fails after 2 committed"

	# The user fixes statement 3 but also edits committed statement 2.
	fix_m2 "$d"
	sed -i 's/ADD COLUMN b INTEGER/ADD COLUMN bb INTEGER/' "$d/$M2"
	line=$(line_of "$d" "ADD COLUMN bb")
	want="$M2 ($(uid 2)): statement 2 of 4 ($M2:$line) changed after an earlier run committed it (checksum $SUM2 then, $(sum_of "ALTER TABLE users ADD COLUMN bb INTEGER") now): the first 2 statements committed, and the rest can run after them only as they were. Restore statement 2, or say what is true: \`migratore rebuild $(uid 2)\` runs statement 3 on as the file is now, \`migratore skip\` records the migration without running it"
	mig dry_upgrade "$d"
	is_rc 1 "$e: changed: dry_upgrade refuses: exit 1"
	contains "$M_ERR" "$want" "$e: changed: dry_upgrade says which statement changed and what to do"
	mig upgrade "$d"
	is_rc 1 "$e: changed: upgrade refuses: exit 1"
	contains "$M_ERR" "$want" "$e: changed: the exact message"
	is "$(ledger_count "$e")" 2 "$e: changed: no row written"
	is "$(column_exists "$e" users bb)$(sql "$e" "SELECT count(*) FROM users")" 00 \
		"$e: changed: nothing ran"

	# Restored: it resumes.
	sed -i 's/ADD COLUMN bb INTEGER/ADD COLUMN b INTEGER/' "$d/$M2"
	mig dry_upgrade "$d"
	is_rc 0 "$e: restored: dry_upgrade exits 0"
	# Or decide explicitly: rebuild resumes whatever they are.
	sed -i 's/ADD COLUMN b INTEGER/ADD COLUMN bb INTEGER/' "$d/$M2"
	mig rebuild "$(uid 2)" "$d"
	is_rc 0 "$e: changed: rebuild resumes anyway"
	contains "$M_ERR" "resuming at statement 3" "$e: changed: rebuild resumed at statement 3"
	is "$(sql "$e" "SELECT count(*) FROM users")" 2 "$e: changed: rebuild ran statements 3 and 4"
	is "$(progress_row "$e")" "" "$e: changed: no progress row left"
	drop_db
}

# skip records the migration and ends its progress too.
case_skip() { # ENGINE
	local e=$1 d
	new_db "$e"
	d=$(new_dir)
	failing_set "$d" "$e"
	mig upgrade "$d"
	sed -i 's/ADD COLUMN b INTEGER/ADD COLUMN bb INTEGER/' "$d/$M2"
	mig skip "$d"
	is_rc 0 "$e: skip after a changed committed statement: exit 0"
	is "$(progress_row "$e")" "" "$e: skip: no progress row left"
	mig upgrade "$d"
	is_rc 0 "$e: skip: nothing left to upgrade"
	drop_db
}

# A progress table made before checksums were kept gets the column; its
# rows (without checksums) resume as before.
case_old_table() { # ENGINE
	local e=$1 d
	new_db "$e"
	d=$(new_dir)
	failing_set "$d" "$e"
	mig upgrade "$d"
	sql "$e" "ALTER TABLE migratore_progress DROP COLUMN checksums" >/dev/null
	fix_m2 "$d"
	sed -i 's/ADD COLUMN b INTEGER/ADD COLUMN bb INTEGER/' "$d/$M2"
	mig upgrade "$d"
	is_rc 0 "$e: a progress row without checksums: resumed as before"
	is "$(column_exists "$e" migratore_progress checksums)" 1 "$e: the column was added"
	drop_db
}

# ---- a fleet: the table, the report and --resume -----------------------------

case_fleet() {
	local W=$T_TMP/fleet names=() n rows
	mkdir -p "$W"
	{
		echo "version: 1"
		echo "defaults:"
		echo "  path: m"
		echo "targets:"
	} >"$W/fleet.yaml"
	for n in my-1 my-2; do
		new_db mysql
		names+=("$n")
		printf '  - name: %s\n    url: %s\n' "$n" "$DB_URL" >>"$W/fleet.yaml"
		eval "DB_$((${#names[@]}))=\$T_DBNAME"
	done
	failing_set "$W/m" mysql
	fleet upgrade --inventory fleet.yaml --report report.json --log-dir logs
	is_rc 1 "fleet: statement 3 fails on both targets: exit 1"
	like "$M_OUT" "^my-1 +mysql +failed .*statement 3 of 4 \($M2:[0-9]+\) failed: .* \(2 of 4 statements stayed committed\)$" \
		"fleet: the table names the committed count"
	contains "$M_OUT" "2 targets failed: statement 3 of 4 ($M2:" "fleet: one group for both"
	contains "$M_OUT" "  2 statements of $M2 stayed committed. Fix what failed, leaving the first 2 as they are: the next run resumes at statement 3:
    migratore upgrade --inventory fleet.yaml --resume report.json" \
		"fleet: the advice and the exact command"
	lacks "$M_OUT" "migratore rebuild" "fleet: no rebuild needed"
	is "$(py "$W/report.json" <<'PY'
import json, sys
for t in json.load(open(sys.argv[1]))["targets"]:
    print(t["name"], t["status"], t["committed"], t["next"]["command"])
    print(t["next"]["advice"])
PY
)" "my-1 failed 2 migratore upgrade --inventory fleet.yaml --resume report.json
2 statements of $M2 stayed committed. Fix what failed, leaving the first 2 as they are: the next run resumes at statement 3:
my-2 failed 2 migratore upgrade --inventory fleet.yaml --resume report.json
2 statements of $M2 stayed committed. Fix what failed, leaving the first 2 as they are: the next run resumes at statement 3:" \
		"fleet: the JSON report names the committed count and the command"
	contains "$(cat "$W/logs/my-1.log")" "2 of 4 statements of $M2 stayed committed; once the cause is fixed, upgrade resumes at statement 3" \
		"fleet: the target's log says it too"

	fix_m2 "$W/m"
	fleet upgrade --inventory fleet.yaml --resume report.json --report again.json
	is_rc 0 "fleet: after the fix, --resume succeeds"
	for n in 1 2; do
		rows=$(eval "T_DBNAME=\$DB_$n; sql mysql 'SELECT id, COALESCE(a, 0), COALESCE(b, 0) FROM users ORDER BY id'" | tr '\t\n' ': ')
		is "$rows" "1:10:20 2:0:0 " "fleet: my-$n: resumed at statement 3, the rest ran once"
	done
	is "$(py "$W/again.json" <<'PY'
import json, sys
for t in json.load(open(sys.argv[1]))["targets"]:
    print(t["name"], t["status"], t["committed"], t["next"], [w for w in t["warnings"] if "resuming at statement 3" in w] != [])
PY
)" "my-1 ok None None True
my-2 ok None None True" "fleet: --resume: both ok, each resumed at statement 3"
}

for e in $(engine_list); do
	case_resume "$e"
	case_changed "$e"
	case_skip "$e"
	[ "$e" != sqlite ] && case_old_table "$e"
done
if [ -n "${TEST_MY_URL:-}" ]; then
	case_fleet
else
	skip "no MariaDB server" 1
fi
check_no_password
done_testing
