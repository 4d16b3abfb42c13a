#!/bin/bash
# dry_upgrade --sql and dry_downgrade --sql (docs/fleet.md, migratore(1)):
# the statements each target would run, from the section its engine uses,
# in order, what migratore writes itself as comments. Checked the way a
# DBA would use it: the text goes through the engine's own client (sqlite3,
# psql, mariadb), which must build the schema the migrations describe and
# nothing else; and the bookkeeping INSERT shown must hold the values the
# real upgrade then writes. A fleet shows each distinct plan once.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$TESTS_SRCDIR/lib/tap.sh"
. "$TESTS_SRCDIR/lib/engines.sh"
. "$TESTS_SRCDIR/lib/rollout.sh" # fleet, write_exec

# Migrations with a body per engine that the plain split would get wrong
# were it not each client's: a trigger, a dollar-quoted function, a
# procedure written after DELIMITER.
engine_set() { # DIR
	write_mig "$1" 1700000100 1 "it's the users" <<'EOF'
-- migratore: run
CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50));
INSERT INTO users VALUES (1, 'it''s me');
-- migratore: rollback
DROP TABLE users;
EOF
	write_mig "$1" 1700000200 2 "a body" <<'EOF'
-- migratore: run sqlite
CREATE TABLE audit (n INTEGER);
CREATE TRIGGER users_audit AFTER INSERT ON users BEGIN INSERT INTO audit VALUES (1); END;
-- migratore: run postgres
CREATE TABLE audit (n INTEGER);
CREATE FUNCTION two() RETURNS integer AS $$ SELECT 1; SELECT 2; $$ LANGUAGE sql;
-- migratore: run mysql
CREATE TABLE audit (n INTEGER);
DELIMITER //
CREATE PROCEDURE two() BEGIN SELECT 1; SELECT 2; END//
DELIMITER ;
-- migratore: rollback
DROP TABLE audit;
EOF
	write_mig "$1" 1700000300 3 "one by one" "transaction = off" <<'EOF'
-- migratore: run
CREATE TABLE t3 (id INTEGER) -- a comment after the statement
;
-- migratore: cleanup
DELETE FROM t3;
EOF
}

client() { # ENGINE < SQL: the engine's own client on the current database
	case $1 in
	sqlite) sqlite3 -bail "$T_DBFILE" ;;
	postgres)
		PGPASSWORD=$TEST_DB_PASS psql -X -q -v ON_ERROR_STOP=1 -h "$TEST_PG_HOST" \
			-p "$TEST_PG_PORT" -U "$TEST_DB_USER" -d "$T_DBNAME" -f -
		;;
	mysql) _my_admin -D "$T_DBNAME" ;;
	esac
}

# The body the engine's client would have to run: what is not a comment.
statements_of() { grep -v '^--' | grep -v '^$'; }

# The values of the INSERT shown for migration FILE, one a line; <x> for
# those known at run time.
shown_values() { # FILE < OUTPUT
	python3 -c 'import re, sys
out = sys.stdin.read().split("\n")
i = [n for n, l in enumerate(out) if l.startswith("-- " + sys.argv[1] + " ")][0]
v = [l for l in out[i:] if l.startswith("-- VALUES (")][0][len("-- VALUES ("):-2]
for t in re.findall(r"\x27(?:[^\x27]|\x27\x27)*\x27|<\w+>|NULL|-?\d+", v):
    print(t[1:-1].replace("\x27\x27", "\x27") if t[0] == "\x27" else t)' "$1"
}

case_engine() { # ENGINE
	local e=$1 d out want
	new_db "$e"
	d=$(new_dir)
	engine_set "$d"

	mig OPERATOR=dba dry_upgrade "$d" --sql
	is_rc 0 "$e: dry_upgrade --sql exits 0"
	out=$M_OUT
	is "$(head -3 <<<"$out")" \
		"-- migratore dry_upgrade --sql: 3 migrations on $e, the statements as its client splits them
-- what migratore writes itself is shown in comments; <column>: known when it runs
-- first, migratore creates its bookkeeping table migratore" "$e: the header"
	want="CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50));"
	[ "$e" = mysql ] && want="$want
-- the engine commits here: migratore records that 1 of 2 statements are done"
	want="$want
INSERT INTO users VALUES (1, 'it''s me');"
	contains "$out" "
-- 1700000100_m1.sql ($(uid 1)): it's the users
BEGIN;
$want
-- migratore records it, in the same transaction:
-- INSERT INTO " "$e: a migration in its transaction, the statements in order"
	case $e in
	sqlite) want="CREATE TRIGGER users_audit AFTER INSERT ON users BEGIN INSERT INTO audit VALUES (1); END;" ;;
	postgres) want="CREATE FUNCTION two() RETURNS integer AS \$\$ SELECT 1; SELECT 2; \$\$ LANGUAGE sql;" ;;
	mysql) want="DELIMITER //
CREATE PROCEDURE two() BEGIN SELECT 1; SELECT 2; END
//
DELIMITER ;
-- the engine commits here: migratore records that 2 of 2 statements are done" ;;
	esac
	[ "$e" = mysql ] && want=${want%$'\n'*} # the last statement: no progress
	contains "$out" "$want" "$e: its own section, its body whole for its client"
	[ "$e" = mysql ] && contains "$out" "CREATE TABLE audit (n INTEGER);
-- the engine commits here: migratore records that 1 of 2 statements are done" \
		"mysql: where DDL commits implicitly, the comment says so"
	contains "$out" "
-- 1700000300_m3.sql ($(uid 3)): one by one
-- transaction = off: each statement commits on its own, and migratore records how many did
CREATE TABLE t3 (id INTEGER) -- a comment after the statement
;
-- migratore records it:" "$e: transaction = off: no BEGIN; a ';' after a comment on a line of its own"
	contains "$out" "-- then its cleanup section:
DELETE FROM t3;" "$e: the cleanup section"
	lacks "$(statements_of <<<"$out")" "migratore" "$e: the bookkeeping is only in comments"
	if [ "$e" = sqlite ]; then
		is "$(table_exists sqlite users)" 0 "sqlite: the dry run created nothing"
	fi

	# the engine's client runs it: the schema, no bookkeeping
	client "$e" <<<"$out" >/dev/null 2>"$T_TMP/client.err"
	ok $? "$e: the engine's own client runs the text"
	[ -s "$T_TMP/client.err" ] && diag "$(cat "$T_TMP/client.err")"
	is "$(table_exists "$e" users)$(table_exists "$e" audit)$(table_exists "$e" t3)" 111 \
		"$e: the client built every table"
	is "$(sql "$e" "SELECT name FROM users")" "it's me" "$e: and the rows"
	is "$(table_exists "$e" migratore)" 0 "$e: and no bookkeeping table"

	# the INSERT shown is the row the real upgrade writes
	drop_db
	new_db "$e"
	mig OPERATOR=dba upgrade "$d"
	is_rc 0 "$e: the real upgrade"
	is "$(shown_values 1700000200_m2.sql <<<"$out" | paste -sd'|')" \
		"<object_id>|$(uid 2)|1700000200|1700000200_m2.sql|a body|success|NULL|NULL|dba|Run|<start>|<end>|<duration>|<start_s>|<end_s>|$(sql "$e" "SELECT checksum FROM migratore WHERE uuid = '$(uid 2)'")|NULL|NULL|<run_id>|$(sql "$e" "SELECT host FROM migratore WHERE uuid = '$(uid 2)'")" \
		"$e: the INSERT shown holds the row's values (checksum and host included)"

	# dry_downgrade --sql: the rollback section, a Rollback row
	rm "$d/1700000300_m3.sql"
	mig OPERATOR=dba dry_downgrade "$d" --sql
	is_rc 0 "$e: dry_downgrade --sql exits 0"
	contains "$M_OUT" "-- migratore dry_downgrade --sql: 1 migration on $e" "$e: dry_downgrade: its header"
	contains "$M_OUT" "
-- 1700000200_m2.sql ($(uid 2)): a body
BEGIN;
DROP TABLE audit;
-- migratore records it, in the same transaction:" "$e: dry_downgrade: the rollback section"
	is "$(shown_values 1700000200_m2.sql <<<"$M_OUT" | sed -n 10p)" Rollback "$e: ... recorded as a Rollback"
	is "$(table_exists "$e" audit)" 1 "$e: nothing was rolled back"

	mig OPERATOR=dba dry_downgrade "$d" --sql --format json
	is "$(python3 -c 'import json, sys; print(json.load(sys.stdin)["sql"])' <<<"$M_OUT")" \
		"$(mig OPERATOR=dba dry_downgrade "$d" --sql; echo "$M_OUT")" \
		"$e: --format json: the same text in \"sql\""
	drop_db
}

for e in $(engine_list); do
	case_engine "$e"
done

# ---- a fleet: each distinct plan once ------------------------------------------
W=$T_TMP/fleet
mkdir -p "$W/db"
engine_set "$W/m"
cp -r "$W/m" "$W/few"
rm "$W/few/1700000300_m3.sql"
{
	printf 'version: 1\ndefaults:\n  path: m\ntargets:\n'
	printf '  - name: lite-{1..3}\n    engine: sqlite\n    db: db/lite-{1..3}.db\n'
	printf '  - name: lite-few\n    engine: sqlite\n    db: db/few.db\n    path: few\n'
} >"$W/fleet.yaml"
want_groups="3:lite-1 lite-2 lite-3|1:lite-few"
for e in $(engine_list); do
	[ "$e" = sqlite ] && continue
	for i in 1 2; do
		new_db "$e"
		printf '  - name: %s\n    url: %s\n' "$e-$i" "$DB_URL" >>"$W/fleet.yaml"
	done
	want_groups="$want_groups|2:$e-1 $e-2"
done
unset DB_URL
fleet dry_upgrade --inventory fleet.yaml --sql --report plan.json
is_rc 0 "fleet dry_upgrade --sql exits 0"
is "$(grep -c '^-- migratore dry_upgrade --sql: ' <<<"$M_OUT")" "$(tr '|' '\n' <<<"$want_groups" | wc -l)" \
	"fleet: one plan per distinct text, not one per target"
contains "$M_OUT" "== 3 targets: lite-1 lite-2 lite-3 ==
-- migratore dry_upgrade --sql: 3 migrations on sqlite" "fleet: the SQLite targets share one block"
contains "$M_OUT" "== 1 target: lite-few ==
-- migratore dry_upgrade --sql: 2 migrations on sqlite" "fleet: a target with other pending migrations has its own"
lacks "$M_OUT" "== lite-1 ==" "fleet: no section per target"
like "$M_OUT" "^Plan: " "fleet: the plan still ends the report"
is "$(python3 -c 'import json
p = json.load(open("'"$W"'/plan.json"))["plan"]["sql"]
print("|".join("%d:%s" % (len(g["targets"]), " ".join(g["targets"])) for g in sorted(p, key=lambda g: (-len(g["targets"]), g["targets"][0]))))' 2>&1)" \
	"$(tr '|' '\n' <<<"$want_groups" | sort -t: -k1,1nr -k2 | paste -sd'|')" \
	"fleet: the JSON report's plan has the groups, every target named"
for f in "$W"/db/*.db; do
	[ -e "$f" ] && fail "fleet: the dry run created $f"
done
pass "fleet: no SQLite file was created"

done_testing
