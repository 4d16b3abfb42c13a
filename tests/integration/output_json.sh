#!/bin/bash
# Output for programs (docs/reports.md, docs/report-schema.md): --format
# json for every database command, one target (a "migratore-run" document)
# and a fleet (the JSON report on stdout); --report - (the report on
# stdout, the table on stderr); --log-format json (JSON Lines events on
# stderr, one target and a fleet). Every document and line is read with
# python3's json module, and checked against the databases' rows.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$TESTS_SRCDIR/lib/tap.sh"
. "$TESTS_SRCDIR/lib/engines.sh"
. "$TESTS_SRCDIR/lib/reportfleet.sh" # mixed_fleet; two_good, one_bad, fleet

# What python3 makes of a JSON document on stdin, or the error.
jq_py() { # EXPRESSION (d is the document) < JSON
	python3 -c 'import json, sys
d = json.load(sys.stdin)
print(eval(sys.argv[1]))' "$1" 2>&1
}

# Every stderr line must be one JSON object; prints "event target" lines.
events_of() { # < STDERR
	python3 -c 'import json, sys
for line in sys.stdin:
    e = json.loads(line)
    assert isinstance(e, dict), line
    for k in ("ts", "event", "run_id", "target"):
        assert k in e, (k, line)
    print(e["event"], e["target"] if e["target"] is not None else "-")' 2>&1
}

# ---- one target, every engine --------------------------------------------------
case_single() { # ENGINE
	local e=$1 d id
	new_db "$e"
	d=$(new_dir)
	two_good "$d"
	one_bad "$d"

	mig dry_upgrade "$d" --format json
	is_rc 0 "$e: dry_upgrade --format json exits 0"
	is "$(jq_py '[d["schema"], d["schema_version"], d["command"], d["exit_code"], d["pending"], [(m["uuid"][:8], m["timestamp"], m["file"], m["description"]) for m in d["migrations"]], d["steps"], d["sql"]]' <<<"$M_OUT")" \
		"['migratore-run', 1, 'dry_upgrade', 0, 3, [('00000001', 1700000100, '1700000100_m1.sql', 'first table'), ('00000002', 1700000200, '1700000200_m2.sql', 'second table'), ('00000003', 1700000300, '1700000300_m3.sql', 'breaks')], [], None]" \
		"$e: dry_upgrade: one document with the pending migrations"

	mig upgrade "$d" --format json
	is_rc 1 "$e: upgrade --format json with a failing migration exits 1"
	is "$(jq_py '[d["command"], d["exit_code"], d["error_kind"], d["applied"], d["failed"], d["pending"], [(s["operation"], s["file"], s["result"], s["statement_no"]) for s in d["steps"]]]' <<<"$M_OUT")" \
		"['upgrade', 1, 'migration failed', 2, 1, 1, [('Run', '1700000100_m1.sql', 'success', None), ('Run', '1700000200_m2.sql', 'success', None), ('Run', '1700000300_m3.sql', 'error', 2)]]" \
		"$e: upgrade: the steps and the summary"
	is "$(jq_py '[s["object_id"] for s in d["steps"]]' <<<"$M_OUT")" \
		"[$(ledger "$e" object_id | paste -sd, | sed 's/,/, /g')]" \
		"$e: each step names its bookkeeping row"
	is "$(jq_py 'd["run_id"]' <<<"$M_OUT")" "$(ledger "$e" run_id | sort -u)" \
		"$e: the document's run id is the rows' run_id"
	like "$(jq_py 'd["steps"][2]["error"]' <<<"$M_OUT")" \
		"^statement 2 of 2 \(1700000300_m3.sql:[0-9]+\) failed: " \
		"$e: the failed step's error names the statement"
	lacks "$M_OUT" "$TEST_DB_PASS@" "$e: no password in the document"
	id=$(jq_py 'd["steps"][2]["object_id"]' <<<"$M_OUT")

	mig trace "$id" --format json
	is_rc 0 "$e: trace --format json exits 0"
	like "$(jq_py 'd["results"][0]' <<<"$M_OUT")" "^migration: 1700000300_m3.sql" \
		"$e: trace: the traceback in results"

	rm "$d/1700000300_m3.sql"
	mig downgrade "$d" --format json --log-format json
	is_rc 0 "$e: downgrade --format json exits 0"
	is "$(jq_py '[(s["operation"], s["file"], s["result"]) for s in d["steps"]] + [d["rollbacks"]]' <<<"$M_OUT")" \
		"[('Rollback', '1700000200_m2.sql', 'success'), 1]" \
		"$e: downgrade: the Rollback step"
	is "$(events_of <<<"$M_ERR" | tr '\n' ' ')" \
		"run_start - target_start - step_begin - step_end - run_end - " \
		"$e: --log-format json: every stderr line an event, in order"
	is "$(python3 3<<<"$M_OUT" <<<"$M_ERR" -c 'import json, sys
doc = json.load(open("/dev/fd/3"))
ev = [json.loads(l) for l in sys.stdin]
print(all(e["run_id"] == doc["run_id"] for e in ev),
      ev[1]["database"] == doc["target"],
      ev[3]["object_id"] == doc["steps"][0]["object_id"],
      ev[4]["exit_code"], ev[4]["rollbacks"])' 2>&1)" "True True True 0 1" \
		"$e: the events agree with the document"
	drop_db
}

for e in $(engine_list); do
	case_single "$e"
done

# A target that cannot be reached still gets its document.
mig DB_URL="sqlite://$T_TMP/no/such/dir/x.db" upgrade "$(new_dir)" --format json
is_rc 4 "unreachable: exit 4"
is "$(jq_py '[d["exit_code"], d["error_kind"], d["steps"], d["target"] is not None]' <<<"$M_OUT")" \
	"[4, 'connection failed', [], True]" "unreachable: the document says why"

# environ: each key's value and source
mig DB_URL="postgres://app:$T_SECRET@db1.example:5433/shop" environ --format json
is_rc 0 "environ --format json exits 0"
is "$(jq_py '[(k, d[k]["value"], d[k]["source"]) for k in ("engine", "host", "port", "db", "password")]' <<<"$M_OUT")" \
	"[('engine', 'postgres', 'DB_URL'), ('host', 'db1.example', 'DB_URL'), ('port', '5433', 'DB_URL'), ('db', 'shop', 'DB_URL'), ('password', '****', 'DB_URL')]" \
	"environ --format json: value and source per key, the password masked"
lacks "$M_OUT" "$T_SECRET" "environ --format json: no password"

# ---- a fleet --------------------------------------------------------------------
# tests/lib/reportfleet.sh: ok-1..3 ok, done nothing-to-do, failed failed,
# rolled rolled-back, unreachable unreachable; a fresh copy per run.
NAMES="['ok-1', 'ok-2', 'ok-3', 'done', 'failed', 'rolled', 'unreachable']"
n=0
fresh() { n=$((n + 1)); W=$T_TMP/fleet$n; mixed_fleet "$W"; }

fresh
fleet upgrade --inventory fleet.yaml --format json
is_rc 1 "fleet --format json: exit 1"
is "$(jq_py '[d["schema"], d["command"], d["exit_code"], [d["totals"][s] for s in ("ok", "nothing-to-do", "failed", "rolled-back", "unreachable")], [t["name"] for t in d["targets"]]]' <<<"$M_OUT")" \
	"['migratore-fleet-report', 'upgrade', 1, [3, 1, 1, 1, 1], $NAMES]" \
	"fleet --format json: stdout is the JSON report"
like "$M_ERR" "^failed +sqlite +failed " "fleet --format json: the table on stderr"
like "$M_ERR" "^Failures by error:" "... with the failures grouped"

fresh
fleet upgrade --inventory fleet.yaml --report - --jobs 2
is_rc 1 "--report -: exit 1"
is "$(jq_py '[d["schema"], d["totals"]["targets"]]' <<<"$M_OUT")" "['migratore-fleet-report', 7]" \
	"--report -: the JSON report on stdout"
like "$M_ERR" "^ok-1 +sqlite +ok " "--report -: the table on stderr"
ok "$([ ! -e "$W/-" ]; echo $?)" "--report -: no file named '-'"

fleet list --inventory fleet.yaml --format json --report -
is_rc 2 "list --format json --report -: a usage error"
contains "$M_ERR" "--format json (the targets' rows) and --report - both write to stdout; give one of them a file" \
	"... saying why"
fleet upgrade --inventory fleet.yaml --report - --junit -
is_rc 2 "--report - --junit -: a usage error"
contains "$M_ERR" "--report - and --junit - both write to stdout" "... naming both"

fresh
fleet upgrade --inventory fleet.yaml --junit - --report r.json
is_rc 1 "--junit -: exit 1"
is "$(python3 -c 'import sys, xml.etree.ElementTree as E
s = E.fromstring(sys.stdin.read()).find("testsuite")
print(s.get("tests"), s.get("failures"), s.get("errors"))' <<<"$M_OUT" 2>&1)" "7 2 1" \
	"--junit -: the JUnit XML on stdout"
like "$M_ERR" "^unreachable +sqlite +unreachable " "--junit -: the table on stderr"
ok "$([ -s "$W/r.json" ] && [ ! -e "$W/-" ]; echo $?)" "--junit -: the report file still written, no file named '-'"

fleet environ --inventory fleet.yaml --format json
is "$(jq_py '[list(d), d["failed"]["path"], d["ok-1"]["tags"]]' <<<"$M_OUT")" \
	"[$NAMES, {'value': '$W/bad', 'source': 'inventory'}, {'value': 'plain', 'source': 'inventory'}]" \
	"fleet environ --format json: each target's keys, path and tags too"

fresh
fleet upgrade --inventory fleet.yaml --format json --log-format json --jobs 2
is_rc 1 "fleet --log-format json: exit 1"
evs=$(events_of <<<"$M_ERR")
unlike "$evs" "Error|Traceback" "fleet: every stderr line is a JSON event (no table, no progress)"
is "$(head -1 <<<"$evs")/$(tail -1 <<<"$evs")" "run_start -/run_end -" \
	"fleet: run_start first, run_end last"
for t in ok-1 ok-2 ok-3 done failed rolled unreachable; do
	is "$(grep -E " $t\$" <<<"$evs" | grep -Ev '^step_' | cut -d' ' -f1 | tr '\n' ' ')" \
		"target_start target_end " "fleet: $t starts and ends once"
done
is "$(grep -c '^step_begin ok-1$' <<<"$evs")/$(grep -c '^step_end ok-1$' <<<"$evs")" "2/2" \
	"fleet: ok-1's two steps, begun and ended"
is "$(python3 3<<<"$M_OUT" <<<"$M_ERR" -c 'import json, sys
rep = json.load(open("/dev/fd/3"))
ev = [json.loads(l) for l in sys.stdin]
ends = {e["target"]: e for e in ev if e["event"] == "target_end"}
fails = [e for e in ev if e["event"] == "step_end" and e["result"] == "error"]
st = {t["name"]: t["status"] for t in rep["targets"]}
print(all(e["run_id"] == rep["run_id"] for e in ev),
      {n: e["status"] for n, e in ends.items()} == st,
      ev[-1]["totals"] == rep["totals"], ev[-1]["exit_code"],
      sorted((e["target"], e["file"], e["statement_no"]) for e in fails))' 2>&1)" \
	"True True True 1 [('failed', '1700000300_m3.sql', 2), ('rolled', '1700000300_m3.sql', 2)]" \
	"fleet: the events agree with the report"

# A mixed fleet on the servers: events name each target, the report each
# engine.
M=$T_TMP/mixed
mkdir -p "$M/db"
two_good "$M/m"
printf 'version: 1\ndefaults:\n  path: m\ntargets:\n  - name: lite\n    engine: sqlite\n    db: db/lite.db\n' >"$M/fleet.yaml"
names=lite
for e in $(engine_list); do
	[ "$e" = sqlite ] && continue
	new_db "$e"
	printf '  - name: %s\n    url: %s\n' "$e-1" "$DB_URL" >>"$M/fleet.yaml"
	names="$names $e-1"
done
unset DB_URL
MIG_CWD=$M mig upgrade --inventory fleet.yaml --format json --log-format json
is_rc 0 "mixed fleet: exit 0"
is "$(jq_py '" ".join("%s:%s:%s" % (t["name"], t["engine"], t["applied"]) for t in d["targets"])' <<<"$M_OUT")" \
	"$(for n in $names; do printf '%s:%s:2 ' "$n" "$(case $n in lite) echo sqlite ;; *) echo "${n%-1}" ;; esac)"; done | sed 's/ $//')" \
	"mixed fleet: every engine in the JSON report, 2 applied each"
is "$(events_of <<<"$M_ERR" | grep -c '^step_end ')" "$((2 * $(wc -w <<<"$names")))" \
	"mixed fleet: a step_end event per step"
lacks "$M_ERR$M_OUT" "$TEST_DB_PASS@" "mixed fleet: no password in the report or the events"

done_testing
