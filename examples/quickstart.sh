#!/usr/bin/env bash
# The README's first command: install what is missing, build, and run
# migratore on the embedded SQLite default with the example migrations.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tests/packages.sh --build
# Out-of-tree build in build/, so tests/run-all.sh can build beside it.
if [ ! -x build/migratore ]; then
	[ -x configure ] || ./autogen.sh >/dev/null 2>&1
	mkdir -p build
	(cd build && { [ -f Makefile ] || ../configure -q; } && make -j2 >/dev/null)
fi
MIGRATORE=$PWD/build/migratore
export MIGRATORE
mkdir -p examples/demo
export DB="$PWD/examples/demo/demo.db" FS="$PWD/examples/demo"
echo "== migratore upgrade examples/migrations  (DB=$DB)"
"$MIGRATORE" upgrade examples/migrations
echo
echo "== migratore list"
"$MIGRATORE" list
if [ -f examples/fleet.sh ]; then
	echo
	bash examples/fleet.sh
fi
