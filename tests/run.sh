#!/usr/bin/env bash
# Runs every test of one build (tests/run.sh BUILD_DIR): the C test programs built under
# BUILD_DIR/tests and the script tests tests/*/test_*.{sh,py}.  Each prints TAP lines; this
# counts "ok"/"not ok" lines, writes the counts to BUILD_DIR/test-results and prints
# "N passed, N failed" for the pass.  Exit status 1 when anything failed.  A program still running
# after SOLEMATE_TEST_TIMEOUT seconds (default 1200) is a hang: it is killed and counted as failed,
# so one stuck test cannot eat CI's time.
set -u
build=${1:?usage: tests/run.sh BUILD_DIR}
root=$(cd "$(dirname "$0")/.." && pwd)
log_dir=$build/test-logs
mkdir -p "$log_dir"
passed=0 failed=0 broken=()
pass_name=$(basename "$build")

run_one() { # name, command...
    local name=$1; shift
    local log=$log_dir/$(echo "$name" | tr '/' '_').log
    local scratch
    scratch=$(mktemp -d "${TMPDIR:-/tmp}/solemate-test.XXXXXX")
    local start=$SECONDS
    SOLEMATE_TMP=$scratch timeout --kill-after=10 "${SOLEMATE_TEST_TIMEOUT:-1200}" "$@" >"$log" 2>&1 </dev/null
    local status=$?
    [ "$status" -eq 124 ] && echo "not ok - $name still running after ${SOLEMATE_TEST_TIMEOUT:-1200} s: killed" >>"$log"
    rm -rf "$scratch"
    local ok notok
    ok=$(grep -c '^ok ' "$log")
    notok=$(grep -c '^not ok ' "$log")
    if [ "$status" -ne 0 ] && [ "$notok" -eq 0 ]; then
        notok=1 # crashed or failed outside a TAP test: count the program as one failure
        echo "not ok - $name exited with status $status" >>"$log"
    fi
    passed=$((passed + ok)); failed=$((failed + notok))
    printf '%-48s %3d ok %3d failed  %4ds\n' "$name" "$ok" "$notok" $((SECONDS - start))
    if [ "$notok" -ne 0 ]; then
        broken+=("$name")
        grep -E '^(not ok|#)' "$log" | head -40 | sed 's/^/    /'
        tail -5 "$log" | sed 's/^/    | /'
    fi
}

echo "== tests ($pass_name)"
for bin in $(find "$build/tests" -type f -perm -u+x -name 'test_*' 2>/dev/null | sort); do
    run_one "${bin#$build/tests/}" "$bin"
done
for script in $(ls "$root"/tests/*/test_*.sh "$root"/tests/*/test_*.py 2>/dev/null | sort); do
    case $script in
    *.py) run_one "${script#$root/tests/}" /usr/bin/python3 "$script" ;;
    *) run_one "${script#$root/tests/}" bash "$script" ;;
    esac
done
echo "$passed $failed" >"$build/test-results"
echo "$pass_name: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
