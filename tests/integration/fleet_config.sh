#!/bin/bash
# Fleet mode before and around the run: a malformed inventory, a broken
# migration or a refused target setting stops everything before any
# database is touched (exit 3, every problem shown); bad options exit 2;
# --select; the read-only commands (dry_upgrade, list, errors, environ)
# print per-target sections; passwords never appear, in the report either.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$TESTS_SRCDIR/lib/tap.sh"
. "$TESTS_SRCDIR/lib/engines.sh"

W=$T_TMP/fleet
mkdir -p "$W/m" "$W/db"
write_mig "$W/m" 1700000100 1 "first" <<'EOF'
-- migratore: run
CREATE TABLE t1 (id INTEGER PRIMARY KEY);
EOF
write_mig "$W/m" 1700000200 2 "second" <<'EOF'
-- migratore: run
CREATE TABLE t2 (id INTEGER PRIMARY KEY);
EOF

good_inventory() {
	cat >"$W/fleet.yaml" <<EOF
version: 1
defaults:
  engine: sqlite
  path: m
targets:
  - name: eu-{1..3}
    db: db/eu-{1..3}.db
    tags: [eu]
  - name: us-1
    db: db/us-1.db
    tags: [us, canary]
EOF
}
fleet() { MIG_CWD=$W mig "$@"; }
untouched() { # LABEL
	ok "$([ ! -e "$W/db" ] || [ -z "$(ls -A "$W/db")" ]; echo $?)" "$1: no database touched"
	ok "$([ -z "$(ls "$W" | grep report)" ]; echo $?)" "$1: no report file left"
}

# ---- a malformed inventory: every problem, nothing started -----------------
cat >"$W/bad.yaml" <<'EOF'
version: 1
defaults:
  engine: sqlite
  colour: blue
targets:
  - name: a
    db: db/a.db
  - name: a
    db: db/b.db
  - name: c
    db: db/c.db
    port: 99999
EOF
fleet upgrade --inventory bad.yaml --report report.json
is_rc 3 "malformed inventory: exit 3"
like "$M_ERR" "bad.yaml:4:3: unknown key 'colour'" "malformed inventory: the unknown key, with its position"
like "$M_ERR" "bad.yaml:8:[0-9]+: duplicate target name 'a'" "malformed inventory: the duplicate name"
like "$M_ERR" "bad.yaml:12:[0-9]+: port" "malformed inventory: the bad port"
untouched "malformed inventory"
fleet upgrade --inventory missing.yaml
is_rc 3 "a missing inventory: exit 3"
like "$M_ERR" "missing.yaml" "a missing inventory: named"

# INVENTORY in the environment works like --inventory.
MIG_CWD=$W mig INVENTORY=bad.yaml upgrade
is_rc 3 "INVENTORY=bad.yaml: exit 3 too"

# ---- a broken migration: nothing started ---------------------------------
good_inventory
mkdir -p "$W/broken"
cp "$W/m/"*.sql "$W/broken/"
write_mig "$W/broken" 1700000300 3 "typo" <<'EOF'
-- migratore: runn
SELECT 1;
EOF
fleet upgrade broken --inventory fleet.yaml --report report.json
is_rc 3 "a broken migration: exit 3"
like "$M_ERR" "1700000300_m3.sql:[0-9]+" "a broken migration: file and line named"
untouched "a broken migration"

# ---- a target setting the driver refuses: nothing started ---------------------
cat >"$W/refused.yaml" <<EOF
version: 1
targets:
  - name: good
    engine: sqlite
    db: db/good.db
  - name: odd
    url: sqlite://$W/db/odd.db?sslmode=require
EOF
fleet upgrade m --inventory refused.yaml
is_rc 3 "a refused setting: exit 3"
like "$M_ERR" "target odd: .*sslmode" "a refused setting: the target and the setting named"
untouched "a refused setting"

# ---- bad options: exit 2 ---------------------------------------------------
fleet upgrade --inventory fleet.yaml --select 'nothing-*'
is_rc 2 "--select matching nothing: exit 2"
like "$M_ERR" "matches no target" "--select matching nothing: said so"
fleet upgrade --inventory fleet.yaml --select 'eu-1,'
is_rc 2 "--select with an empty term: exit 2"
fleet upgrade --inventory fleet.yaml --report "$W/no/such/dir/r.json"
is_rc 2 "--report in a missing directory: exit 2"
like "$M_ERR" "no/such/dir/r.json" "--report: the path named"
untouched "bad options"
: >"$W/afile"
fleet upgrade --inventory fleet.yaml --log-dir afile
is_rc 2 "--log-dir naming a file: exit 2"

# ---- dry_upgrade: per-target results, nothing written ------------------------
fleet dry_upgrade --inventory fleet.yaml --select tag:eu
is_rc 0 "dry_upgrade: exit 0"
like "$M_OUT" "^== eu-2 ==$" "dry_upgrade: a section per target"
like "$M_OUT" "^<Migration $(uid 2) 1700000200 second>$" "dry_upgrade: the pending migrations"
like "$M_OUT" "^eu-3 +sqlite +ok +0 +2 " "dry_upgrade: ok with 2 pending"
lacks "$M_OUT" "us-1" "--select tag:eu left us-1 out"
untouched "dry_upgrade"

# ---- upgrade, then list / errors / environ -----------------------------------
fleet upgrade --inventory fleet.yaml --jobs 2
is_rc 0 "upgrade: exit 0"
like "$M_OUT" "4 targets: 4 ok" "upgrade: all ok"
fleet list --inventory fleet.yaml --select us-1
is_rc 0 "list: exit 0"
like "$M_OUT" "^== us-1 ==$" "list: a section per target"
like "$M_OUT" "^UUID +: $(uid 1)$" "list: the rows in the block format"
like "$M_OUT" "^Operator +: itester$" "list: the operator is the login name"
fleet list --inventory fleet.yaml --format json
is_rc 0 "list --format json: exit 0"
is "$(printf '%s' "$M_OUT" | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(sorted(d), [len(d[k]) for k in sorted(d)], d["eu-1"][1]["uuid"])')" \
	"['eu-1', 'eu-2', 'eu-3', 'us-1'] [2, 2, 2, 2] $(uid 2)" \
	"list --format json: stdout is one JSON object, rows per target"
like "$M_ERR" "4 targets: 4 ok" "list --format json: the summary goes to stderr"
fleet errors --inventory fleet.yaml
is_rc 0 "errors with no error rows: exit 0"
like "$M_OUT" "4 targets: 4 ok" "errors: every target ok"

cat >"$W/secret.yaml" <<EOF
version: 1
defaults:
  path: m
targets:
  - name: pg
    engine: postgres
    host: 127.0.0.1
    port: 1
    db: app
    username: app
    password: \${APP_PASSWORD}
    timeout: 20s
  - name: my
    url: mysql://app:$T_SECRET@127.0.0.1:1/app
  - name: lite
    engine: sqlite
    db: db/eu-1.db
EOF
MIG_CWD=$W mig APP_PASSWORD="$T_SECRET" environ --inventory secret.yaml
is_rc 0 "environ: exit 0"
like "$M_OUT" "^== pg ==$" "environ: a section per target"
like "$M_OUT" "^password +: \*\*\*\* \(inventory\)$" "environ: the password masked"
like "$M_OUT" "^timeout +: 20s \(inventory\)$" "environ: the fleet keys too"
if engine_built postgres && engine_built mysql; then
	MIG_CWD=$W mig APP_PASSWORD="$T_SECRET" upgrade --inventory secret.yaml --report secret.json --log-dir logs
	is_rc 1 "unreachable servers: exit 1"
	like "$M_OUT" "^pg +postgres +unreachable " "postgres on a closed port: unreachable"
	like "$M_OUT" "^my +mysql +unreachable " "mysql on a closed port: unreachable"
	like "$M_OUT" "^lite +sqlite +nothing-to-do " "the reachable target went on"
	lacks "$(cat "$W/secret.json" "$W"/logs/*.log)" "$T_SECRET" "the password is in neither the report nor the logs"
	contains "$(cat "$W/secret.json")" '"target": "postgres app:****@127.0.0.1:1/app"' "the report shows the masked target"
else
	skip "postgres or mysql not compiled in" 6
fi

# ---- on a terminal: the live line, colours unless NO_COLOR ----------------
if command -v script >/dev/null; then
	tty_run() { # [VAR=VALUE...]: the fleet's upgrade on a pseudo-terminal
		(cd "$W" && env -i PATH="$PATH" HOME="$T_TMP/home" USER=itester "$@" \
			script -qec "'$MIGRATORE' upgrade --inventory fleet.yaml" /dev/null)
	}
	out=$(tty_run TERM=xterm)
	contains "$out" $'[  0/4] running 1, failed 0, elapsed 0:00' "tty: the live block's summary line"
	contains "$out" $'\033[J' "tty: the block is cleared at the end"
	contains "$out" $'\033[2mnothing-to-do\033[0m' "tty: the status in colour"
	out=$(tty_run TERM=xterm NO_COLOR=1)
	contains "$out" $'/4] running ' "NO_COLOR: still the live block"
	lacks "$out" $'\033[2m' "NO_COLOR: no colour"
else
	skip "script (util-linux) not installed" 5
fi

check_no_password
done_testing
