#!/usr/bin/env bash
# Adds up the per-pass counts that tests/run.sh left in each BUILD_DIR/test-results and prints
# the one closing line of `make check`: "N passed, N failed".
passed=0 failed=0
for build in "$@"; do
    read -r p f <"$build/test-results" || { echo "no results in $build" >&2; exit 1; }
    passed=$((passed + p)); failed=$((failed + f))
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
