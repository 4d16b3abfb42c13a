# tests/lib/reportfleet.sh - a mixed fleet of SQLite targets for the report
# tests (report_*.sh): source it after tap.sh and engines.sh, then
#
#   mixed_fleet DIR      writes DIR/fleet.yaml and its migrations, and
#                        upgrades "done" beforehand, so that a run ends:
#                        ok-1 ok-2 ok-3 ok, done nothing-to-do, failed
#                        failed (SAFE on), rolled rolled-back (SAFE off),
#                        unreachable unreachable
#   MIXED_STATUSES       those names and statuses, "name=status" in order

MIXED_STATUSES="ok-1=ok ok-2=ok ok-3=ok done=nothing-to-do failed=failed rolled=rolled-back unreachable=unreachable"

. "$TESTS_SRCDIR/lib/rollout.sh" # two_good

mixed_fleet() { # DIR
	local w=$1
	mkdir -p "$w/db"
	two_good "$w/good"
	two_good "$w/bad"
	# A failing statement whose text needs escaping in XML and HTML.
	write_mig "$w/bad" 1700000300 3 "breaks <on purpose> & loudly" <<'SQL'
-- migratore: run
CREATE TABLE t3 (id INTEGER PRIMARY KEY);
INSERT INTO no_such_table VALUES ('<b>"quoted" & </b>');
-- migratore: rollback
DROP TABLE IF EXISTS t3;
SQL
	cat >"$w/fleet.yaml" <<YAML
version: 1
defaults:
  engine: sqlite
  path: good
targets:
  - name: ok-{1..3}
    db: db/ok-{1..3}.db
    tags: [plain]
  - name: done
    db: db/done.db
  - name: failed
    db: db/failed.db
    path: bad
  - name: rolled
    db: db/rolled.db
    path: bad
    safe: false
  - name: unreachable
    db: $w/no/such/dir/x.db
YAML
	MIG_CWD=$w mig upgrade --inventory fleet.yaml --select done --quiet
	[ "$M_RC" = 0 ] || { mig_diag; bail_out "could not prepare the fleet"; }
}
