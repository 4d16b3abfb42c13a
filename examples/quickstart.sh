#!/usr/bin/env bash
# The README's first command: install what is missing, build, and run
# migratore on the embedded SQLite default with the example migrations.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tests/packages.sh
if [ ! -x ./migratore ]; then
	[ -x configure ] || ./autogen.sh >/dev/null
	[ -f Makefile ] || ./configure -q
	make -j2 >/dev/null
fi
mkdir -p examples/demo
export DB="$PWD/examples/demo/demo.db" FS="$PWD/examples/demo"
echo "== migratore upgrade examples/migrations  (DB=$DB)"
./migratore upgrade examples/migrations
echo
echo "== migratore list"
./migratore list
if [ -f examples/fleet.sh ]; then
	echo
	bash examples/fleet.sh
fi
