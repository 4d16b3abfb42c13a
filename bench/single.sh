#!/usr/bin/env bash
# Single-target benchmarks only (run by hand; never part of the test suite):
# dry_upgrade and upgrade over 1,000 files with nothing pending, 100
# migrations on a new SQLite file next to the floor, and nothing pending
# over TCP against PostgreSQL and MariaDB when TEST_PG_URL / TEST_MY_URL are
# set, with dbmate side by side when bench/get-dbmate.sh has installed it.
# The same scenarios are part of bench/run.sh; this runs only them.
# Usage: bench/single.sh [path/to/migratore]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
exec "$here/run.sh" --only single --bin "${1:-${MIGRATORE:-$here/../build/migratore}}"
