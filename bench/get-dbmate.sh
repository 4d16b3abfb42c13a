#!/usr/bin/env bash
# Install dbmate 2.36.0, the peer tool the benchmarks run side by side, from
# the npm registry into bench/node_modules (not committed). The package
# ships a native binary per platform; the benchmarks call
# bench/node_modules/@dbmate/linux-x64/bin/dbmate directly, never through
# node, so no JavaScript start-up cost is charged to dbmate.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
version=2.36.0
bin=$here/node_modules/@dbmate/linux-x64/bin/dbmate
if [ -x "$bin" ] && "$bin" --version 2>/dev/null | grep -q "$version"; then
	echo "dbmate $version already in $bin"
	exit 0
fi
command -v npm >/dev/null || { echo "get-dbmate.sh: npm is needed (apt-get install npm)" >&2; exit 1; }
cd "$here"
npm install --no-save --no-package-lock --no-audit --no-fund \
	--prefix "$here" "dbmate@$version" "@dbmate/linux-x64@$version"
"$bin" --version
