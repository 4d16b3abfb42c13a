#!/bin/bash
# contrib/slurm end to end on a one-node Slurm cluster that the test starts
# itself, all state in a temporary directory: munged on a private socket,
# slurmctld and slurmd on 127.0.0.1 on two ports free when it starts (so
# that two copies of the test can run at once). migratore-fleet.sbatch is
# submitted as an operator would, an array of 4 shards over 300 SQLite
# targets, with migratore-merge.sbatch depending on it. Checks: every job
# exits 0; every target ran exactly once (one success row per migration in
# each database, one line per target from an executable migration, written
# by the array task of the target's shard); the shard reports partition the
# fleet; the merged report lists the 300 targets once, all ok. Then a shard
# run again alone: refused without SHARDS, nothing to do with it. Last, the
# daemons are stopped by pid and no process of the cluster survives.
#
# Skipped (1..0 # SKIP) without the Debian packages slurmctld, slurmd,
# slurm-client and munge (tests/packages.sh installs them) or when not run
# as root. Slow: 11 to 17 s alone, more on a busy machine (Slurm takes a
# second or two to start each job, and the test submits three rounds).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
: "${MIGRATORE:?MIGRATORE must name the migratore binary}"
: "${TESTS_SRCDIR:=$(cd "$(dirname "$0")/.." && pwd)}"
. "$TESTS_SRCDIR/lib/tap.sh"

skip_all() {
	printf '1..0 # SKIP %s\n' "$1"
	exit 0
}

PATH=$PATH:/usr/sbin:/sbin
for tool in slurmctld slurmd sbatch squeue sinfo scontrol scancel munged mungekey; do
	command -v "$tool" >/dev/null 2>&1 ||
		skip_all "no $tool: needs the Debian packages slurmctld slurmd slurm-client munge"
done
[ "$(id -u)" -eq 0 ] || skip_all "not root: munged runs as the user munge, slurmd as root"
id munge >/dev/null 2>&1 || skip_all "no user munge (the munge package creates it)"
command -v ss >/dev/null 2>&1 || skip_all "no ss (iproute2) to find free ports"
command -v runuser >/dev/null 2>&1 || skip_all "no runuser (util-linux)"

. "$TESTS_SRCDIR/lib/engines.sh"
. "$TESTS_SRCDIR/lib/rollout.sh"

CONTRIB=$(cd "$TESTS_SRCDIR/../contrib/slurm" && pwd) || bail_out "no contrib/slurm"
T=$T_TMP/slurm
M=$T/munge
CONF=$T/slurm.conf
NODE=migtest
W=$T_TMP/fleet
CTLD_PID='' SLURMD_PID='' MUNGED_PID=''
JOBS=()

# ---- the cluster ---------------------------------------------------------------

# A TCP port below the ephemeral range that no socket uses now.
free_port() { # [PORT-TO-AVOID]
	local p i
	for ((i = 0; i < 100; i++)); do
		p=$((20000 + RANDOM % 12000))
		[ "$p" != "${1:-}" ] || continue
		[ -z "$(ss -Htan "sport = :$p" 2>/dev/null)" ] && { echo "$p"; return 0; }
	done
	return 1
}

# Slurm's client commands for this cluster, bounded in time. SLURM_CONF is
# given to each command, never exported, so that only the cluster's own
# processes (daemons, jobs) carry it: survivors() finds them by it.
sl() { SLURM_CONF=$CONF timeout 10 "$@"; }

start_munged() {
	mkdir -p "$M"
	chown munge:munge "$M"
	chmod 711 "$M"
	runuser -u munge -- mungekey --create --keyfile="$M/munge.key" || return 1
	SLURM_CONF=$CONF runuser -u munge -- munged --key-file="$M/munge.key" \
		--socket="$M/munge.sock" --pid-file="$M/munged.pid" \
		--log-file="$M/munged.log" --seed-file="$M/munged.seed" || return 1
	MUNGED_PID=$(cat "$M/munged.pid")
	munge -S "$M/munge.sock" -n | unmunge -S "$M/munge.sock" >/dev/null
}

write_conf() { # CTLD-PORT SLURMD-PORT
	cat >"$CONF" <<EOF
ClusterName=migtest
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$1
SlurmdPort=$2
SlurmUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$M/munge.sock
StateSaveLocation=$T/state
SlurmdSpoolDir=$T/spool
SlurmctldPidFile=$T/slurmctld.pid
SlurmdPidFile=$T/slurmd.pid
SlurmctldLogFile=$T/slurmctld.log
SlurmdLogFile=$T/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
MailProg=/bin/true
ReturnToService=2
# 8 CPUs whatever the machine has: the 4 tasks of 2 CPUs run at once.
SlurmdParameters=config_overrides
NodeName=$NODE NodeHostname=$NODE NodeAddr=127.0.0.1 CPUs=8 State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
}

# Starts slurmctld and slurmd on two free ports and waits (bounded) until
# the node is idle; returns 1 when it is not (a port taken meanwhile).
start_slurm() {
	local p1 p2 i
	p1=$(free_port) && p2=$(free_port "$p1") || return 1
	write_conf "$p1" "$p2"
	SLURM_CONF=$CONF setsid slurmctld -D -f "$CONF" >"$T/slurmctld.out" 2>&1 &
	CTLD_PID=$!
	SLURM_CONF=$CONF setsid slurmd -D -f "$CONF" -N "$NODE" >"$T/slurmd.out" 2>&1 &
	SLURMD_PID=$!
	for ((i = 0; i < 60; i++)); do
		[ "$(sl sinfo -h -o %T 2>/dev/null)" = idle ] && return 0
		gone "$CTLD_PID" || gone "$SLURMD_PID" && break
		sleep 0.25
	done
	diag "slurm did not come up on ports $p1, $p2"
	diag "$(tail -n 5 "$T/slurmctld.out" "$T/slurmd.out")"
	stop_slurm
	return 1
}

# PID has exited (or is a zombie, exited but not yet waited for).
gone() { # PID
	local s
	[ -r "/proc/$1/stat" ] || return 0
	read -r _ _ s _ <"/proc/$1/stat" 2>/dev/null || return 0
	[ "$s" = Z ]
}

# SIGTERM, up to 10 s to exit, then SIGKILL; reaped when it is our child.
stop_pid() { # PID
	local i
	[ -n "$1" ] || return 0
	kill -TERM "$1" 2>/dev/null
	for ((i = 0; i < 40; i++)); do
		gone "$1" && break
		sleep 0.25
	done
	gone "$1" || kill -KILL "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	return 0
}

stop_slurm() {
	if [ -n "$CTLD_PID" ] && ! gone "$CTLD_PID" && [ ${#JOBS[@]} -gt 0 ]; then
		sl scancel "${JOBS[@]}" 2>/dev/null
	fi
	stop_pid "$SLURMD_PID"
	stop_pid "$CTLD_PID"
	CTLD_PID='' SLURMD_PID=''
}

# The processes of the cluster still alive: daemons and jobs all carry
# SLURM_CONF=$CONF in their environment.
survivors() {
	local f
	for f in $(grep -lzxF "SLURM_CONF=$CONF" /proc/[0-9]*/environ 2>/dev/null); do
		f=${f#/proc/}
		gone "${f%/environ}" || echo "${f%/environ}"
	done
}

# Stops everything by pid: at the end, and on any exit (a failure too).
cluster_stop() {
	local p
	stop_slurm
	stop_pid "$MUNGED_PID"
	MUNGED_PID=''
	for p in $(survivors); do
		kill -KILL "$p" 2>/dev/null
	done
}
trap 'cluster_stop; _engines_cleanup' EXIT

# ---- jobs ------------------------------------------------------------------------

# sbatch ARGS in the submission directory with a clean environment (which
# --export=ALL hands to the job): PATH finds migratore.
submit() { # ARGS...
	local -a envs=(PATH="$T/bin:/usr/bin:/bin" HOME="$T_TMP/home" LANG=C.UTF-8
		SLURM_CONF="$CONF")
	local v
	for v in ASAN_OPTIONS LSAN_OPTIONS UBSAN_OPTIONS; do
		[ -z "${!v:-}" ] || envs+=("$v=${!v}")
	done
	(cd "$T/jobs" && exec env -i "${envs[@]}" timeout 10 sbatch --parsable "$@")
}

# Polls squeue every 0.25 s until none of the jobs is pending or running.
wait_jobs() { # SECONDS JOBID...
	local end=$((SECONDS + $1)) ids out
	shift
	ids=$(IFS=,; echo "$*")
	while [ "$SECONDS" -lt "$end" ]; do
		out=$(sl squeue -h -j "$ids" 2>/dev/null) && [ -z "$out" ] && return 0
		sleep 0.25
	done
	return 1
}

# "TASK STATE EXIT" per task of an array (or "- STATE EXIT" for a plain
# job), sorted: what `scontrol show job` says (no accounting here).
job_states() { # JOBID
	sl scontrol -o show job "$1" | sed -E \
		-e 's/.*ArrayTaskId=([^ ]*).*JobState=([^ ]*).*ExitCode=([^ ]*).*/\1 \2 \3/' \
		-e 's/.*JobState=([^ ]*).*ExitCode=([^ ]*).*/- \1 \2/' | sort
}

# ---- the fleet: 300 SQLite targets, two SQL migrations and one that writes
# down which array task ran it ---------------------------------------------------

make_fleet() {
	mkdir -p "$W/db" "$T/bin" "$T/jobs" "$T/reports"
	ln -s "$MIGRATORE" "$T/bin/migratore"
	two_good "$W/migs"
	write_exec "$W/migs" 1700000300 3 \
		"case \$1 in run) echo \"\$(basename \"\$DB\" .db) \$SLURM_ARRAY_JOB_ID \$SLURM_ARRAY_TASK_ID\" >>'$W/ran.txt' ;; esac"
	cat >"$W/fleet.yaml" <<EOF
version: 1
defaults:
  engine: sqlite
  path: $W/migs
targets:
  - name: t{000..299}
    db: $W/db/t{000..299}.db
EOF
}

mkdir -p "$T"
make_fleet
start_munged
ok $? "munged answers on its private socket"
started=1
start_slurm || start_slurm || started=0
ok $((1 - started)) "slurmctld and slurmd start; the node is idle"
[ "$started" = 1 ] || bail_out "no Slurm cluster"

# ---- the array and the merge, as contrib/slurm's header submits them -------------

t0=$SECONDS
id=$(submit "--export=ALL,REPORTS=$T/reports,INVENTORY=$W/fleet.yaml" \
	"$CONTRIB/migratore-fleet.sbatch")
like "$id" '^[0-9]+$' "sbatch takes migratore-fleet.sbatch (job $id)"
JOBS+=("$id")
mid=$(submit --dependency=afterany:"$id" "--export=ALL,REPORTS=$T/reports" \
	"$CONTRIB/migratore-merge.sbatch")
like "$mid" '^[0-9]+$' "sbatch takes migratore-merge.sbatch, after the array (job $mid)"
JOBS+=("$mid")
wait_jobs 45 "$id" "$mid"
ok $? "the array and the merge end within 45 s (took $((SECONDS - t0)) s)"

is "$(job_states "$id")" "$(printf '%s COMPLETED 0:0\n' 0 1 2 3)" \
	"the 4 array tasks complete with exit code 0"
is "$(job_states "$mid")" "- COMPLETED 0:0" "the merge job completes with exit code 0"
is "$(cd "$T/jobs" && for k in 0 1 2 3; do f=migratore-fleet-${id}_$k.out; printf '%s:%s ' "$f" "$(cat "$f")"; done)" \
	"$(for k in 0 1 2 3; do printf 'migratore-fleet-%s_%s.out: ' "$id" "$k"; done)" \
	"each task's output file is there and empty (--quiet, all ok)"
contains "$(cat "$T/jobs/migratore-merge-$mid.out" 2>&1)" "fleet.json from 4 of 4 shards, exit 0" \
	"the merge job's output says it merged the 4 shards"

# ---- the shards --------------------------------------------------------------------

R=$T/reports
is "$(cd "$R" && ls shard-*.json | tr '\n' ' ')" \
	"shard-0-of-4.json shard-1-of-4.json shard-2-of-4.json shard-3-of-4.json " \
	"one report per shard, shard-K-of-4.json"
is "$(py "$R"/shard-{0,1,2,3}-of-4.json <<'PY'
import json, sys
for f in sys.argv[1:]:
    r = json.load(open(f))
    print(r["options"]["shard"], r["options"]["jobs"], r["exit_code"], end="; ")
PY
)" "0/4 8 0; 1/4 8 0; 2/4 8 0; 3/4 8 0; " \
	"shard K ran --shard K/4, 8 at a time (4 per CPU of the task), exit 0"
is "$(py "$R"/shard-{0,1,2,3}-of-4.json <<'PY'
import collections, json, sys
seen = collections.Counter()
for f in sys.argv[1:]:
    seen.update(t["name"] for t in json.load(open(f))["targets"])
twice = sorted(n for n, c in seen.items() if c > 1)
print(len(seen), sorted(seen) == ["t%03d" % i for i in range(300)], twice or "none twice")
PY
)" "300 True none twice" "the shard reports partition the fleet: 300 targets, none in two shards"

# ---- every target ran exactly once, in the task of its shard --------------------------

is "$(py "$W/db" <<'PY'
import os, sqlite3, sys
bad, n = [], 0
for i in range(300):
    db = sqlite3.connect(os.path.join(sys.argv[1], "t%03d.db" % i))
    rows = db.execute("SELECT uuid, result, count(*) FROM migratore "
                      "WHERE operation = 'Run' GROUP BY uuid, result").fetchall()
    want = [("%08x-0000-4000-8000-%012x" % (k, k), "success", 1) for k in (1, 2, 3)]
    if sorted(rows) != want:
        bad.append("t%03d: %r" % (i, rows))
    n += db.execute("SELECT count(*) FROM migratore").fetchone()[0]
print(n, "\n".join(bad[:5]) or "one success row per migration")
PY
)" "900 one success row per migration" \
	"each of the 300 databases has exactly one success row for each of its 3 migrations"
is "$(py "$W/ran.txt" "$id" <<'PY'
import collections, sys
def shard(name, n):
    h = 0xcbf29ce484222325
    for b in name.encode():
        h = ((h ^ b) * 0x100000001b3) & 0xffffffffffffffff
    return h % n
lines = [l.split() for l in open(sys.argv[1])]
names = collections.Counter(l[0] for l in lines)
bad = [l for l in lines if l[1:] != [sys.argv[2], str(shard(l[0], 4))]]
print(len(lines), len(names), max(names.values()), bad[:3] or "each in its shard's task")
PY
)" "300 300 1 each in its shard's task" \
	"the executable migration ran once per target, in array task fnv1a64(name) mod 4"

# ---- the merged report ---------------------------------------------------------------

ok "$([ -f "$R/fleet.json" ]; echo $?)" "the merge job wrote fleet.json"
is "$(py "$R/fleet.json" <<'PY'
import collections, json, sys
r = json.load(open(sys.argv[1]))
names = collections.Counter(t["name"] for t in r["targets"])
status = collections.Counter(t["status"] for t in r["targets"])
print(len(names), max(names.values()), dict(status), r["exit_code"], len(r["run_ids"]))
PY
)" "300 1 {'ok': 300} 0 4" "the merged report: 300 targets, each once, all ok, exit 0, from 4 runs"
is "$(stat -c %a "$R/fleet.json")" 600 "the merged report is mode 0600"

# ---- one shard again, as after a failure ------------------------------------------------

names() { py "$1" <<<'import json, sys; print(" ".join(sorted(t["name"] for t in json.load(open(sys.argv[1]))["targets"])))'; }
before=$(names "$R/shard-2-of-4.json")
alone=$(submit --array=2 "--export=ALL,REPORTS=$R,INVENTORY=$W/fleet.yaml" \
	"$CONTRIB/migratore-fleet.sbatch")
again=$(submit --array=2 "--export=ALL,REPORTS=$R,INVENTORY=$W/fleet.yaml,SHARDS=4" \
	"$CONTRIB/migratore-fleet.sbatch")
JOBS+=("$alone" "$again")
wait_jobs 30 "$alone" "$again"
ok $? "the two runs of shard 2 end within 30 s"
is "$(job_states "$alone")" "2 FAILED 2:0" "--array=2 without SHARDS: refused, exit 2 (N unknown)"
contains "$(cat "$T/jobs/migratore-fleet-${alone}_2.out" 2>&1)" \
	"array 2-2 of 1 tasks is not 0 to N-1: set SHARDS=N" "... and the task's output says why"
is "$(job_states "$again")" "2 COMPLETED 0:0" "--array=2 with SHARDS=4: exit 0"
is "$(names "$R/shard-2-of-4.json")" "$before" "... the same targets as shard 2 of the first run"
is "$(py "$R/shard-2-of-4.json" <<<'import json, sys; print({t["status"] for t in json.load(open(sys.argv[1]))["targets"]})')" \
	"{'nothing-to-do'}" "... with nothing to do"
is "$(wc -l <"$W/ran.txt")" 300 "... so no migration ran twice"

# ---- stop ------------------------------------------------------------------------------

pids="$CTLD_PID $SLURMD_PID $MUNGED_PID"
is "$(for p in $(survivors); do cat "/proc/$p/comm"; done | sort | tr '\n' ' ')" \
	"munged slurmctld slurmd slurmscriptd " "before the stop, the cluster's processes are its daemons"
cluster_stop
is "$(for p in $pids; do gone "$p" || echo "$p"; done)" "" \
	"slurmctld, slurmd and munged, stopped by pid, have exited"
is "$(survivors)" "" "no process of the cluster survives (/proc)"

done_testing
