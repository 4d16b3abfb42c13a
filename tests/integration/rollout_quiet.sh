#!/bin/bash
# --quiet in fleet mode prints nothing at all when every target ended ok
# or nothing-to-do, and the full report when one did not (cron mails only
# then); --junit and --html write the run's report for CI systems and
# people, atomically and with mode 0600, like --report.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$TESTS_SRCDIR/lib/tap.sh"
. "$TESTS_SRCDIR/lib/engines.sh"
. "$TESTS_SRCDIR/lib/rollout.sh"

W=$T_TMP/fleet
mkdir -p "$W/db"
two_good "$W/good"
two_good "$W/bad"
one_bad "$W/bad"
cat >"$W/fleet.yaml" <<EOF
version: 1
defaults:
  engine: sqlite
  path: good
targets:
  - name: app-{1..4}
    db: db/app-{1..4}.db
  - name: broken
    db: db/broken.db
    path: bad
EOF

fleet upgrade --inventory fleet.yaml --select 'app-*' --quiet
is_rc 0 "--quiet, every target ok: exit 0"
is "$M_OUT$M_ERR" "" "... and not a byte on stdout or stderr"
fleet upgrade --inventory fleet.yaml --select 'app-*' --quiet
is "$M_RC:$M_OUT$M_ERR" "0:" "nothing to do: silent too"
fleet dry_upgrade --inventory fleet.yaml --select 'app-*' --quiet
is "$M_RC:$M_OUT$M_ERR" "0:" "a clean dry run: silent"

fleet upgrade --inventory fleet.yaml --quiet --report report.json \
	--junit junit.xml --html report.html
is_rc 1 "--quiet with a failure: exit 1"
like "$M_OUT" "broken +sqlite +failed .*no such table: no_such_table" "... and the full report on stdout"
like "$M_OUT" "app-1 +sqlite +nothing-to-do" "... every target of it"
like "$M_OUT" "5 targets: 4 nothing-to-do, 1 failed" "... with the totals"
is "$M_ERR" "" "... and no progress lines"

# ---- --junit and --html ---------------------------------------------------------
is "$(stat -c %a "$W/junit.xml") $(stat -c %a "$W/report.html")" "600 600" \
	"the JUnit and HTML files are mode 0600"
is "$(ls -A "$W" | grep -c '\.tmp')" 0 "no temporary file left behind"
is "$(py "$W/junit.xml" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
cases = root.iter("testcase")
print(" ".join("%s:%s" % (c.get("name"), "failure" if c.find("failure") is not None else "pass") for c in cases))
PY
)" "app-1:pass app-2:pass app-3:pass app-4:pass broken:failure" \
	"the JUnit file has a test case per target, the broken one failing"
html=$(cat "$W/report.html")
like "$html" "no such table: no_such_table" "the HTML page shows the error"
like "$html" "data-status=\"failed\"" "the HTML page has the failed row"

fleet upgrade --inventory fleet.yaml --canary app-1 --html report.html --select 'app-*'
like "$(cat "$W/report.html")" "canary" "the HTML page shows the waves of a rollout"

fleet upgrade --inventory fleet.yaml --junit "$W/no/such/dir/j.xml"
is_rc 2 "an unwritable --junit: exit 2"
like "$M_ERR" "--junit .*no/such/dir/j.xml" "... naming the option and the file"
fleet upgrade --inventory fleet.yaml --html "$W/no/such/dir/r.html"
is_rc 2 "an unwritable --html: exit 2"
MIG_CWD=$W mig upgrade --junit j.xml
is_rc 2 "--junit without an inventory: exit 2"

done_testing
