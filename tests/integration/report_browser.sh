#!/bin/bash
# The HTML report in a real browser (issue 11, item 8, and the page's side
# of item 4), headless Chromium driven over the DevTools protocol, offline:
#
# - a real fleet run (SQLite targets of every status; a MariaDB target
#   whose failed migration left a statement committed when the server
#   runs): the page is self-contained, requests nothing but itself, logs
#   no error; the failures are grouped with the exact next command, and
#   running that command (--resume, which resumes a half-committed
#   migration after what committed) finishes the targets;
#   the table lists every target, the status filter (buttons and URL
#   fragment), the search and the sorting work, the timeline follows;
#   without JavaScript the groups still name every target that failed;
# - two shards of a canary rollout merged: every shard's waves are
#   marked, and no two wave labels overlap on the screen;
# - a synthetic report of 10,001 targets: it opens without an error, its
#   time to first render is measured (printed in the log), the search,
#   each filter (status, engine, wave, tag, failure group) and the sorting
#   give the rows they should, the failure groups have the right counts,
#   the timeline is one row per wave, and a screenshot is kept as a test
#   artifact (its path is printed).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$TESTS_SRCDIR/lib/tap.sh"
. "$TESTS_SRCDIR/lib/engines.sh"
. "$TESTS_SRCDIR/lib/reportfleet.sh"

# Until migratore.c dispatches `report` (reportcmd_main), say so and stop.
mig report --help
if [[ $M_OUT != *"report render"* ]]; then
	skip "the report subcommand is not wired into this migratore" 1
	done_testing
fi

ART=${TEST_ARTIFACTS:-$PWD/tests/artifacts}
mkdir -p "$ART"

# ---- a real fleet run ------------------------------------------------------
W=$T_TMP/fleet
mixed_fleet "$W"
want_rows=$MIXED_STATUSES
want_failed="failed"
if engine_list | grep -qx mysql; then
	# MariaDB commits DDL implicitly: the CREATE stays when the INSERT
	# fails, and the next upgrade resumes after it.
	new_db mysql
	two_good "$W/mybad"
	write_mig "$W/mybad" 1700000300 3 "half committed" <<'SQL'
-- migratore: run
CREATE TABLE t3 (id INT PRIMARY KEY);
INSERT INTO no_such_table VALUES (1);
-- migratore: rollback
DROP TABLE IF EXISTS t3;
SQL
	cat >>"$W/fleet.yaml" <<YAML
  - name: my-partial
    url: $DB_URL
    path: mybad
YAML
	unset DB_URL # the SQLite targets must not see it
	want_rows="$want_rows my-partial=failed"
	want_failed="failed my-partial"
fi
MIG_CWD=$W mig upgrade --inventory fleet.yaml --report report.json --quiet
is_rc 1 "the mixed fleet's run exits 1"

MIG_CWD=$W mig report render report.json --html page.html
is_rc 0 "report render --html exits 0"
ok "$([ -s "$W/page.html" ]; echo $?)" "the page was written"
is "$(stat -c %a "$W/page.html")" 600 "the page is mode 0600 like the report"

# Self-contained: nothing to fetch, and a policy that forbids fetching.
page=$(cat "$W/page.html")
unlike "$page" '(src|href)=|url\(|@import' "the page refers to no external resource"
contains "$page" "default-src 'none'" "a Content-Security-Policy forbids loading anything"
contains "$page" '\u003cb\u003e\"quoted\" \u0026 \u003c/b\u003e' \
	"the failing statement is escaped in the page's data"
lacks "$page" '<b>"quoted"' "no raw markup from the report reaches the page"

# groups FILE: the page as written (no script ran): one line per failure
# group, "COUNT STATUS NAMES... | COMMAND LINES joined by ' ; '".
groups() {
	python3 - "$1" <<'PY'
import sys
from html.parser import HTMLParser

class P(HTMLParser):
    def __init__(self):
        super().__init__()
        self.groups, self.cur, self.what, self.noscript = [], None, None, False
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "article" and a.get("class") == "group":
            self.cur = {"count": a["data-count"], "status": a["data-status"],
                        "names": [], "cmd": ""}
            self.groups.append(self.cur)
        elif self.cur and tag == "span" and a.get("class") == "nm":
            self.what = "name"
        elif self.cur and tag == "pre":
            self.what = "cmd"
            self.cur["cmd"] += "\n" if self.cur["cmd"] else ""
        elif self.cur and tag == "details":
            self.what = "more"
        elif tag == "noscript":
            self.noscript = True
    def handle_endtag(self, tag):
        if tag == "article":
            self.cur = None
        if tag in ("span", "pre", "details"):
            self.what = None
    def handle_data(self, data):
        if self.what == "name":
            self.cur["names"].append(data)
        elif self.what == "more" and data.strip() and "more" not in data:
            self.cur["names"] += data.split(", ")
        elif self.what == "cmd":
            self.cur["cmd"] += data

p = P()
p.feed(open(sys.argv[1], encoding="utf-8").read())
for g in p.groups:
    print("%s %s %s | %s" % (g["count"], g["status"], " ".join(g["names"]),
                             g["cmd"].replace("\n", " ; ")))
print("noscript: %s" % p.noscript)
PY
}
g=$(groups "$W/page.html")
is "$(grep '^1 failed failed |' <<<"$g")" \
	"1 failed failed | migratore upgrade --inventory fleet.yaml --resume REPORT.json --select failed" \
	"the page as written groups the failed target, with the command that redoes it"
is "$(grep '^1 unreachable unreachable |' <<<"$g")" \
	"1 unreachable unreachable | migratore upgrade --inventory fleet.yaml --resume REPORT.json --select unreachable" \
	"and the unreachable one, with its own"
like "$g" "^1 rolled-back rolled \| " "and the rolled-back one"
is "$(grep -c '|' <<<"$g")" "$(wc -w <<<"$want_failed x x")" \
	"one group per error (the failed ones apart: their lines differ)"
contains "$g" "noscript: True" "without JavaScript, a note says the table needs it"

# ---- the DevTools protocol, over a pipe: no port, no network ------------
CHROMIUM=${CHROMIUM:-$(command -v chromium || command -v chromium-browser ||
	command -v google-chrome || true)}
if [ -z "$CHROMIUM" ] || [ ! -x "$CHROMIUM" ]; then
	skip "chromium is not installed" 36
	done_testing
fi

cat >"$T_TMP/cdp.py" <<'PY'
"""A page in headless Chromium, driven over --remote-debugging-pipe."""
import base64, json, os, subprocess, sys, tempfile, time


class Page:
    def __init__(self, chromium, url, tmp, width=1400, height=1800):
        r3, w3 = os.pipe()  # commands, read by chromium on fd 3
        r4, w4 = os.pipe()  # replies and events, written on fd 4

        def child():
            a, b = os.dup(r3), os.dup(w4)  # out of the way of 3 and 4
            os.dup2(a, 3)
            os.dup2(b, 4)

        self.p = subprocess.Popen([chromium, "--headless", "--no-sandbox",
            "--disable-gpu", "--no-first-run",
            "--disable-background-networking", "--disable-sync",
            "--disable-component-update", "--proxy-server=http://127.0.0.1:9",
            "--user-data-dir=" + tempfile.mkdtemp(dir=tmp),
            "--remote-debugging-pipe", "about:blank"], preexec_fn=child,
            close_fds=False, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        os.close(r3)
        os.close(w4)
        self.out = os.fdopen(w3, "wb", buffering=0)
        self.inp = os.fdopen(r4, "rb", buffering=0)
        self.pending, self.n, self.requests, self.errors = b"", 0, [], []
        tid = self.call("Target.createTarget", {"url": "about:blank"})
        self.sid = self.call("Target.attachToTarget",
            {"targetId": tid["targetId"], "flatten": True})["sessionId"]
        for domain in ("Network", "Runtime", "Log", "Page"):
            self.call(domain + ".enable", {}, True)
        self.call("Emulation.setDeviceMetricsOverride", {"width": width,
            "height": height, "deviceScaleFactor": 1, "mobile": False}, True)
        self.go(url)

    def event(self, m):
        p = m.get("params", {})
        if m["method"] == "Network.requestWillBeSent":
            self.requests.append(p["request"]["url"])
        elif m["method"] == "Runtime.exceptionThrown":
            self.errors.append(p["exceptionDetails"].get("text", "exception"))
        elif (m["method"] == "Runtime.consoleAPICalled" and
              p.get("type") in ("error", "assert")):
            self.errors.append("console: %s" % p.get("args"))
        elif (m["method"] == "Log.entryAdded" and
              p["entry"].get("level") == "error"):
            self.errors.append("log: " + p["entry"].get("text", ""))

    def call(self, method, params=None, session=False):
        self.n += 1
        msg = {"id": self.n, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = self.sid
        self.out.write(json.dumps(msg).encode() + b"\0")
        while True:
            while b"\0" not in self.pending:
                chunk = self.inp.read(1 << 20)
                if not chunk:
                    sys.exit("chromium closed the pipe")
                self.pending += chunk
            raw, self.pending = self.pending.split(b"\0", 1)
            m = json.loads(raw)
            if "method" in m:
                self.event(m)
            if m.get("id") == self.n:
                if "error" in m:
                    sys.exit("%s: %s" % (method, m["error"]))
                return m["result"]

    def ev(self, expr):
        r = self.call("Runtime.evaluate", {"expression": expr,
                                           "returnByValue": True}, True)
        if "exceptionDetails" in r:
            sys.exit("%s: %s" % (expr, r["exceptionDetails"]))
        return r["result"].get("value")

    def settle(self, expr, want, tries=200):
        for _ in range(tries):
            got = self.ev(expr)
            if got == want:
                return got
            time.sleep(0.05)
        return got

    def go(self, url):
        self.call("Page.navigate", {"url": url}, True)
        time.sleep(0.1)
        self.settle("document.readyState === 'complete' && "
                    "document.body.getAttribute('data-ready')", "1")

    def rows(self):
        return self.ev("Array.from(document.querySelectorAll('#rows tr'))"
                       ".map(r => r.dataset.name + '=' + r.dataset.status)"
                       ".join(' ')")

    def shown(self):
        return self.ev("document.getElementById('shown').textContent")

    def screenshot(self, path):
        d = self.call("Page.captureScreenshot", {"format": "png"}, True)
        with open(path, "wb") as f:
            f.write(base64.b64decode(d["data"]))

    def close(self):
        self.call("Browser.close")
        self.p.wait(timeout=10)
PY

# browse URL < PYTHON: the script runs with `p`, the page at URL loaded.
browse() {
	local code
	code=$(cat)
	timeout -k 5 180 python3 -c "
import sys, time
sys.path.insert(0, sys.argv[3])
from cdp import Page
p = Page(sys.argv[1], sys.argv[2], sys.argv[3])
$code
p.close()" "$CHROMIUM" "$1" "$T_TMP" 2>&1
}
# got KEY: the value of the line "KEY: value" of $R.
got() { sed -n "s/^$1: //p" <<<"$R"; }

url="file://$W/page.html"
R=$(browse "$url" <<'PY'
print("requests: " + " ".join(p.requests))
print("errors: %s" % (p.errors or "none"))
print("loaded: " + p.rows())
print("controls: %s" % p.ev("document.getElementById('controls').hidden"))
p.ev("document.querySelector('#filter button[data-filter=\"failed\"]').click()")
print("failed: %s %s, showing %s" % (p.rows(), p.ev("location.hash"), p.shown()))
print("timeline: " + p.ev("Array.from(document.querySelectorAll('.tl-row'))"
      ".filter(r => !r.hidden).map(r => r.dataset.name).join(' ')"))
p.ev("document.querySelector('#filter button[data-filter=\"all\"]').click()")
print("all: %s" % p.shown())
p.ev("var q = document.getElementById('q'); q.value = 'NO_SUCH_table';"
     "q.dispatchEvent(new Event('input'))")
p.settle("location.hash", "#q=NO_SUCH_table")
print("search: " + p.rows())
p.ev("document.getElementById('clear').click()")
p.ev("document.querySelector('th[data-key=\"name\"]').click()")
print("by name: " + p.rows())
p.ev("document.querySelector('th[data-key=\"name\"]').click()")
print("by name, descending: %s %s" % (p.rows(), p.ev("location.hash")))
p.ev("document.querySelector('button[data-group=\"1\"]').click()")
print("group 1: " + p.rows())
p.go(sys.argv[2] + "#status=problems")
print("problems: " + p.rows())
p.go(sys.argv[2] + "#status=ok,unreachable")
print("two: " + p.rows())
PY
)
is "$(got requests)" "$url" "the page requests nothing but itself"
is "$(got errors)" "none" "and logs no error"
is "$(got loaded)" "$want_rows" "the table lists every target with its status"
is "$(got controls)" "False" "the script shows the controls"
is "$(got failed)" "$(printf '%s=failed ' $want_failed)#status=failed, showing $(wc -w <<<"$want_failed")" \
	"clicking 'failed' shows only the failed rows and puts it in the URL"
is "$(got timeline)" "$want_failed" "the timeline shows the same targets"
is "$(got all)" "$(wc -w <<<"$want_rows")" "clicking 'all' shows every row again"
is "$(got search)" "$(tr ' ' '\n' <<<"$want_rows" | grep -E '^(failed|rolled|my-partial)=' | tr '\n' ' ' | sed 's/ $//')" \
	"the search finds the error text, whatever its case"
is "$(got 'by name')" "$(tr ' ' '\n' <<<"$want_rows" | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//')" \
	"clicking the Target heading sorts by name"
is "$(got 'by name, descending')" "$(tr ' ' '\n' <<<"$want_rows" | LC_ALL=C sort -r | tr '\n' ' ' | sed 's/ $//') #sort=-name" \
	"clicking it again sorts the other way, in the URL too"
first=$(sed -n '1s/^\([0-9]*\) [a-z-]* \([^|]*\) |.*/\2/p' <<<"$g" | sed 's/ $//')
is "$(got 'group 1')" "$(for n in $first; do tr ' ' '\n' <<<"$want_rows" | grep "^$n="; done | tr '\n' ' ' | sed 's/ $//')" \
	"'show them in the table' shows the first group's targets"
is "$(got problems)" "$(tr ' ' '\n' <<<"$want_rows" | grep -vE '=(ok|nothing-to-do)$' | tr '\n' ' ' | sed 's/ $//')" \
	"#status=problems shows every target that is not ok or nothing-to-do"
is "$(got two)" "ok-1=ok ok-2=ok ok-3=ok unreachable=unreachable" \
	"#status=ok,unreachable shows both statuses"

# The groups' commands, run as the page gives them (REPORT.json is the
# run's report), finish what they name.
run_cmd() { # COMMAND-LINE: mig with its arguments
	local -a argv
	eval "argv=(${1//REPORT.json/report.json})"
	MIG_CWD=$W mig "${argv[@]:1}"
}
mkdir -p "$W/no/such/dir"
run_cmd "$(sed -n 's/^1 unreachable unreachable | //p' <<<"$g")"
is_rc 0 "the unreachable group's command, once the directory exists, succeeds"
is "$(sqlite_rows "$W/no/such/dir/x.db")" "1:success:Run 2:success:Run" \
	"and has applied the migrations"
if engine_list | grep -qx mysql; then
	cmds=$(grep '^1 failed my-partial |' <<<"$g" | sed 's/^[^|]*| //')
	like "$cmds" "^migratore upgrade --inventory fleet.yaml --resume REPORT.json --select my-partial$" \
		"a half-committed migration's group says: fix it, then resume (upgrade resumes after what committed)"
	sed -i 's/INSERT INTO no_such_table VALUES (1);/INSERT INTO t3 VALUES (1);/' \
		"$W/mybad/1700000300_m3.sql"
	run_cmd "$cmds"
	is_rc 0 "the resume command, once the migration is fixed, succeeds"
	is "$(sql mysql "SELECT CAST(substr(uuid, 1, 8) AS UNSIGNED), result, operation FROM migratore ORDER BY object_id" | tr '\t\n' ': ' | sed 's/ $//')" \
		"1:success:Run 2:success:Run 3:error:Run 3:success:Run" \
		"MariaDB's bookkeeping shows the failed run, then the resumed one"
	is "$(sql mysql "SELECT count(*) FROM t3")" 1 "the resumed run inserted its row once"
else
	skip "no MariaDB server" 4
fi

# ---- two shards of a canary rollout, merged --------------------------------
M=$T_TMP/shards
mixed_fleet "$M"
for k in 0 1; do
	MIG_CWD=$M mig upgrade --inventory fleet.yaml --shard $k/2 \
		--canary 'ok-*' --report shard$k.json --quiet &
done
wait
MIG_CWD=$M mig report merge merged.json shard0.json shard1.json --html merged.html
R=$(browse "file://$M/merged.html" <<'PY'
print("errors: %s" % (p.errors or "none"))
print("marks: " + p.ev("Array.from(document.querySelectorAll('.tl-wave'))"
      ".map(w => w.dataset.wave).sort().join(', ')"))
print("overlaps: %d" % p.ev("""(() => {
  var r = Array.from(document.querySelectorAll('.tl-wave-labels span'))
    .map(s => s.getBoundingClientRect()), n = 0;
  for (var i = 0; i < r.length; i++)
    for (var j = i + 1; j < r.length; j++)
      if (r[i].left < r[j].right && r[j].left < r[i].right &&
          r[i].top < r[j].bottom && r[j].top < r[i].bottom) n++;
  return n; })()"""))
PY
)
is "$(got errors)" "none" "the merged report opens without an error"
is "$(got marks)" "canary · run 1, canary · run 2, rest · run 1, rest · run 2" \
	"every shard's waves are marked on the timeline"
is "$(got overlaps)" 0 "no two wave labels overlap"

# ---- 10,001 targets ----------------------------------------------------------
# A synthetic report (a real run of 10,000 targets takes minutes): three
# waves, the last stopped by the deadline; errors of several kinds; one
# target with markup, quotes and U+2028 in its name and error. What the
# page must show is computed here, from the report, independently.
B=$T_TMP/big
mkdir -p "$B"
python3 - "$B/big.json" "$B/expect" <<'PY'
import json, random, sys
rnd = random.Random(11)
T0 = 1767261600  # 2026-01-01T10:00:00Z
targets, t, i = [], T0 + 0.42, 0
DL = "deadline passed (2026-01-01T11:00:00Z)"
for wave, count in (("canary", 100), ("eu", 4900), ("us", 5000)):
    slots = [t] * 64
    for k in range(count):
        i += 1
        eng = ("sqlite", "postgres", "mysql")[i % 3]
        name, db = "%s-%05d" % (wave, i), "app_%05d" % i
        host = "%s-%02d.internal" % (eng[:2], i % 40)
        tg = {"name": name, "engine": eng,
              "target": "sqlite /srv/db/%s.db" % db if eng == "sqlite" else
                        "%s mig:****@%s:5432/%s" % (eng, host, db),
              "tags": ["region-" + wave, "tier-%d" % (i % 3)], "wave": wave,
              "status": "ok", "reason": None, "applied": 2, "failed": 0,
              "rollbacks": 0, "pending": 0, "steps": [], "warnings": []}
        if wave == "us" and k >= 4000:
            tg.update(status="not-reached", reason=DL, applied=None,
                      failed=None, rollbacks=None, pending=None, seconds=0,
                      attempts=0, start=None, end=None)
            targets.append(tg)
            continue
        slot = min(range(64), key=lambda s: slots[s])
        start, secs, r = slots[slot], round(rnd.uniform(0.05, 1.5), 6), rnd.random()
        if r < 0.02 and eng != "sqlite":
            committed = 1 if eng == "mysql" else 0
            tg.update(status="failed", applied=1, failed=1, pending=1,
                      reason="statement 2 of 2 (1767000200_idx.sql:6) failed: "
                             "could not create unique index \"users_email\"")
            tg["steps"] = [{"operation": "Run", "file": "1767000200_idx.sql",
                "uuid": "00000002-0000-4000-8000-000000000002",
                "result": "error", "committed": committed, "total": 2,
                "error": tg["reason"], "traceback": "error: duplicates\n"
                "DETAIL: Key (email)=(a@x) is duplicated.\nHINT: Remove them."}]
        elif r < 0.03:
            tg.update(status="unreachable", applied=0, pending=None,
                      reason="cannot open SQLite database /srv/db/%s.db" % db
                      if eng == "sqlite" else "cannot connect to %s at %s:5432/%s:"
                      " database \"%s\" does not exist" % (eng, host, db, db))
        elif r < 0.035:
            tg.update(status="timeout", pending=1,
                      reason="no result after 600s: terminated by the coordinator")
        elif r < 0.04:
            tg.update(status="nothing-to-do", applied=0)
        tg.update(seconds=secs, attempts=1, start=round(start, 6),
                  end=round(start + secs, 6))
        slots[slot] = start + secs
        targets.append(tg)
    t = max(slots) + 0.2
targets.append({"name": "</script><script>window.pwned=1</script>\"'",
    "engine": "sqlite", "target": "sqlite /srv/x.db", "tags": [], "wave": "us",
    "status": "crashed", "reason": "killed </script><b>x</b> \u2028 <!-- y",
    "applied": 0, "failed": 0, "rollbacks": 0, "pending": None,
    "seconds": 0.5, "attempts": 1, "start": T0 + 5, "end": T0 + 5.5,
    "steps": [], "warnings": []})
end = max(x["end"] or 0 for x in targets)
json.dump({"schema": "migratore-fleet-report", "schema_version": 1,
    "tool_version": "1.0.0", "run_id": "20260101T100000Z-0000cafe",
    "command": "upgrade", "host": "ci-7", "start": "2026-01-01T10:00:00Z",
    "end": "2026-01-01T10:%02d:%02dZ" % ((end - T0) // 60, (end - T0) % 60),
    "interrupted": None, "exit_code": 1, "stopped": DL,
    "options": {"inventory": "fleet.yaml", "jobs": 64, "canary": "tag:canary",
                "deadline": "2026-01-01T11:00:00Z"},
    "targets": targets}, open(sys.argv[1], "w"), ensure_ascii=False)

# what the page must show
def names(f):
    return [x["name"] for x in targets if f(x)]
bad = [x for x in targets if x["status"] not in ("ok", "nothing-to-do")]
kinds = {}
for x in bad:  # unreachable: one error per engine once normalised
    key = (x["status"], x["engine"] if x["status"] == "unreachable" else
           x["reason"], bool(x["steps"] and x["steps"][0]["committed"]))
    kinds[key] = kinds.get(key, 0) + 1
search = names(lambda x: "users_email" in (x["name"] + x["engine"] +
                                           (x["reason"] or "")).lower())
by_secs = sorted(range(len(targets)), key=lambda k: (targets[k]["seconds"], k))
rev = sorted(range(len(targets)), key=lambda k: (-targets[k]["seconds"], k))
with open(sys.argv[2], "w") as f:
    print("total: %d" % len(targets), file=f)
    print("search: %d %s" % (len(search), " ".join(search[:100])), file=f)
    print("failed: %d" % len(names(lambda x: x["status"] == "failed")), file=f)
    print("problems: %d" % len(bad), file=f)
    print("mysql: %d" % len(names(lambda x: x["engine"] == "mysql")), file=f)
    print("eu: %d" % len(names(lambda x: x["wave"] == "eu")), file=f)
    print("tier-2: %d" % len(names(lambda x: "tier-2" in x["tags"])), file=f)
    print("groups: %s" % " ".join(str(n) for n in sorted(kinds.values(), reverse=True)), file=f)
    print("shortest: " + targets[by_secs[0]]["name"], file=f)
    print("longest: " + targets[rev[0]]["name"], file=f)
PY
MIG_CWD=$B mig report render big.json --html big.html
is_rc 0 "a report of 10,001 targets renders"
exp() { sed -n "s/^$1: //p" "$B/expect"; }

shot=$ART/report-10k.png
R=$(browse "file://$B/big.html" <<PY
def fig(name):  # paint entries arrive a moment after the paint
    p.settle("performance.getEntriesByName('%s').length" % name, 1)
    e = p.ev("(performance.getEntriesByName('%s')[0] || {}).startTime" % name)
    return "%.0f ms" % e if e is not None else "none"
print("render: first contentful paint %s, table drawn %s, DOMContentLoaded %s"
      % (fig("first-contentful-paint"), fig("migratore-table"),
         "%.0f ms" % p.ev("performance.timing.domContentLoadedEventEnd -"
                          " performance.timing.navigationStart")))
print("table ms: %d" % (p.ev("(performance.getEntriesByName('migratore-table')[0]"
                             " || {startTime: 1e9}).startTime")))
print("errors: %s" % (p.errors or "none"))
print("pwned: %s" % p.ev("typeof window.pwned"))
print("loaded: %s %d" % (p.shown(), p.ev("document.querySelectorAll('#rows tr').length")))
p.screenshot("$shot")
def count(setup):
    p.ev("document.getElementById('clear').click()")
    p.ev(setup)
    time.sleep(0.05)
    return p.shown()
def choose(sel, value):
    return ("var s = document.getElementById('%s'); s.value = '%s';"
            "s.dispatchEvent(new Event('change'))" % (sel, value))
p.ev("var q = document.getElementById('q'); q.value = 'USERS_email';"
     "q.dispatchEvent(new Event('input'))")
p.settle("location.hash", "#q=USERS_email")
print("search: %s %s" % (p.shown(), p.ev("Array.from(document.querySelectorAll("
      "'#rows tr')).map(r => r.dataset.name).join(' ')")))
print("failed: " + count("document.querySelector('#filter button[data-filter=\"failed\"]').click()"))
print("problems: " + count("document.querySelector('#filter button[data-filter=\"problems\"]').click()"))
print("mysql: " + count(choose("engine", "mysql")))
print("eu: " + count(choose("wave", "eu")))
print("tier-2: " + count(choose("tag", "tier-2")))
print("group 1: %s of %s" % (count("document.querySelector('button[data-group=\"1\"]').click()"),
      p.ev("document.getElementById('group-1').dataset.count")))
print("groups: " + p.ev("Array.from(document.querySelectorAll('article.group'))"
      ".map(g => g.dataset.count).join(' ')"))
p.ev("document.getElementById('clear').click()")
p.ev("document.querySelector('th[data-key=\"seconds\"]').click()")
print("shortest: " + p.ev("document.querySelector('#rows tr').dataset.name"))
p.ev("document.querySelector('th[data-key=\"seconds\"]').click()")
print("longest: " + p.ev("document.querySelector('#rows tr').dataset.name"))
p.ev("document.querySelector('#pager button[data-page=\"last\"]').click()")
print("last page: %s, %s rows" % (p.ev("document.getElementById('page').textContent"),
      p.ev("document.querySelectorAll('#rows tr').length")))
print("timeline: open %s, %s rows by wave, %s by target" % (
      str(p.ev("document.getElementById('timeline').open")).lower(),
      p.ev("document.querySelectorAll('.tl-lane').length"),
      p.ev("document.querySelectorAll('.tl-row').length")))
PY
)
note "time to first render, 10,001 targets: $(got render)"
ok "$([ "$(got 'table ms')" -lt 5000 ]; echo $?)" "the table is drawn within 5 s of navigation ($(got 'table ms') ms)"
is "$(got errors)" "none" "the page of 10,001 targets opens without an error"
is "$(got pwned)" "undefined" "no markup from the report ran"
is "$(got loaded)" "$(exp total) 100" "it counts every target and draws one page of 100 rows"
ok "$([ -s "$shot" ]; echo $?)" "a screenshot is kept: $shot"
is "$(got search)" "$(exp search)" "the search narrows the table to the targets whose error says so"
is "$(got failed)" "$(exp failed)" "the 'failed' filter"
is "$(got problems)" "$(exp problems)" "the 'not ok' filter"
is "$(got mysql)" "$(exp mysql)" "the engine filter"
is "$(got eu)" "$(exp eu)" "the wave filter"
is "$(got tier-2)" "$(exp tier-2)" "the tag filter"
like "$(got 'group 1')" '^([0-9]+) of \1$' "the first failure group's button shows its targets"
is "$(got groups)" "$(exp groups)" "the failure groups have the right counts"
is "$(got shortest)" "$(exp shortest)" "sorting by duration puts the shortest first"
is "$(got longest)" "$(exp longest)" "and, clicked again, the longest"
is "$(got 'last page')" "page 101 of 101, 1 rows" "the pager reaches the last page"
is "$(got timeline)" "open false, 3 rows by wave, 0 by target" \
	"the timeline is closed, one row per wave"

done_testing
