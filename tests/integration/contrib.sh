#!/bin/bash
# contrib/: each file checked by the tool that reads it (systemd-analyze,
# systemd-sysusers, systemd-tmpfiles, cron's field rules, sh/bash/zsh -n;
# for Kubernetes, tests/lib/k8scheck.py: the API schema of every field,
# how the manifests and the Dockerfile fit together, and a broken copy for
# each check, to show it fails) and each job's command run, with its paths
# moved to a temporary directory, against a small SQLite fleet: the report
# it leaves, its name and mode, --quiet, --shard and report merge. A check
# that needs a CLI feature migratore does not have yet is a TODO; a missing
# tool is a skip.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
: "${MIGRATORE:?MIGRATORE must name the migratore binary}"
: "${TESTS_SRCDIR:=$(cd "$(dirname "$0")/.." && pwd)}"
. "$TESTS_SRCDIR/lib/tap.sh"

CONTRIB=$(cd "$TESTS_SRCDIR/../contrib" && pwd) || bail_out "no contrib/"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/contrib.XXXXXX") || bail_out "mktemp failed"
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$TMP/bin"
ln -s "$MIGRATORE" "$TMP/bin/migratore"
STAMP_RE='[0-9]{8}T[0-9]{6}Z'

have() { command -v "$1" >/dev/null 2>&1; }
# A known gap: "not ok ... # TODO", which the harness counts as an expected
# failure; tap.sh has no todo, and must not count it as failed.
todo() {
	_tap_result 1 "$1" "TODO $2"
	TAP_FAILED=$((TAP_FAILED - 1))
}
have_yaml() { have python3 && python3 -c 'import yaml' 2>/dev/null; }
mode_of() { stat -c %a "$1"; }

# ---- a SQLite fleet ------------------------------------------------------

# DIR: twelve targets t-01..t-12 with one good migration; with "bad", a
# thirteenth target "broken" whose migration fails.
make_fleet() { # DIR [bad]
	mkdir -p "$1/good" "$1/bad" "$1/db"
	cat >"$1/good/1700000001_users.sql" <<'EOF'
-- migratore: uuid = 00000000-0000-4000-8000-000000000001
-- migratore: timestamp = 1700000001
-- migratore: description = users

-- migratore: run
CREATE TABLE users (id INTEGER PRIMARY KEY);

-- migratore: rollback
DROP TABLE users;
EOF
	cat >"$1/bad/1700000001_typo.sql" <<'EOF'
-- migratore: uuid = 00000000-0000-4000-8000-000000000002
-- migratore: timestamp = 1700000001
-- migratore: description = typo

-- migratore: run
CREATE TABLEX users (id INTEGER PRIMARY KEY);
EOF
	cat >"$1/fleet.yaml" <<'EOF'
version: 1
defaults:
  engine: sqlite
  path: good
targets:
  - name: t-{01..12}
    db: db/t-{01..12}.db
EOF
	[ "${2:-}" = bad ] && cat >>"$1/fleet.yaml" <<'EOF'
  - name: broken
    db: db/broken.db
    path: bad
EOF
	return 0
}

# The target names of JSON reports, one per line, sorted, with repeats.
report_targets() { # FILE...
	python3 -c '
import json, sys
names = []
for f in sys.argv[1:]:
    names += [t["name"] for t in json.load(open(f))["targets"]]
print("\n".join(sorted(names)))' "$@"
}

report_field() { # FILE PYTHON-EXPR-ON-d
	python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}

# ---- running a job's command ----------------------------------------------

# Runs a shell command line in a clean environment (plus VAR=VAL...), in
# DIR; J_RC and J_OUT (stdout and stderr together, as cron mails them).
run_in() { # DIR CMD [VAR=VAL...]
	local dir=$1 cmd=$2
	shift 2
	J_OUT=$(cd "$dir" && env -i HOME="$TMP" PATH="$TMP/bin:/usr/bin:/bin" \
		"$@" timeout 120 /bin/sh -c "$cmd" 2>&1)
	J_RC=$?
}

# When the run was refused for an option or command migratore lacks, a TODO
# naming it; returns 1 so the caller skips the checks of the outcome.
cli_lacks() { # NAME
	local what
	[ "$J_RC" -eq 2 ] || return 0
	what=$(printf '%s\n' "$J_OUT" | sed -n "s/.*unknown \(option\|command\) '\([^']*\)'.*/\2/p" | head -n 1)
	if [ -n "$what" ]; then
		todo "$1" "migratore has no $what yet"
		return 1
	fi
	return 0
}

# The checks every nightly job's outcome gets: exit 0, one report named by
# its time stamp in REPORTS, mode 0600, listing every target, and with
# --quiet no output.
check_nightly() { # NAME REPORTS PREFIX
	local name=$1 reports=$2 prefix=$3 files
	is "$J_RC" 0 "$name: exits 0 on a healthy fleet"
	[ "$J_RC" -eq 0 ] || diag "$J_OUT"
	files=$(cd "$reports" && ls -1 | grep -E "^$prefix$STAMP_RE\\.json\$")
	is "$(printf '%s\n' "$files" | grep -c .)" 1 \
		"$name: one report named $prefix<UTC time>.json"
	[ -n "$files" ] || return 0
	is "$(mode_of "$reports/$files")" 600 "$name: the report is not world-readable (0600)"
	is "$(ls -A "$reports" | grep -c '\.tmp')" 0 "$name: no temporary file left next to it"
	is "$(report_targets "$reports/$files" | grep -c '^t-')" 12 \
		"$name: the report lists every target"
	J_STAMP=${files#"$prefix"}
	J_STAMP=${J_STAMP%.json}
	if [ -z "$J_OUT" ]; then
		pass "$name: --quiet prints nothing when every target is ok"
	else
		todo "$name: --quiet prints nothing when every target is ok" \
			"migratore --quiet still prints the summary"
	fi
}

# ---- distribution ------------------------------------------------------------

check_dist() {
	local listed present
	listed=$(grep -o 'contrib/[A-Za-z0-9_./@-]*[A-Za-z0-9]' "$CONTRIB/local.mk" | sort -u)
	present=$(cd "$CONTRIB/.." && find contrib -type f | sort -u)
	is "$listed" "$present" "local.mk lists exactly the files of contrib/"
}

# ---- systemd -----------------------------------------------------------------

check_systemd() {
	local sd=$CONTRIB/systemd u=$TMP/units root out cal
	mkdir -p "$u"
	# the fleet's OnFailure= on, as a user who wants to be told would
	for f in migratore-fleet.service migratore-fleet.timer; do
		sed "s|/usr/bin/migratore|$MIGRATORE|g; s|^#OnFailure=|OnFailure=|" "$sd/$f" >"$u/$f"
	done
	cp "$sd/migratore-notify@.service" "$u/migratore-notify@migratore-fleet.service.service"
	if ! have systemd-analyze; then
		skip "no systemd-analyze" 6
	else
		out=$(cd "$u" && systemd-analyze verify --man=no \
			./migratore-fleet.service ./migratore-fleet.timer 2>&1)
		ok $? "systemd-analyze verify accepts the service and the timer"
		is "$out" "" "systemd-analyze verify has no warning"
		out=$(cd "$u" && systemd-analyze verify --man=no \
			./migratore-notify@migratore-fleet.service.service 2>&1)
		ok $? "systemd-analyze verify accepts migratore-notify@ (an instance of it)"
		is "$out" "" "... with no warning"
		if systemd-analyze security --help 2>&1 | grep -q -- --offline; then
			out=$(cd "$u" && systemd-analyze security --offline=true \
				--threshold=25 ./migratore-fleet.service 2>&1)
			ok $? "systemd-analyze security rates the service 2.5 or better"
		else
			skip "systemd-analyze security has no --offline (systemd < 250)" 1
		fi
		cal=$(sed -n 's/^OnCalendar=//p' "$sd/migratore-fleet.timer")
		systemd-analyze calendar "$cal" >/dev/null 2>&1
		ok $? "the timer's OnCalendar=$cal is a valid calendar event"
	fi
	for kv in Type=notify NotifyAccess=main RuntimeMaxSec=6h User=migratore \
		UMask=0077 KillMode=mixed NoNewPrivileges=yes ProtectSystem=strict \
		PrivateTmp=yes EnvironmentFile=-/etc/migratore/env; do
		grep -qx "$kv" "$sd/migratore-fleet.service"
		ok $? "the service sets $kv"
	done
	out=$(sed -n 's/^#\{0,1\}OnFailure=\([a-z-]*\)@%n\.service$/\1@.service/p' "$sd/migratore-fleet.service")
	ok "$([ -n "$out" ] && [ -f "$sd/$out" ]; echo $?)" \
		"the service's OnFailure= names a unit contrib/systemd ships ($out)"
	for kv in Type=oneshot User=migratore EnvironmentFile=/etc/migratore/notify \
		NoNewPrivileges=yes ProtectSystem=strict; do
		grep -qx "$kv" "$sd/migratore-notify@.service"
		ok $? "migratore-notify@ sets $kv"
	done
	for kv in Persistent=true RandomizedDelaySec=30min; do
		grep -qx "$kv" "$sd/migratore-fleet.timer"
		ok $? "the timer sets $kv"
	done
	root=$TMP/sysroot
	mkdir -p "$root/etc"
	if have systemd-sysusers && have systemd-tmpfiles; then
		systemd-sysusers --root="$root" "$sd/migratore.sysusers" >/dev/null 2>&1
		like "$(cat "$root/etc/passwd" 2>/dev/null)" '^migratore:x:[0-9]+:[0-9]+:.*:/var/lib/migratore:' \
			"sysusers.d creates the system user migratore"
		systemd-tmpfiles --root="$root" --create "$sd/migratore.tmpfiles" >/dev/null 2>&1
		is "$(mode_of "$root/var/lib/migratore/reports" 2>&1) $(mode_of "$root/var/lib/migratore/logs" 2>&1)" \
			"700 700" "tmpfiles.d creates the report and log directories 0700"
	else
		skip "no systemd-sysusers/systemd-tmpfiles" 2
	fi
	check_systemd_run
	check_notify_run
}

# migratore-notify@'s ExecStart= for a failed run: systemctl and journalctl
# are stand-ins that answer for one invocation (the journal: what a --quiet
# run with a broken target printed); MIGRATORE_NOTIFY gets it on stdin.
check_notify_run() {
	local sd=$CONTRIB/systemd d=$TMP/notify cmd fleet=$TMP/notify/fleet told
	mkdir -p "$d/bin" "$d/state"
	make_fleet "$fleet" bad
	(cd "$fleet" && "$MIGRATORE" upgrade --inventory fleet.yaml --quiet >"$d/journal" 2>&1)
	printf '%s\n' '#!/bin/sh' 'case "$*" in' \
		'"show --property=InvocationID --value migratore-fleet.service") echo 0123abcd ;;' \
		'"status --no-pager --lines=0 migratore-fleet.service")' \
		'	echo "x migratore-fleet.service - migratore: nightly fleet upgrade"' \
		'	echo "   Active: failed (Result: exit-code)"' \
		"	echo '   Status: \"finished: 13/13 done, 0 running, 1 failed\"'" \
		'	exit 3 ;;' \
		'*) echo "systemctl: unexpected $*" >&2; exit 1 ;;' 'esac' >"$d/bin/systemctl"
	printf '%s\n' '#!/bin/sh' \
		'[ "$*" = "--no-pager --output=cat _SYSTEMD_INVOCATION_ID=0123abcd" ] || { echo "journalctl: unexpected $*" >&2; exit 1; }' \
		"cat '$d/journal'" >"$d/bin/journalctl"
	chmod +x "$d/bin/systemctl" "$d/bin/journalctl"
	cmd=$(sed -n 's/^ExecStart=//p' "$sd/migratore-notify@.service")
	unlike "${cmd//%%/}" '%[A-Za-hj-z]' "migratore-notify@'s ExecStart= uses no specifier but %i"
	cmd=${cmd//\$\$/\$}
	cmd=${cmd//%i/migratore-fleet.service}
	J_OUT=$(cd "$d/state" && env -i PATH="$d/bin:/usr/bin:/bin" \
		MIGRATORE_NOTIFY="cat >'$d/told'; echo \"unit: \$1\" >>'$d/told'" \
		timeout 60 /bin/sh -c "$cmd" 2>&1)
	is "$?:$J_OUT" "0:" "migratore-notify@: the command runs and succeeds"
	told=$(cat "$d/told" 2>/dev/null)
	contains "$told" 'Status: "finished: 13/13 done, 0 running, 1 failed"' \
		"migratore-notify@: MIGRATORE_NOTIFY reads the unit's state and last STATUS="
	contains "$told" "broken" "migratore-notify@: ... and the run's journal, naming the failed target"
	contains "$told" "13 targets" "migratore-notify@: ... with the run's totals"
	is "$(printf '%s\n' "$told" | tail -n 1)" "unit: migratore-fleet.service" \
		"migratore-notify@: ... and gets the failed unit's name as \$1"
}

# ExecStart= as the shell runs it: systemd's $$ and %% undone, the paths
# moved under TMP, WorkingDirectory= and StateDirectory= done by hand.
check_systemd_run() {
	local sd=$CONTRIB/systemd state=$TMP/sd/state fleet=$TMP/sd/fleet cmd
	cmd=$(sed -n 's/^ExecStart=//p' "$sd/migratore-fleet.service")
	unlike "${cmd//%%/}" '%[A-Za-z]' "ExecStart= uses no systemd %-specifier by mistake"
	cmd=${cmd//\$\$/\$}
	cmd=${cmd//%%/%}
	cmd=${cmd//\/usr\/bin\/migratore/$MIGRATORE}
	cmd=${cmd//\/var\/lib\/migratore/$state}
	mkdir -p "$state/reports" "$state/logs"
	make_fleet "$fleet"
	run_in "$state" "$cmd" INVENTORY="$fleet/fleet.yaml" MIGRATORE_OPTS="--jobs 3"
	cli_lacks "systemd: ExecStart= runs a nightly upgrade" || return 0
	check_nightly "systemd" "$state/reports" "fleet-"
	[ -n "${J_STAMP:-}" ] || return 0
	ok "$([ -d "$state/logs/$J_STAMP" ]; echo $?)" "systemd: the run's logs are in logs/<the same time>/"
	is "$(report_field "$state/reports/fleet-$J_STAMP.json" 'd["options"]["jobs"]')" 3 \
		"systemd: MIGRATORE_OPTS from /etc/migratore/env reaches migratore"
}

# ---- cron ------------------------------------------------------------------

CRON_FIELD='(\*|[0-9]+(-[0-9]+)?|[a-z]{3})(/[0-9]+)?(,([0-9]+(-[0-9]+)?|[a-z]{3})(/[0-9]+)?)*'

check_cron() {
	local file=$CONTRIB/cron/migratore line m h dom mon dow user cmd n=0
	local -a envs=()
	while IFS= read -r line; do
		case $line in '' | '#'*) continue ;; esac
		if [[ $line =~ ^[A-Za-z_][A-Za-z0-9_]*= ]]; then
			envs+=("$line")
			continue
		fi
		n=$((n + 1))
		read -r m h dom mon dow user cmd <<<"$line"
		ok "$([ -n "$cmd" ]; echo $?)" "cron line $n: five time fields, a user and a command"
		like "$m $h $dom $mon $dow" "^$CRON_FIELD $CRON_FIELD $CRON_FIELD $CRON_FIELD $CRON_FIELD\$" \
			"cron line $n: the time fields are well formed"
		ok "$([[ $m =~ ^[0-9]+$ && $m -lt 60 && $h =~ ^[0-9]+$ && $h -lt 24 ]]; echo $?)" \
			"cron line $n: runs once a day at a valid time ($h:$m)"
		is "$user" migratore "cron line $n: runs as the user migratore"
		unlike "$cmd" '(^|[^\\])%' "cron line $n: every % is escaped"
		contains "$cmd" "--quiet" "cron line $n: uses --quiet, so cron mails only on failure"
		lacks "$cmd" "flock" "cron line $n: no flock (per-database locks)"
		cmd=${cmd//\\%/%}
		sh -n -c "$cmd"
		ok $? "cron line $n: the command is valid sh"
		check_cron_run "$cmd" "${envs[@]}"
	done <"$file"
	ok "$([ "$n" -ge 1 ]; echo $?)" "the cron file has a job line"
}

check_cron_run() { # CMD ENVLINE...
	local cmd=$1 state=$TMP/cron/state fleet=$TMP/cron/fleet e
	local -a envs=()
	shift
	for e in "$@"; do
		e=${e//\/etc\/migratore\/fleet.yaml/$fleet/fleet.yaml}
		case $e in PATH=*) e="PATH=$TMP/bin:${e#PATH=}" ;; esac
		envs+=("$e")
	done
	cmd=${cmd//\/var\/lib\/migratore/$state}
	cmd=${cmd//\/etc\/migratore\/env/$TMP/cron/env}
	mkdir -p "$state/reports" "$state/logs"
	make_fleet "$fleet"
	printf '%s\n' 'MIGRATORE_OPTS="--jobs 2"' >"$TMP/cron/env"
	run_in "$state" "$cmd" "${envs[@]}"
	cli_lacks "cron: the job runs a nightly upgrade" || return 0
	check_nightly "cron" "$state/reports" "fleet-"
	[ -n "${J_STAMP:-}" ] &&
		is "$(report_field "$state/reports/fleet-$J_STAMP.json" 'd["options"]["jobs"]')" 2 \
			"cron: MIGRATORE_OPTS from /etc/migratore/env reaches migratore"

	rm -rf "$fleet" "$state"
	mkdir -p "$state/reports" "$state/logs"
	make_fleet "$fleet" bad
	run_in "$state" "$cmd" "${envs[@]}"
	is "$J_RC" 1 "cron: exits 1 when a target failed"
	contains "$J_OUT" "broken" "cron: prints (and so mails) the failed target"
}

# ---- Kubernetes ----------------------------------------------------------------

# tests/lib/k8scheck.py: q FILE KIND PATH (a value of a document), argv FILE
# KIND CONTAINER VAR=VAL... (a container's argv after Kubernetes' $(VAR)
# expansion, NUL-separated), check DIR [MIGRATORE] (the offline schema and
# consistency checks, one "ok/not ok/skip<TAB>name<TAB>why" line each).
k8s() { python3 "$TESTS_SRCDIR/lib/k8scheck.py" "$@"; }

# The container's argv with the paths of the pod moved under DIR (the
# inventory to FLEET), in K_ARGV.
k8s_argv() { # FILE KIND CONTAINER DIR FLEET VAR=VAL...
	local file=$1 kind=$2 c=$3 dir=$4 fleet=$5 a
	shift 5
	K_ARGV=()
	while IFS= read -r -d '' a; do
		a=${a//\/etc\/migratore\/fleet.yaml/$fleet}
		a=${a//\/reports/$dir}
		K_ARGV+=("$a")
	done < <(k8s argv "$CONTRIB/kubernetes/$file" "$kind" "$c" "$@")
}

check_kubernetes() {
	local kd=$CONTRIB/kubernetes f kinds n out
	if ! have_yaml; then
		skip "no python3 yaml" 1
		return 0
	fi
	for f in cronjob.yaml indexed-job.yaml merge-job.yaml; do
		kinds=$(python3 -c 'import sys, yaml; print(",".join(d["kind"] for d in yaml.safe_load_all(open(sys.argv[1])) if d))' "$kd/$f" 2>&1)
		case $f in
		cronjob.yaml) is "$kinds" "ConfigMap,PersistentVolumeClaim,CronJob" "$f parses: ConfigMap, PVC, CronJob" ;;
		indexed-job.yaml) is "$kinds" "PersistentVolumeClaim,Job" "$f parses: PVC, Job" ;;
		merge-job.yaml) is "$kinds" "Job" "$f parses: Job" ;;
		esac
	done
	check_k8s_schema
	check_k8s_notices
	is "$(k8s q "$kd/cronjob.yaml" CronJob spec/jobTemplate/spec/template/spec/volumes/1/persistentVolumeClaim/claimName)" \
		"$(k8s q "$kd/cronjob.yaml" PersistentVolumeClaim metadata/name)" "the CronJob writes reports to its PVC"
	n=$(k8s q "$kd/indexed-job.yaml" Job spec/completions)
	k8s q "$kd/cronjob.yaml" ConfigMap data/fleet.yaml >"$TMP/k8s-inventory.yaml"
	out=$(cd "$TMP" && env -i PATH=/usr/bin:/bin PG_PASSWORD=x "$MIGRATORE" environ --inventory "$TMP/k8s-inventory.yaml" 2>&1)
	ok $? "the ConfigMap's inventory loads (migratore environ)"
	is "$(printf '%s\n' "$out" | grep -c '^== ')" 64 "the ConfigMap's inventory has 64 targets"
	check_k8s_cronjob_run
	check_k8s_shards_run "$n"
}

# The offline checks of k8scheck.py, one TAP result each.
check_k8s_schema() {
	local st name why n=0
	while IFS=$'\t' read -r st name why; do
		n=$((n + 1))
		case $st in
		ok) pass "kubernetes: $name" ;;
		skip) skip "kubernetes: $name: $why" ;;
		*) fail "kubernetes: $name" "$why" ;;
		esac
	done < <(k8s check "$CONTRIB/kubernetes" "$MIGRATORE" 2>&1)
	ok "$([ "$n" -ge 20 ]; echo $?)" "kubernetes: the checker ran to its end ($n checks)"
}

# Each check notices what it is for: a copy of the files with one mistake
# fails the check named. FILE|TEXT|REPLACEMENT (printf %b)|CHECK|MISTAKE.
K8S_MISTAKES=(
	"indexed-job.yaml|completions: 4|completions: 3|the Indexed Job's N agrees|3 completions for 4 shards"
	"merge-job.yaml|n=4 missing=0|n=3 missing=0|the Indexed Job's N agrees|a merge of 3 shards out of 4"
	"indexed-job.yaml|completionMode: Indexed|completionsMode: Indexed|Job migratore-fleet-shards: fits the Kubernetes API schema|a misspelt field"
	"indexed-job.yaml|memory: 128Mi|memory: 128MB|Job migratore-fleet-shards: fits the Kubernetes API schema|a quantity that is none (128MB)"
	"indexed-job.yaml|restartPolicy: Never|restartPolicy: Always|Job migratore-fleet-shards: pods never restart in place|a Job pod with restartPolicy Always"
	"indexed-job.yaml|backoffLimitPerIndex: 1|backoffLimit: 3|Job migratore-fleet-shards: pods never restart in place|FailIndex without backoffLimitPerIndex"
	"merge-job.yaml|backoffLimit: 0|backoffLimit: 2|Job migratore-fleet-merge: pods never restart in place|a failed merge retried blindly"
	"cronjob.yaml|- name: tmp\n                  mountPath: /tmp|- name: scratch\n                  mountPath: /tmp|CronJob migratore-fleet: every mount has its volume|a mount of a volume that does not exist"
	"cronjob.yaml|concurrencyPolicy: Forbid|concurrencyPolicy: Allow|CronJob migratore-fleet: a valid schedule and time zone, never two runs|two nightly runs at once"
	"cronjob.yaml|\"30 2 * * *\"|\"30 25 * * *\"|CronJob migratore-fleet: a valid schedule|hour 25 in the schedule"
	"cronjob.yaml|timeZone: Etc/UTC|timeZone: Etc/Nowhere|CronJob migratore-fleet: a valid schedule|a time zone that does not exist"
	"indexed-job.yaml|--shard=\$(JOB_COMPLETION_INDEX)/4|--shard=\$(JOB_INDEX)/4|every \$(VAR) of a command is a variable|\$(JOB_INDEX), which Kubernetes would leave as it is"
	"merge-job.yaml|mountPath: /reports|mountPath: /report|every path a command reads is on a volume|the reports' volume mounted elsewhere"
	"indexed-job.yaml|mountPath: /reports|mountPath: /reports\n              readOnly: true|every path a command reads is on a volume|reports written to a read-only volume"
	"cronjob.yaml|password: \${PG_PASSWORD}|password: \${PG_PASS}|the inventory is a mounted ConfigMap key|an inventory variable the pod does not have"
	"cronjob.yaml|mountPath: /tmp|mountPath: /srv|the inventory is a mounted ConfigMap key|a volume over the image's /srv/migrations"
	"indexed-job.yaml|claimName: migratore-shard-reports|claimName: migratore-reports|every claim, ConfigMap and Secret is defined|the shards writing to the CronJob's claim"
	"indexed-job.yaml|accessModes: [ReadWriteMany]|accessModes: [ReadWriteOnce]|every claim, ConfigMap and Secret is defined|a ReadWriteOnce claim for pods on many nodes"
	"merge-job.yaml|migratore:1.0.0|migratore:1.0.1|every container runs the one image|another image in one file"
	"cronjob.yaml|--deadline 5h|--deadline 7h|--deadline ends before activeDeadlineSeconds|--deadline after the Job's deadline"
	"Dockerfile|ENTRYPOINT [\"migratore\"]|ENTRYPOINT [\"migratore]|Dockerfile: known instructions|a broken JSON form"
	"Dockerfile|USER 65532:65532|USER 1000|Dockerfile: FROM debian:bookworm-slim, migratore on PATH, the pods' user|another user than the pods'"
	"Dockerfile|/usr/bin/migratore\nUSER|/opt/migratore\nUSER|Dockerfile: FROM debian:bookworm-slim, migratore on PATH|migratore outside PATH"
	"Dockerfile|libev4 |libev-dev |Dockerfile: installs the package of every library|libev4 missing from the image"
)

check_k8s_notices() {
	local m file from to want what got d=$TMP/k8s-mistake
	for m in "${K8S_MISTAKES[@]}"; do
		IFS='|' read -r file from to want what <<<"$m"
		rm -rf "$d"
		cp -r "$CONTRIB/kubernetes" "$d"
		chmod -R u+w "$d" # read-only under make distcheck
		python3 -c '
import sys
p, old, new = sys.argv[1:]
s = open(p).read()
open(p, "w").write(s.replace(old, new) if old in s else "")' "$d/$file" "$(printf '%b' "$from")" "$(printf '%b' "$to")"
		got=$(k8s check "$d" "$MIGRATORE" 2>&1 | grep -F -- "$want" | cut -f1 | sort -u)
		if [ "$file" = Dockerfile ] && [ "$got" = skip ]; then
			skip "kubernetes: the library check cannot run here" 1
			continue
		fi
		is "$got" "not ok" "kubernetes: $file with $what: the check fails ($want...)"
	done
}

check_k8s_cronjob_run() {
	local dir=$TMP/k8s/cron fleet=$TMP/k8s/cronfleet
	mkdir -p "$dir"
	make_fleet "$fleet"
	k8s_argv cronjob.yaml CronJob migratore "$dir" "$fleet/fleet.yaml" PG_PASSWORD=x
	is "${K_ARGV[0]} ${K_ARGV[1]}" "/bin/sh -c" "the CronJob runs migratore through sh"
	run_in "$TMP" "${K_ARGV[2]}"
	cli_lacks "kubernetes: the CronJob runs a nightly upgrade" || return 0
	check_nightly "kubernetes CronJob" "$dir" "fleet-"
	[ -n "${J_STAMP:-}" ] &&
		ok "$([ -d "$dir/logs-$J_STAMP" ]; echo $?)" "kubernetes CronJob: logs in logs-<the same time>/"
}

# The N pods of the Indexed Job, then the merge Job; and the merge of a run
# where one shard left no report.
check_k8s_shards_run() { # N
	local n=$1 dir=$TMP/k8s/shards fleet=$TMP/k8s/shardfleet k all merged
	mkdir -p "$dir"
	make_fleet "$fleet"
	all=$(printf 't-%02d\n' $(seq 1 12))
	for ((k = 0; k < n; k++)); do
		k8s_argv indexed-job.yaml Job migratore "$dir" "$fleet/fleet.yaml" \
			JOB_COMPLETION_INDEX="$k" PG_PASSWORD=x
		J_OUT=$(cd "$TMP" && env -i PATH=/usr/bin:/bin "$MIGRATORE" "${K_ARGV[@]:1}" 2>&1)
		J_RC=$?
		cli_lacks "kubernetes: shard $k of $n runs" || return 0
		is "$J_RC" 0 "kubernetes: shard $k of $n exits 0"
		ok "$([ -f "$dir/shard-$k-of-$n.json" ]; echo $?)" "kubernetes: shard $k of $n writes shard-$k-of-$n.json"
	done
	is "$(report_targets "$dir"/shard-*-of-"$n".json 2>&1)" "$all" \
		"kubernetes: the $n shards took every target exactly once"
	k8s_argv merge-job.yaml Job merge "$dir" "$fleet/fleet.yaml"
	run_in "$TMP" "${K_ARGV[2]}"
	cli_lacks "kubernetes: the merge Job merges the shard reports" || return 0
	is "$J_RC" 0 "kubernetes: the merge Job exits 0 when every shard was ok"
	merged=$(ls "$dir"/runs/*/fleet.json 2>/dev/null | head -n 1)
	ok "$([ -n "$merged" ]; echo $?)" "kubernetes: the merge Job writes runs/<time>/fleet.json"
	[ -n "$merged" ] || return 0
	is "$(report_targets "$merged")" "$all" "kubernetes: the merged report lists every target once"
	is "$(mode_of "$merged")" 600 "kubernetes: the merged report is 0600"
	is "$(ls "$dir" | grep -c '^shard-')" 0 "kubernetes: the merge Job moves the shard reports away"

	# A shard that left no report: the merge says so and exits 1.
	for ((k = 0; k < n - 1; k++)); do
		k8s_argv indexed-job.yaml Job migratore "$dir" "$fleet/fleet.yaml" \
			JOB_COMPLETION_INDEX="$k" PG_PASSWORD=x
		(cd "$TMP" && env -i PATH=/usr/bin:/bin "$MIGRATORE" "${K_ARGV[@]:1}" >/dev/null 2>&1)
	done
	k8s_argv merge-job.yaml Job merge "$dir" "$fleet/fleet.yaml"
	run_in "$TMP" "${K_ARGV[2]}"
	is "$J_RC" 1 "kubernetes: the merge Job exits 1 when a shard left no report"
	contains "$J_OUT" "shard $((n - 1)) of $n left no report" "kubernetes: and names that shard"
}

# ---- Slurm -------------------------------------------------------------------

check_slurm() {
	local f=$CONTRIB/slurm/migratore-fleet.sbatch m=$CONTRIB/slurm/migratore-merge.sbatch
	local dir=$TMP/slurm fleet=$TMP/slurmfleet k
	sh -n "$f" && sh -n "$m"
	ok $? "the Slurm batch scripts are valid sh"
	like "$(grep '^#SBATCH --array=' "$f")" '^#SBATCH --array=0-' "the Slurm array counts from 0, as --shard does"
	mkdir -p "$dir"
	make_fleet "$fleet"
	for k in 0 1 2; do
		run_in "$TMP" "sh '$f'" SLURM_ARRAY_TASK_ID="$k" SLURM_ARRAY_TASK_COUNT=3 \
			REPORTS="$dir" INVENTORY="$fleet/fleet.yaml"
		cli_lacks "slurm: task $k of 3 runs its shard" || return 0
		is "$J_RC" 0 "slurm: task $k of 3 exits 0"
	done
	is "$(report_targets "$dir"/shard-*-of-3.json 2>&1)" "$(printf 't-%02d\n' $(seq 1 12))" \
		"slurm: the 3 tasks took every target exactly once"
	run_in "$TMP" "sh '$m'" REPORTS="$dir"
	cli_lacks "slurm: the merge job merges the reports" || return 0
	is "$J_RC" 0 "slurm: the merge job exits 0"
	is "$(report_targets "$dir/fleet.json" 2>&1 | grep -c .)" 12 "slurm: the merged report lists every target"
	# A task killed before it wrote its report: the merge says so, exit 1.
	rm "$dir/shard-1-of-3.json"
	run_in "$TMP" "sh '$m'" REPORTS="$dir"
	is "$J_RC" 1 "slurm: the merge job exits 1 when a shard left no report"
	contains "$J_OUT" "shard 1 of 3 left no report" "slurm: and names that shard"
	run_in "$TMP" "sh '$m'" REPORTS="$TMP"
	is "$J_RC:$J_OUT" "2:migratore-merge: no shard-K-of-N.json in $TMP" \
		"slurm: the merge job exits 2 when there is no shard report at all"
	run_in "$TMP" "sh '$f'" SLURM_ARRAY_TASK_ID=2 SLURM_ARRAY_TASK_COUNT=1 \
		SLURM_ARRAY_TASK_MIN=2 SLURM_ARRAY_TASK_MAX=2 REPORTS="$dir" INVENTORY="$fleet/fleet.yaml"
	is "$J_RC" 2 "slurm: an array that is not 0 to N-1, without SHARDS: exit 2"
}

# ---- completion --------------------------------------------------------------

# What the bash completion offers for LINE (the cursor at its end), one
# word a line, sorted; run in DIR with the migratore of $COMP_BIN (default
# the one tested) on PATH. COMP_WORDBREAKS' "=" and ":" splits are
# imitated (bash then replaces only what follows the last ":").
complete_bash() { # DIR LINE
	(
		cd "$1" || exit 1
		PATH="${COMP_BIN:-$TMP/bin}:$PATH"
		. "$CONTRIB/completion/migratore.bash"
		line=${2//=/ = }
		line=${line//:/ : }
		read -ra COMP_WORDS <<<"$line"
		[[ $2 == *" " || $2 == *= || $2 == *: ]] && COMP_WORDS+=("")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		COMP_LINE=$2
		COMP_POINT=${#2}
		COMPREPLY=()
		_migratore migratore "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
		printf '%s\n' "${COMPREPLY[@]}" | sed '/^$/d' | sort
	)
}

check_completion() {
	local c=$CONTRIB/completion d=$TMP/comp help cmds opt missing=""
	bash -n "$c/migratore.bash"
	ok $? "the bash completion is valid bash"
	out=$(bash -c ". '$c/migratore.bash' && complete -p migratore" 2>&1)
	is "$out" "complete -F _migratore migratore" "the bash completion registers _migratore"
	mkdir -p "$d/migs" "$d/logs"
	: >"$d/fleet.yaml"
	: >"$d/report.json"
	: >"$d/1700000001_users.sql"
	is "$(complete_bash "$d" "migratore up")" "upgrade" "migratore up<TAB> completes to upgrade"
	is "$(complete_bash "$d" "migratore dry_")" "$(printf 'dry_downgrade\ndry_upgrade')" \
		"migratore dry_<TAB> offers both dry runs"
	is "$(complete_bash "$d" "migratore --quiet --report r.json up")" "upgrade" \
		"the command is completed after options and their values"
	is "$(complete_bash "$d" "migratore upgrade --inv")" "--inventory" "--inv<TAB> completes to --inventory"
	is "$(complete_bash "$d" "migratore upgrade --inventory f")" "fleet.yaml" "--inventory completes a file"
	is "$(complete_bash "$d" "migratore upgrade --inventory=f")" "fleet.yaml" "--inventory=<TAB> completes a file"
	is "$(complete_bash "$d" "migratore upgrade --report r")" "report.json" "--report completes a file"
	is "$(complete_bash "$d" "migratore upgrade --log-dir ")" "$(printf 'logs\nmigs')" \
		"--log-dir completes directories only"
	is "$(complete_bash "$d" "migratore upgrade m")" "migs" "upgrade's [path] completes a directory"
	is "$(complete_bash "$d" "migratore upgrade migs ")" "" "upgrade takes one path only"
	is "$(complete_bash "$d" "migratore list --format ")" "$(printf 'json\ntext')" "--format offers text and json"
	is "$(complete_bash "$d" "migratore upgrade --log-format ")" "$(printf 'json\ntext')" "--log-format offers text and json"
	is "$(complete_bash "$d" "migratore dry_upgrade --s")" "$(printf -- '--safe\n--select\n--shard\n--sql')" \
		"dry_upgrade offers --sql, from the binary's option list"
	is "$(complete_bash "$d" "migratore upgrade --engine ")" "$(printf 'mysql\npostgres\nsqlite')" \
		"--engine offers the three engines"
	is "$(complete_bash "$d" "migratore rebuild ")" "1700000001" "rebuild completes migration ids"
	is "$(complete_bash "$d" "migratore report ")" "$(printf 'merge\nrender')" "report<TAB> offers merge and render"
	is "$(complete_bash "$d" "migratore report merge out.json r")" "report.json" "report merge completes reports"
	is "$(complete_bash "$d" "migratore report render r")" "report.json" "report render completes a report"
	is "$(complete_bash "$d" "migratore report render report.json ")" "" "report render takes one report"
	is "$(complete_bash "$d" "migratore report render report.json --html r")" "report.json" \
		"report render --html completes a file"
	is "$(complete_bash "$d" "migratore upgrade --metrics r")" "report.json" "--metrics completes a file"
	check_completion_tags "$d"
	is "$(complete_bash "$d" "migratore help dry_u")" "dry_upgrade" "help completes a command"
	check_completion_options "$d"

	# No drift from the binary: every command and option of --help.
	help=$("$MIGRATORE" --help 2>&1)
	cmds=$(printf '%s\n' "$help" | sed -n '/^Commands:/,/^$/p' | sed -n 's/^  \([a-z_]*\) .*/\1/p')
	for opt in $cmds; do
		complete_bash "$d" "migratore " | grep -qx -- "$opt" || missing="$missing $opt"
	done
	is "$missing" "" "the bash completion knows every command of migratore --help"
	missing=""
	for opt in $(printf '%s\n' "$help" | grep -o -- '--[a-z][a-z-]*' | sort -u); do
		complete_bash "$d" "migratore $opt" | grep -qx -- "$opt" || missing="$missing $opt"
	done
	is "$missing" "" "the bash completion knows every option of migratore --help"

	if have zsh; then
		zsh -n "$c/migratore.zsh"
		ok $? "the zsh completion is valid zsh"
		check_completion_zsh "$d"
	else
		skip "no zsh" 1
	fi
}

# --select and --canary: "tag:NAME" for the tags of the inventory given
# (--inventory, -i, --inventory=, or INVENTORY), as the binary loads it.
check_completion_tags() { # DIR
	local d=$1 all
	printf '%s\n' 'version: 1' 'defaults: { engine: sqlite }' 'targets:' \
		"  - { name: 'a-{1..3}', db: 'a{1..3}.db', tags: [eu, canary] }" \
		'  - { name: b, db: b.db, tags: [us, eu] }' '  - { name: c, db: c.db }' >"$d/tags.yaml"
	all=$(printf 'tag:canary\ntag:eu\ntag:us')
	is "$(complete_bash "$d" "migratore upgrade --inventory tags.yaml --select ")" "$all" \
		"--select offers tag:NAME for every tag of the inventory"
	is "$(complete_bash "$d" "migratore upgrade --inventory tags.yaml --select tag:")" "$(printf 'canary\neu\nus')" \
		"--select tag:<TAB> offers the tags (bash keeps the tag: before the ':')"
	is "$(complete_bash "$d" "migratore upgrade --inventory tags.yaml --select tag:e")" "eu" \
		"--select tag:e<TAB> completes to tag:eu"
	is "$(complete_bash "$d" "migratore upgrade -i tags.yaml --select=tag:c")" "canary" \
		"-i and --select=tag: work too"
	is "$(INVENTORY=tags.yaml complete_bash "$d" "migratore dry_upgrade --canary tag:u")" "us" \
		"--canary, with INVENTORY from the environment"
	is "$(complete_bash "$d" "migratore upgrade --select tag:eu up")" "" \
		"the word after --select tag:eu is upgrade's path, not a command"
	is "$(complete_bash "$d" "migratore upgrade --inventory fleet.yaml --select ")" "" \
		"an inventory that does not load offers nothing"
	is "$(complete_bash "$d" "migratore upgrade --select ")" "" "no inventory, no tags"
}

# The options come from the binary's table (`migratore help --options
# [COMMAND]`): a binary with another table gets other completions, and a
# command gets only its own options.
check_completion_options() { # DIR
	local d=$1 stub=$TMP/stub
	is "$(complete_bash "$d" "migratore version --")" "--help" "version takes --help only"
	is "$(complete_bash "$d" "migratore report merge out.json --")" "$(printf -- '--help\n--html\n--junit')" \
		"report merge takes --help, --html and --junit"
	is "$(complete_bash "$d" "migratore report render r.json --")" "$(printf -- '--help\n--html\n--junit')" \
		"report render takes --help, --html and --junit"
	is "$(complete_bash "$d" "migratore generate --")" "$(printf -- '--help\n--message')" \
		"generate takes --help and --message"
	complete_bash "$d" "migratore upgrade --" | grep -qx -- --canary
	ok $? "upgrade takes the rollout options"
	complete_bash "$d" "migratore trace --" | grep -qx -- --inventory
	ok $((!$?)) "trace (no fleet mode) is not offered --inventory"
	is "$(complete_bash "$d" "migratore --" | wc -l)" "$("$MIGRATORE" help --options | grep -c '^--')" \
		"before the command: every long option of the table"
	mkdir -p "$stub"
	printf '%s\n' '#!/bin/sh' '# A migratore whose table has one option more: --frobnicate VALUE.' \
		'[ "$1 $2" = "help --options" ] || exit 2' \
		"printf -- '--frobnicate=\\tan option of this binary only\\n--help\\tshow help\\n'" \
		>"$stub/migratore"
	chmod +x "$stub/migratore"
	is "$(COMP_BIN=$stub complete_bash "$d" "migratore --fro")" "--frobnicate" \
		"an option of the binary's table is completed"
	is "$(COMP_BIN=$stub complete_bash "$d" "migratore --frobnicate up")" "" \
		"the word after an option that takes a value is its value"
	is "$(COMP_BIN=$stub complete_bash "$d" "migratore --frobnicate x up")" "upgrade" \
		"... and the command comes after it"
	is "$(COMP_BIN=$stub complete_bash "$d" "migratore --inv")" "" \
		"an option the binary lacks is not offered"
	is "$(COMP_BIN=$TMP/nothing complete_bash "$d" "migratore up")" "upgrade" \
		"without a binary the commands are still completed"
}

# zsh: an interactive zsh on a pseudo-terminal (zpty) with the completion
# in its fpath types each LINE, TAB, then a key whose widget appends
# [$BUFFER] to OUT: what a user would see after pressing TAB.
cat >"$TMP/zcomplete.zsh" <<'EOF'
zmodload zsh/zpty || exit 77
dir=$1 out=$2
shift 2
: >$out
zpty z zsh -f -i || exit 77
zpty -w z "fpath=($dir \$fpath); autoload -Uz compinit; compinit -u -D; unsetopt beep"
zpty -w z "dump() { print -r -- \"[\$BUFFER]\" >>$out; BUFFER=''; }; zle -N dump; bindkey '^T' dump"
n=0
for l in "$@"; do
	zpty -w -n z "$l"$'\t'
	zpty -w -n z $'\C-t'
	n=$((n + 1))
	for i in {1..100}; do
		(( $(wc -l <$out) >= n )) && break
		sleep 0.1
	done
done
zpty -d z
EOF

check_completion_zsh() { # DIR
	local got want
	mkdir -p "$TMP/zfunc"
	cp "$CONTRIB/completion/migratore.zsh" "$TMP/zfunc/_migratore"
	got=$(cd "$1" && PATH="$TMP/bin:$PATH" timeout 60 zsh -f "$TMP/zcomplete.zsh" "$TMP/zfunc" "$TMP/zout" \
		'migratore up' 'migratore upgrade --rep' 'migratore upgrade --inventory f' \
		'migratore rebuild ' 'migratore report m' 'migratore list --format t' \
		'migratore --quiet dry_u' >/dev/null 2>&1; cat "$TMP/zout" 2>/dev/null)
	if [ -z "$got" ]; then
		skip "zsh has no zpty here" 1
		return 0
	fi
	want=$(printf '[%s]\n' 'migratore upgrade ' 'migratore upgrade --report=' \
		'migratore upgrade --inventory fleet.yaml ' 'migratore rebuild 1700000001 ' \
		'migratore report merge ' 'migratore list --format text ' 'migratore --quiet dry_upgrade ')
	is "$got" "$want" "zsh completes commands, options, files, ids and report merge after TAB"
	got=$(cd "$1" && PATH="$TMP/stub:$PATH" timeout 60 zsh -f "$TMP/zcomplete.zsh" "$TMP/zfunc" "$TMP/zout" \
		'migratore --fro' 'migratore --frobnicate x dry_u' >/dev/null 2>&1; cat "$TMP/zout" 2>/dev/null)
	is "$got" "$(printf '[%s]\n' 'migratore --frobnicate=' 'migratore --frobnicate x dry_upgrade ')" \
		"zsh takes the options from the binary's table"
	got=$(cd "$1" && PATH="$TMP/bin:$PATH" timeout 60 zsh -f "$TMP/zcomplete.zsh" "$TMP/zfunc" "$TMP/zout" \
		'migratore version --he' 'migratore generate --me' >/dev/null 2>&1; cat "$TMP/zout" 2>/dev/null)
	is "$got" "$(printf '[%s]\n' 'migratore version --help ' 'migratore generate --message=')" \
		"zsh offers a command's own options"
	got=$(cd "$1" && PATH="$TMP/bin:$PATH" timeout 60 zsh -f "$TMP/zcomplete.zsh" "$TMP/zfunc" "$TMP/zout" \
		'migratore report r' 'migratore report render r' \
		'migratore upgrade --inventory tags.yaml --select tag:c' 'migratore upgrade -i tags.yaml --canary tag:u' \
		>/dev/null 2>&1; cat "$TMP/zout" 2>/dev/null)
	is "$got" "$(printf '[%s]\n' 'migratore report render ' 'migratore report render report.json ' \
		'migratore upgrade --inventory tags.yaml --select tag:canary ' \
		'migratore upgrade -i tags.yaml --canary tag:us ')" \
		"zsh completes report render and the inventory's tags after --select and --canary"
}

check_dist
check_systemd
check_cron
check_kubernetes
check_slurm
check_completion
done_testing
