#!/bin/bash
# PostgreSQL's error position as file:line:column with the line and a caret
# (issue 11 item 11): a syntax error on the 3rd line of a multi-line
# statement that is not the first of its file, in the text output, the
# traceback (-v), the bookkeeping row and --format json.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$TESTS_SRCDIR/lib/tap.sh"
. "$TESTS_SRCDIR/lib/engines.sh"

if [ -z "${TEST_PG_URL:-}" ]; then
	skip "needs the test PostgreSQL (TEST_PG_URL)"
	done_testing
fi
new_db postgres

MIGS=$(new_dir)
# File lines: 1-3 header, 4 blank, 5 run marker, 6 the first statement,
# 7 blank, 8-12 the second statement. "na nope" reads as a column of a
# type nope: PostgreSQL stops at "text", line 10, column 13 (position 51).
write_mig "$MIGS" 1795770001 1 "a typo" <<'EOF2'
-- migratore: run
CREATE TABLE first_one (id int);

CREATE TABLE second_one (
    id int,
    na nope text,
    ok int
);
-- migratore: rollback
DROP TABLE first_one;
EOF2
F=1795770001_m1.sql
is "$(sed -n 10p "$MIGS/$F")" "    na nope text," "the error is on line 10 of the file"

WANT_LINE="statement 2 of 2 ($F:8) failed: $F:10:13: syntax error at or near \"text\""
mig upgrade "$MIGS"
is_rc 1 "the failed migration: exit 1"
is "$M_ERR" "migratore: $F Run failed: $WANT_LINE
  10 |     na nope text,
     |             ^" "stderr: file:line:column, the line and a caret under the column"

mig upgrade "$MIGS" -v
contains "$M_ERR" "position: 51
at $F:10:13:
  10 |     na nope text,
     |             ^
committed: 0 of 2 statements" "the traceback (-v) keeps the position and shows the caret"

is "$(sql postgres "SELECT error FROM migratore ORDER BY object_id LIMIT 1")" "$WANT_LINE" \
	"the bookkeeping row's error names file:line:column"

mig upgrade "$MIGS" --format json
is_rc 1 "--format json: exit 1"
is "$(python3 -c 'import json, sys
s = json.load(sys.stdin)["steps"][0]
print(s["error"], s["statement_no"], s["error_line"], s["error_column"], sep="|")' <<<"$M_OUT")" \
	"$WANT_LINE|2|10|13" "--format json: error_line and error_column"

# A fleet: the worker's frame carries the place to the JSON report.
cat >"$T_TMP/fleet.yaml" <<EOF2
version: 1
targets:
  - name: pg-1
    url: $DB_URL
    path: $MIGS
EOF2
mig upgrade --inventory "$T_TMP/fleet.yaml" --format json
is_rc 1 "fleet: exit 1"
is "$(python3 -c 'import json, sys
t = json.load(sys.stdin)["targets"][0]
s = [s for s in t["steps"] if s["result"] == "error"][0]
print(s["error"], s["error_line"], s["error_column"], sep="|")' <<<"$M_OUT")" \
	"$WANT_LINE|10|13" "fleet: the report's step has error_line and error_column"

# A missing table: PostgreSQL points at its name, line 6, column 13.
MIGS2=$(new_dir)
write_mig "$MIGS2" 1795770002 2 "no position" <<'EOF2'
-- migratore: run
INSERT INTO no_such_table_here VALUES (1);
EOF2
mig upgrade "$MIGS2"
is "$M_ERR" "migratore: 1795770002_m2.sql Run failed: statement 1 of 1 (1795770002_m2.sql:6) failed: 1795770002_m2.sql:6:13: relation \"no_such_table_here\" does not exist
  6 | INSERT INTO no_such_table_here VALUES (1)
    |             ^" "a missing table: its name is pointed at"

# An error without a position (a division by zero) has none.
MIGS3=$(new_dir)
write_mig "$MIGS3" 1795770003 3 "no position" <<'EOF2'
-- migratore: run
SELECT 1 / 0;
EOF2
mig upgrade "$MIGS3" --format json
is "$(python3 -c 'import json, sys
s = json.load(sys.stdin)["steps"][0]
print(s["error"], s["error_line"], s["error_column"], sep="|")' <<<"$M_OUT")" \
	"statement 1 of 1 (1795770003_m3.sql:6) failed: division by zero|None|None" \
	"an error without a position: no file:line:column, error_line and error_column null"
mig upgrade "$MIGS3"
is "$M_ERR" "migratore: 1795770003_m3.sql Run failed: statement 1 of 1 (1795770003_m3.sql:6) failed: division by zero" \
	"an error without a position: no caret"

done_testing
