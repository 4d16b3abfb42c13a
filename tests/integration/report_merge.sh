#!/bin/bash
# `migratore report merge` (issue "Rollouts that operators trust", items 7
# and 8): three runs that each take a third of a mixed fleet (--shard K/3
# when the binary has it, else three --select partitions) merge into one
# report equal to a single run's over the whole fleet in counts and
# statuses, with the same exit code; a later run over the unfinished
# targets (what --resume runs) replaces them in the merge; bad input is
# refused with the file and position, and exit codes follow docs/reports.md.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$TESTS_SRCDIR/lib/tap.sh"
. "$TESTS_SRCDIR/lib/engines.sh"
. "$TESTS_SRCDIR/lib/reportfleet.sh"

# Until migratore.c dispatches `report` (reportcmd_main), say so and stop.
mig report --help
if [[ $M_OUT != *"report merge"* ]]; then
	skip "the report subcommand is not wired into this migratore" 1
	done_testing
fi

# "name=status" per target sorted by name, then the totals, of a report.
statuses() {
	python3 - "$1" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print(" ".join(sorted(t["name"] + "=" + t["status"] for t in r["targets"])))
print(" ".join("%s=%d" % kv for kv in sorted(r["totals"].items())))
PY
}

# ---- one run over the whole fleet ------------------------------------------
mixed_fleet "$T_TMP/single"
MIG_CWD=$T_TMP/single mig upgrade --inventory fleet.yaml --report report.json --quiet
is_rc 1 "the single run exits 1"
single=$(statuses "$T_TMP/single/report.json")

# ---- the same fleet in three parts -------------------------------------------
W=$T_TMP/sharded
mixed_fleet "$W"
mig help upgrade
if [[ "$M_OUT" == *--shard* ]]; then
	note "three runs with --shard K/3"
	parts=("--shard 0/3" "--shard 1/3" "--shard 2/3")
else
	note "no --shard in this migratore: three --select partitions"
	parts=("--select ok-1,done,rolled" "--select ok-2,failed"
		"--select ok-3,unreachable")
fi
for k in 1 2 3; do
	# shellcheck disable=SC2086
	MIG_CWD=$W mig upgrade --inventory fleet.yaml ${parts[k-1]} \
		--report part$k.json --quiet
done
is "$(python3 - "$W"/part{1,2,3}.json <<'PY'
import json, sys
names = [t["name"] for f in sys.argv[1:] for t in json.load(open(f))["targets"]]
print(len(names), len(set(names)))
PY
)" "7 7" "the three parts cover the 7 targets, each exactly once"

MIG_CWD=$W mig report merge merged.json part1.json part2.json part3.json \
	--junit merged.xml --html merged.html
is_rc 1 "merge exits 1, like the single run: a target failed"
is "$(statuses "$W/merged.json")" "$single" \
	"the merged report equals the single run's in statuses and counts"
is "$(stat -c %a "$W/merged.json")" 600 "the merged report is mode 0600"
ok "$([ -s "$W/merged.xml" ] && [ -s "$W/merged.html" ]; echo $?)" \
	"--junit and --html render the merged report"
is "$(python3 - "$W/merged.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
ids = {t["run_id"] for t in r["targets"]}
print(r["schema"], r["schema_version"], r["run_id"], len(r["run_ids"]),
      len(ids), r["exit_code"], len(r["merged"]), r["replaced"])
PY
)" "migratore-fleet-report 1 None 3 3 1 3 []" \
	"the merged report names its three runs; every target its own"
contains "$(cat "$W/merged.xml")" 'tests="7" failures="2" errors="1"' \
	"the merged JUnit counts every target"

# ---- a run over what is unfinished, merged after the first -------------------
# Fix the failing migration, then run the targets that did not finish (what
# --resume REPORT takes from the report: neither ok nor nothing-to-do).
sed -i 's/^INSERT INTO no_such_table.*/INSERT INTO t3 VALUES (1);/' \
	"$W"/bad/1700000300_m3.sql
unfinished=$(python3 - "$W/merged.json" <<'PY'
import json, sys
print(",".join(sorted(t["name"] for t in json.load(open(sys.argv[1]))["targets"]
               if t["status"] not in ("ok", "nothing-to-do"))))
PY
)
is "$unfinished" "failed,rolled,unreachable" "three targets are unfinished"
mkdir -p "$W/no/such/dir"
sleep 1 # the second run must end in a later second than the first
MIG_CWD=$W mig upgrade --inventory fleet.yaml --select "$unfinished" \
	--report again.json --quiet
is_rc 0 "the run over the unfinished targets succeeds"
MIG_CWD=$W mig report merge final.json merged.json again.json
is_rc 0 "merging it after the first: exit 0, every target is done"
like "$M_ERR" "failed: kept ok from again.json, replacing failed from merged.json" \
	"the replacement is noted on stderr"
is "$(sed -n 1p <<<"$(statuses "$W/final.json")")" \
	"done=nothing-to-do failed=ok ok-1=ok ok-2=ok ok-3=ok rolled=ok unreachable=ok" \
	"each target once, the later run's outcome kept"
MIG_CWD=$W mig report merge final2.json again.json merged.json
is "$(statuses "$W/final2.json")" "$(statuses "$W/final.json")" \
	"the order of the arguments does not matter"

# ---- refusals ---------------------------------------------------------------
printf '{"schema": "migratore-fleet-report",\n "schema_version": 1, x}\n' >"$W/broken.json"
MIG_CWD=$W mig report render broken.json --html x.html
is_rc 3 "a broken report: exit 3"
like "$M_ERR" "broken.json:2:23: expected a string" "the message names the file, line and column"
ok "$([ ! -e "$W/x.html" ]; echo $?)" "nothing was written"
MIG_CWD=$W mig report merge out.json part1.json missing.json
is_rc 3 "a missing report: exit 3"
like "$M_ERR" "missing.json: No such file or directory" "named"
ok "$([ ! -e "$W/out.json" ]; echo $?)" "no merged report was written"
MIG_CWD=$W mig --inventory fleet.yaml dry_upgrade --select ok-1 --report dry.json --quiet
MIG_CWD=$W mig report merge out.json part1.json dry.json
is_rc 2 "reports of different commands: exit 2"
like "$M_ERR" "dry.json: a report of \"dry_upgrade\", not \"upgrade\"" "and why"
MIG_CWD=$W mig report render part1.json
is_rc 2 "render with nothing to render: exit 2"
MIG_CWD=$W mig report render part1.json --pdf x
is_rc 2 "an unknown option: exit 2"
like "$M_ERR" "unknown option '--pdf'" "named"
MIG_CWD=$W mig report frobnicate
is_rc 2 "an unknown subcommand: exit 2"
MIG_CWD=$W mig report merge "$W/no/such/place/out.json" part1.json
is_rc 1 "an output that cannot be written: exit 1"
like "$M_ERR" "cannot write $W/no/such/place/out.json" "named"
# A FIFO (like /dev/null, not a regular file) is refused, not written to
# nor replaced (docs/security.md); '-' is the way to a pipe.
mkfifo "$W/fifo"
MIG_CWD=$W MIG_TIMEOUT=20 mig report render part1.json --junit fifo
is_rc 1 "rendering into a FIFO: exit 1"
like "$M_ERR" "cannot write fifo: fifo is a FIFO, not a regular file: refused" \
	"the FIFO named, and what it is"
ok "$([ -p "$W/fifo" ]; echo $?)" "the FIFO is still a FIFO"
MIG_CWD=$W mig report render part1.json --junit=-
is_rc 0 "--junit=- renders to stdout"
like "$M_OUT" "^<\?xml " "the document is on stdout"
MIG_CWD=$W mig report render part1.json --html=-
is_rc 0 "--html=- renders to stdout"
like "$M_OUT" "^<!DOCTYPE html>" "the page is on stdout"

done_testing
