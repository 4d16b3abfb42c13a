#!/bin/bash
# Bad configuration and bad migration files: exit 3, a message naming the
# variable or file:line, and nothing written (SPEC 3, 4, 6.2), on every
# engine: the SQLite file is not created, a server database gets no table.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$TESTS_SRCDIR/lib/tap.sh"
. "$TESTS_SRCDIR/lib/engines.sh"

good_mig() { # DIR TS N
	write_mig "$1" "$2" "$3" "good $3" <<'EOF'
-- migratore: run
CREATE TABLE good (id INTEGER PRIMARY KEY);
EOF
}

nothing_written() { # ENGINE WHAT
	if [ "$1" = sqlite ]; then
		ok "$([ ! -e "$T_DBFILE" ] && [ ! -e "$T_DBFILE.lock" ]; echo $?)" "$1: $2: no database file created"
	else
		is "$(table_exists "$1" migratore)$(table_exists "$1" good)" 00 "$1: $2: no table created"
	fi
}

# bad_dir NAME ERE SETUP-FUNCTION: upgrade a directory made by SETUP.
bad_dir() { # ENGINE LABEL ERE SETUP
	local e=$1 d
	d=$(new_dir)
	"$4" "$d"
	mig upgrade "$d"
	is_rc 3 "$e: $2: upgrade exits 3"
	like "$M_ERR" "$3" "$e: $2: the message says where"
	nothing_written "$e" "$2"
	mig dry_upgrade "$d"
	is_rc 3 "$e: $2: dry_upgrade exits 3 too"
}

dup_uuid() {
	good_mig "$1" 1700000001 1
	good_mig "$1" 1700000002 2
	sed -i "s/$(uid 2)/$(uid 1)/" "$1/1700000002_m2.sql"
}
missing_run() {
	good_mig "$1" 1700000001 1
	write_mig "$1" 1700000002 2 "no run" <<'EOF'
-- migratore: rollback
DROP TABLE good;
EOF
}
unterminated() {
	good_mig "$1" 1700000001 1
	write_mig "$1" 1700000002 2 "open quote" <<'EOF'
-- migratore: run
INSERT INTO good (id) VALUES (1);
INSERT INTO good (id, x) VALUES (2, 'never closed);
EOF
}
typo() {
	good_mig "$1" 1700000001 1
	write_mig "$1" 1700000002 2 "typo" <<'EOF'
-- migratore: run
CREATE TABLE other (id INTEGER);

-- migratore: rollbak
DROP TABLE other;
EOF
}
dup_ts() {
	good_mig "$1" 1700000001 1
	good_mig "$1" 1700000001 2
	mv "$1/1700000001_m2.sql" "$1/1700000001_other.sql"
}
no_uuid() {
	good_mig "$1" 1700000001 1
	sed -i '/uuid =/d' "$1/1700000001_m1.sql"
}

case_config() { # ENGINE
	local e=$1 d
	d=$(new_dir)
	good_mig "$d" 1700000001 1

	new_db "$e"
	mig PORT=abc upgrade "$d"
	is_rc 3 "$e: PORT=abc: exit 3"
	contains "$M_ERR" "PORT" "$e: PORT=abc: the message names PORT"
	nothing_written "$e" "PORT=abc"
	mig PORT=70000 list
	is_rc 3 "$e: PORT=70000: exit 3"
	mig SAFE=maybe upgrade "$d"
	is_rc 3 "$e: SAFE=maybe: exit 3"
	contains "$M_ERR" "SAFE" "$e: SAFE=maybe: the message names SAFE"
	nothing_written "$e" "SAFE=maybe"
	mig LOCK_TIMEOUT=soon upgrade "$d"
	is_rc 3 "$e: LOCK_TIMEOUT=soon: exit 3"
	contains "$M_ERR" "LOCK_TIMEOUT" "$e: LOCK_TIMEOUT=soon: the message names it"
	mig ENGINE=oracle upgrade "$d"
	is_rc 3 "$e: ENGINE=oracle: exit 3"
	contains "$M_ERR" "ENGINE" "$e: ENGINE=oracle: the message names ENGINE"
	nothing_written "$e" "ENGINE=oracle"
	mig DB_URL="${DB_URL%%:*}x:${DB_URL#*:}" upgrade "$d"
	is_rc 3 "$e: unknown DB_URL scheme: exit 3"
	contains "$M_ERR" "DB_URL" "$e: unknown DB_URL scheme: the message names DB_URL"
	contains "$M_ERR" "unknown scheme" "$e: unknown DB_URL scheme: the message says why"
	lacks "$M_ERR" "$TEST_DB_PASS@" "$e: unknown DB_URL scheme: the message hides the password"
	nothing_written "$e" "unknown scheme"
	if [ "$e" != sqlite ]; then
		mig DB_URL="${DB_URL%%\?*}?no_such_param=1" upgrade "$d"
		is_rc 3 "$e: unknown DB_URL parameter: exit 3"
		contains "$M_ERR" "no_such_param" "$e: unknown DB_URL parameter: the message names it"
		nothing_written "$e" "unknown parameter"
	fi
	drop_db
}

case_files() { # ENGINE
	local e=$1
	new_db "$e"
	bad_dir "$e" "duplicate uuid" "1700000001_m1.sql.*1700000002_m2.sql|1700000002_m2.sql.*1700000001_m1.sql" dup_uuid
	bad_dir "$e" "duplicate timestamp" "1700000001_m1.sql.*1700000001_other.sql|1700000001_other.sql.*1700000001_m1.sql" dup_ts
	bad_dir "$e" "missing run section" "1700000002_m2.sql.*run" missing_run
	bad_dir "$e" "unterminated quote" "1700000002_m2.sql:7" unterminated
	bad_dir "$e" "section marker typo" "1700000002_m2.sql:8" typo
	bad_dir "$e" "missing uuid" "1700000001_m1.sql.*uuid" no_uuid
	mig upgrade "$T_TMP/no-such-dir"
	is_rc 3 "$e: a missing migrations directory: exit 3"
	contains "$M_ERR" "no-such-dir" "$e: a missing directory is named"
	nothing_written "$e" "missing directory"
	drop_db
}

# Not per engine: the scheme alone decides.
mig DB_URL=oracle://u:$T_SECRET@db.example/x list
is_rc 3 "unknown DB_URL scheme oracle://: exit 3"
contains "$M_ERR" "DB_URL" "unknown DB_URL scheme: the message names DB_URL"
contains "$M_ERR" "oracle" "unknown DB_URL scheme: the message names the scheme"
mig DB_URL=sqlite:relative.db PASSWORD="$T_SECRET" upgrade "$T_TMP/no-such-dir"
is_rc 3 "sqlite: a missing migrations directory with a relative DB: exit 3"
ok "$([ ! -e "$T_TMP/cwd/relative.db" ]; echo $?)" "sqlite: the relative database file was not created"

mig bogus
is_rc 2 "an unknown command exits 2"
contains "$M_ERR" "bogus" "an unknown command is named"
mig upgrade --no-such-option
is_rc 2 "an unknown option exits 2"
mig trace
is_rc 2 "trace without an id exits 2"
mig errors extra
is_rc 2 "errors with an argument exits 2"

for e in $(engine_list); do
	case_config "$e"
	case_files "$e"
done
check_no_password
done_testing
