#!/usr/bin/env bash
# `make demo` as a newcomer runs it: in the release pass the whole demo (19 categories x 60 shoes),
# in the sanitizer pass its script on one category only, to keep that pass short.  It leaves a
# catalog with neighbours and a gallery that passes the browser check, names the missing
# weights, and stops the fixture shop it started.
set -u
. "$(dirname "$0")/../tap.sh"

out=$SOLEMATE_TMP/demo
log=$SOLEMATE_TMP/demo.log
unset MAKEFLAGS MAKELEVEL MFLAGS
if [ "${SOLEMATE_SANITIZE:-0}" = 1 ]; then
    links_wanted=12
    BUILD=$SOLEMATE_BUILD DEMO_DIR=$out DEMO_CRAWL_ARGS="--category casual:M --limit 12" DEMO_GALLERY=3 \
        bash "$SOLEMATE_ROOT/recommender/demo.sh" >"$log" 2>&1; status=$?
else
    links_wanted=1140
    make -s -C "$SOLEMATE_ROOT" demo BUILD="$SOLEMATE_BUILD" DEMO_DIR="$out" >"$log" 2>&1; status=$?
fi
sed 's/^/# /' "$log"
check '[ $status -eq 0 ]' "the demo succeeds"
links=$(sqlite3 "$out/catalog.db" "SELECT count(*) FROM product_categories" 2>/dev/null)
check '[ "${links:-0}" -eq $links_wanted ]' "$links category-shoe links crawled (want $links_wanted)"
products=$(sqlite3 "$out/catalog.db" "SELECT count(*) FROM products WHERE kind = 'shoe'" 2>/dev/null)
lists=$(sqlite3 "$out/catalog.db" "SELECT count(DISTINCT model || metric) FROM neighbors" 2>/dev/null)
check '[ "${products:-0}" -ge 12 ] && [ "${lists:-0}" -ge 4 ]' "catalog with $products shoes and $lists neighbour lists"
check 'grep -q "skipped: .*make models" "$log" || [ -f "$MODELS_DIR/resnet18.safetensors" ]' "missing weights are named with how to get them"
check 'tail -1 "$log" | grep -q "shoes crawled, neighbours for"' "one summary line at the end"
result=$(bash "$SOLEMATE_ROOT/tests/recommender/browser_check.sh" "$out/gallery/index.html" "$SOLEMATE_TMP/demo.png")
check '[[ $result == *" broken=0" ]] && [ "${result%% *}" != "images=0" ]' "the demo gallery passes the browser check ($result)"
# cold start: a crawled photo given as a file gets the same neighbours as its product
rec=$SOLEMATE_BUILD/bin/solemate-recommender
product=$(sqlite3 "$out/catalog.db" "SELECT min(id) FROM products WHERE kind = 'shoe' AND image_sha256 IS NOT NULL")
sqlite3 "$out/catalog.db" "SELECT writefile('$SOLEMATE_TMP/photo.jpg', bytes) FROM images WHERE sha256 = (SELECT image_sha256 FROM products WHERE id = $product)" >/dev/null
by_id=$("$rec" --catalog "$out/catalog.db" similar --product "$product" --model mobilenet --format tsv -k 5 | awk -F'\t' 'NR > 1 {printf "%s %.5f\n", $4, $6}')
by_photo=$("$rec" --catalog "$out/catalog.db" similar --image "$SOLEMATE_TMP/photo.jpg" --model mobilenet --format tsv -k 5 | awk -F'\t' 'NR > 1 {printf "%s %.5f\n", $4, $6}')
check '[ -n "$by_id" ] && [ "$by_id" = "$by_photo" ]' "similar --image of product $product's photo = similar --product $product"
"$rec" --catalog "$out/catalog.db" similar --image "$SOLEMATE_ROOT/Makefile" >/dev/null 2>&1; status=$?
check '[ $status -eq 65 ]' "a file that is not a photo exits 65"
pid=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["pid"])' "$out/server.ready" 2>/dev/null)
check '[ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null' "the fixture shop is stopped"
tap_done
