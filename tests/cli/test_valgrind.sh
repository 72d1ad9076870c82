#!/usr/bin/env bash
# The three programs under valgrind's memcheck on a small real pipeline (make demo's script, one
# category, four shoes): crawl the fixture shop, extract MobileNet and pixel features, build
# neighbours, write a gallery.  Every run must end with no memory error and no definite or
# indirect leak.  Release pass only (valgrind cannot run sanitizer builds); OpenBLAS is held to
# its AVX2 kernels, since valgrind does not decode AVX-512.
set -u
. "$(dirname "$0")/../tap.sh"

if [ "${SOLEMATE_SANITIZE:-0}" = 1 ]; then
    echo "# the sanitizer pass checks memory itself; valgrind runs in the release pass"
    echo "1..0"
    exit 0
fi
wrap=$SOLEMATE_TMP/valgrind
mkdir -p "$wrap/bin" "$wrap/logs"
for program in crawler extractor recommender; do
    cat >"$wrap/bin/solemate-$program" <<WRAPPER
#!/bin/sh
OPENBLAS_CORETYPE=Haswell exec valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect \
    --show-leak-kinds=definite,indirect --error-exitcode=99 --log-file="$wrap/logs/$program.%p.log" \
    "$SOLEMATE_BUILD/bin/solemate-$program" "\$@"
WRAPPER
    chmod +x "$wrap/bin/solemate-$program"
done
BUILD=$wrap DEMO_DIR=$SOLEMATE_TMP/demo DEMO_CRAWL_ARGS="--category casual:M --limit 4" DEMO_GALLERY=2 \
    bash "$SOLEMATE_ROOT/recommender/demo.sh" >"$SOLEMATE_TMP/demo.log" 2>&1; status=$?
sed 's/^/# /' "$SOLEMATE_TMP/demo.log"
check '[ $status -eq 0 ]' "the pipeline runs to its end under valgrind (exit $status)"
for program in crawler extractor recommender; do
    runs=$(ls "$wrap/logs/$program".*.log 2>/dev/null | wc -l)
    reports=$(cat "$wrap/logs/$program".*.log 2>/dev/null)
    [ -n "$reports" ] && printf '%s\n' "$reports" | head -30 | sed 's/^/# /'
    check '[ "$runs" -ge 1 ] && [ -z "$reports" ]' "solemate-$program: $runs runs, no memory error, no leak"
done
tap_done
