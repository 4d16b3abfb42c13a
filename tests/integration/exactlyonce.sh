#!/bin/bash
# Nothing applied twice (SPEC 7). The SQLite lock follows the file, not its
# name: concurrent upgrades through every spelling of one file (relative,
# ./, absolute, a non-canonical absolute path, a symlink, a hard link, a
# bind mount) apply every migration exactly once. And the second line of
# defence holds without any lock (MIGRATORE_TESTING_NO_LOCK=1): the
# transaction that records a migration first checks that no other run
# recorded it meanwhile; the runs that lose say so on stderr, exit 0, and
# in a fleet the target stays a success. SQLite and PostgreSQL; MySQL
# commits DDL implicitly, so its check cannot sit inside the migration's
# transaction (migratore(1), LOCKING) and it is not run without the lock.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$TESTS_SRCDIR/lib/tap.sh"
. "$TESTS_SRCDIR/lib/engines.sh"

BINDS=()
trap 'for b in "${BINDS[@]}"; do umount "$b" 2>/dev/null; done; _engines_cleanup' EXIT

# A slow first migration (the others queue behind it), then inserts that a
# second run would repeat.
migrations() { # DIR ENGINE
	write_mig "$1" 1700000001 1 "slow" <<EOF2
-- migratore: run
CREATE TABLE t (id INTEGER);
$(slow_sql "$2")
EOF2
	write_mig "$1" 1700000002 2 "two" <<'EOF2'
-- migratore: run
INSERT INTO t (id) VALUES (2);
EOF2
	write_mig "$1" 1700000003 3 "three" <<'EOF2'
-- migratore: run
INSERT INTO t (id) VALUES (3);
EOF2
}

once_each() { # ENGINE
	sql "$1" "SELECT uuid, count(*) FROM migratore WHERE result = 'success' GROUP BY uuid ORDER BY uuid" | tr '\t\n' ': '
}
ONCE_EACH="$(uid 1):1 $(uid 2):1 $(uid 3):1 "

# ---- one lock for every name of a SQLite file -----------------------------

# spellings TRIALDIR: the names of TRIALDIR/a/real.db, relative to it.
spellings() {
	local abs=$1
	printf '%s\n' "sqlite:a/real.db" "sqlite:./a/real.db" \
		"sqlite://$abs/a/real.db" "sqlite://$abs/a/../a/real.db" \
		"sqlite:link.db" "sqlite:hard.db"
	[ -d "$abs/bind" ] && mountpoint -q "$abs/bind" &&
		printf '%s\n' "sqlite:bind/real.db" "sqlite://$abs/bind/real.db"
	return 0
}

BIND_OK=
trial() { # K
	local k=$1 w=$T_TMP/trial$1 d u i=0 rcs
	local -a pids=()
	mkdir -p "$w/a"
	d=$(new_dir)
	migrations "$d" sqlite
	: >"$w/a/real.db"
	ln -s a/real.db "$w/link.db"
	ln "$w/a/real.db" "$w/hard.db"
	mkdir "$w/bind"
	if mount --bind "$w/a" "$w/bind" 2>/dev/null; then
		BINDS+=("$w/bind")
		BIND_OK=1
	fi
	while read -r u; do
		i=$((i + 1))
		(MIG_CWD=$w mig DB_URL="$u" upgrade "$d"
			echo "$M_RC" >"$w/rc.$i") &
		pids+=($!)
	done < <(spellings "$w")
	wait "${pids[@]}"
	rcs=$(cat "$w"/rc.* | sort -u | tr '\n' ' ')
	is "$rcs" "0 " "trial $k: $i concurrent upgrades through $i names of one file all exit 0"
	T_DBFILE=$w/a/real.db
	is "$(once_each sqlite)" "$ONCE_EACH" "trial $k: every migration has exactly one success row"
	is "$(sql sqlite "SELECT count(*) FROM migratore")" 3 "trial $k: and no other row"
	is "$(sql sqlite "SELECT id FROM t ORDER BY id" | tr '\n' ' ')" "2 3 " "trial $k: every insert ran once"
}

for k in 1 2 3; do
	trial $k
done
if [ -n "$BIND_OK" ]; then
	pass "a bind mount of the directory was among the names"
else
	skip "mount --bind failed here (not root, or no CAP_SYS_ADMIN): no bind-mount name" 1
fi

# ---- the check inside the transaction, without any lock -------------------

# A fleet of one: the same database as DB_URL.
inventory() { # FILE ENGINE
	if [ "$2" = sqlite ]; then
		printf 'version: 1\ntargets:\n  - name: only\n    engine: sqlite\n    db: %s\n' "$T_DBFILE"
	else
		printf 'version: 1\ntargets:\n  - name: only\n    url: %s\n' "$DB_URL"
	fi >"$1"
}

case_no_lock() { # ENGINE
	local e=$1 d w=$T_TMP/nolock-$1 i
	local -a pids=()
	new_db "$e"
	d=$(new_dir)
	migrations "$d" "$e"
	mkdir -p "$w"
	inventory "$w/fleet.yaml" "$e"
	for i in 1 2 3 4 5 6; do
		if [ $((i % 3)) = 0 ]; then
			(cd "$w" && exec env -i PATH="$PATH" HOME="$T_TMP/home" USER=itester \
				MIGRATORE_TESTING_NO_LOCK=1 "$MIGRATORE" upgrade "$d" \
				--inventory fleet.yaml --report "r$i.json" \
				>"$w/out.$i" 2>"$w/err.$i"; echo $? >"$w/rc.$i") &
		else
			(mig MIGRATORE_TESTING_NO_LOCK=1 upgrade "$d"
				echo "$M_RC" >"$w/rc.$i"
				printf '%s' "$M_ERR" >"$w/err.$i") &
		fi
		pids+=($!)
	done
	wait "${pids[@]}"
	is "$(cat "$w"/rc.* | sort -u | tr '\n' ' ')" "0 " \
		"$e: six runs without the lock (four single, two fleet) all exit 0"
	is "$(once_each "$e")" "$ONCE_EACH" "$e: without the lock, every migration has exactly one success row"
	is "$(sql "$e" "SELECT count(*) FROM migratore")" 3 "$e: and no other row"
	is "$(sql "$e" "SELECT id FROM t ORDER BY id" | tr '\n' ' ')" "2 3 " "$e: every insert ran once"
	like "$(cat "$w"/err.* "$w"/out.*)" \
		"1700000001_m1.sql \($(uid 1)\) was applied meanwhile by run [0-9]{8}T[0-9]{6}Z-[0-9a-f]+ \(row 1\): not run again" \
		"$e: a run that found it applied meanwhile says so (the check, not a lock, kept it once)"
	is "$(python3 - "$w"/r*.json <<'PY'
import json, sys
print(" ".join(sorted({json.load(open(p))["targets"][0]["status"] for p in sys.argv[1:]} - {"ok", "nothing-to-do"})) or "success")
PY
)" success "$e: in a fleet, the target of a run that lost is still a success"
	drop_db
}

for e in $(engine_list); do
	[ "$e" = mysql ] && continue
	case_no_lock "$e"
done
check_no_password
done_testing
