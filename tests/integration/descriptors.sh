#!/bin/bash
# Descriptors (docs/security.md), read in /proc while an executable
# migration waits on a FIFO the test holds, on every engine: a worker holds
# its standard streams, its own frame pipe and what it opened itself (its
# connection, its database file, its log, its program's pipe), nothing of
# its coordinator's or of another worker's, and every descriptor but 0-2 is
# close-on-exec; the keeper of a program holds nothing; the program holds
# its three standard streams and nothing else. The same for a single-target
# run.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$TESTS_SRCDIR/lib/tap.sh"
. "$TESTS_SRCDIR/lib/engines.sh"

W=$T_TMP/d
mkdir -p "$W/m"
cat >"$W/m/1700000100_gate" <<EOF
#!/bin/sh
# migratore: uuid = $(uid 1)
# migratore: timestamp = 1700000100
case "\$1" in run) echo \$\$ >"\$FS/prog.pid"; exec cat "\$FS/gate";; esac
EOF
chmod 755 "$W/m/1700000100_gate"

# fd_list PID: "fd target" lines
fd_list() {
	local f
	for f in /proc/$1/fd/*; do
		printf '%s %s\n' "${f##*/}" "$(readlink "$f")"
	done | sort -n
}

# Descriptors 3 and up of PID that are not close-on-exec.
inheritable() {
	local f flags n
	for f in /proc/$1/fdinfo/*; do
		n=${f##*/}
		[ "$n" -ge 3 ] || continue
		flags=$(sed -n 's/^flags:[[:space:]]*//p' "$f")
		[ $((8#$flags & 8#2000000)) -ne 0 ] || printf '%s ' "$n"
	done
}

# The program's three streams and nothing else: /dev/null in, a pipe out.
program_fds_ok() { # PROG-PID LABEL
	local fds
	fds=$(fd_list "$1")
	is "$(printf '%s\n' "$fds" | cut -d' ' -f1 | tr '\n' ' ')" "0 1 2 " \
		"$2: the program holds descriptors 0, 1 and 2 only"
	like "$fds" "^0 /dev/null" "$2: its input is /dev/null"
	is "$(printf '%s\n' "$fds" | sed -n '2,3s/^[12] //p' | sort -u | grep -c '^pipe:')" 1 \
		"$2: its output and errors go to one pipe"
}

# In a subshell before exec: close what the test's shell holds above 2,
# so that what the run holds is what it opened.
close_fds() {
	local f n
	for f in /proc/$BASHPID/fd/*; do
		n=${f##*/}
		[ "$n" -gt 2 ] && eval "exec $n>&-"
	done 2>/dev/null
	return 0
}

gates() { local d; for d in "$@"; do rm -f "$d/gate" "$d/prog.pid"; mkfifo "$d/gate"; done; }
open_gate() { echo >"$1/gate"; }

case_fleet() { # ENGINE
	local e=$1 P coord_pipes worker keeper prog fds bad line spawner
	new_db "$e"
	rm -rf "$W/$e" && mkdir -p "$W/$e/a" "$W/$e/b" "$W/$e/db"
	gates "$W/$e/a" "$W/$e/b"
	cat >"$W/$e/fleet.yaml" <<EOF
version: 1
defaults:
  path: $W/m
targets:
  - name: a
    url: $DB_URL
    fs: $W/$e/a
  - name: b
    engine: sqlite
    db: db/b.db
    fs: $W/$e/b
EOF
	(close_fds && cd "$W/$e" && exec env -i PATH="$PATH" HOME="$T_TMP/home" USER=itester \
		"$MIGRATORE" -q upgrade --inventory fleet.yaml --jobs 2 --log-dir logs \
		>"$W/$e/out" 2>"$W/$e/err") &
	P=$!
	bg_track $P
	wait_for eval '[ -s "$W/$e/a/prog.pid" ] && [ -s "$W/$e/b/prog.pid" ]'
	ok $? "$e: both targets' programs wait on their gates"
	prog=$(cat "$W/$e/a/prog.pid")
	keeper=$(ppid_of "$prog")
	worker=$prog
	while [ -n "$worker" ] && [ "$worker" -gt 1 ] &&
		[ "$(ppid_of "$(ppid_of "$worker")")" != "$P" ]; do
		worker=$(ppid_of "$worker")
	done
	spawner=$(ppid_of "$worker")
	is "$(ppid_of "$keeper")" "$worker" "$e: program, keeper, worker, spawner, coordinator"
	like "$(fd_list "$spawner")" "^2 $W/$e/err" "$e: the spawner keeps the coordinator's stderr"
	is "$(fd_list "$spawner" | cut -d' ' -f2 | grep -c -e '/logs/' -e '^/.*\.db')" 0 \
		"$e: and holds no log or database of a worker"
	is "$(inheritable "$spawner")" "" "$e: every descriptor of the spawner from 3 up is close-on-exec"

	program_fds_ok "$prog" "$e"
	is "$(fd_list "$keeper" | cut -d' ' -f2 | sort -u)" /dev/null \
		"$e: the keeper holds nothing but /dev/null"

	fds=$(fd_list "$worker")
	like "$fds" "^0 /dev/null" "$e: the worker's input is /dev/null"
	is "$(printf '%s\n' "$fds" | sed -n 's/^[12] //p' | sort -u)" "$W/$e/logs/a.log" \
		"$e: its output and errors go to its log"
	coord_pipes=$(fd_list "$P" | sed -n 's/^[0-9]* \(pipe:.*\)/\1/p')
	line=$(printf '%s\n' "$fds" | sed -n 's/^3 //p')
	contains "$coord_pipes" "$line" "$e: its descriptor 3 is its pipe to the coordinator ($line)"
	bad=
	while read -r n target; do
		[ "$n" -ge 4 ] || continue
		case $target in
		socket:*) ;;
		"$W/$e/logs/a.log") ;;
		"${T_DBFILE:-/nonexistent}"*) ;;
		pipe:*) [[ $coord_pipes == *"$target"* ]] && bad+="$n=$target " ;;
		*) bad+="$n=$target " ;;
		esac
	done <<<"$fds"
	is "$bad" "" "$e: nothing else: no other worker's pipe or log, nothing of the coordinator's"
	is "$(inheritable "$worker")" "" "$e: every descriptor of the worker from 3 up is close-on-exec"
	is "$(inheritable "$P")" "" "$e: and of the coordinator"

	open_gate "$W/$e/a"
	open_gate "$W/$e/b"
	wait $P
	is "$?" 0 "$e: the gates opened, the run succeeds"
}

case_single() { # ENGINE
	local e=$1 S prog
	new_db "$e"
	rm -rf "$W/s$e" && mkdir -p "$W/s$e"
	gates "$W/s$e"
	(close_fds && cd "$W/s$e" && exec env -i PATH="$PATH" HOME="$T_TMP/home" USER=itester \
		DB_URL="$DB_URL" FS="$W/s$e" "$MIGRATORE" -q upgrade "$W/m" >/dev/null 2>&1) &
	S=$!
	bg_track $S
	wait_for eval '[ -s "$W/s$e/prog.pid" ]'
	ok $? "$e single target: the program waits on its gate"
	prog=$(cat "$W/s$e/prog.pid")
	program_fds_ok "$prog" "$e single target"
	is "$(inheritable "$S")" "" "$e single target: every descriptor of the run from 3 up is close-on-exec"
	open_gate "$W/s$e"
	wait $S
	is "$?" 0 "$e single target: the run succeeds"
}

for e in $(engine_list); do
	case_fleet "$e"
	case_single "$e"
done
check_no_password
done_testing
