#!/bin/sh
# Fixture: an executable migration; the header is in comment lines.
# migratore: uuid = 9b2f1d4e-3c5a-4e6f-8a7b-0c1d2e3f4a5b
# migratore: timestamp = 1700000300
# migratore: description = create the uploads directory
set -eu
case "$1" in
run) mkdir -p "$FS/uploads" ;;
rollback) rmdir "$FS/uploads" ;;
esac
