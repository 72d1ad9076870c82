#!/usr/bin/env bash
# `make demo`'s script on the same data, crawling one category only (the full demo takes about
# half a minute): it leaves a catalog with neighbours and a gallery that passes the browser
# check, names the missing weights, and stops the fixture shop it started.
set -u
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }
check() { if eval "$1"; then ok "$2"; else not_ok "$2"; fi; }

out=$SOLEMATE_TMP/demo
log=$SOLEMATE_TMP/demo.log
BUILD=$SOLEMATE_BUILD DEMO_DIR=$out DEMO_CRAWL_ARGS="--category casual:M --limit 12" DEMO_GALLERY=3 \
    bash "$SOLEMATE_ROOT/recommender/demo.sh" >"$log" 2>&1; status=$?
sed 's/^/# /' "$log"
check '[ $status -eq 0 ]' "the demo script succeeds"
products=$(sqlite3 "$out/catalog.db" "SELECT count(*) FROM products WHERE kind = 'shoe'" 2>/dev/null)
lists=$(sqlite3 "$out/catalog.db" "SELECT count(DISTINCT model || metric) FROM neighbors" 2>/dev/null)
check '[ "${products:-0}" -ge 12 ] && [ "${lists:-0}" -ge 4 ]' "catalog with $products shoes and $lists neighbour lists"
check 'grep -q "skipped: .*make models" "$log" || [ -f "$MODELS_DIR/resnet18.safetensors" ]' "missing weights are named with how to get them"
check 'tail -1 "$log" | grep -q "shoes crawled, neighbours for"' "one summary line at the end"
result=$(bash "$SOLEMATE_ROOT/tests/recommender/browser_check.sh" "$out/gallery/index.html" "$SOLEMATE_TMP/demo.png")
check '[[ $result == *" broken=0" ]] && [ "${result%% *}" != "images=0" ]' "the demo gallery passes the browser check ($result)"
pid=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["pid"])' "$out/server.ready" 2>/dev/null)
check '[ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null' "the fixture shop is stopped"
echo "1..$n"
[ $failed -eq 0 ]
