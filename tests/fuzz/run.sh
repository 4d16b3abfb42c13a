#!/usr/bin/env bash
# Build one libFuzzer harness with clang and run it for a bounded time.
# Usage: tests/fuzz/run.sh tests/fuzz/fuzz_x.c SECONDS BUILDDIR
# The harness names the sources it needs on a first-line comment
# "// SOURCES: a.c b.c". A crash leaves crash-* in tests/fuzz/out/NAME/.
set -euo pipefail
h=$1 secs=$2 build=$3
name=$(basename "$h" .c)
srcs=$(sed -n '1,5s|^// SOURCES: *||p' "$h" | head -1)
out=tests/fuzz/out/$name
mkdir -p "$out/corpus"
corpus=tests/fuzz/corpus/${name#fuzz_}
[ -d "$corpus" ] && cp -n "$corpus"/* "$out/corpus/" 2>/dev/null || true
# shellcheck disable=SC2086
clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-I. -I"$build" $(pkg-config --cflags yaml-0.1) \
	"$h" $srcs -o "$out/$name" $(pkg-config --libs yaml-0.1)
echo "fuzz: $name for ${secs}s"
"$out/$name" -max_total_time="$secs" -print_final_stats=1 \
	-artifact_prefix="$out/" "$out/corpus" >"$out/log" 2>&1 || {
	echo "fuzz: $name FAILED (see $out/log)"; tail -30 "$out/log"; exit 1; }
grep -E 'stat::number_of_executed_units' "$out/log" || true
