# tests/lib/rollout.sh - helpers for the rollout integration tests
# (tests/integration/rollout_*.sh). Source after tap.sh and engines.sh.
#
#   two_good DIR            two SQL migrations (uid 1, 2): tables t1, t2
#   one_bad DIR             DIR gets a third migration (uid 3) that fails
#   write_exec DIR TS N BODY  an executable migration (uid N) running BODY
#   py FILE... <<'EOF'      python3 on the script from stdin, FILE... as argv
#   sqlite_rows DB.db       its bookkeeping rows as "uuid-number:result:op"
#                           words; "none" when the file or table is absent
#   fleet ARGS...           mig -- ARGS in $W (the test's work directory)

two_good() { # DIR
	write_mig "$1" 1700000100 1 "first table" <<'SQL'
-- migratore: run
CREATE TABLE t1 (id INTEGER PRIMARY KEY, name TEXT);
-- migratore: rollback
DROP TABLE t1;
SQL
	write_mig "$1" 1700000200 2 "second table" <<'SQL'
-- migratore: run
CREATE TABLE t2 (id INTEGER PRIMARY KEY);
-- migratore: rollback
DROP TABLE t2;
SQL
}

one_bad() { # DIR
	write_mig "$1" 1700000300 3 "breaks" <<'SQL'
-- migratore: run
CREATE TABLE t3 (id INTEGER PRIMARY KEY);
INSERT INTO no_such_table VALUES (1);
SQL
}

write_exec() { # DIR TS N BODY
	local f=$1/${2}_x$3
	mkdir -p "$1"
	printf '#!/bin/sh\n# migratore: uuid = %s\n# migratore: timestamp = %s\n# migratore: description = exec %s\n%s\n' \
		"$(uid "$3")" "$2" "$3" "$4" >"$f"
	chmod 755 "$f"
}

py() { python3 - "$@"; }

sqlite_rows() { # DB.db
	[ -f "$1" ] || { echo none; return; }
	if [ "$(sqlite3 "$1" "SELECT count(*) FROM sqlite_master WHERE name = 'migratore'")" != 1 ]; then
		echo none
		return
	fi
	sqlite3 -separator : "$1" \
		"SELECT CAST(substr(uuid, 1, 8) AS INTEGER), result, operation FROM migratore ORDER BY object_id" |
		tr '\n' ' ' | sed 's/ $//'
	echo
}

fleet() { MIG_CWD=$W mig "$@"; }
