#!/usr/bin/env bash
# Install the Debian packages migratore needs to build, test and run its
# test servers. Skips apt when everything is already there.
set -euo pipefail
# --build: only what building and running the SQLite demo needs.
BUILD_PKGS="autoconf automake libtool pkg-config make gcc libpq-dev
 libmariadb-dev default-libmysqlclient-dev libyaml-dev libev-dev
 libsqlite3-dev sqlite3 libsystemd-dev"
PKGS="autoconf automake libtool pkg-config make gcc clang libclang-rt-14-dev
 libpq-dev libmariadb-dev default-libmysqlclient-dev libyaml-dev libev-dev
 libcriterion-dev libsqlite3-dev sqlite3 libsystemd-dev postgresql mariadb-server
 mariadb-client valgrind iproute2 util-linux python3 chromium
 libxml2-utils python3-yaml tmux"
# Installed without their recommends (which would add 33 packages):
# the one-node Slurm cluster of tests/integration/slurm.sh; prometheus
# for its promtool (tests/integration/metrics.sh), not its server.
BARE_PKGS="slurmctld slurmd slurm-client munge prometheus"
[ "${1:-}" = --build ] && PKGS=$BUILD_PKGS BARE_PKGS=
missing=
for p in $PKGS $BARE_PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
if [ -z "$missing" ] && [ "${FORCE_APT:-}" != 1 ]; then
	echo "packages: all present" >&2
	exit 0
fi
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
echo "packages: installing$missing" >&2
$SUDO apt-get update -q >&2
# shellcheck disable=SC2086
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q $PKGS >&2
# shellcheck disable=SC2086
[ -z "$BARE_PKGS" ] ||
	$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		--no-install-recommends $BARE_PKGS >&2
