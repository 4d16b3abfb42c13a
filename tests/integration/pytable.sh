#!/bin/bash
# A bookkeeping table written by the Python tool (MySQL/MariaDB only: the
# Python tool knows no other engine): its DDL as observed (latin1, int(11),
# duplicate hash/btree indexes, upstream-behaviour.md section 12 T11), rows
# with operator Administrator, no name, and a traceback with the '""'
# escaping bug. list and errors show them, upgrade goes on after them, and
# the rows it adds are filled the way the Python tool fills them (SPEC 5).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$TESTS_SRCDIR/lib/tap.sh"
. "$TESTS_SRCDIR/lib/engines.sh"
. "$TESTS_SRCDIR/lib/python.sh"

START_S_RE='^[0-3][0-9] (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [0-9]{4} [0-2][0-9]:[0-5][0-9]:[0-5][0-9]$'
PY_TB='Traceback (most recent call last):
  File ""/srv/migratore/migration.py"", line 366, in _start
    method(db)
  File ""/srv/migrations/1000000002.py"", line 16, in run
    raise RuntimeError(""boom in B"")
RuntimeError: boom in B'

python_rows() {
	python_table
	# What the Python tool wrote: A run, B failed, B skipped, and the row of
	# its 0.6 `mark` (a migration that is no file here): a baseline, here
	# at B's timestamp, so that what follows B is still pending (the
	# baseline itself: baseline.sh). Its literal escaping doubled every
	# '"'; the traceback keeps them.
	local tb=${PY_TB//\\/\\\\}
	tb=${tb//\'/\'\'}
	sql mysql "INSERT INTO migratore (object_id, uuid, timestamp, description, result, error, traceback, operation, operator, start, \`end\`, duration, start_s, end_s) VALUES
 (1, '$(uid 1)', 1000000001, 'create users', 'success', NULL, NULL, 'Run', 'Administrator', 1795770579, 1795770579, 0, '27 Nov 2026 09:09:39', '27 Nov 2026 09:09:39'),
 (2, '$(uid 2)', 1000000002, 'add email then fail', 'error', 'boom in B', '$tb', 'Run', 'Administrator', 1795770580, 1795770581, 1, '27 Nov 2026 09:09:40', '27 Nov 2026 09:09:41'),
 (3, '$(uid 2)', 1000000002, 'add email then fail', 'success', NULL, NULL, 'Run Skip', 'Administrator', 1795770590, 1795770590, 0, '27 Nov 2026 09:09:50', '27 Nov 2026 09:09:50'),
 (4, '$PY_MARK_UUID', 1000000002, 'marks the initial stage of the data source', 'success', NULL, NULL, 'Run', 'Administrator', 1795770600, 1795770600, 0, '27 Nov 2026 09:10:00', '27 Nov 2026 09:10:00')"
}

migrations() {
	write_mig "$1" 1000000001 1 "create users" <<'EOF'
-- migratore: run
CREATE TABLE users (id INTEGER PRIMARY KEY, username VARCHAR(255));
EOF
	write_mig "$1" 1000000002 2 "add email then fail" <<'EOF'
-- migratore: run
ALTER TABLE users ADD COLUMN email VARCHAR(255);
EOF
	write_mig "$1" 1000000003 3 "add age" <<'EOF'
-- migratore: run
CREATE TABLE ages (id INTEGER PRIMARY KEY, age INTEGER);

-- migratore: rollback
DROP TABLE ages;
EOF
	write_mig "$1" 1000000004 4 "fails" <<'EOF'
-- migratore: run
INSERT INTO no_such_table (id) VALUES (1);
EOF
}

if [ -z "${TEST_MY_URL:-}" ]; then
	skip "no MariaDB server (TEST_MY_URL unset)" 1
	done_testing
fi

e=mysql
new_db mysql
d=$(new_dir)
migrations "$d"
python_rows
# users exists as the Python run of migration 1 left it
sql mysql "CREATE TABLE users (id INTEGER PRIMARY KEY, username VARCHAR(255))"

mig -q list
is_rc 0 "list over the Python table exits 0"
is "$(printf '%s\n' "$M_OUT" | grep -c '^ID ')" 3 "list shows the Python tool's three success rows"
is "$(printf '%s\n' "$M_OUT" | sed -n 1,9p)" "ID          : 1
UUID        : $(uid 1)
Timestamp   : 1000000001 (09 Sep 2001 01:46:41)
Description : create users
Operation   : Run
Operator    : Administrator
Duration    : 0 seconds
Start time  : 27 Nov 2026 09:09:39
End time    : 27 Nov 2026 09:09:39" "list shows a Python row in the Python tool's block format"
contains "$M_OUT" "Operation   : Run Skip" "list shows the Python tool's Run Skip row"
mig -q errors
is_rc 0 "errors over the Python table exits 0"
contains "$M_OUT" "Duration    : 1 second
Start time  : 27 Nov 2026 09:09:40
End time    : 27 Nov 2026 09:09:41
Error       :  boom in B" "errors shows the Python error row (1 second, Error line)"
mig -q trace 2
is_rc 0 "trace of the Python error row exits 0"
is "$M_OUT" "$PY_TB" "trace prints the Python traceback as stored, doubled quotes and all"
mig -q list --format json
is "$(printf '%s' "$M_OUT" | python3 -c 'import json,sys; r=json.load(sys.stdin); print(len(r), r[0]["name"], r[0]["operator"])' 2>&1)" \
	"3 None Administrator" "list --format json: the Python rows, name null"

mig dry_upgrade "$d"
is "$(printf '%s\n' "$M_OUT" | grep '^<Migration' | cut -d' ' -f2 | paste -sd,)" "$(uid 3),$(uid 4)" \
	"dry_upgrade: only what the Python tool did not apply is pending"
mig upgrade "$d"
is_rc 1 "upgrade after the Python rows runs the pending ones (the last fails)"
is "$(ledger mysql "object_id, uuid, result, operation" | tail -2)" \
	"$(printf '5\t%s\tsuccess\tRun\n6\t%s\terror\tRun' "$(uid 3)" "$(uid 4)")" \
	"upgrade continues after the Python rows with the next ids"
is "$(table_exists mysql ages)" 1 "the pending migration ran"
is "$(column_exists mysql users email)" 0 "the migration the Python tool skipped did not run"

# The new rows are filled as the Python tool fills them.
is "$(sql mysql "SELECT result, operation, operator, error IS NULL, traceback IS NULL, description, timestamp FROM migratore WHERE object_id = 5")" \
	"$(printf 'success\tRun\titester\t1\t1\tadd age\t1000000003')" "a new success row: result, operation, NULL error and traceback"
is "$(sql mysql "SELECT result, operation, error IS NULL, traceback IS NULL FROM migratore WHERE object_id = 6")" \
	"$(printf 'error\tRun\t0\t0')" "a new error row: result error, operation Run, error and traceback set"
like "$(sql mysql "SELECT start_s FROM migratore WHERE object_id = 5")" "$START_S_RE" "a new row's start_s has the Python format"
like "$(sql mysql "SELECT end_s FROM migratore WHERE object_id = 6")" "$START_S_RE" "a new row's end_s has the Python format"
is "$(sql mysql "SELECT count(*) FROM migratore WHERE object_id > 4 AND (duration <> \`end\` - start OR start IS NULL)")" 0 \
	"new rows: start, end and duration as integers"
is "$(sql mysql "SELECT name FROM migratore WHERE object_id = 5")" "1000000003_m3.sql" "new rows fill name (the Python tool never did)"
lacks "$(sql mysql "SELECT traceback FROM migratore WHERE object_id = 6")" '""' "new rows do not double quotes"

# The table is used as it is: int(11) and latin1 stay, our columns are added.
create=$(sql mysql "SHOW CREATE TABLE migratore" | cut -f2-)
like "$create" '`timestamp` int\(11\)' "the Python table keeps its int(11) columns"
like "$create" 'CHARSET=latin1' "the Python table keeps its charset"
like "$create" 'migratore_uuid_hash' "the Python table keeps its indexes"
is "$(column_exists mysql migratore checksum)" 1 "missing columns were added"

mig -q list
is "$(printf '%s\n' "$M_OUT" | grep -c '^ID ')" 4 "list shows Python and new success rows together"
mig -q errors
is "$(printf '%s\n' "$M_OUT" | grep -c '^Error       :  ')" 2 "errors shows Python and new error rows together"

mig downgrade "$d"
is_rc 0 "downgrade of a migration applied after the Python rows"
is "$(ledger mysql "uuid, result, operation" | tail -1)" "$(printf '%s\tsuccess\tRollback' "$(uid 3)")" "recorded as Rollback"

drop_db
check_no_password
done_testing
