#!/bin/bash
# --deadline and --resume (docs/fleet.md, Rollouts): a run stops starting
# targets at its deadline and its report says which were not reached and
# why; --resume REPORT then runs exactly the targets that did not finish,
# after an interruption as after a deadline, and `report merge` puts the
# two reports together.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$TESTS_SRCDIR/lib/tap.sh"
. "$TESTS_SRCDIR/lib/engines.sh"
. "$TESTS_SRCDIR/lib/rollout.sh"

W=$T_TMP/fleet
mkdir -p "$W/db"
# one second of work, then a table
write_exec "$W/slow" 1700000100 1 'case "$1" in run) sleep 1;; esac'
write_mig "$W/slow" 1700000200 2 "a table" <<'SQL'
-- migratore: run
CREATE TABLE t2 (id INTEGER PRIMARY KEY);
SQL

cat >"$W/fleet.yaml" <<EOF
version: 1
defaults:
  engine: sqlite
  path: slow
targets:
  - name: t-{1..6}
    db: db/t-{1..6}.db
EOF

statuses() { # REPORT
	py "$1" <<'PY'
import json, sys
print(" ".join("%s:%s" % (t["name"], t["status"]) for t in json.load(open(sys.argv[1]))["targets"]))
PY
}
unfinished() { # REPORT
	py "$1" <<'PY'
import json, sys
print(" ".join(t["name"] for t in json.load(open(sys.argv[1]))["targets"]
               if t["status"] not in ("ok", "nothing-to-do")))
PY
}
every_db_once() { # -> "ok" when each migration of each target ran once
	local i out=
	for i in 1 2 3 4 5 6; do
		[ "$(sqlite_rows "$W/db/t-$i.db")" = "1:success:Run 2:success:Run" ] ||
			out="$out t-$i:$(sqlite_rows "$W/db/t-$i.db")"
	done
	echo "${out:-ok}"
}

# ---- a deadline --------------------------------------------------------------
fleet upgrade --inventory fleet.yaml --jobs 1 --deadline 1.5s --report night1.json
is_rc 1 "targets not reached by the deadline: exit 1"
# t-1 takes 1 s, t-2 starts before 1.5 s and finishes after it
like "$(statuses "$W/night1.json")" "^t-1:ok t-2:(ok|not-reached) t-3:not-reached t-4:not-reached t-5:not-reached t-6:not-reached$" \
	"at most two targets were reached"
is "$(py "$W/night1.json" <<'PY'
import json, sys, calendar, time
r = json.load(open(sys.argv[1]))
deadline = calendar.timegm(time.strptime(r["options"]["deadline"], "%Y-%m-%dT%H:%M:%SZ"))
started = [t for t in r["targets"] if t["start"] is not None]
print("none started after the deadline:", all(t["start"] < deadline + 1 for t in started))
print("the running one finished:", all(t["status"] == "ok" for t in started))
print(r["stopped"].startswith("deadline passed ("), r["stopped"][17:-1] == r["options"]["deadline"])
print({t["reason"] for t in r["targets"] if t["status"] == "not-reached"} == {"not started: " + r["stopped"]})
PY
)" "none started after the deadline: True
the running one finished: True
True True
True" "the report says which were not reached, and why: the deadline passed"
like "$M_OUT" "t-3 +sqlite +not-reached .*not started: deadline passed \(" "the text report too"
like "$M_ERR" "deadline passed \([^)]*\): starting no more targets" \
	"progress says when the deadline passes"
want=$(unfinished "$W/night1.json")

# ---- the next night: --resume ------------------------------------------------
fleet upgrade --inventory fleet.yaml --jobs 2 --resume night1.json --report night2.json
is_rc 0 "--resume: the rest finishes, exit 0"
is "$(statuses "$W/night2.json")" "$(for t in $want; do printf '%s:ok ' "$t"; done | sed 's/ $//')" \
	"--resume ran exactly the targets the report left unfinished ($want)"
is "$(every_db_once)" ok "every migration of every target was applied exactly once"
fleet report merge both.json night1.json night2.json
is_rc 0 "the merged report: every target ok, exit 0"
is "$(statuses "$W/both.json")" "t-1:ok t-2:ok t-3:ok t-4:ok t-5:ok t-6:ok" \
	"the merged report has every target, each with its last status"

fleet upgrade --inventory fleet.yaml --resume night2.json --report night3.json
is_rc 0 "--resume of a run that finished everything: exit 0"
like "$M_ERR" "no target to run: every target of the --resume report finished" "... and says there is nothing to do"
is "$(py "$W/night3.json" <<<'import json,sys; r=json.load(open(sys.argv[1])); print(r["totals"]["targets"], r["exit_code"], r["options"]["resume"])')" \
	"0 0 night2.json" "... and writes an empty report"

# ---- an interrupted run, resumed ----------------------------------------------
rm -f "$W"/db/*
(cd "$W" && exec env -i PATH="$PATH" HOME="$T_TMP/home" USER=itester \
	"$MIGRATORE" upgrade --inventory fleet.yaml --jobs 1 --report int1.json \
	--log-dir logs >"$W/int.out" 2>"$W/int.err") &
P=$!
bg_track $P
wait_for grep -qs "Running migration" "$W/logs/t-2.log" || bail_out "t-2 never started"
kill -INT $P
wait $P
is "$?" 130 "an interrupted run: exit 130"
is "$(statuses "$W/int1.json")" \
	"t-1:ok t-2:interrupted t-3:not-reached t-4:not-reached t-5:not-reached t-6:not-reached" \
	"interrupted while t-2 ran: t-2 stopped between its migrations, the rest not reached"
want=$(unfinished "$W/int1.json")

# t-6 left the inventory meanwhile: a warning, not an error
sed 's/t-{1..6}/t-{1..5}/; s/db\/t-{1..5}.db/db\/t-{1..5}.db/' "$W/fleet.yaml" >"$W/five.yaml"
fleet upgrade --inventory five.yaml --resume int1.json --report int2.json
is_rc 0 "--resume after an interruption: exit 0"
is "$(statuses "$W/int2.json")" "t-2:ok t-3:ok t-4:ok t-5:ok" \
	"--resume finished exactly the unfinished targets still in the inventory"
like "$M_ERR" "warning: --resume: target 't-6' is no longer in the inventory: skipped" \
	"a target gone from the inventory is a warning"
is "$want" "t-2 t-3 t-4 t-5 t-6" "(the report's unfinished targets)"
fleet upgrade --inventory fleet.yaml --resume int1.json --select t-6 --report int3.json
is "$(statuses "$W/int3.json")" "t-6:ok" "--select narrows --resume"
is "$(every_db_once)" ok "after the resumes every migration ran exactly once"

# ---- usage errors --------------------------------------------------------------
fleet upgrade --inventory fleet.yaml --resume missing.json
is_rc 3 "--resume of a missing report: exit 3"
like "$M_ERR" "--resume: .*missing.json" "... naming the file"
echo '{"schema": "something else"}' >"$W/other.json"
fleet upgrade --inventory fleet.yaml --resume other.json
is_rc 3 "--resume of a file that is no fleet report: exit 3"
fleet dry_upgrade --inventory fleet.yaml --resume night1.json --quiet
like "$M_ERR" "warning: --resume night1.json: that run was 'upgrade', this one is 'dry_upgrade'" \
	"--resume of another command's report: a warning"
for d in 25:00 2020-01-01T00:00Z soon 1d; do
	fleet upgrade --inventory fleet.yaml --deadline "$d"
	is_rc 2 "--deadline $d: exit 2"
done
like "$M_ERR" "--deadline '1d': give a duration \(2h, 90m\), a clock time \(06:00\) or a date and time" \
	"... saying what it takes"
fleet upgrade --inventory fleet.yaml --deadline 23:59:59 --select t-1 --report r.json
is "$(py "$W/r.json" <<<'import json,sys; r=json.load(open(sys.argv[1])); print(r["targets"][0]["status"], r["options"]["deadline"][-1])')" \
	"nothing-to-do Z" "a clock-time deadline ahead: the run goes on; the report has it in UTC"

done_testing
