#!/bin/bash
# The live progress of a fleet run on a terminal, read from the screen of a
# real terminal emulator (tmux), not from the bytes: the running targets,
# the longest-running first, with their migration and elapsed time; a
# failure printed the moment it happens, above the live block, while the
# run goes on; as many lines as the terminal has room for, again after it
# is resized (SIGWINCH); colours only without NO_COLOR; and nothing of the
# block left on the screen once the run is over.
#
# The targets are held deterministically: their first migration is a
# program that waits on a FIFO beside the target's database, and the test
# writes to it, so it knows at each moment who is running.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$TESTS_SRCDIR/lib/tap.sh"
. "$TESTS_SRCDIR/lib/engines.sh"
. "$TESTS_SRCDIR/lib/rollout.sh" # write_exec

command -v tmux >/dev/null || { skip "tmux not installed" 1; done_testing; }

W=$T_TMP/w
mkdir -p "$W/db"
# uid 1: wait for the test's word; "ok" succeeds, anything else fails
write_exec "$W/wait" 1700000100 1 \
	'case "$1" in run) read -r word <"$DB.fifo"; [ "$word" = ok ] || { echo "told: $word"; exit 3; };; esac'
cp -r "$W/wait" "$W/bad"
write_mig "$W/bad" 1700000200 2 "breaks" <<'SQL'
-- migratore: run
INSERT INTO no_such_table VALUES (1);
SQL

inventory() { # FILE NAME:PATH...
	local f=$1 t
	shift
	printf 'version: 1\ndefaults:\n  engine: sqlite\ntargets:\n' >"$f"
	for t in "$@"; do
		printf '  - name: %s\n    db: %s\n    path: %s\n' "${t%%:*}" \
			"$W/db/${t%%:*}.db" "$W/${t#*:}" >>"$f"
		rm -f "$W/db/${t%%:*}.db.fifo"
		mkfifo "$W/db/${t%%:*}.db.fifo"
	done
}

# Our own tmux server, killed at the end with everything in it.
TM=(tmux -L "migtest$$" -f /dev/null)
tm_start() { # SESSION ROWS [VAR=VALUE...] -- ARGS...: migratore in a terminal
	local s=$1 rows=$2 envs=()
	shift 2
	while [ "$1" != -- ]; do envs+=("$1"); shift; done
	shift
	"${TM[@]}" new-session -d -s "$s" -x 100 -y "$rows" \
		"cd '$W' && env -i PATH='$PATH' HOME='$T_TMP/home' TERM=xterm ${envs[*]} '$MIGRATORE' $*; echo EXIT=\$?; sleep 600"
	bg_track "$("${TM[@]}" display-message -p -t "$s" '#{pid}')"
}
screen() { "${TM[@]}" capture-pane -J -p -t "$1"; } # wrapped lines joined
wait_screen() { # SESSION ERE: until the screen matches (10 s at most)
	local i
	for ((i = 0; i < 100; i++)); do
		screen "$1" | grep -Eq -- "$2" && return 0
		sleep 0.1
	done
	diag "the screen never matched $2:"
	diag "$(screen "$1")"
	return 1
}
# Line number of the first screen line matching ERE; 0 when none.
line_no() { # SESSION ERE
	screen "$1" | grep -En -- "$2" | head -1 | cut -d: -f1 | grep . || echo 0
}
tell() { # TARGET WORD: the target's program reads it
	timeout 10 sh -c "echo '$2' >'$W/db/$1.db.fifo'" ||
		diag "nobody read the FIFO of $1"
}
running_line() { echo "^  $1 +[0-9]+:[0-9][0-9]  Run 1700000100_x1\$"; }

# ---- who is running, longest first; a failure at once ------------------------
inventory "$W/fleet.yaml" a:wait b:bad c:wait d:wait
tm_start one 20 -- upgrade --inventory fleet.yaml --jobs 2 --report r.json
wait_screen one "$(running_line b)" && wait_screen one "$(running_line a)"
ok $? "a and b run, each with its migration"
like "$(screen one)" "^\[  0/4\] running 2, failed 0, elapsed 0:0[0-9]\$" \
	"the summary line under them"
sleep 1.2 # b has run a second longer than anything started from now on
tell a ok
wait_screen one "$(running_line c)"
ok $? "a done: c takes its place"
b=$(line_no one "$(running_line b)")
c=$(line_no one "$(running_line c)")
ok "$([ "$b" -gt 0 ] && [ "$b" -lt "$c" ]; echo $?)" \
	"b, running longer, is listed above c (lines $b and $c)"
like "$(screen one)" "^  b +0:0[1-9]  Run " "b's clock shows its second"
unlike "$(screen one)" "^  a " "a is no longer listed"

tell b ok # its next migration fails
failure="b failed: Run 1700000200_m2.sql: statement 1 of 1 (1700000200_m2.sql:6) failed: no such table: no_such_table"
wait_screen one "^$(printf '%s' "$failure" | sed 's/[][().*]/\\&/g')\$"
ok $? "b's failure is on the screen at once: name, migration, error"
lacks "$(screen one)" "EXIT=" "... while the run goes on"
wait_screen one "$(running_line d)"
f=$(line_no one "^b failed: ")
c=$(line_no one "$(running_line c)")
d=$(line_no one "$(running_line d)")
ok "$([ "$f" -gt 0 ] && [ "$f" -lt "$c" ] && [ "$c" -lt "$d" ]; echo $?)" \
	"the failure stays above the block; c (older) above d (lines $f, $c, $d)"
like "$(screen one)" "^\[  2/4\] running 2, failed 1, elapsed " "the summary counts the failure"
like "$("${TM[@]}" capture-pane -e -p -t one)" $'b \033\\[31mfailed' \
	"the failure is red without NO_COLOR"

tell c ok
tell d ok
wait_screen one "^EXIT=1\$"
ok $? "the run ends, exit 1"
final=$(screen one)
contains "$final" "$failure" "the failure line is still there at the end"
unlike "$final" "running [0-9]+, failed" "no summary line left behind"
unlike "$final" "^  [a-d] +[0-9]+:[0-9]" "no running-target line left behind"
like "$final" "^b +sqlite +failed " "the report's table follows"
is "$(grep -c "^b failed: " <<<"$final")" 1 "b's failure is said once"

# ---- as many as fit; again after a resize; NO_COLOR ------------------------------
set -- t01:wait t02:wait t03:wait t04:wait t05:wait t06:wait t07:wait t08:wait \
	t09:wait t10:wait t11:wait t12:wait
inventory "$W/many.yaml" "$@"
tm_start two 9 NO_COLOR=1 -- upgrade --inventory many.yaml --jobs 12
wait_screen two "^\[  0/12\] running 12, "
ok $? "twelve targets running"
wait_screen two "^  \.\.\. and 6 more running\$"
ok $? "a terminal of 9 rows: 6 targets and '... and 6 more running'"
block=$(screen two | grep -Ec '^  (t[0-9]+ |\.\.\. )')
is "$block" 7 "7 lines for the targets, the summary under them: the block fits"
"${TM[@]}" resize-window -t two -x 100 -y 30 2>/dev/null ||
	"${TM[@]}" set-option -t two default-size 100x30
wait_screen two "^  \.\.\. and 5 more running\$"
ok $? "resized to 30 rows (SIGWINCH): at most 8 lines, 7 targets and '... and 5 more'"
lacks "$("${TM[@]}" capture-pane -e -p -t two)" $'\033[' "NO_COLOR: no colour at all"
for t; do tell "${t%%:*}" ok; done
wait_screen two "^EXIT=0\$"
ok $? "all released: exit 0"
unlike "$(screen two)" "running [0-9]+, failed|^  t[0-9]+ +[0-9]+:" "nothing of the block left"

"${TM[@]}" kill-server 2>/dev/null
done_testing
