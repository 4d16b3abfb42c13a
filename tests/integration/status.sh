#!/bin/bash
# `status` of one target on every engine: every migration of the directory
# and of the bookkeeping table in one table, in each state (pending,
# applied, failed or partial, rolled back, skipped, baseline, missing), the
# next command where one is due, the counts and the last run; --format
# json read with python3; --strict and STATUS_STRICT (exit 1, 4 when the
# database cannot be reached); and that status writes nothing, not even
# the bookkeeping table.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$TESTS_SRCDIR/lib/tap.sh"
. "$TESTS_SRCDIR/lib/engines.sh"
. "$TESTS_SRCDIR/lib/rollout.sh" # two_good, one_bad

# The table with what depends on the clock replaced: DATE for a row's
# time, Ns for its duration, AGE for the last run's age.
status_text() { # < OUTPUT
	sed -E 's/[0-9]{2} [A-Z][a-z]{2} [0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2}/DATE/g
		s/DATE( +)[0-9]+s/DATE\1Ns/
		s/Last run: [0-9]+[smhd] ago/Last run: AGE ago/
		s/\(run [0-9TZ]+-[0-9a-f]+\)/(run ID)/'
}

jq_py() { # EXPRESSION (d is the document) < JSON
	python3 -c 'import json, sys
d = json.load(sys.stdin)
print(eval(sys.argv[1]))' "$1" 2>&1
}

# A row as the Python tool writes it: no checksum, no run id.
py_row() { # ENGINE N TS OPERATION
	local q='"'
	[ "$1" = mysql ] && q='`'
	sql "$1" "INSERT INTO migratore (object_id, uuid, timestamp, name, description, result, operation, operator, start, ${q}end${q}, duration, start_s, end_s)
 SELECT COALESCE(MAX(object_id), 0) + 1, '$(uid "$2")', $3, NULL, 'by python', 'success', '$4', 'Administrator', 1700000000, 1700000000, 0, '14 Nov 2023 22:13:20', '14 Nov 2023 22:13:20' FROM migratore"
}

case_engine() { # ENGINE
	local e=$1 d s3 partial
	new_db "$e"
	d=$(new_dir)
	two_good "$d"
	one_bad "$d"

	# ---- nothing applied: read-only, not even the table is made ----
	mig status "$d"
	is_rc 0 "$e: status of a new database exits 0"
	is "$(status_text <<<"$M_OUT" | tail -n +2)" \
"STATE    MIGRATION          WHEN (UTC)              TOOK  NOTE
pending  1700000100_m1.sql  -
pending  1700000200_m2.sql  -
pending  1700000300_m3.sql  -

3 migrations: 3 pending
Last run: none (no bookkeeping row)" "$e: every file pending, in order"
	is "$(table_exists "$e" migratore)" 0 "$e: status made no bookkeeping table"
	[ "$e" = sqlite ] &&
		is "$([ -e "$T_DBFILE" ] && echo exists || echo absent)" absent \
			"sqlite: status did not even create the file"
	mig status "$d" --strict
	is_rc 1 "$e: --strict with pending migrations exits 1"
	is "$M_ERR" "migratore: error: --strict: not up to date: 3 pending, 0 drifted" \
		"$e: --strict says why"
	mig STATUS_STRICT=1 status "$d"
	is_rc 1 "$e: STATUS_STRICT=1 does the same"
	mig STATUS_STRICT=no status "$d"
	is_rc 0 "$e: STATUS_STRICT=no does not"
	mig STATUS_STRICT=maybe status "$d"
	is_rc 3 "$e: STATUS_STRICT=maybe is a configuration error (3)"

	# ---- applied, failed (or partial where DDL commits) ----
	mig upgrade "$d"
	is_rc 1 "$e: (the third migration fails)"
	mig status "$d"
	is_rc 0 "$e: status after a failure exits 0"
	s3=$(status_text <<<"$M_OUT" | grep '^[a-z]* *1700000300_m3.sql')
	if [ "$e" = mysql ]; then
		like "$s3" "^partial  1700000300_m3\.sql  DATE +Ns  1 of 2 statements committed when it failed: statement 2 of 2 \(1700000300_m3\.sql:[0-9]+\) failed: .*; fix the rest, leaving the committed statements as they are, then resume at statement 2 with \`migratore upgrade $d\`\$" \
			"$e: the committed statement makes it partial, upgrade resumes after it"
		partial=1
	else
		like "$s3" "^failed   1700000300_m3\.sql  DATE +Ns  statement 2 of 2 \(1700000300_m3\.sql:[0-9]+\) failed: .*; fix it, then \`migratore upgrade $d\`\$" \
			"$e: failed, the first error line, upgrade next"
		partial=0
	fi
	is "$(status_text <<<"$M_OUT" | sed -n '3,4p;6,7p')" \
"applied  1700000100_m1.sql  DATE      Ns
applied  1700000200_m2.sql  DATE      Ns

3 migrations: 2 applied, $([ $partial = 1 ] && echo "1 partial" || echo "1 failed")" \
		"$e: the applied ones with when and how long, and the counts"
	like "$(status_text <<<"$M_OUT" | tail -n 1)" "^Last run: AGE ago, failed \(run ID\)$" \
		"$e: the last run failed"
	mig status "$d" --strict
	is_rc 1 "$e: --strict with a failed migration exits 1"
	is "$M_ERR" "migratore: error: --strict: not up to date: 1 pending (1 failed), 0 drifted" \
		"$e: --strict counts the failure"

	mig status "$d" --format json
	is_rc 0 "$e: status --format json exits 0"
	is "$(jq_py '[d["schema"], d["command"], d["exit_code"], d["status"]["engine"], d["status"]["pending"], d["status"]["drifted"], d["status"]["latest"]["file"], d["status"]["last_run"]["result"], [(m["state"], m["file"], m["operation"], m["committed"]) for m in d["status"]["migrations"]]]' <<<"$M_OUT")" \
		"['migratore-run', 'status', 0, '$e', 1, 0, '1700000200_m2.sql', 'error', [('applied', '1700000100_m1.sql', 'Run', None), ('applied', '1700000200_m2.sql', 'Run', None), ('$([ $partial = 1 ] && echo partial || echo failed)', '1700000300_m3.sql', 'Run', $([ $partial = 1 ] && echo 1 || echo None))]]" \
		"$e: the JSON document: the states, the rows behind them"
	is "$(jq_py '[m["row"] for m in d["status"]["migrations"]]' <<<"$M_OUT")" \
		"[$(ledger "$e" object_id | paste -sd, | sed 's/,/, /g')]" \
		"$e: each state names its row"

	# ---- rolled back, skipped, missing, baseline, interrupted ----
	rm "$d/1700000300_m3.sql"
	mig downgrade "$d"
	is_rc 0 "$e: (downgrade of the second)"
	mig status "$d"
	like "$(status_text <<<"$M_OUT")" $'^rolled back  1700000200_m2\\.sql  DATE      Ns  rolled back \\(row [0-9]+\\)$' \
		"$e: a downgraded migration is rolled back"
	like "$(status_text <<<"$M_OUT")" $'^missing      1700000300_m3\\.sql  DATE      Ns  failed \\(row [0-9]+\\), but no file in ' \
		"$e: a row whose file is gone is missing, with what its rows say"
	mig skip "$d"
	is_rc 0 "$e: (skip the second)"
	write_mig "$d" 1700000400 4 "fourth" <<<$'-- migratore: run\nCREATE TABLE t4 (id INT);\nCREATE TABLE t4b (id INT);'
	sql "$e" "INSERT INTO migratore_progress (uuid, committed, run_id, updated) VALUES ('$(uid 4)', 1, 'killed', 0)"
	sql "$e" "INSERT INTO migratore (object_id, uuid, timestamp, result, operation) SELECT MAX(object_id) + 1, 'da023aab-736d-40a6-8e9b-c6175c1241f5', 1650000000, 'success', 'Run' FROM migratore"
	py_row "$e" 5 1600000000 Run
	write_mig "$d" 1600000000 5 "by python" <<<$'-- migratore: run\nSELECT 1;'
	write_mig "$d" 1640000000 6 "before the mark" <<<$'-- migratore: run\nSELECT 1;'
	mig status "$d"
	is_rc 0 "$e: status exits 0"
	is "$(status_text <<<"$M_OUT" | tail -n +2 | sed -E 's/\(row [0-9]+/(row N/g')" \
"STATE     MIGRATION          WHEN (UTC)              TOOK  NOTE
applied   1600000000_m5.sql  DATE      Ns
baseline  1640000000_m6.sql  -                             covered by the baseline (row N: every migration up to 1650000000)
applied   1700000100_m1.sql  DATE      Ns
skipped   1700000200_m2.sql  DATE      Ns  recorded as skipped (Run Skip), never run
missing   1700000300_m3.sql  DATE      Ns  failed (row N), but no file in $d
partial   1700000400_m4.sql  -                             1 of 2 statements committed by an interrupted run; resume at statement 2 with \`migratore upgrade $d\`

6 migrations: 2 applied, 1 baseline, 1 skipped, 1 partial, 1 missing
Last run: AGE ago, success" \
		"$e: skipped, missing, interrupted, a Python tool's row (no checksum: applied) and its baseline"
	mig upgrade "$d"
	is_rc 0 "$e: (upgrade resumes the fourth)"
	mig status "$d" --strict
	is_rc 0 "$e: --strict when everything is applied exits 0"

	# ---- unreachable ----
	if [ "$e" != sqlite ]; then
		mig DB_URL="${DB_URL%/*}/no_such_db_$$" status "$d" --strict
		is_rc 4 "$e: --strict on a database that cannot be reached exits 4, not 1"
	else
		mig DB_URL="sqlite://$T_TMP/no/such/dir/x.db" status "$d" --strict
		is_rc 4 "sqlite: a file that cannot be opened exits 4, not 1"
	fi
}

for e in $(engine_list); do
	case_engine "$e"
done
check_no_password
done_testing
