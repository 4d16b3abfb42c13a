#!/bin/bash
# --metrics FILE: Prometheus metrics of a fleet run (docs/fleet.md,
# "Metrics") from a real fleet (SQLite, plus PostgreSQL and MariaDB when
# tests/servers.sh started them), read as node_exporter's textfile
# collector would: the format checked by tests/lib/promcheck.py (the text
# format's grammar and promtool's lint; shown to catch each kind of
# mistake) and by promtool itself when it is installed; mode 0644, written
# by rename; every target's status, counts and last success, the run's;
# a failing night keeps the last success of the night before. The
# inventory sits in a directory whose name holds '"' and '\', which the
# run_info series' inventory label must carry escaped (target names cannot
# hold them: the inventory refuses such a name, checked too).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$TESTS_SRCDIR/lib/tap.sh"
. "$TESTS_SRCDIR/lib/engines.sh"

PROMCHECK=$TESTS_SRCDIR/lib/promcheck.py

# ---- the checker notices each kind of mistake ----------------------------

BROKEN=(
	"no HELP|# TYPE a gauge\na 1\n"
	"HELP after the samples|# TYPE a gauge\na 1\n# HELP a x\n"
	"two TYPE lines|# HELP a x\n# TYPE a gauge\n# TYPE a gauge\na 1\n"
	"an unknown type|# HELP a x\n# TYPE a gauge2\na 1\n"
	"a gauge named _total|# HELP a_total x\n# TYPE a_total gauge\na_total 1\n"
	"a counter not named _total|# HELP a x\n# TYPE a counter\na 1\n"
	"an invalid metric name|# HELP 1a x\n# TYPE 1a gauge\n1a 1\n"
	"an invalid label name|# HELP a x\n# TYPE a gauge\na{1x=\"v\"} 1\n"
	"a reserved label name|# HELP a x\n# TYPE a gauge\na{__x=\"v\"} 1\n"
	"an unescaped quote|# HELP a x\n# TYPE a gauge\na{l=\"x\"y\"} 1\n"
	"an invalid escape|# HELP a x\n# TYPE a gauge\na{l=\"x\\\\qy\"} 1\n"
	"an unterminated label value|# HELP a x\n# TYPE a gauge\na{l=\"x} 1\n"
	"a label given twice|# HELP a x\n# TYPE a gauge\na{l=\"1\",l=\"2\"} 1\n"
	"a value that is no float|# HELP a x\n# TYPE a gauge\na 1,5\n"
	"no value|# HELP a x\n# TYPE a gauge\na{l=\"1\"}\n"
	"a duplicate series|# HELP a x\n# TYPE a gauge\na{l=\"1\"} 1\na{l=\"1\"} 2\n"
	"samples of a family apart|# HELP a x\n# TYPE a gauge\n# HELP b x\n# TYPE b gauge\na 1\nb 1\na{l=\"2\"} 1\n"
	"no newline at the end|# HELP a x\n# TYPE a gauge\na 1"
	"a non-base unit|# HELP a_milliseconds x\n# TYPE a_milliseconds gauge\na_milliseconds 1\n"
)
printf '# HELP a x\n# TYPE a gauge\na{l="q\\"\\\\\\n",m="2"} 1.5e3\na{l="2"} NaN\na +Inf 1700000000000\n' >"$T_TMP/good.prom"
python3 "$PROMCHECK" "$T_TMP/good.prom" >"$T_TMP/good.out" 2>&1
is "$?:$(cat "$T_TMP/good.out")" "0:" "promcheck: a file with escapes, NaN, +Inf and a timestamp is valid"
for b in "${BROKEN[@]}"; do
	printf '%b' "${b#*|}" >"$T_TMP/broken.prom"
	python3 "$PROMCHECK" "$T_TMP/broken.prom" >/dev/null 2>&1
	is "$?" 1 "promcheck rejects ${b%%|*}"
done

# ---- the fleet -----------------------------------------------------------

W="$T_TMP/we\"ird\\dir"
mkdir -p "$W/m" "$W/bad" "$W/db" "$W/prom"
{
	echo "version: 1"
	echo "defaults:"
	echo "  path: m"
	echo "targets:"
	echo "  - name: lite-1"
	echo "    engine: sqlite"
	echo "    db: db/lite-1.db"
	echo "  - name: lite-2"
	echo "    engine: sqlite"
	echo "    db: db/lite-2.db"
} >"$W/fleet.yaml"
declare -A ENGINE=([lite-1]=sqlite [lite-2]=sqlite)
NAMES=(lite-1 lite-2)
for e in $(engine_list); do
	[ "$e" = sqlite ] && continue
	new_db "$e"
	NAMES+=("$e-1")
	ENGINE[$e-1]=$e
	printf '  - name: %s\n    url: %s\n' "$e-1" "$DB_URL" >>"$W/fleet.yaml"
done
unset DB_URL
[ "${#NAMES[@]}" -gt 2 ] || note "no server started: a SQLite-only fleet"

write_mig "$W/m" 1700000100 1 "first" <<'EOF'
-- migratore: run
CREATE TABLE t1 (id INTEGER PRIMARY KEY);
EOF

fleet() { MIG_CWD=$W mig "$@"; }

# The samples of FILE as "name labels value" lines, labels as JSON with
# sorted keys (unescaped by promcheck), for grep.
samples() {
	python3 - "$PROMCHECK" "$1" <<'PY'
import json, subprocess, sys
out = subprocess.run([sys.executable, sys.argv[1], "--json", sys.argv[2]],
                     capture_output=True, text=True).stdout
for name, labels, value in json.loads(out or "[]"):
    print(name, json.dumps(labels, sort_keys=True), repr(value))
PY
}
# The value of one series: NAME and its labels as sorted JSON.
value_of() { # FILE NAME LABELS-JSON
	samples "$1" | awk -v k="$2 $3" 'index($0, k " ") == 1 { print substr($0, length(k) + 2) }'
}
tl() { # TARGET [STATUS]: its labels (keys sorted)
	if [ -n "${2:-}" ]; then
		printf '{"command": "upgrade", "engine": "%s", "status": "%s", "target": "%s"}' "${ENGINE[$1]}" "$2" "$1"
	else
		printf '{"command": "upgrade", "engine": "%s", "target": "%s"}' "${ENGINE[$1]}" "$1"
	fi
}
rl() { printf '{"command": "upgrade"}'; }
# A target's end in the JSON report.
report_end() { # REPORT TARGET
	python3 -c 'import json, sys; print(repr([t for t in json.load(open(sys.argv[1]))["targets"] if t["name"] == sys.argv[2]][0]["end"]))' "$1" "$2"
}

# Checks every way a reader would: promcheck, promtool, mode, no temp file.
check_file() { # FILE WHAT
	local out
	out=$(python3 "$PROMCHECK" "$1" 2>&1)
	is "$?:$out" "0:" "$2: promcheck finds nothing wrong"
	if command -v promtool >/dev/null 2>&1; then
		out=$(promtool check metrics <"$1" 2>&1)
		is "$?:$out" "0:" "$2: promtool check metrics finds nothing wrong"
	else
		skip "no promtool (apt-get install prometheus)" 1
	fi
	is "$(stat -c %a "$1")" 644 "$2: mode 0644, for node_exporter"
	is "$(ls -A "$(dirname "$1")" | grep -c '\.tmp')" 0 "$2: no temporary file left"
}

fleet upgrade --inventory fleet.yaml --metrics prom/migratore.prom --report r1.json --quiet
is_rc 0 "night 1: the fleet upgrades"
P=$W/prom/migratore.prom
check_file "$P" "night 1"
for n in "${NAMES[@]}"; do
	is "$(value_of "$P" migratore_target_status "$(tl "$n" ok)")" 1.0 \
		"night 1: $n: status ok"
	is "$(value_of "$P" migratore_target_success "$(tl "$n")")" 1.0 "night 1: $n: success 1"
	is "$(value_of "$P" migratore_target_applied_migrations "$(tl "$n")")" 1.0 "night 1: $n: 1 applied"
	is "$(value_of "$P" migratore_target_pending_migrations "$(tl "$n")")" 0.0 "night 1: $n: 0 pending"
	ok "$(python3 -c 'import sys; sys.exit(not 0 < float(sys.argv[1]) < 60)' "$(value_of "$P" migratore_target_duration_seconds "$(tl "$n")")"; echo $?)" \
		"night 1: $n: a duration in seconds"
	is "$(python3 -c 'import sys; print(abs(float(sys.argv[1]) - float(sys.argv[2])) < 0.001)' \
		"$(value_of "$P" migratore_target_last_success_timestamp_seconds "$(tl "$n")")" \
		"$(report_end "$W/r1.json" "$n")")" True "night 1: $n: last success is its end in the report"
done
is "$(samples "$P" | grep -c '^migratore_target_status ')" "${#NAMES[@]}" "night 1: one status series per target"
is "$(value_of "$P" migratore_run_targets '{"command": "upgrade", "status": "ok"}')" "${#NAMES[@]}.0" \
	"night 1: every target counted ok"
is "$(value_of "$P" migratore_run_targets '{"command": "upgrade", "status": "failed"}')" 0.0 \
	"night 1: a status no target has is 0"
is "$(value_of "$P" migratore_run_exit_code "$(rl)")" 0.0 "night 1: exit code 0"
is "$(value_of "$P" migratore_run_success "$(rl)")" 1.0 "night 1: the run succeeded"
night1_end=$(value_of "$P" migratore_run_end_timestamp_seconds "$(rl)")
is "$(python3 -c '
import datetime, json, sys
d = json.load(open(sys.argv[1]))
t = lambda s: datetime.datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc).timestamp()
print(t(d["start"]), t(d["end"]))' "$W/r1.json")" \
	"$(value_of "$P" migratore_run_start_timestamp_seconds "$(rl)") $night1_end" \
	"night 1: the run's start and end are the report's"
is "$(value_of "$P" migratore_run_last_success_timestamp_seconds "$(rl)")" "$night1_end" \
	"night 1: the run's last success is its end"
info=$(samples "$P" | sed -n 's/^migratore_run_info //p')
is "$(python3 -c 'import json, sys; print(json.loads(sys.argv[1].rsplit(" ", 1)[0])["inventory"])' "$info")" \
	"fleet.yaml" "night 1: run_info names the inventory"
last1=$(value_of "$P" migratore_target_last_success_timestamp_seconds "$(tl lite-2)")

# Night 2: lite-2 fails; the others have nothing to do. lite-2's last
# success is night 1's, the run's too; the inventory given by its full
# path, '"' and '\' and all, is escaped in the label and read back whole.
sleep 1.1
write_mig "$W/bad" 1700000200 2 "breaks" <<'EOF'
-- migratore: run
INSERT INTO no_such_table VALUES (1);
EOF
cp "$W/m/"*.sql "$W/bad/"
sed -i 's|^    db: db/lite-2.db$|    db: db/lite-2.db\n    path: bad|' "$W/fleet.yaml"
fleet upgrade --inventory "$W/fleet.yaml" --metrics "$P" --report r2.json --quiet
is_rc 1 "night 2: a target fails: exit 1"
check_file "$P" "night 2"
is "$(value_of "$P" migratore_target_status "$(tl lite-2 failed)")" 1.0 \
	"night 2: lite-2: status failed"
is "$(samples "$P" | grep -c "^migratore_target_status .*\"target\": \"lite-2\"")" 1 \
	"night 2: lite-2 has one status series, the failed one"
is "$(value_of "$P" migratore_target_success "$(tl lite-2)")" 0.0 "night 2: lite-2: success 0"
is "$(value_of "$P" migratore_target_pending_migrations "$(tl lite-2)")" 1.0 "night 2: lite-2: 1 pending"
is "$(value_of "$P" migratore_target_last_success_timestamp_seconds "$(tl lite-2)")" "$last1" \
	"night 2: lite-2: the last success of night 1 is kept"
for n in "${NAMES[@]}"; do
	[ "$n" = lite-2 ] && continue
	is "$(value_of "$P" migratore_target_status "$(tl "$n" nothing-to-do)")" 1.0 \
		"night 2: $n: nothing-to-do"
	is "$(python3 -c 'import sys; print(abs(float(sys.argv[1]) - float(sys.argv[2])) < 0.001)' \
		"$(value_of "$P" migratore_target_last_success_timestamp_seconds "$(tl "$n")")" \
		"$(report_end "$W/r2.json" "$n")")" True "night 2: $n: last success moves to tonight"
done
is "$(value_of "$P" migratore_run_exit_code "$(rl)")" 1.0 "night 2: exit code 1"
is "$(value_of "$P" migratore_run_success "$(rl)")" 0.0 "night 2: the run failed"
is "$(value_of "$P" migratore_run_targets '{"command": "upgrade", "status": "failed"}')" 1.0 \
	"night 2: one target failed"
is "$(value_of "$P" migratore_run_last_success_timestamp_seconds "$(rl)")" "$night1_end" \
	"night 2: the run's last success stays night 1's"
grep -qF "inventory=\"$(printf '%s' "$W/fleet.yaml" | sed 's/\\/\\\\/g; s/"/\\"/g')\"" "$P"
ok $? "night 2: the inventory label is escaped (\\\" and \\\\)"
info=$(samples "$P" | sed -n 's/^migratore_run_info //p')
is "$(python3 -c 'import json, sys; print(json.loads(sys.argv[1].rsplit(" ", 1)[0])["inventory"])' "$info")" \
	"$W/fleet.yaml" "night 2: ... and reads back as the inventory's path"

# Another command writes its own series (command label): a dry run into
# the same directory's other file, both readable together.
fleet dry_upgrade --inventory fleet.yaml --metrics prom/dry.prom --quiet
check_file "$W/prom/dry.prom" "dry_upgrade"
cat "$P" "$W/prom/dry.prom" | grep -v '^# ' >"$T_TMP/both.txt"
is "$(sort "$T_TMP/both.txt" | uniq -d | wc -l)" 0 "an upgrade's and a dry run's files share no series"

# --metrics -: on stdout (for a Pushgateway), the summary on stderr; it
# shares stdout with no other document.
fleet upgrade --inventory fleet.yaml --metrics -
is_rc 1 "--metrics -: exit 1, as before"
printf '%s\n' "$M_OUT" >"$T_TMP/stdout.prom"
check_out=$(python3 "$PROMCHECK" "$T_TMP/stdout.prom" 2>&1)
is "$?:$check_out" "0:" "--metrics -: stdout is the metrics, valid"
is "$(value_of "$T_TMP/stdout.prom" migratore_target_status "$(tl lite-2 failed)")" 1.0 \
	"--metrics -: lite-2 failed"
is "$(samples "$T_TMP/stdout.prom" | grep -c '^migratore_target_last_success_timestamp_seconds .*lite-2')" 0 \
	"--metrics -: no earlier file, so no last success for lite-2"
contains "$M_ERR" "failed" "--metrics -: the summary is on stderr"
fleet upgrade --inventory fleet.yaml --metrics - --report -
is_rc 2 "--metrics - and --report -: exit 2"
contains "$M_ERR" "both write to stdout" "... both want stdout"

# Refused before anything starts: a file that cannot be created, and a
# run without an inventory.
fleet upgrade --inventory fleet.yaml --metrics no/such/dir/m.prom
is_rc 2 "--metrics in a directory that does not exist: exit 2"
like "$M_ERR" "--metrics no/such/dir/m.prom: cannot (create|open directory)" "... naming the option and the path"
mig DB_URL=sqlite:$T_TMP/single.db upgrade "$W/m" --metrics "$T_TMP/single.prom"
is_rc 2 "--metrics without an inventory: exit 2"
like "$M_ERR" "--metrics is for fleet mode" "... and says so"

# A target name with '"' or '\' never reaches a label: the inventory
# refuses it.
printf 'version: 1\ntargets:\n  - name: '"'"'we"ird\\name'"'"'\n    engine: sqlite\n    db: x.db\n' >"$W/hostile.yaml"
fleet upgrade --inventory hostile.yaml --metrics prom/h.prom
is_rc 3 "a target named we\"ird\\name: the inventory is refused (exit 3)"
like "$M_ERR" "is not a valid name" "... as not a valid name"

check_no_password
done_testing
