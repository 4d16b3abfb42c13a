#!/bin/bash
# dry_upgrade, dry_downgrade, list and errors write nothing to the database,
# not even the bookkeeping table (SPEC 6): a SQLite file keeps its bytes and
# is not created on a fresh path; a server database gets no table.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$TESTS_SRCDIR/lib/tap.sh"
. "$TESTS_SRCDIR/lib/engines.sh"

two_set() {
	write_mig "$1" 1700000001 1 "create users" <<'EOF'
-- migratore: run
CREATE TABLE users (id INTEGER PRIMARY KEY, username VARCHAR(255) NOT NULL);

-- migratore: rollback
DROP TABLE users;
EOF
	write_mig "$1" 1700000002 2 "create posts" <<'EOF'
-- migratore: run
CREATE TABLE posts (id INTEGER PRIMARY KEY);

-- migratore: rollback
DROP TABLE posts;
EOF
}

# A snapshot of what a read-only command must leave alone.
snapshot() { # ENGINE
	case $1 in
	sqlite)
		printf '%s %s\n' "$(file_sha "$T_DBFILE")" "$(ls "$T_TMP" | grep -c "^$T_DBNAME")"
		;;
	*)
		table_exists "$1" migratore
		[ "$(table_exists "$1" migratore)" = 1 ] && {
			ledger "$1" "object_id, uuid, result, operation"
			sql "$1" "SELECT count(*) FROM information_schema.columns WHERE table_name = 'migratore' AND table_schema = $([ "$1" = mysql ] && echo 'DATABASE()' || echo 'current_schema()')"
		}
		sql "$1" "SELECT count(*) FROM information_schema.tables WHERE table_schema = $([ "$1" = mysql ] && echo 'DATABASE()' || echo 'current_schema()')"
		;;
	esac
}

case_fresh() { # ENGINE
	local e=$1 d before cmd
	new_db "$e"
	d=$(new_dir)
	two_set "$d"
	before=$(snapshot "$e")

	mig dry_upgrade "$d"
	is_rc 0 "$e: dry_upgrade on a fresh database exits 0"
	is "$(printf '%s\n' "$M_OUT" | grep '^<Migration')" \
		"$(printf '<Migration %s 1700000001 create users>\n<Migration %s 1700000002 create posts>' "$(uid 1)" "$(uid 2)")" \
		"$e: dry_upgrade prints every pending migration in order"
	for cmd in dry_upgrade dry_downgrade list errors; do
		case $cmd in
		list | errors) mig "$cmd" ;;
		*) mig "$cmd" "$d" ;;
		esac
		[ $cmd = dry_downgrade ] || is_rc 0 "$e: $cmd on a fresh database exits 0"
		is "$(snapshot "$e")" "$before" "$e: $cmd on a fresh database writes nothing"
	done
	mig -q list --format json
	is "$(printf '%s' "$M_OUT" | python3 -c 'import json,sys; print(json.load(sys.stdin))' 2>&1)" "[]" \
		"$e: list --format json on a fresh database prints an empty array"
	if [ "$e" = sqlite ]; then
		ok "$([ ! -e "$T_DBFILE" ] && [ ! -e "$T_DBFILE.lock" ] && [ ! -e "$T_DBFILE-journal" ]; echo $?)" \
			"$e: no database, lock or journal file was created"
	else
		is "$(table_exists "$e" migratore)" 0 "$e: no bookkeeping table was created"
	fi
	mig dry_downgrade "$d"
	is_rc 1 "$e: dry_downgrade with nothing applied exits 1"
	drop_db
}

case_existing() { # ENGINE
	local e=$1 d before
	new_db "$e"
	d=$(new_dir)
	two_set "$d"
	mv "$d/1700000002_m2.sql" "$T_TMP/"
	mig upgrade "$d"
	is_rc 0 "$e: setup: first migration applied"
	mv "$T_TMP/1700000002_m2.sql" "$d/"
	before=$(snapshot "$e")

	mig dry_upgrade "$d"
	is_rc 0 "$e: dry_upgrade with one pending exits 0"
	is "$(printf '%s\n' "$M_OUT" | grep '^<Migration')" "<Migration $(uid 2) 1700000002 create posts>" \
		"$e: dry_upgrade prints only the pending migration"
	is "$(snapshot "$e")" "$before" "$e: dry_upgrade leaves the database as it was"
	mig dry_downgrade "$d"
	is_rc 0 "$e: dry_downgrade exits 0"
	is "$M_OUT" "$(printf '%s\n<Migration %s 1700000001 create users>' "$(printf '%s\n' "$M_OUT" | head -1)" "$(uid 1)")" \
		"$e: dry_downgrade prints the migration downgrade would roll back"
	is "$(snapshot "$e")" "$before" "$e: dry_downgrade leaves the database as it was"
	is "$(table_exists "$e" users)" 1 "$e: dry_downgrade did not roll back"
	mig -q list
	is "$(snapshot "$e")" "$before" "$e: list leaves the database as it was"
	drop_db
}

# A table with only the Python tool's columns: a dry run must not add ours.
case_old_table() { # ENGINE
	local e=$1 d before int=INTEGER txt=TEXT
	new_db "$e"
	d=$(new_dir)
	two_set "$d"
	[ "$e" = sqlite ] && : >"$T_DBFILE" # an empty file is an empty database
	[ "$e" = mysql ] && txt=LONGTEXT
	sql "$e" "CREATE TABLE migratore (object_id $int NOT NULL PRIMARY KEY, uuid VARCHAR(255), timestamp $int, name VARCHAR(255), description $txt, result VARCHAR(255), error $txt, traceback $txt, operator $txt, operation $txt, start $int, $([ "$e" = mysql ] && echo '`end`' || echo '"end"') $int, duration $int, start_s VARCHAR(255), end_s VARCHAR(255))" >/dev/null
	before=$(snapshot "$e")
	mig dry_upgrade "$d"
	is_rc 0 "$e: dry_upgrade over a Python-tool table exits 0"
	is "$(snapshot "$e")" "$before" "$e: dry_upgrade adds no column to an existing table"
	is "$(column_exists "$e" migratore checksum)" 0 "$e: the checksum column is still absent"
	mig upgrade "$d"
	is_rc 0 "$e: upgrade over the Python-tool table exits 0"
	is "$(column_exists "$e" migratore checksum)" 1 "$e: upgrade adds the missing columns"
	is "$(ledger_count "$e")" 2 "$e: and records its rows"
	drop_db
}

for e in $(engine_list); do
	case_fresh "$e"
	case_existing "$e"
	case_old_table "$e"
done
check_no_password
done_testing
