#!/bin/bash
# Taking over a database the Python tool baselined (SPEC 5, "Baseline"):
# its 0.6 `mark` wrote one success row with uuid da023aab-... whose
# timestamp means "every migration up to here is applied". Files up to it
# are history: not pending, not run again, never out of order; files after
# it follow the ordinary rules. list shows the row as a baseline. On
# MySQL/MariaDB with the Python tool's own table; on SQLite and PostgreSQL
# with its fifteen columns made by hand (the Python tool knows no other
# engine, but a table can travel).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$TESTS_SRCDIR/lib/tap.sh"
. "$TESTS_SRCDIR/lib/engines.sh"
. "$TESTS_SRCDIR/lib/python.sh"

MARK_TS=1795770600

# The Python tool's fifteen columns, on an engine it does not know.
plain_table() { # ENGINE
	[ "$1" = sqlite ] && : >"$T_DBFILE" # an empty file is an empty database
	sql "$1" 'CREATE TABLE migratore (object_id integer NOT NULL PRIMARY KEY, uuid varchar(255), "timestamp" integer, name varchar(255), description text, result varchar(255), error text, traceback text, operator text, operation text, start integer, "end" integer, duration integer, start_s varchar(255), end_s varchar(255))'
	sql "$1" "INSERT INTO migratore (object_id, uuid, \"timestamp\", description, result, operation, operator, start, \"end\", duration, start_s, end_s) VALUES (1, '$PY_MARK_UUID', $MARK_TS, 'marks the initial stage of the data source', 'success', 'Run', 'Administrator', $MARK_TS, $MARK_TS, 0, '27 Nov 2026 09:10:00', '27 Nov 2026 09:10:00')"
}

# History (before the mark), one migration the Python tool ran after it,
# and a new one.
migrations() { # DIR
	write_mig "$1" 1000000001 1 "create users" <<'EOF2'
-- migratore: run
CREATE TABLE users (id INTEGER PRIMARY KEY, username VARCHAR(255));
EOF2
	write_mig "$1" 1000000002 2 "add email" <<'EOF2'
-- migratore: run
ALTER TABLE users ADD COLUMN email VARCHAR(255);
EOF2
	write_mig "$1" 1795770700 3 "orders" <<'EOF2'
-- migratore: run
CREATE TABLE orders (id INTEGER PRIMARY KEY);
EOF2
	write_mig "$1" 1795770800 4 "items" <<'EOF2'
-- migratore: run
CREATE TABLE items (id INTEGER PRIMARY KEY);

-- migratore: rollback
DROP TABLE items;
EOF2
}

case_baseline() { # ENGINE
	local e=$1 d
	new_db "$e"
	d=$(new_dir)
	migrations "$d"
	if [ "$e" = mysql ]; then
		python_table
		python_mark $MARK_TS
	else
		plain_table "$e"
	fi
	# What the database already holds: the history, and what the Python
	# tool ran after its mark.
	sql "$e" "CREATE TABLE users (id INTEGER PRIMARY KEY, username VARCHAR(255), email VARCHAR(255))"
	sql "$e" "CREATE TABLE orders (id INTEGER PRIMARY KEY)"
	sql "$e" "INSERT INTO migratore (object_id, uuid, \"timestamp\", description, result, operation, operator, start, \"end\", duration, start_s, end_s) VALUES (2, '$(uid 3)', 1795770700, 'orders', 'success', 'Run', 'Administrator', 1795770700, 1795770700, 0, '27 Nov 2026 09:11:40', '27 Nov 2026 09:11:40')" 2>/dev/null ||
		sql "$e" "INSERT INTO migratore (object_id, uuid, \`timestamp\`, description, result, operation, operator, start, \`end\`, duration, start_s, end_s) VALUES (2, '$(uid 3)', 1795770700, 'orders', 'success', 'Run', 'Administrator', 1795770700, 1795770700, 0, '27 Nov 2026 09:11:40', '27 Nov 2026 09:11:40')"

	mig dry_upgrade "$d"
	is_rc 0 "$e: dry_upgrade over a baseline exits 0"
	is "$(printf '%s\n' "$M_OUT" | grep '^<Migration' | cut -d' ' -f2)" "$(uid 4)" \
		"$e: only the migration after everything the baseline and the rows cover is pending"
	mig upgrade "$d"
	is_rc 0 "$e: upgrade over a baseline exits 0 (the history is not run again)"
	is "$(ledger "$e" "object_id, uuid, result, operation")" \
		"$(printf '1\t%s\tsuccess\tRun\n2\t%s\tsuccess\tRun\n3\t%s\tsuccess\tRun' "$PY_MARK_UUID" "$(uid 3)" "$(uid 4)")" \
		"$e: one row added, for the new migration"
	is "$(table_exists "$e" items)" 1 "$e: the new migration ran"

	mig -q list
	contains "$M_OUT" "Baseline    : every migration up to $MARK_TS (27 Nov 2026 09:10:00) counts as applied" \
		"$e: list shows the mark row as a baseline"
	is "$(printf '%s\n' "$M_OUT" | grep -c '^Baseline')" 1 "$e: and only that row"
	mig -q list --format json
	is "$(printf '%s' "$M_OUT" | python3 -c 'import json,sys; print([r["baseline"] for r in json.load(sys.stdin)])' 2>&1)" \
		"[True, False, False]" "$e: list --format json: baseline true for that row only"

	# A file older than the baseline is history: never pending, never
	# out of order. One between the baseline and the newest applied is.
	write_mig "$d" 1500000000 5 "late but old" <<'EOF2'
-- migratore: run
CREATE TABLE never (id INTEGER);
EOF2
	mig dry_upgrade "$d"
	is_rc 0 "$e: a file older than the baseline: dry_upgrade exits 0"
	is "$(printf '%s\n' "$M_OUT" | grep -c '^<Migration')" 0 "$e: it is not pending"
	write_mig "$d" 1795770650 6 "between" <<'EOF2'
-- migratore: run
CREATE TABLE between_t (id INTEGER);
EOF2
	mig upgrade "$d"
	is_rc 1 "$e: a file after the baseline but before an applied one is out of order"
	like "$M_ERR" "out of order: 1795770650_m6.sql is older" "$e: the message names only it"
	lacks "$M_ERR" "1500000000_m5" "$e: the baselined file is not named"
	mig upgrade --allow-out-of-order "$d"
	is_rc 0 "$e: --allow-out-of-order applies it"
	is "$(table_exists "$e" never)" 0 "$e: and not the baselined one"

	# A downgrade after the baseline: the row written after it decides.
	mig downgrade "$d"
	is_rc 0 "$e: downgrade of the newest migration"
	mig dry_upgrade "$d"
	is "$(printf '%s\n' "$M_OUT" | grep '^<Migration' | cut -d' ' -f2)" "$(uid 4)" \
		"$e: the rolled-back migration is pending again, the history is not"
	drop_db
}

for e in $(engine_list); do
	case_baseline "$e"
done
check_no_password
done_testing
