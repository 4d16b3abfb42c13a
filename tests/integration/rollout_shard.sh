#!/bin/bash
# --shard K/N and `report merge` (docs/fleet.md, Rollouts): N runs with
# --shard 0/N .. N-1/N cover every target exactly once, by the documented
# function (FNV-1a 64 of the name, mod N); their merged report equals one
# run's; and shards that overlap by mistake are safe, because each
# database's migration lock lets one run apply a migration, once.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$TESTS_SRCDIR/lib/tap.sh"
. "$TESTS_SRCDIR/lib/engines.sh"
. "$TESTS_SRCDIR/lib/rollout.sh"

W=$T_TMP/fleet
mkdir -p "$W/db" "$W/one"
two_good "$W/good"
two_good "$W/bad"
one_bad "$W/bad"

inventory() { # FILE DBDIR
	{
		printf 'version: 1\ndefaults:\n  engine: sqlite\n  path: good\n'
		printf '  lock_timeout: 60\ntargets:\n'
		printf '  - name: tenant-{001..028}\n    db: %s/tenant-{001..028}.db\n' "$2"
		printf '  - name: broken\n    db: %s/broken.db\n    path: bad\n' "$2"
		printf '  - name: gone\n    db: %s/no/such/dir/gone.db\n' "$2"
	} >"$W/$1"
}
inventory fleet.yaml db
inventory single.yaml one

for k in 0 1 2; do
	fleet upgrade --inventory fleet.yaml --shard $k/3 --quiet --report part$k.json
	rc[k]=$M_RC
done
names() { # REPORT...
	py "$@" <<'PY'
import json, sys
for f in sys.argv[1:]:
    print(" ".join(t["name"] for t in json.load(open(f))["targets"]))
PY
}
is "$(names "$W"/part{0,1,2}.json | tr ' ' '\n' | sort | uniq -c | awk '{print $1}' | sort -u | tr '\n' ' ')$(names "$W"/part{0,1,2}.json | wc -w)" \
	"1 30" "three shards cover the 30 targets, each exactly once"
# the documented function, in Python
is "$(py "$W"/part{0,1,2}.json <<'PY'
import json, sys
def fnv1a64(s):
    h = 0xcbf29ce484222325
    for b in s.encode():
        h = ((h ^ b) * 0x100000001b3) & 0xffffffffffffffff
    return h
bad = [(k, t["name"]) for k, f in enumerate(sys.argv[1:])
       for t in json.load(open(f))["targets"] if fnv1a64(t["name"]) % 3 != k]
print(bad or "as documented")
PY
)" "as documented" "each target is in shard fnv1a64(name) mod 3"

fleet upgrade --inventory single.yaml --quiet --report single.json
is "$M_RC" 1 "one run over the whole fleet: exit 1 (a broken target)"
fleet report merge merged.json part0.json part1.json part2.json
is "$M_RC" 1 "the merge exits as the single run did"
compare() { # REPORT -> totals and each target's status and counts
	py "$1" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print(sorted(r["totals"].items()))
for t in sorted(r["targets"], key=lambda t: t["name"]):
    print(t["name"], t["status"], t["applied"], t["failed"], t["pending"])
PY
}
is "$(compare "$W/merged.json")" "$(compare "$W/single.json")" \
	"the merged report equals the single run's in counts and statuses"
is "$(stat -c %a "$W/merged.json")" 600 "the merged report is mode 0600"

# ---- overlapping shards: one migration, applied once -------------------------
rm -rf "$W"/db/*
write_exec "$W/slow" 1700000100 1 'case "$1" in run) sleep 0.3;; esac'
write_mig "$W/slow" 1700000200 2 "a table" <<'SQL'
-- migratore: run
CREATE TABLE t2 (id INTEGER PRIMARY KEY);
SQL
sed -i 's/path: good/path: slow/' "$W/fleet.yaml"
(cd "$W" && exec env -i PATH="$PATH" HOME="$T_TMP/home" USER=itester \
	"$MIGRATORE" upgrade --inventory fleet.yaml --shard 0/2 --jobs 4 \
	--quiet --report a.json >/dev/null 2>&1) &
A=$!
bg_track $A
(cd "$W" && exec env -i PATH="$PATH" HOME="$T_TMP/home" USER=itester \
	"$MIGRATORE" upgrade --inventory fleet.yaml --jobs 4 \
	--quiet --report b.json >/dev/null 2>&1) &
B=$!
bg_track $B
wait $A
wait $B
is "$(py "$W/a.json" "$W/b.json" "$W/db" <<'PY'
import json, os, sqlite3, sys
a = {t["name"]: t for t in json.load(open(sys.argv[1]))["targets"]}
b = {t["name"]: t for t in json.load(open(sys.argv[2]))["targets"]}
bad = []
for name in b:
    if name in ("broken", "gone"):
        continue
    db = sqlite3.connect(os.path.join(sys.argv[3], name + ".db"))
    rows = db.execute("SELECT uuid, count(*) FROM migratore WHERE result = 'success' "
                      "AND operation = 'Run' GROUP BY uuid").fetchall()
    if sorted(n for _, n in rows) != [1, 1]:
        bad.append("%s: %r" % (name, rows))
    applied = b[name]["applied"] + (a[name]["applied"] if name in a else 0)
    if applied != 2:
        bad.append("%s: the reports applied %d" % (name, applied))
both = [n for n in a if n in b]
print(len(both) > 5, "\n".join(bad) or "each migration applied exactly once")
PY
)" "True each migration applied exactly once" \
	"two overlapping runs at once: every migration applied exactly once, by one of them"

# ---- usage ---------------------------------------------------------------------
fleet upgrade --inventory fleet.yaml --shard 3/3
is_rc 2 "--shard 3/3: exit 2 (K counts from 0)"
like "$M_ERR" "2/3 is the last shard" "... and says so"
fleet upgrade --inventory fleet.yaml --shard 1-3
is_rc 2 "--shard 1-3: exit 2"
fleet upgrade --inventory fleet.yaml --select tenant-001 --shard 1/1000 --report empty.json
is_rc 0 "an empty shard: exit 0"
like "$M_ERR" "no target to run: the shard has none" "... saying there is nothing to do"
is "$(py "$W/empty.json" <<<'import json,sys; r=json.load(open(sys.argv[1])); print(r["totals"]["targets"], r["options"]["shard"])')" \
	"0 1/1000" "... with an empty report, that merges"
fleet report merge m2.json part0.json empty.json
is "$(names "$W/m2.json")" "$(names "$W/part0.json")" "an empty shard's report merges"
fleet report --help
is_rc 0 "report --help: exit 0"
like "$M_OUT" "Usage: migratore report merge OUT.json" "report --help prints its usage"
fleet help report
like "$M_OUT" "migratore report render REPORT.json" "help report too"
fleet help
like "$M_OUT" "report merge\|render ...  +Merges fleet reports" "help lists the report command"

done_testing
