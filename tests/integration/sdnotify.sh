#!/bin/bash
# systemd's Type=notify without systemd: sd_notify sends datagrams to the
# Unix socket $NOTIFY_SOCKET names, so a python3 listener bound there sees
# what systemd would (orchestrator/notify.h): READY=1 once the fleet is
# loaded, before any target runs; "STATUS=N/M done, R running, F failed"
# every few seconds while they run; the last STATUS= when all are done;
# STOPPING=1 on SIGTERM. A run whose inventory is refused never becomes
# ready. A migratore built without libsystemd sends nothing.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$TESTS_SRCDIR/lib/tap.sh"
. "$TESTS_SRCDIR/lib/engines.sh"
. "$TESTS_SRCDIR/lib/rollout.sh" # write_exec

W=$T_TMP/fleet
SOCK=$T_TMP/notify.sock
MSGS=$T_TMP/messages
mkdir -p "$W/slow" "$W/bad" "$W/long"

# Each target takes 1.5 s: 6 targets, 2 at a time, are 4.5 s of running
# with a STATUS= line every 2 s. "bad" fails at once.
write_exec "$W/slow" 1700000100 1 'case "$1" in run) sleep 1.5;; esac'
write_exec "$W/bad" 1700000100 1 'case "$1" in run) exit 3;; esac'
write_exec "$W/long" 1700000100 1 'case "$1" in run) sleep 30;; esac'
cat >"$W/fleet.yaml" <<EOF
version: 1
defaults:
  engine: sqlite
  path: slow
targets:
  - name: t-{1..5}
    db: db/t-{1..5}.db
  - name: broken
    db: db/broken.db
    path: bad
EOF
cat >"$W/long.yaml" <<EOF
version: 1
defaults:
  engine: sqlite
  path: long
targets:
  - name: l-{1..4}
    db: db/l-{1..4}.db
EOF
printf 'version: 1\ntargets:\n  - name: x\n    hots: y\n' >"$W/refused.yaml"

# The listener: every datagram as one JSON string a line, until the file
# $MSGS.stop appears.
listen() {
	rm -f "$SOCK" "$MSGS" "$MSGS.stop"
	python3 - "$SOCK" "$MSGS" <<'PY' &
import json, os, socket, sys, time
sock, out = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sock)
s.settimeout(0.1)
end = time.time() + 120
with open(out, "w") as f:
    while time.time() < end:
        try:
            f.write(json.dumps(s.recv(65536).decode()) + "\n")
            f.flush()
        except socket.timeout:
            if os.path.exists(out + ".stop"):
                break
PY
	L=$!
	bg_track $L
	for _ in $(seq 100); do
		[ -S "$SOCK" ] && return 0
		sleep 0.05
	done
	bail_out "the listener did not bind $SOCK"
}
stop_listening() {
	touch "$MSGS.stop"
	wait "$L"
}
# The messages, one a line, their fields joined by '|'.
messages() { python3 -c 'import json, sys; [print(json.loads(l).replace("\n", "|")) for l in open(sys.argv[1])]' "$MSGS"; }

run() { # ARGS: migratore in W with NOTIFY_SOCKET
	rm -rf "$W/db"
	mkdir -p "$W/db"
	MIG_CWD=$W mig NOTIFY_SOCKET="$SOCK" "$@"
}

if [ "${TEST_SYSTEMD_BUILT:-yes}" != yes ]; then
	listen
	run upgrade --inventory fleet.yaml --jobs 2 --quiet
	stop_listening
	is_rc 1 "built without libsystemd: the run goes on as usual"
	is "$(messages)" "" "built without libsystemd: nothing is sent"
	done_testing
	exit 0
fi

listen
run upgrade --inventory fleet.yaml --jobs 2 --quiet
stop_listening
is_rc 1 "a fleet with a failing target: exit 1"
M=$(messages)
diag "$M"
is "$(printf '%s\n' "$M" | head -n 1)" "READY=1|STATUS=0/6 done, 0 running, 0 failed" \
	"the first message: READY=1, nothing started yet"
is "$(printf '%s\n' "$M" | grep -c 'READY=1')" 1 "READY=1 is sent once"
is "$(printf '%s\n' "$M" | tail -n 1)" "STATUS=finished: 6/6 done, 0 running, 1 failed" \
	"the last message: finished, with the failed target counted"
live=$(printf '%s\n' "$M" | sed '1d;$d')
ok "$([ "$(printf '%s\n' "$live" | grep -c .)" -ge 1 ]; echo $?)" \
	"STATUS= lines while the targets run ($(printf '%s\n' "$live" | grep -c .))"
bad=$(printf '%s\n' "$live" | grep -Ev '^STATUS=[0-6]/6 done, [0-2] running, [01] failed$')
is "$bad" "" "each says done/total, running (at most --jobs 2) and failed"
is "$(printf '%s\n' "$live" | sed 's|^STATUS=\([0-9]*\)/.*|\1|' | sort -n -c 2>&1 && echo sorted)" "sorted" \
	"the done count only grows"
ok "$(printf '%s\n' "$live" | grep -q ', [12] running,'; echo $?)" "a STATUS= line shows targets running"

# SIGTERM: STOPPING=1, then the last STATUS= says so.
listen
rm -rf "$W/db"
mkdir -p "$W/db"
(cd "$W" && exec env -i PATH="$PATH" HOME="$T_TMP/home" NOTIFY_SOCKET="$SOCK" \
	"$MIGRATORE" upgrade --inventory long.yaml --jobs 2 --quiet >/dev/null 2>&1) &
P=$!
bg_track $P
wait_for grep -q 'READY=1' "$MSGS"
sleep 0.5
kill -TERM "$P"
# a second SIGTERM skips the grace period of the sleeping migrations
wait_for grep -q 'STOPPING=1' "$MSGS"
kill -TERM "$P"
wait "$P"
rc=$?
stop_listening
is "$rc" 143 "SIGTERM: exit 143"
M=$(messages)
diag "$M"
is "$(printf '%s\n' "$M" | grep '^STOPPING=1')" "STOPPING=1|STATUS=stopping on SIGTERM: 0/4 done, 2 running, 0 failed" \
	"SIGTERM: STOPPING=1, with the targets still running"
is "$(printf '%s\n' "$M" | tail -n 1)" "STATUS=interrupted by SIGTERM: 4/4 done, 0 running, 4 failed" \
	"SIGTERM: the last STATUS= says the run was interrupted"

# An inventory that is refused: the unit never becomes ready.
listen
run upgrade --inventory refused.yaml
stop_listening
is_rc 3 "a refused inventory: exit 3"
is "$(messages)" "" "a refused inventory: no READY=1, no message at all"

# A socket nobody listens on changes nothing.
printf 'version: 1\ndefaults:\n  engine: sqlite\n  path: bad\ntargets:\n  - name: b-{1..2}\n    db: db/b-{1..2}.db\n' >"$W/fast.yaml"
run upgrade --inventory fast.yaml --quiet
is_rc 1 "NOTIFY_SOCKET without a listener: the run goes on (exit 1, as without)"
like "$M_OUT" "^2 targets: 2 failed" "... and reports as usual"

check_no_password
done_testing
