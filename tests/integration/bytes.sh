#!/bin/bash
# Text with quotes, backslashes, newlines, non-ASCII and printf directives
# goes into the bookkeeping table and comes out of list, errors, trace and
# --format json byte for byte (SPEC 5: bound values, "stored exactly"; the
# Python tool doubled every '"').
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$TESTS_SRCDIR/lib/tap.sh"
. "$TESTS_SRCDIR/lib/engines.sh"

# A description (one line: a header value) and an error message (two lines).
DESC='it'"'"'s "quoted" \back\slash ünïcødé ✓ 日本 %s%d'
MSG1='it'"'"'s "quoted" \ back\slash'
MSG2='second line ünï ✓ 日本 %s'
MSG="$MSG1"$'\n'"$MSG2"
OPERATOR_NAME='O'"'"'Brien "ops" \ ✓'

# The statement that fails with exactly $MSG (SQLite: as a table name).
failing_statement() { # ENGINE
	case $1 in
	sqlite) printf 'INSERT INTO "%s\n%s" (id) VALUES (1);\n' "${MSG1//\"/\"\"}" "$MSG2" ;;
	postgres) printf 'DO $$ BEGIN RAISE EXCEPTION USING MESSAGE = $m$%s\n%s$m$; END $$;\n' "$MSG1" "$MSG2" ;;
	mysql)
		local m1=${MSG1//\\/\\\\}
		m1=${m1//\'/\'\'}
		printf "SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = '%s\n%s';\n" "$m1" "$MSG2"
		;;
	esac
}

# What the engine puts before the message.
msg_prefix() { [ "$1" = sqlite ] && printf 'no such table: '; return 0; }

case_bytes() { # ENGINE
	local e=$1 d errid json
	new_db "$e"
	d=$(new_dir)
	write_mig "$d" 1700000001 1 "$DESC" <<'EOF'
-- migratore: run
CREATE TABLE ok_table (id INTEGER PRIMARY KEY);
EOF
	{
		echo '-- migratore: run'
		failing_statement "$e"
	} | write_mig "$d" 1700000002 2 "$DESC"

	mig dry_upgrade "$d"
	contains "$M_OUT" "<Migration $(uid 1) 1700000001 $DESC>" "$e: dry_upgrade prints the description as written"

	mig OPERATOR="$OPERATOR_NAME" upgrade "$d"
	is_rc 1 "$e: the second migration fails"
	contains "$M_ERR" "$MSG" "$e: stderr carries the engine's message intact"
	errid=$(sql "$e" "SELECT object_id FROM migratore WHERE result = 'error'")
	is "$(sql_hex "$e" description "FROM migratore WHERE object_id = 1")" "$(hex_of "$DESC")" \
		"$e: the description is stored byte for byte"
	is "$(sql_hex "$e" operator "FROM migratore WHERE object_id = 1")" "$(hex_of "$OPERATOR_NAME")" \
		"$e: the operator is stored byte for byte"
	contains "$(sql_hex "$e" error "FROM migratore WHERE object_id = $errid")" "$(hex_of "$MSG")" \
		"$e: the error column holds the message byte for byte"
	contains "$(sql_hex "$e" traceback "FROM migratore WHERE object_id = $errid")" "$(hex_of "$MSG")" \
		"$e: the traceback holds the message byte for byte"
	lacks "$(sql_hex "$e" error "FROM migratore WHERE object_id = $errid")" "$(hex_of '""quoted""')" \
		"$e: double quotes are not doubled (the Python tool's bug)"

	mig -q list
	is "$(printf '%s\n' "$M_OUT" | grep '^Description')" "Description : $DESC" "$e: list shows the description as stored"
	is "$(printf '%s\n' "$M_OUT" | grep '^Operator')" "Operator    : $OPERATOR_NAME" "$e: list shows the operator as stored"
	mig -q errors
	is "$(printf '%s\n' "$M_OUT" | grep '^Description')" "Description : $DESC" "$e: errors shows the description as stored"
	contains "$M_OUT" "Error       :  statement 1 of 1 (1700000002_m2.sql:6) failed: $(msg_prefix "$e")$MSG" \
		"$e: errors shows the error with its newline"
	mig -q trace "$errid"
	is_rc 0 "$e: trace exits 0"
	contains "$M_OUT" "$MSG" "$e: trace prints the message intact"
	is "$(hex_of "$M_OUT")" "$(sql_hex "$e" traceback "FROM migratore WHERE object_id = $errid")" \
		"$e: trace prints the traceback byte for byte"
	contains "$M_OUT" "$(failing_statement "$e" | sed '$s/;$//')" "$e: the traceback holds the statement as written"

	mig -q errors --format json
	json=$(printf '%s' "$M_OUT" | DESC="$DESC" MSG="$MSG" OPN="$OPERATOR_NAME" python3 -c '
import json, os, sys
r = json.load(sys.stdin)[0]
print(r["description"] == os.environ["DESC"], os.environ["MSG"] in r["error"], r["operator"] == os.environ["OPN"])' 2>&1)
	is "$json" "True True True" "$e: errors --format json round-trips description, error and operator"
	mig -q list --format json
	is "$(printf '%s' "$M_OUT" | DESC="$DESC" python3 -c 'import json,os,sys; print(json.load(sys.stdin)[0]["description"] == os.environ["DESC"])' 2>&1)" \
		"True" "$e: list --format json round-trips the description"
	drop_db
}

for e in $(engine_list); do
	case_bytes "$e"
done
check_no_password
done_testing
