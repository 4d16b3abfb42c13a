#!/bin/bash
# Drift on every engine (worker/drift.h): the checksum covers the run
# section the engine runs, normalised, so blank lines, comments and a
# section added for another engine are no drift while a changed literal
# is; upgrade warns once per drifted migration, --strict-checksums (and
# STRICT_CHECKSUMS) refuses and touches nothing; repair asks (on a
# terminal; --yes otherwise), appends a Repair row with the checksum a
# Run of the file would record, and changes nothing the Python tool
# considers applied; rows of earlier versions (raw checksums) and of the
# Python tool (none) keep working.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$TESTS_SRCDIR/lib/tap.sh"
. "$TESTS_SRCDIR/lib/engines.sh"

command -v script >/dev/null || bail_out "script (util-linux) is needed"

# mig_tty ANSWER ARGS...: the binary on a pseudo-terminal (script), the
# answer typed on it; M_RC and M_OUT (the terminal's bytes, CR dropped).
mig_tty() {
	local answer=$1 cmd a
	shift
	cmd="cd $(printf %q "${MIG_CWD:-$T_TMP/cwd}") && exec env -i PATH=$(printf %q "$PATH") HOME=$(printf %q "$T_TMP/home") USER=itester DB_URL=$(printf %q "$DB_URL")"
	for a in "$MIGRATORE" "$@"; do cmd+=" $(printf %q "$a")"; done
	printf '%s\n' "$answer" |
		timeout -k 5 30 script -qec "$cmd" /dev/null >"$T_TMP/tty.out"
	M_RC=${PIPESTATUS[1]}
	M_OUT=$(tr -d '\r' <"$T_TMP/tty.out")
	printf '=== (tty) %s [exit %d]\n%s\n' "$*" "$M_RC" "$M_OUT" >>"$T_TMP/all-output"
}

# What the Python tool considers applied, by its two rules (upstream
# behaviour 4.3 and 11): 0.10, the uuids whose latest successful row is
# not a Rollback; 0.6, the highest timestamp of the successful rows.
python_applied() { # ENGINE
	sql "$1" "SELECT uuid FROM migratore m WHERE result = 'success' AND operation <> 'Rollback' AND object_id = (SELECT MAX(object_id) FROM migratore n WHERE n.uuid = m.uuid AND n.result = 'success') ORDER BY uuid"
	sql "$1" "SELECT MAX(timestamp) FROM migratore WHERE result = 'success'"
}

# The bytes of the plain run section of a file: what versions before 2
# hashed.
v1_checksum() { # FILE
	python3 - "$1" <<'PY'
import hashlib, re, sys
t = open(sys.argv[1], "rb").read()
m = re.search(rb"^-- migratore: run\n", t, re.M)
body = t[m.end():]
n = re.search(rb"^-- migratore: ", body, re.M)
print(hashlib.sha256(body[:n.start()] if n else body).hexdigest())
PY
}

setup_dir() { # DIR
	write_mig "$1" 1700000100 1 "first" <<'SQL'
-- migratore: run
CREATE TABLE t1 (id INTEGER PRIMARY KEY, name VARCHAR(20) DEFAULT 'a b');
-- migratore: rollback
DROP TABLE t1;
SQL
	write_mig "$1" 1700000200 2 "second" <<'SQL'
-- migratore: run
INSERT INTO t1 (id, name) VALUES (1, 'x');
SQL
}

case_engine() { # ENGINE
	local e=$1 d other rows before sum main ref
	main=$(fresh_db "$e") && ref=$(fresh_db "$e") ||
		bail_out "cannot create $e databases"
	eval "$main"
	d=$(new_dir)
	setup_dir "$d"
	mig upgrade "$d"
	is_rc 0 "$e: (upgrade)"
	like "$(ledger "$e" checksum | paste -sd' ')" "^v2:[0-9a-f]{64} v2:[0-9a-f]{64}$" \
		"$e: rows record version 2 checksums"

	# ---- layout, comments and another engine's section: no drift ----
	other=postgres
	[ "$e" = postgres ] && other=mysql
	cat >"$d/1700000100_m1.sql" <<SQL
-- migratore: uuid = $(uid 1)
-- migratore: timestamp = 1700000100
-- migratore: description = first, reformatted

-- migratore: run
-- the first table, with a comment and its own lines
CREATE   TABLE t1 (
	id INTEGER PRIMARY KEY,   -- the key
	name VARCHAR(20) DEFAULT 'a b'
) ;


-- migratore: run $other
CREATE TABLE t1 (id INT PRIMARY KEY, name TEXT);
-- migratore: rollback
DROP TABLE IF EXISTS t1;
SQL
	mig status "$d" --strict
	is_rc 0 "$e: blanks, comments, a section for $other: not drift (--strict exits 0)"
	mig upgrade "$d" --strict-checksums
	is_rc 0 "$e: upgrade --strict-checksums runs"
	is "$M_ERR" "" "$e: and warns of nothing"

	# ---- a changed string literal is drift ----
	sed -i "s/'x'/'y'/" "$d/1700000200_m2.sql"
	write_mig "$d" 1700000300 3 "third" <<<$'-- migratore: run\nCREATE TABLE t3 (id INT);'
	rows=$(ledger_count "$e")
	mig status "$d"
	like "$M_OUT" "^drifted  1700000200_m2\\.sql  [0-9]{2} [A-Z][a-z]{2} [0-9]{4} [0-9:]{8} +[0-9]+s  its run section for $e \\(the plain \`run\`, line 5\\) changed since it ran; if that was intended, \`migratore repair $d\`\$" \
		"$e: a changed literal is drift, named with its section and engine"
	mig upgrade "$d" --strict-checksums
	is_rc 1 "$e: upgrade --strict-checksums refuses (exit 1)"
	is "$M_ERR" "migratore: error: --strict-checksums: 1 applied migration changed since it was applied, so nothing was run:
  1700000200_m2.sql ($(uid 2)): its run section for $e (the plain \`run\`, line 5)
restore it, or record the change with \`migratore repair\`" \
		"$e: naming the file, its uuid and the engine's section"
	is "$(ledger_count "$e")" "$rows" "$e: and wrote nothing"
	is "$(table_exists "$e" t3)" 0 "$e: nor ran the pending migration"
	mig STRICT_CHECKSUMS=1 upgrade "$d"
	is_rc 1 "$e: STRICT_CHECKSUMS=1 refuses the same"
	mig STRICT_CHECKSUMS=1 dry_upgrade "$d"
	is_rc 1 "$e: so does dry_upgrade (a check for CI)"
	mig upgrade "$d" --allow-out-of-order
	is_rc 0 "$e: without strictness upgrade runs"
	is "$M_ERR" "migratore: warning: 1700000200_m2.sql ($(uid 2)) was changed after it was applied: its run section for $e (the plain \`run\`, line 5) differs from what ran; if the change was intended, \`migratore repair\` records it" \
		"$e: with one warning line for the drifted migration"
	is "$(table_exists "$e" t3)" 1 "$e: (the third ran)"

	# ---- repair: asks, or needs --yes ----
	rows=$(ledger_count "$e")
	before=$(python_applied "$e")
	mig repair "$d" </dev/null
	is_rc 2 "$e: repair without a terminal and without --yes: usage error"
	like "$M_ERR" "stdin is not a terminal: give --yes" "$e: saying so"
	mig_tty n repair "$d"
	is_rc 1 "$e: repair answered no exits 1"
	contains "$M_OUT" "Changed since it was applied:
  1700000200_m2.sql ($(uid 2)): its run section for $e (the plain \`run\`, line 5)
Record this change as intended (a Repair row for it)? [y/N] " \
		"$e: it lists the change and asks"
	like "$M_OUT" "repair was not confirmed: nothing was written" "$e: no means nothing"
	is "$(ledger_count "$e")" "$rows" "$e: not a row"
	mig_tty y repair "$d"
	is_rc 0 "$e: repair answered yes exits 0"
	contains "$M_OUT" "Recording the current checksum of migration '$(uid 2)'" "$e: and says what it records"
	is "$(ledger "$e" "uuid, result, operation" | tail -n 1)" "$(uid 2)	success	Repair" \
		"$e: one Repair row, a success, for the drifted migration"
	is "$(ledger_count "$e")" $((rows + 1)) "$e: and nothing else"
	like "$(ledger "$e" "checksum" | tail -n 1)" "^v2:[0-9a-f]{64}$" "$e: with a version 2 checksum"
	sum=$(ledger "$e" "checksum" | tail -n 1)
	is "$(python_applied "$e")" "$before" \
		"$e: what the Python tool considers applied did not change (both rules)"
	mig status "$d" --strict
	is_rc 0 "$e: repaired: --strict exits 0"
	like "$M_OUT" $'^applied  1700000200_m2\\.sql  .*  changed after it ran; recorded as intended by repair \\(row [0-9]+, ' \
		"$e: status says the change was recorded by repair"
	mig repair "$d" --yes
	is_rc 0 "$e: repair with nothing drifted exits 0"
	is "$(tail -n 1 <<<"$M_OUT")" "Nothing to repair: every applied migration matches its file" \
		"$e: and says so"
	is "$(ledger_count "$e")" $((rows + 1)) "$e: writing nothing"

	# the checksum repair records is the one a Run of the file records
	eval "$ref"
	mig upgrade "$d"
	is "$(ledger "$e" checksum | sed -n 2p)" "$sum" \
		"$e: the Repair row holds what a Run of the file as it is now records"
	eval "$main"

	# ---- rows of earlier versions: raw checksums, compared as such ----
	sql "$e" "UPDATE migratore SET checksum = '$(v1_checksum "$d/1700000100_m1.sql")' WHERE uuid = '$(uid 1)'"
	mig status "$d" --strict
	is_rc 0 "$e: a version 1 checksum of the file as it is: no drift after the upgrade of the tool"
	sed -i 's/^\tid INTEGER PRIMARY KEY,   -- the key$/\tid INTEGER PRIMARY KEY,  -- the key/' "$d/1700000100_m1.sql"
	mig status "$d" --strict
	is_rc 1 "$e: a version 1 checksum sees every byte: a blank is drift there"
	mig repair "$d" --yes
	is_rc 0 "$e: repair records a version 2 checksum for it"
	sed -i 's/^) ;$/);/' "$d/1700000100_m1.sql"
	mig status "$d" --strict
	is_rc 0 "$e: after which blanks are no drift"

	# ---- rows of the Python tool carry no checksum: never drift ----
	sql "$e" "UPDATE migratore SET checksum = NULL WHERE uuid = '$(uid 3)'"
	sed -i 's/t3 (id INT)/t3 (id BIGINT)/' "$d/1700000300_m3.sql"
	mig status "$d" --strict
	is_rc 0 "$e: a row without checksum is never drift"
}

# ---- a fleet: warnings grouped, strict_checksums, repair --select ----
case_fleet() {
	local W=$T_TMP/fleet e n names=(lite-1 lite-2) rows
	mkdir -p "$W/m" "$W/db"
	setup_dir "$W/m"
	{
		echo "version: 1"
		echo "defaults:"
		echo "  path: m"
		echo "targets:"
		echo "  - name: lite-{1..2}"
		echo "    engine: sqlite"
		echo "    db: db/lite-{1..2}.db"
		for e in $(engine_list); do
			[ "$e" = sqlite ] && continue
			new_db "$e"
			printf '  - name: %s-1\n    url: %s\n' "$e" "$DB_URL"
		done
	} >"$W/fleet.yaml"
	for e in $(engine_list); do [ "$e" = sqlite ] || names+=("$e-1"); done
	MIG_CWD=$W mig upgrade --inventory fleet.yaml --quiet
	is_rc 0 "fleet: (upgrade)"
	sed -i "s/'x'/'z'/" "$W/m/1700000200_m2.sql"
	MIG_CWD=$W mig upgrade --inventory fleet.yaml
	is_rc 0 "fleet: drift alone does not fail an upgrade"
	contains "$M_OUT" "Warnings:

2 targets: 1700000200_m2.sql ($(uid 2)) was changed after it was applied: its run section for sqlite (the plain \`run\`, line 5) differs from what ran; if the change was intended, \`migratore repair\` records it
  [lite-1 lite-2]
  If the change was intended, record the file as it is now:
    migratore repair --inventory fleet.yaml --select lite-1,lite-2" \
		"fleet: one warning for all the targets of an engine, with the repair command"
	for n in "${names[@]:2}"; do
		contains "$M_OUT" "1 target: 1700000200_m2.sql ($(uid 2)) was changed after it was applied: its run section for ${n%-1} " \
			"fleet: $n's warning is grouped with its engine's"
	done

	sed -i 's/^defaults:$/defaults:\n  strict_checksums: true/' "$W/fleet.yaml"
	write_mig "$W/m" 1700000300 3 "third" <<<$'-- migratore: run\nCREATE TABLE t3 (id INT);'
	MIG_CWD=$W mig upgrade --inventory fleet.yaml
	is_rc 1 "fleet: strict_checksums in the inventory: the targets refuse (exit 1)"
	for n in "${names[@]}"; do
		like "$M_OUT" "^$n +[a-z]+ +failed +0 +1 .* --strict-checksums: 1 applied migration changed since it was applied, so nothing was run:" \
			"fleet: $n refused, nothing applied, one pending"
	done
	is "$(sqlite3 "$W/db/lite-1.db" "SELECT count(*) FROM migratore")" 2 "fleet: lite-1 got no row"

	MIG_CWD=$W mig repair --inventory fleet.yaml --yes
	is_rc 2 "fleet: repair without --select is a usage error"
	like "$M_ERR" "repair on a fleet needs --select" "fleet: saying so"
	MIG_CWD=$W mig repair --inventory fleet.yaml --select 'lite-*' </dev/null
	is_rc 2 "fleet: repair without a terminal needs --yes"
	MIG_CWD=$W mig_tty n repair --inventory "$W/fleet.yaml" --select 'lite-*'
	is_rc 1 "fleet: repair answered no: exit 1"
	contains "$M_OUT" "Record the changes of the drifted migrations of 2 targets as intended (a Repair row for each)? [y/N] " \
		"fleet: the question names the number of targets"
	is "$(sqlite3 "$W/db/lite-1.db" "SELECT count(*) FROM migratore")" 2 "fleet: and nothing was written"
	MIG_CWD=$W mig_tty y repair --inventory "$W/fleet.yaml" --select 'lite-*'
	is_rc 0 "fleet: repair answered yes: exit 0"
	for n in lite-1 lite-2; do
		is "$(sqlite3 "$W/db/$n.db" "SELECT operation FROM migratore ORDER BY object_id DESC LIMIT 1")" Repair \
			"fleet: $n got its Repair row"
	done
	MIG_CWD=$W mig upgrade --inventory fleet.yaml --select 'lite-*'
	is_rc 0 "fleet: the repaired targets upgrade under strict_checksums"
	if [ "${#names[@]}" -gt 2 ]; then
		MIG_CWD=$W mig repair --inventory fleet.yaml --select '*' --yes
		is_rc 0 "fleet: repair --yes on every target"
		like "$M_OUT" "^lite-1 +sqlite +ok +0 " "fleet: nothing left to repair on lite-1 (ok, 0 recorded)"
		MIG_CWD=$W mig upgrade --inventory fleet.yaml
		is_rc 0 "fleet: then the whole fleet upgrades"
	fi
}

for e in $(engine_list); do
	case_engine "$e"
done
case_fleet
check_no_password
done_testing
