#!/bin/bash
# A full disk, and what discovery must not skip in silence (SPEC 6.2):
#   - the bookkeeping table cannot be created (a full tmpfs this test mounts,
#     or a file-size limit with SIGXFSZ ignored): exit 4, "nothing was
#     run", the database as it was;
#   - per-target logs (--log-dir) on a full disk: the run goes on and says
#     the log is incomplete, on the coordinator's stderr and in the
#     report's entry for the target;
#   - a directory, FIFO or symlink to a device named like a migration:
#     exit 3 naming it, before anything is touched.
# The mounts need root (CAP_SYS_ADMIN): without, those cases are skipped.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$TESTS_SRCDIR/lib/tap.sh"
. "$TESTS_SRCDIR/lib/engines.sh"

MOUNTS=()
trap 'for m in "${MOUNTS[@]}"; do umount "$m" 2>/dev/null; done; _engines_cleanup' EXIT

# full_tmpfs DIR: a small tmpfs at DIR, filled up; 1 when mount fails.
full_tmpfs() {
	mkdir -p "$1"
	mount -t tmpfs -o size=256k tmpfs "$1" 2>/dev/null || return 1
	MOUNTS+=("$1")
	dd if=/dev/zero of="$1/filler" bs=4k >/dev/null 2>&1
	return 0
}

D=$(new_dir)
write_mig "$D" 1700000001 1 "first" <<'EOF2'
-- migratore: run
CREATE TABLE t1 (id INTEGER);
EOF2

# ---- the bookkeeping table on a full disk ----------------------------------

if full_tmpfs "$T_TMP/full"; then
	mig DB_URL="sqlite://$T_TMP/full/app.db" upgrade "$D"
	is_rc 4 "full tmpfs: creating the bookkeeping table fails with exit 4"
	contains "$M_ERR" "migratore: error: bookkeeping table 'migratore': database or disk is full; nothing was run" \
		"full tmpfs: the message says what and that nothing was run"
	is "$(stat -c %s "$T_TMP/full/app.db")" 0 "full tmpfs: the database is as it was (empty)"
	rm -f "$T_TMP/full/filler"
	mig DB_URL="sqlite://$T_TMP/full/app.db" upgrade "$D"
	is_rc 0 "full tmpfs: with room again, upgrade succeeds"
else
	skip "mount -t tmpfs failed (not root, or no CAP_SYS_ADMIN)" 4
fi

# A file-size limit: SQLite's writes fail with EFBIG (SIGXFSZ ignored).
# Output goes through a pipe: the limit applies to regular files only.
(cd "$T_TMP/cwd" && ulimit -f 0 && trap '' XFSZ &&
	exec env -i PATH="$PATH" USER=itester DB_URL="sqlite://$T_TMP/limited.db" \
		"$MIGRATORE" upgrade "$D") 2>&1 | cat >"$T_TMP/limited.out"
rc=${PIPESTATUS[0]}
is "$rc" 4 "file-size limit: creating the bookkeeping table fails with exit 4"
like "$(cat "$T_TMP/limited.out")" "error: bookkeeping table 'migratore': .*; nothing was run" \
	"file-size limit: the message says that nothing was run"
is "$(stat -c %s "$T_TMP/limited.db")" 0 "file-size limit: the database is as it was (empty)"

# ---- per-target logs on a full disk ----------------------------------------

if full_tmpfs "$T_TMP/logs"; then
	mkdir -p "$T_TMP/fleet"
	printf 'version: 1\ntargets:\n  - name: lite\n    engine: sqlite\n    db: %s\n' "$T_TMP/fleet/app.db" \
		>"$T_TMP/fleet/fleet.yaml"
	MIG_CWD=$T_TMP/fleet mig upgrade "$D" --inventory fleet.yaml --log-dir "$T_TMP/logs" \
		--report r.json
	is_rc 0 "full log directory: the fleet run itself succeeds"
	contains "$M_ERR" "warning: [lite] log file: cannot write: No space left on device; this target's log is incomplete" \
		"full log directory: the coordinator says so on stderr"
	is "$(python3 -c 'import json,sys; print("\n".join(json.load(open(sys.argv[1]))["targets"][0]["warnings"]))' "$T_TMP/fleet/r.json" 2>&1)" \
		"log file: cannot write: No space left on device; this target's log is incomplete" \
		"full log directory: the report's entry for the target says so"
	is "$(sqlite3 "$T_TMP/fleet/app.db" "SELECT count(*) FROM migratore")" 1 "full log directory: the migration was applied"
else
	skip "mount -t tmpfs failed (not root, or no CAP_SYS_ADMIN)" 4
fi

# ---- discovery: named like a migration, but no file --------------------------

new_db sqlite
d=$(new_dir)
write_mig "$d" 1700000001 1 "first" </dev/null
mkfifo "$d/1700000002_pipe.sql"
mig upgrade "$d"
is_rc 3 "a FIFO named like a migration: exit 3"
contains "$M_ERR" "1700000002_pipe.sql is named like a migration but is a FIFO, not a regular file" \
	"a FIFO named like a migration: the message names it"
mig dry_upgrade "$d"
is_rc 3 "a FIFO named like a migration: dry_upgrade exits 3 too"
rm "$d/1700000002_pipe.sql"
mkdir "$d/1700000003_dir.sql"
mig upgrade "$d"
is_rc 3 "a directory named like a migration: exit 3"
contains "$M_ERR" "1700000003_dir.sql is named like a migration but is a directory" \
	"a directory named like a migration: the message names it"
rmdir "$d/1700000003_dir.sql"
ln -s /dev/null "$d/1700000004_null.sql"
mig upgrade "$d"
is_rc 3 "a symlink to a device named like a migration: exit 3"
contains "$M_ERR" "1700000004_null.sql is named like a migration but is a character device" \
	"a symlink to a device: the message names it"
is "$(ledger_count sqlite)" 0 "nothing was touched"
check_no_password
done_testing
