#!/usr/bin/env bash
# The fleet half of the quick start: upgrade a demo fleet of twelve SQLite
# shards (examples/fleet.yaml) and show the consolidated report.
set -euo pipefail
cd "$(dirname "$0")/.."
MIGRATORE=${MIGRATORE:-$PWD/build/migratore}
mkdir -p examples/demo
echo "== migratore upgrade --inventory examples/fleet.yaml --jobs 4"
"$MIGRATORE" upgrade --inventory examples/fleet.yaml --jobs 4 \
	--report examples/demo/fleet-report.json --log-dir examples/demo/logs
echo
echo "JSON report: examples/demo/fleet-report.json; per-shard logs: examples/demo/logs/"
