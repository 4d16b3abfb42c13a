#!/bin/bash
# The HTML report in a real browser (issue "Rollouts that operators trust",
# item 9): a mixed fleet of SQLite targets, one failing, is upgraded with
# the real binary, its report rendered by `migratore report render --html`
# and opened in headless Chromium, offline. Every target is in the page,
# the script ran, the status filter (driven by the URL fragment, as a
# link to "the failures" would be, and by clicking its buttons through the
# DevTools protocol) hides exactly the other rows, the page requests
# nothing but itself, and without JavaScript every row stays visible.
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

W=$T_TMP/fleet
mixed_fleet "$W"
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
contains "$page" '&lt;b&gt;&quot;quoted&quot; &amp; &lt;/b&gt;' \
	"the failing statement is escaped for HTML"
lacks "$page" '<b>"quoted"' "no raw markup from the report reaches the page"

# rows DOMFILE: "name=status" per table row, then "hidden:" the hidden
# ones, then the filter bar's state and the "showing N" count.
rows() {
	python3 - "$1" <<'PY'
import sys
from html.parser import HTMLParser

class P(HTMLParser):
    def __init__(self):
        super().__init__()
        self.rows, self.hidden, self.filter, self.shown = [], [], "absent", None
        self.in_shown = False
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "tr" and "data-status" in a:
            self.rows.append("%s=%s" % (a.get("data-name"), a["data-status"]))
            if "hidden" in a:
                self.hidden.append(a.get("data-name"))
        if a.get("id") == "filter":
            self.filter = "hidden" if "hidden" in a else "shown"
        self.in_shown = a.get("id") == "shown"
    def handle_data(self, data):
        if self.in_shown:
            self.shown = data.strip()
            self.in_shown = False

p = P()
p.feed(open(sys.argv[1], encoding="utf-8").read())
print(" ".join(p.rows))
print("hidden: " + " ".join(p.hidden))
print("filter: %s, showing %s" % (p.filter, p.shown))
PY
}

# Without JavaScript the DOM is the page as written (headless Chromium
# cannot dump a DOM with scripts disabled): nothing hidden, no buttons.
r=$(rows "$W/page.html")
is "$(sed -n 1p <<<"$r")" "$MIXED_STATUSES" "as written, the page lists every target"
is "$(sed -n 2p <<<"$r")" "hidden: " "without JavaScript every row is shown"
is "$(sed -n 3p <<<"$r")" "filter: hidden, showing 7" "and the filter buttons stay hidden"

CHROMIUM=${CHROMIUM:-$(command -v chromium || command -v chromium-browser ||
	command -v google-chrome || true)}
if [ -z "$CHROMIUM" ] || [ ! -x "$CHROMIUM" ]; then
	skip "chromium is not installed" 14
	done_testing
fi

# dump URL [EXTRA-FLAGS...]: the DOM after load, with no network at all
# (a proxy that refuses every connection).
dump() {
	local url=$1 profile
	shift
	profile=$(mktemp -d "$T_TMP/chromium.XXXXXX")
	timeout -k 5 60 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
		--disable-quic --no-first-run --disable-background-networking \
		--disable-component-update --disable-sync \
		--proxy-server=http://127.0.0.1:9 --proxy-bypass-list='<-loopback>' \
		--user-data-dir="$profile" --virtual-time-budget=3000 "$@" \
		--dump-dom "$url" 2>"$profile.log"
}

url="file://$W/page.html"
dump "$url" >"$W/all.dom"
ok $? "chromium loads the page offline"
r=$(rows "$W/all.dom")
is "$(sed -n 1p <<<"$r")" "$MIXED_STATUSES" "every target is in the page with its status"
is "$(sed -n 2p <<<"$r")" "hidden: " "no row is hidden without a filter"
is "$(sed -n 3p <<<"$r")" "filter: shown, showing 7" "the script ran: the filter is shown, 7 rows"
like "$(cat "$W/all.dom")" 'class="bar st-failed' "the timeline has a bar coloured 'failed'"

dump "$url#status=failed" >"$W/failed.dom"
r=$(rows "$W/failed.dom")
is "$(sed -n 2p <<<"$r")" "hidden: ok-1 ok-2 ok-3 done rolled unreachable" \
	"#status=failed hides every row but the failed one"
is "$(sed -n 3p <<<"$r")" "filter: shown, showing 1" "and says it shows 1"
like "$(cat "$W/failed.dom")" 'data-filter="failed"[^>]*aria-pressed="true"|aria-pressed="true"[^>]*data-filter="failed"' \
	"the 'failed' button is pressed"

dump "$url#status=problems" >"$W/problems.dom"
is "$(sed -n 2p <<<"$(rows "$W/problems.dom")")" "hidden: ok-1 ok-2 ok-3 done" \
	"#status=problems shows every target that is not ok or nothing-to-do"

dump "$url#status=ok,unreachable" >"$W/two.dom"
is "$(sed -n 2p <<<"$(rows "$W/two.dom")")" "hidden: done failed rolled" \
	"#status=ok,unreachable shows both statuses"

# Clicking the buttons, through the DevTools protocol (over a pipe: no
# port, no network), and every request the page makes, recorded.
cdp() { # URL
	timeout -k 5 90 python3 - "$CHROMIUM" "$1" "$T_TMP" <<'PY'
import json, os, subprocess, sys, tempfile, time

chromium, url, tmp = sys.argv[1:4]
r3, w3 = os.pipe()  # commands, read by chromium on fd 3
r4, w4 = os.pipe()  # replies and events, written by chromium on fd 4

def child():
    a, b = os.dup(r3), os.dup(w4)  # out of the way of 3 and 4 first
    os.dup2(a, 3)
    os.dup2(b, 4)

p = subprocess.Popen([chromium, "--headless", "--no-sandbox", "--disable-gpu",
    "--no-first-run", "--disable-background-networking", "--disable-sync",
    "--disable-component-update", "--proxy-server=http://127.0.0.1:9",
    "--user-data-dir=" + tempfile.mkdtemp(dir=tmp), "--remote-debugging-pipe",
    "about:blank"], preexec_fn=child, close_fds=False,
    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
os.close(r3)
os.close(w4)
out = os.fdopen(w3, "wb", buffering=0)
inp = os.fdopen(r4, "rb", buffering=0)
pending, n, requests = b"", 0, []

def call(method, params=None, session=None):
    global n, pending
    n += 1
    msg = {"id": n, "method": method, "params": params or {}}
    if session:
        msg["sessionId"] = session
    out.write(json.dumps(msg).encode() + b"\0")
    while True:
        while b"\0" not in pending:
            chunk = inp.read(65536)
            if not chunk:
                sys.exit("chromium closed the pipe")
            pending += chunk
        raw, pending = pending.split(b"\0", 1)
        m = json.loads(raw)
        if m.get("method") == "Network.requestWillBeSent":
            requests.append(m["params"]["request"]["url"])
        if m.get("id") == n:
            if "error" in m:
                sys.exit("%s: %s" % (method, m["error"]))
            return m["result"]

tid = call("Target.createTarget", {"url": "about:blank"})["targetId"]
sid = call("Target.attachToTarget", {"targetId": tid, "flatten": True})["sessionId"]
call("Network.enable", {}, sid)
call("Page.navigate", {"url": url}, sid)

def ev(expr):
    r = call("Runtime.evaluate", {"expression": expr, "returnByValue": True}, sid)
    return r["result"].get("value")

def settle(expr, want):
    for _ in range(100):
        if ev(expr) == want:
            return
        time.sleep(0.05)

settle("document.readyState", "complete")
hidden = ("Array.from(document.querySelectorAll('tr.target'))"
          ".filter(r => r.hidden).map(r => r.dataset.name).join(' ')")
print("requests: " + " ".join(requests))
print("loaded: hidden [%s]" % ev(hidden))
for f in ("failed", "all"):
    ev("document.querySelector('#filter button[data-filter=\"%s\"]').click()" % f)
    settle("location.hash", "#status=" + f)
    time.sleep(0.2)
    print("%s: hidden [%s] %s, showing %s" % (f, ev(hidden), ev("location.hash"),
          ev("document.getElementById('shown').textContent")))
call("Browser.close")
p.wait(timeout=10)
PY
}

r=$(cdp "$url" 2>&1)
is "$(sed -n 1p <<<"$r")" "requests: $url" "the page requests nothing but itself"
is "$(sed -n 2p <<<"$r")" "loaded: hidden []" "loaded, it shows every row"
is "$(sed -n 3p <<<"$r")" "failed: hidden [ok-1 ok-2 ok-3 done rolled unreachable] #status=failed, showing 1" \
	"clicking 'failed' shows only the failed row and puts it in the URL"
is "$(sed -n 4p <<<"$r")" "all: hidden [] #status=all, showing 7" \
	"clicking 'all' shows every row again"

done_testing
