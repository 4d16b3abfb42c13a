#!/bin/bash
# The HTML report in a real browser (issue "Rollouts that operators trust",
# item 9): a mixed fleet of SQLite targets, one failing, is upgraded with
# the real binary, its report rendered by `migratore report render --html`
# and opened in headless Chromium, offline. Every target is in the page,
# the script ran, the status filter (driven by the URL fragment, as a
# link to "the failures" would be) hides exactly the other rows, and
# without JavaScript every row stays visible.
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
	skip "chromium is not installed" 10
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

done_testing
