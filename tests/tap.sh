# TAP helpers sourced by the shell tests (tests/*/test_*.sh): check 'EXPR' 'NAME' prints one
# "ok N - NAME" / "not ok N - NAME" line; tap_done prints the plan and is the script's status.
# sqlite_shell runs Debian's sqlite3 so that it can load our extension when the extension was
# built with -fsanitize (the sanitizer runtimes must then come first: LD_PRELOAD).
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }
check() { if eval "$1"; then ok "$2"; else not_ok "$2"; fi; }
tap_done() { echo "1..$n"; [ "$failed" -eq 0 ]; }

sqlite_shell() {
    if [ "${SOLEMATE_SANITIZE:-0}" = 1 ]; then
        LD_PRELOAD="$(gcc -print-file-name=libasan.so) $(gcc -print-file-name=libubsan.so)" \
            ASAN_OPTIONS=detect_leaks=0 sqlite3 "$@"
    else
        sqlite3 "$@"
    fi
}
