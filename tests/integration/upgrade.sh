#!/bin/bash
# upgrade, list, downgrade, mark, skip and out-of-order runs of the real
# binary, on every engine the test servers provide (SPEC 5, 6).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$TESTS_SRCDIR/lib/tap.sh"
. "$TESTS_SRCDIR/lib/engines.sh"

START_S_RE='^[0-3][0-9] (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [0-9]{4} [0-2][0-9]:[0-5][0-9]:[0-5][0-9]$'

# Three migrations: a table, two rows (one with a quote), a second table.
basic_set() {
	write_mig "$1" 1700000001 1 "create users" <<'EOF'
-- migratore: run
CREATE TABLE users (id INTEGER PRIMARY KEY, username VARCHAR(255) NOT NULL);

-- migratore: rollback
DROP TABLE users;
EOF
	write_mig "$1" 1700000002 2 "add two users" <<'EOF'
-- migratore: run
INSERT INTO users (id, username) VALUES (1, 'alice');
INSERT INTO users (id, username) VALUES (2, 'o''brien');

-- migratore: rollback
DELETE FROM users WHERE id IN (1, 2);
EOF
	write_mig "$1" 1700000003 3 "create posts" <<'EOF'
-- migratore: run
CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER, body VARCHAR(255));

-- migratore: rollback
DROP TABLE posts;
EOF
}

utc() { LC_ALL=C date -u -d "@$1" '+%d %b %Y %H:%M:%S'; }

# The 9-line blocks list prints, rebuilt from the table itself.
expected_list() { # ENGINE
	local id uuid ts desc op opr dur ss es n=0 unit
	sql "$1" "SELECT object_id, uuid, timestamp, description, operation, operator, duration, start_s, end_s FROM migratore WHERE result = 'success' ORDER BY object_id" |
		while IFS=$'\t' read -r id uuid ts desc op opr dur ss es; do
			[ $n -gt 0 ] && echo
			n=$((n + 1))
			unit=seconds
			[ "$dur" = 1 ] && unit=second
			printf 'ID          : %s\nUUID        : %s\nTimestamp   : %s (%s)\nDescription : %s\nOperation   : %s\nOperator    : %s\nDuration    : %s %s\nStart time  : %s\nEnd time    : %s\n' \
				"$id" "$uuid" "$ts" "$(utc "$ts")" "$desc" "$op" "$opr" "$dur" "$unit" "$ss" "$es"
		done
}

case_upgrade() { # ENGINE
	local e=$1 d rows want start start_s end_s json endcol n
	new_db "$e"
	d=$(new_dir)
	basic_set "$d"

	mig upgrade "$d"
	is_rc 0 "$e: upgrade applies all migrations"
	for n in 1 2 3; do
		contains "$M_OUT" "Running migration '$(uid $n)'" "$e: upgrade reports migration $n"
	done
	is "$(sql "$e" "SELECT id, username FROM users ORDER BY id")" \
		"$(printf '1\talice\n2\to'"'"'brien')" "$e: the migrations' rows are there"
	is "$(table_exists "$e" posts)" 1 "$e: the last migration's table exists"

	rows=$(ledger "$e" "uuid, result, operation, name, operator")
	want=$(printf '%s\tsuccess\tRun\t1700000001_m1.sql\titester\n%s\tsuccess\tRun\t1700000002_m2.sql\titester\n%s\tsuccess\tRun\t1700000003_m3.sql\titester' \
		"$(uid 1)" "$(uid 2)" "$(uid 3)")
	is "$rows" "$want" "$e: one success Run row per migration, name = file, operator = login"
	is "$(sql "$e" "SELECT timestamp, description FROM migratore ORDER BY object_id" | tr '\t' '|' | paste -sd,)" \
		"1700000001|create users,1700000002|add two users,1700000003|create posts" \
		"$(printf '%s' "$e: timestamp and description columns")"
	is "$(sql "$e" "SELECT count(*) FROM migratore WHERE error IS NOT NULL OR traceback IS NOT NULL")" 0 \
		"$e: success rows carry no error nor traceback"
	start=$(sql "$e" "SELECT start FROM migratore WHERE object_id = 1")
	start_s=$(sql "$e" "SELECT start_s FROM migratore WHERE object_id = 1")
	end_s=$(sql "$e" "SELECT end_s FROM migratore WHERE object_id = 3")
	like "$start_s" "$START_S_RE" "$e: start_s has the format %d %b %Y %H:%M:%S"
	like "$end_s" "$START_S_RE" "$e: end_s has the format %d %b %Y %H:%M:%S"
	is "$start_s" "$(utc "$start")" "$e: start_s is start in UTC"
	endcol='"end"'
	[ "$e" = mysql ] && endcol='`end`'
	is "$(sql "$e" "SELECT count(*) FROM migratore WHERE duration <> $endcol - start OR start > $endcol")" 0 \
		"$e: duration = end - start"

	mig -q list
	is_rc 0 "$e: list exits 0"
	is "$M_OUT" "$(expected_list "$e")" "$e: list prints 9-line blocks of the success rows"
	is "$(printf '%s\n' "$M_OUT" | grep -c '^ID          : ')" 3 "$e: list shows three blocks"
	mig list
	like "$(printf '%s\n' "$M_OUT" | head -1)" "^$e " "$e: list without -q starts with the connection line"

	mig list --format json
	is_rc 0 "$e: list --format json exits 0"
	json=$(printf '%s' "$M_OUT" | python3 -c '
import json, sys
rows = json.load(sys.stdin)
print(len(rows), ",".join(r["uuid"][:8] + ":" + r["operation"] + ":" + r["result"] + ":" + r["name"] for r in rows))' 2>&1)
	is "$json" "3 00000001:Run:success:1700000001_m1.sql,00000002:Run:success:1700000002_m2.sql,00000003:Run:success:1700000003_m3.sql" \
		"$e: list --format json parses and holds the rows"

	mig upgrade "$d"
	is_rc 0 "$e: a second upgrade exits 0"
	is "$(ledger_count "$e")" 3 "$e: a second upgrade writes no row"
	lacks "$M_OUT" "Running migration" "$e: a second upgrade runs nothing"

	mig dry_upgrade "$d"
	is_rc 0 "$e: dry_upgrade with nothing pending exits 0"
	lacks "$M_OUT" "<Migration" "$e: dry_upgrade lists nothing when all is applied"

	# downgrade, then upgrade again
	mig dry_downgrade "$d"
	is_rc 0 "$e: dry_downgrade exits 0"
	contains "$M_OUT" "<Migration $(uid 3) 1700000003 create posts>" "$e: dry_downgrade prints the last applied migration"
	is "$(ledger_count "$e")" 3 "$e: dry_downgrade writes no row"
	is "$(table_exists "$e" posts)" 1 "$e: dry_downgrade leaves the schema alone"

	mig downgrade "$d"
	is_rc 0 "$e: downgrade exits 0"
	is "$(table_exists "$e" posts)" 0 "$e: downgrade ran the rollback section"
	is "$(ledger "$e" | tail -1)" "$(printf '%s\tsuccess\tRollback' "$(uid 3)")" "$e: downgrade records a Rollback row"

	mig dry_upgrade "$d"
	is "$M_OUT" "$(printf '%s\n<Migration %s 1700000003 create posts>' "$(printf '%s\n' "$M_OUT" | head -1)" "$(uid 3)")" \
		"$e: the rolled-back migration is pending again"

	mig upgrade "$d"
	is_rc 0 "$e: upgrade after downgrade exits 0"
	is "$(table_exists "$e" posts)" 1 "$e: upgrade after downgrade re-applies it"
	is "$(sql "$e" "SELECT operation FROM migratore WHERE uuid = '$(uid 3)' ORDER BY object_id" | paste -sd,)" \
		"Run,Rollback,Run" "$e: its rows are Run, Rollback, Run"

	mig list
	is "$(printf '%s\n' "$M_OUT" | grep -c '^Operation   : Rollback')" 1 "$e: list shows the Rollback row"
	drop_db
}

case_downgrade_refused() { # ENGINE
	local e=$1 d
	new_db "$e"
	d=$(new_dir)
	write_mig "$d" 1700000001 1 "no way back" <<'EOF'
-- migratore: run
CREATE TABLE kept (id INTEGER PRIMARY KEY);
EOF
	mig upgrade "$d"
	is_rc 0 "$e: upgrade of a migration without rollback"
	mig downgrade "$d"
	is_rc 1 "$e: downgrade of a migration without rollback section exits 1"
	like "$M_ERR" "1700000001_m1.sql.*rollback" "$e: the message names the file and the missing rollback"
	is "$(ledger_count "$e")" 1 "$e: the refused downgrade writes no row"
	is "$(table_exists "$e" kept)" 1 "$e: the refused downgrade leaves the table"

	new_db "$e"
	mig downgrade "$d"
	is_rc 1 "$e: downgrade with nothing applied exits 1"
	mig dry_downgrade "$d"
	is_rc 1 "$e: dry_downgrade with nothing applied exits 1"
	like "$M_ERR" "no applied migration" "$e: dry_downgrade says nothing is applied"
	drop_db
}

case_mark_skip() { # ENGINE
	local e=$1 d
	d=$(new_dir)
	basic_set "$d"

	new_db "$e"
	mig mark "$d"
	is_rc 0 "$e: mark on a fresh database exits 0"
	is "$(ledger "$e")" "$(printf '%s\tsuccess\tRun Skip\n%s\tsuccess\tRun Skip\n%s\tsuccess\tRun Skip' "$(uid 1)" "$(uid 2)" "$(uid 3)")" \
		"$e: mark records every migration as Run Skip"
	is "$(table_exists "$e" users)" 0 "$e: mark runs no run section"
	mig upgrade "$d"
	is_rc 0 "$e: upgrade after mark exits 0"
	is "$(ledger_count "$e")" 3 "$e: upgrade after mark has nothing to do"
	mig skip "$d"
	is_rc 1 "$e: skip with nothing pending exits 1"
	like "$M_ERR" "no pending migration" "$e: skip says nothing is pending"
	is "$(ledger_count "$e")" 3 "$e: a refused skip writes no row"
	mig mark "$d"
	is_rc 0 "$e: mark with nothing pending exits 0"
	is "$(ledger_count "$e")" 3 "$e: mark with nothing pending writes no row"

	new_db "$e"
	mig skip "$d"
	is_rc 0 "$e: skip exits 0"
	is "$(ledger "$e")" "$(printf '%s\tsuccess\tRun Skip' "$(uid 1)")" "$e: skip skips exactly the first pending migration"
	contains "$M_OUT" "Skipping migration '$(uid 1)'" "$e: skip says which"
	is "$(table_exists "$e" users)" 0 "$e: skip does not run it"
	mig dry_upgrade "$d"
	is "$(printf '%s\n' "$M_OUT" | grep -c '^<Migration')" 2 "$e: two migrations still pending after skip"
	drop_db
}

case_out_of_order() { # ENGINE
	local e=$1 d
	new_db "$e"
	d=$(new_dir)
	basic_set "$d"
	mv "$d/1700000002_m2.sql" "$T_TMP/late.sql"
	mig upgrade "$d"
	is_rc 0 "$e: upgrade without the middle migration"
	mv "$T_TMP/late.sql" "$d/1700000002_m2.sql"

	mig upgrade "$d"
	is_rc 1 "$e: upgrade refuses a migration older than the newest applied one"
	contains "$M_ERR" "1700000002_m2.sql" "$e: the refusal names the out-of-order file"
	contains "$M_ERR" "--allow-out-of-order" "$e: the refusal names the way out"
	is "$(ledger_count "$e")" 2 "$e: the refusal writes nothing"
	is "$(sql "$e" "SELECT count(*) FROM users")" 0 "$e: the refused migration did not run"

	mig dry_upgrade "$d"
	contains "$M_OUT" "<Migration $(uid 2) 1700000002 add two users>" "$e: dry_upgrade lists the out-of-order migration"

	mig upgrade "$d" --allow-out-of-order
	is_rc 0 "$e: --allow-out-of-order applies it"
	is "$(sql "$e" "SELECT count(*) FROM users")" 2 "$e: its statements ran"
	is "$(ledger "$e" | tail -1)" "$(printf '%s\tsuccess\tRun' "$(uid 2)")" "$e: and its row is recorded"
	drop_db
}

# An executable migration (SPEC 4.3) gets the connection and FS.
case_executable() { # ENGINE
	local e=$1 d fs
	new_db "$e"
	d=$(new_dir)
	fs=$(mktemp -d "$T_TMP/fs.XXXXXX")
	cat >"$d/1700000005_files" <<'EOF'
#!/bin/sh
# migratore: uuid = 00000005-0000-4000-8000-000000000005
# migratore: timestamp = 1700000005
# migratore: description = writes a file
set -e
case $1 in
run) printf '%s|%s|%s\n' "$ENGINE" "$MIGRATORE_UUID" "$(printf %s "$DB_URL" | cut -c1-6)" >"$FS/ran" ;;
rollback) rm -f "$FS/ran"; echo "force=$MIGRATORE_FORCE" >"$FS/rolled" ;;
cleanup) : ;;
*) exit 0 ;;
esac
EOF
	chmod +x "$d/1700000005_files"
	mig FS="$fs" upgrade "$d"
	is_rc 0 "$e: an executable migration runs"
	is "$(cat "$fs/ran" 2>/dev/null)" "$e|00000005-0000-4000-8000-000000000005|${DB_URL:0:6}" \
		"$e: it gets ENGINE, MIGRATORE_UUID, DB_URL and FS"
	is "$(ledger "$e")" "$(printf '%s\tsuccess\tRun' "$(uid 5)")" "$e: its row is recorded"
	mig FS="$fs" downgrade "$d"
	is_rc 0 "$e: an executable migration rolls back"
	is "$(cat "$fs/rolled" 2>/dev/null)" "force=1" "$e: an explicit downgrade passes MIGRATORE_FORCE=1"
	drop_db
}

# An applied migration whose run section changed is flagged by dry_upgrade
# and list (SPEC 4.2); a change elsewhere in the file is not drift.
case_drift() { # ENGINE
	local e=$1 d
	new_db "$e"
	d=$(new_dir)
	basic_set "$d"
	mig upgrade "$d"
	is_rc 0 "$e: drift: setup"
	sed -i 's/DROP TABLE posts;/DROP TABLE IF EXISTS posts;/' "$d/1700000003_m3.sql"
	mig dry_upgrade "$d"
	lacks "$M_ERR" "1700000003_m3.sql" "$e: drift: a changed rollback section is not flagged"
	sed -i 's/body VARCHAR(255)/body VARCHAR(200)/' "$d/1700000003_m3.sql"
	mig dry_upgrade "$d"
	is_rc 0 "$e: drift: dry_upgrade still exits 0"
	like "$M_ERR" "1700000003_m3.sql.*changed" "$e: drift: dry_upgrade flags the changed run section"
	lacks "$M_ERR" "1700000001_m1.sql" "$e: drift: unchanged files are not flagged"
	MIG_CWD=$d mig list
	is_rc 0 "$e: drift: list (in the migrations directory) exits 0"
	like "$M_OUT$M_ERR" "1700000003_m3.sql.*changed" "$e: drift: list flags the changed run section (SPEC 4.2)"
	drop_db
}

# A section qualified by engine wins over the plain one (SPEC 4.2); a
# migration with nothing to run on this engine is a file error.
case_engine_sections() { # ENGINE
	local e=$1 d other
	new_db "$e"
	d=$(new_dir)
	write_mig "$d" 1700000001 1 "qualified" <<EOF
-- migratore: run
CREATE TABLE plain_t (id INTEGER);

-- migratore: run $e
CREATE TABLE qualified_t (id INTEGER);

-- migratore: run_skip $e
CREATE TABLE skipped_t (id INTEGER);
EOF
	mig upgrade "$d"
	is_rc 0 "$e: engine sections: upgrade exits 0"
	is "$(table_exists "$e" qualified_t)$(table_exists "$e" plain_t)" 10 "$e: the section qualified by engine wins"

	new_db "$e"
	mig mark "$d"
	is_rc 0 "$e: mark runs the run_skip section"
	is "$(table_exists "$e" skipped_t)$(table_exists "$e" qualified_t)" 10 "$e: mark ran run_skip, not run"
	is "$(ledger "$e")" "$(printf '%s\tsuccess\tRun Skip' "$(uid 1)")" "$e: mark recorded Run Skip"

	new_db "$e"
	other=postgres
	[ "$e" = postgres ] && other=mysql
	d=$(new_dir)
	write_mig "$d" 1700000001 1 "only elsewhere" <<EOF
-- migratore: run $other
CREATE TABLE elsewhere (id INTEGER);
EOF
	mig upgrade "$d"
	is_rc 3 "$e: a migration without a run section for $e: exit 3"
	like "$M_ERR" "1700000001_m1.sql.*$e" "$e: the message names the file and the engine"
	is "$(table_exists "$e" migratore)" 0 "$e: exit 3 touched nothing (no bookkeeping table)"
	drop_db
}

# A failing executable: its output tail is the traceback; with SAFE=0 its
# rollback runs as a recovery (MIGRATORE_FORCE=0).
case_executable_failure() { # ENGINE
	local e=$1 d fs
	new_db "$e"
	d=$(new_dir)
	fs=$(mktemp -d "$T_TMP/fs.XXXXXX")
	cat >"$d/1700000006_broken.sh" <<'EOF'
#!/bin/sh
# migratore: uuid = 00000006-0000-4000-8000-000000000006
# migratore: timestamp = 1700000006
# migratore: description = breaks
case $1 in
run) echo "working on it"; echo "it's \"broken\" \\ here" >&2; exit 3 ;;
rollback) echo "force=$MIGRATORE_FORCE" >"$FS/recovered" ;;
esac
exit 0
EOF
	chmod +x "$d/1700000006_broken.sh"
	mig FS="$fs" SAFE=0 upgrade "$d"
	is_rc 1 "$e: a failing executable migration: exit 1"
	contains "$(sql_hex "$e" traceback "FROM migratore WHERE result = 'error'")" "$(hex_of 'it'"'"'s "broken" \ here')" \
		"$e: its output is the traceback"
	is "$(cat "$fs/recovered" 2>/dev/null)" "force=0" "$e: SAFE=0 runs its rollback as a recovery (MIGRATORE_FORCE=0)"
	is "$(ledger "$e")" "$(printf '%s\terror\tRun\n%s\tsuccess\tRollback' "$(uid 6)" "$(uid 6)")" \
		"$e: error Run, then the recovery's Rollback"
	drop_db
}

# DEBUG=1 traces SQL on stderr; --quiet leaves stdout empty.
case_debug_quiet() { # ENGINE
	local e=$1 d
	new_db "$e"
	d=$(new_dir)
	basic_set "$d"
	mig DEBUG=1 upgrade "$d"
	is_rc 0 "$e: DEBUG=1 upgrade exits 0"
	contains "$M_ERR" "CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER, body VARCHAR(255))" \
		"$e: DEBUG=1 prints the migration's statements on stderr"
	lacks "$M_OUT" "CREATE TABLE" "$e: DEBUG=1 keeps SQL off stdout"
	mig downgrade -q "$d"
	is_rc 0 "$e: downgrade --quiet exits 0"
	is "$M_OUT" "" "$e: --quiet: nothing on stdout"
	drop_db
}

# A squashed migration counts as applied when everything it replaces is.
case_squashed() { # ENGINE
	local e=$1 d s
	new_db "$e"
	d=$(new_dir)
	basic_set "$d"
	mig upgrade "$d"
	s=$(new_dir)
	write_mig "$s" 1700000009 9 "squashed" "replaces = $(uid 1), $(uid 2), $(uid 3)" <<'EOF'
-- migratore: run
CREATE TABLE users (id INTEGER PRIMARY KEY, username VARCHAR(255) NOT NULL);
INSERT INTO users (id, username) VALUES (1, 'alice');
INSERT INTO users (id, username) VALUES (2, 'o''brien');
CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER, body VARCHAR(255));
EOF
	mig upgrade "$s"
	is_rc 0 "$e: squashed: upgrade where its sources are applied exits 0"
	is "$(ledger_count "$e")" 3 "$e: squashed: it is not run again"
	new_db "$e"
	mig upgrade "$s"
	is_rc 0 "$e: squashed: upgrade of a fresh database runs it"
	is "$(ledger "$e")" "$(printf '%s\tsuccess\tRun' "$(uid 9)")" "$e: squashed: one Run row"
	is "$(sql "$e" "SELECT count(*) FROM users")" 2 "$e: squashed: its statements ran"
	drop_db
}

# New tables use 64-bit integers: a timestamp after 2038 is recorded (the
# Python tool's int(11) failed after running the migration).
case_2038() { # ENGINE
	local e=$1 d
	new_db "$e"
	d=$(new_dir)
	write_mig "$d" 3000000001 1 "after 2038" <<'EOF'
-- migratore: run
CREATE TABLE future (id INTEGER);
EOF
	mig upgrade "$d"
	is_rc 0 "$e: a migration with a timestamp after 2038 is applied"
	is "$(sql "$e" "SELECT timestamp FROM migratore")" 3000000001 "$e: its timestamp is stored whole"
	mig -q list
	contains "$M_OUT" "Timestamp   : 3000000001 ($(utc 3000000001))" "$e: list shows it in UTC"
	if [ "$e" != sqlite ]; then
		is "$(sql "$e" "SELECT lower(data_type) FROM information_schema.columns WHERE table_name = 'migratore' AND column_name IN ('timestamp', 'start', 'end', 'duration', 'object_id') AND table_schema = $([ "$e" = mysql ] && echo 'DATABASE()' || echo 'current_schema()') GROUP BY data_type")" \
			bigint "$e: the new table's integer columns are 64-bit"
	fi
	drop_db
}

for e in $(engine_list); do
	case_2038 "$e"
	case_upgrade "$e"
	case_executable_failure "$e"
	case_debug_quiet "$e"
	case_squashed "$e"
	case_downgrade_refused "$e"
	case_mark_skip "$e"
	case_out_of_order "$e"
	case_executable "$e"
	case_drift "$e"
	case_engine_sections "$e"
done
check_no_password
done_testing
