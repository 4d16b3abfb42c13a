#!/bin/bash
# Files the program writes and reads, tried as an attacker who can write
# the log or report directory would (docs/security.md): a planted link, a
# FIFO, a directory, a hard link or someone else's file where a log or a
# report goes is refused and left as it was; an old log of ours becomes a
# new 0600 file; a report's temporary file left by a killed run is removed
# by the next; one another live run holds is refused. password_file reads
# one bounded line of a regular file. touch never leaves a migration
# writable by others.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$TESTS_SRCDIR/lib/tap.sh"
. "$TESTS_SRCDIR/lib/engines.sh"

W=$T_TMP/h
mkdir -p "$W/m"
write_mig "$W/m" 1700000100 1 "first" <<'EOF'
-- migratore: run
CREATE TABLE t1 (id INTEGER PRIMARY KEY);
EOF
cat >"$W/fleet.yaml" <<'EOF'
version: 1
defaults:
  engine: sqlite
  path: m
targets:
  - name: e
    db: db/e.db
  - name: f
    db: db/f.db
EOF
printf 'VICTIM\n' >"$W/victim"
VICTIM_SHA=$(file_sha "$W/victim")

fleet() { MIG_CWD=$W MIG_TIMEOUT=${MIG_TIMEOUT:-30} mig "$@"; }
fresh() { rm -rf "$W/db" "$W/logs" "$W"/r.json "$W"/.r.json.tmp "$W"/r.json.tmp.*; mkdir -p "$W/db"; }
untouched_db() { ok "$([ -z "$(ls -A "$W/db")" ]; echo $?)" "$1: no database touched"; }
victim_intact() { is "$(file_sha "$W/victim")" "$VICTIM_SHA" "$1: the file behind it is untouched"; }
as_root() { [ "$(id -u)" = 0 ]; }

# ---- --log-dir ---------------------------------------------------------------
fresh
mkdir "$W/logs"
ln -s "$W/victim" "$W/logs/e.log"
fleet upgrade --inventory fleet.yaml --log-dir logs
is_rc 2 "a log planted as a symbolic link: refused, exit 2"
like "$M_ERR" "logs/e.log is a symbolic link: refused" "the link named"
victim_intact "planted link"
untouched_db "planted link"
ok "$([ -L "$W/logs/e.log" ]; echo $?)" "the link is left as it was"

fresh
mkdir "$W/logs"
ln "$W/victim" "$W/logs/e.log"
fleet upgrade --inventory fleet.yaml --log-dir logs
is_rc 0 "a log that is a hard link of ours: the run goes on"
victim_intact "hard link"
like "$(cat "$W/logs/e.log")" "^== migratore upgrade: target e" "the log is a new file with this run's log"

fresh
mkdir "$W/logs"
printf 'OLD LOG\n' >"$W/logs/e.log"
chmod 0666 "$W/logs/e.log"
exec 7<"$W/logs/e.log"
fleet upgrade --inventory fleet.yaml --log-dir logs
is_rc 0 "an old log of ours: the run goes on"
is "$(stat -c %a "$W/logs/e.log")" 600 "an old 0666 log becomes a 0600 file"
like "$(cat "$W/logs/e.log")" "^== migratore upgrade: target e" "it holds this run's log"
is "$(cat <&7)" "OLD LOG" "a reader of the old file sees nothing of the new log"
exec 7<&-

fresh
mkdir "$W/logs"
mkfifo "$W/logs/e.log"
fleet upgrade --inventory fleet.yaml --log-dir logs
is_rc 2 "a FIFO where a log goes: refused at once, exit 2"
like "$M_ERR" "logs/e.log is a FIFO, not a regular file: refused" "the FIFO named"
ok "$([ -p "$W/logs/e.log" ]; echo $?)" "the FIFO is still a FIFO"
untouched_db "FIFO"

fresh
mkdir -p "$W/logs/e.log"
fleet upgrade --inventory fleet.yaml --log-dir logs
is_rc 2 "a directory where a log goes: refused, exit 2"
like "$M_ERR" "logs/e.log is a directory, not a regular file: refused" "the directory named"
untouched_db "directory"

if as_root; then
	fresh
	mkdir "$W/logs"
	printf 'NOT YOURS\n' >"$W/logs/e.log"
	chown nobody "$W/logs/e.log"
	fleet upgrade --inventory fleet.yaml --log-dir logs
	is_rc 2 "a log owned by someone else: refused, exit 2"
	like "$M_ERR" "logs/e.log is owned by uid $(id -u nobody), not by uid 0 who runs this: refused" \
		"the file and its owner named"
	is "$(cat "$W/logs/e.log") $(stat -c %U "$W/logs/e.log")" "NOT YOURS nobody" \
		"the file is left as it was"
	untouched_db "someone else's log"
else
	skip "not root: no file of another user to plant" 4
fi

fresh
mkdir "$W/reallogs"
ln -s reallogs "$W/logs"
fleet upgrade --inventory fleet.yaml --log-dir logs
is_rc 2 "--log-dir naming a symbolic link: refused, exit 2"
like "$M_ERR" "--log-dir logs: logs is a symbolic link: refused" "the link named"
ok "$([ -z "$(ls -A "$W/reallogs")" ]; echo $?)" "nothing written where it points"
rm -rf "$W/reallogs"

fresh
(umask 000 && cd "$W" && exec env -i PATH="$PATH" HOME="$T_TMP/home" USER=itester \
	"$MIGRATORE" -q upgrade --inventory fleet.yaml --log-dir logs --report r.json) >/dev/null 2>&1
ok $? "under umask 000: the run succeeds"
is "$(stat -c %a "$W/logs") $(stat -c %a "$W/logs/e.log") $(stat -c %a "$W/r.json")" "700 600 600" \
	"under umask 000: log directory 0700, log and report 0600"

# ---- reports ------------------------------------------------------------------
fresh
ln -s "$W/victim" "$W/r.json"
fleet upgrade --inventory fleet.yaml --report r.json
is_rc 2 "a report path that is a symbolic link: refused, exit 2"
like "$M_ERR" "r.json is a symbolic link: refused" "the link named"
victim_intact "report link"
untouched_db "report link"

fresh
mkfifo "$W/j.xml"
fleet upgrade --inventory fleet.yaml --junit j.xml
is_rc 2 "a FIFO where the JUnit file goes: refused, exit 2"
like "$M_ERR" "j.xml is a FIFO, not a regular file: refused" "the FIFO named"
ok "$([ -p "$W/j.xml" ]; echo $?)" "the FIFO is still a FIFO"
rm -f "$W/j.xml"

# A temporary file of ours that no run holds was left by a run that died
# before its rename: the next run removes it and writes the report.
fresh
printf 'half a report' >"$W/.r.json.tmp"
fleet -q upgrade --inventory fleet.yaml --report r.json
is_rc 0 "a stale temporary file: the run succeeds"
ok "$([ -s "$W/r.json" ]; echo $?)" "and writes its report"
is "$(ls -A "$W" | grep -c 'r\.json\.tmp')" 0 "the stale temporary file is gone"

# A run killed while its report is open leaves the temporary file; the
# next run removes it and writes the report.
mkdir -p "$W/slow"
printf '#!/bin/sh\n# migratore: uuid = %s\n# migratore: timestamp = 1700000100\nexec sleep 30\n' \
	"$(uid 9)" >"$W/slow/1700000100_slow"
chmod 755 "$W/slow/1700000100_slow"
fresh
(cd "$W" && exec env -i PATH="$PATH" HOME="$T_TMP/home" USER=itester \
	"$MIGRATORE" -q upgrade slow --inventory fleet.yaml --report r.json) >/dev/null 2>&1 &
P=$!
bg_track $P
wait_for eval '[ -n "$(ls -A "$W" | grep "r\.json\.tmp")" ]'
ok $? "a running fleet holds the report's temporary file"
kill -KILL $P
wait $P 2>/dev/null
stale=$(ls -A "$W" | grep 'r\.json\.tmp')
isnt "$stale" "" "SIGKILL leaves it behind ($stale)"
fleet -q upgrade --inventory fleet.yaml --report r.json
is_rc 0 "the next run succeeds"
ok "$([ -s "$W/r.json" ]; echo $?)" "and writes its report"
is "$(ls -A "$W" | grep -c 'r\.json\.tmp')" 0 "the stale temporary file is gone"

# one that another live run holds (locked) is that run's: refused
fresh
: >"$W/.r.json.tmp"
flock "$W/.r.json.tmp" sleep 30 &
L=$!
bg_track $L
wait_for eval '! flock -n "$W/.r.json.tmp" true'
ok $? "the temporary file is locked by a live writer"
fleet upgrade --inventory fleet.yaml --report r.json
is_rc 2 "another run writing the same report: refused, exit 2"
like "$M_ERR" "another run is writing r.json \\(\\.r\\.json\\.tmp is locked\\)" "and said so"
ok "$([ -e "$W/.r.json.tmp" ]; echo $?)" "its temporary file is left alone"
untouched_db "report being written"
kill $L
wait $L 2>/dev/null

if as_root; then
	fresh
	printf 'NOT YOURS\n' >"$W/.r.json.tmp"
	chown nobody "$W/.r.json.tmp"
	fleet upgrade --inventory fleet.yaml --report r.json
	is_rc 2 "a temporary file of someone else's: refused, exit 2"
	like "$M_ERR" "\\.r\\.json\\.tmp is owned by uid $(id -u nobody)" "named, with its owner"
	is "$(cat "$W/.r.json.tmp")" "NOT YOURS" "left as it was"
	rm -f "$W/.r.json.tmp"
else
	skip "not root: no file of another user to plant" 3
fi

# report merge and render write the same way
fresh
fleet -q upgrade --inventory fleet.yaml --report r.json
ln -s "$W/victim" "$W/merged.json"
fleet report merge merged.json r.json
is_rc 1 "report merge onto a symbolic link: refused, exit 1"
like "$M_ERR" "cannot write merged.json: merged.json is a symbolic link: refused" "the link named"
victim_intact "report merge"
rm -f "$W/merged.json"

# ---- password_file --------------------------------------------------------------
pw_inventory() { # PASSWORD_FILE
	cat >"$W/pw.yaml" <<EOF
version: 1
targets:
  - name: p
    engine: sqlite
    db: db/p.db
    path: m
    password_file: $1
EOF
}
# mig under a 2 GB address-space limit, so that a run that reads /dev/zero
# whole fails fast instead of growing (not under AddressSanitizer, whose
# shadow memory needs far more address space)
mig_limited() {
	(grep -q __asan_init "$MIGRATORE" || ulimit -v 2000000
	MIG_CWD=$W MIG_TIMEOUT=20 mig "$@"
	printf '%s' "$M_RC" >"$W/lim.rc"
	printf '%s' "$M_ERR" >"$W/lim.err")
	M_RC=$(cat "$W/lim.rc")
	M_ERR=$(cat "$W/lim.err")
}
fresh
pw_inventory /dev/zero
mig_limited upgrade --inventory pw.yaml
is_rc 3 "password_file /dev/zero: an inventory error, exit 3"
like "$M_ERR" "pw.yaml:7:20: password_file: '/dev/zero' is a character device, not a regular file" \
	"at the key's position, saying what it is"
untouched_db "/dev/zero"
mkfifo "$W/pw.fifo"
pw_inventory pw.fifo
MIG_CWD=$W MIG_TIMEOUT=20 mig upgrade --inventory pw.yaml
is_rc 3 "password_file a FIFO: an inventory error at once, exit 3"
like "$M_ERR" "pw.yaml:7:20: password_file: '$W/pw.fifo' is a FIFO, not a regular file" \
	"at the key's position, saying what it is"
printf 'pw\n' >"$W/pw.txt"
chmod 0644 "$W/pw.txt"
pw_inventory pw.txt
fleet upgrade --inventory pw.yaml
is_rc 0 "a password file others can read: the run goes on"
like "$M_ERR" "warning: pw.yaml:7:20: password_file: '$W/pw.txt' is readable by group or others \\(mode 0644\\); chmod 600 it" \
	"with a warning"
chmod 0600 "$W/pw.txt"
ln -s pw.txt "$W/pw.link"
pw_inventory pw.link
fleet upgrade --inventory pw.yaml
is_rc 0 "a link to a 0600 password file: followed"
lacks "$M_ERR" "warning" "and no warning"

# ---- migration files ----------------------------------------------------------------
mkdir -p "$W/gen"
(umask 022 && MIG_CWD=$W mig generate gen -m "made here")
is_rc 0 "generate: exit 0"
is "$(stat -c %a "$W"/gen/*_made_here.sql)" 644 "a generated migration is 0644"
cp "$W/m/1700000100_m1.sql" "$W/gen/1700000100_m1.sql"
chmod 0666 "$W/gen/1700000100_m1.sql"
rm -f "$W"/gen/*_made_here.sql
MIG_CWD=$W mig touch 1700000100 gen
is_rc 0 "touch: exit 0"
is "$(stat -c %a "$W"/gen/*_m1.sql)" 644 "touch leaves no write permission for group and others"
is "$(ls -A "$W/gen" | grep -c 'tmp')" 0 "and no temporary file"

check_no_password
done_testing
