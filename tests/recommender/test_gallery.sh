#!/usr/bin/env bash
# The gallery in a real browser: a synthetic catalog (one product's stored photo is not an
# image) gets a gallery page; headless chromium loads it and the page's own check finds every
# <img> decoded, none broken; the undecodable photo shows as a text cell.  The check itself
# is proven able to fail on a page with a missing image.
set -u
. "$(dirname "$0")/../tap.sh"

rec=$SOLEMATE_BUILD/bin/solemate-recommender
db=$SOLEMATE_TMP/catalog.db
here=$SOLEMATE_ROOT/tests/recommender
"$rec" --catalog "$db" -q build >/dev/null
/usr/bin/python3 "$here/synthetic_catalog.py" "$db" --products 30 --dim 16
sqlite3 "$db" "UPDATE images SET bytes = x'00010203' WHERE sha256 = (SELECT image_sha256 FROM products WHERE id = 7)"
out=$("$rec" --catalog "$db" gallery --product 7,12 --random 1 --out "$SOLEMATE_TMP/g" 2>&1); status=$?
check '[ $status -eq 64 ]' "--product and --random together is a usage error"
out=$("$rec" --catalog "$db" gallery --product 7,12,3 --out "$SOLEMATE_TMP/g"); status=$?
check '[ $status -eq 0 ] && [ -f "$SOLEMATE_TMP/g/index.html" ]' "gallery writes index.html ($out)"
sections=$(grep -c '<section' "$SOLEMATE_TMP/g/index.html")
rows=$(grep -o '<tr><th>' "$SOLEMATE_TMP/g/index.html" | wc -l)
check '[ "$sections" = 3 ] && [ "$rows" = 12 ]' "3 queries x (2 models x 2 metrics) rows ($sections, $rows)"
check 'grep -q "(no photo)" "$SOLEMATE_TMP/g/index.html"' "the undecodable photo is a text cell"
result=$(bash "$here/browser_check.sh" "$SOLEMATE_TMP/g/index.html" "$SOLEMATE_TMP/g.png"); status=$?
check '[ $status -eq 0 ] && [[ $result == "images="* ]] && [[ $result == *" broken=0" ]] && [ "${result%% *}" != "images=0" ]' \
    "chromium loads the gallery with no broken image ($result)"
check '[ -s "$SOLEMATE_TMP/g.png" ]' "chromium wrote a screenshot"
cp "$SOLEMATE_TMP/g/index.html" "$SOLEMATE_TMP/g/broken.html"
sed -i '0,/<img src="thumbs\//s//<img src="thumbs\/missing-/' "$SOLEMATE_TMP/g/broken.html"
result=$(bash "$here/browser_check.sh" "$SOLEMATE_TMP/g/broken.html" "$SOLEMATE_TMP/b.png")
check '[[ $result == *" broken=1" ]]' "the browser check catches a broken image ($result)"
out=$("$rec" --catalog "$db" gallery --random 5 --seed 3 --out "$SOLEMATE_TMP/r"); status=$?
again=$("$rec" --catalog "$db" gallery --random 5 --seed 3 --out "$SOLEMATE_TMP/r2")
check '[ $status -eq 0 ] && cmp -s "$SOLEMATE_TMP/r/index.html" <(sed "s#$SOLEMATE_TMP/r2#$SOLEMATE_TMP/r#" "$SOLEMATE_TMP/r2/index.html")' \
    "--random with a seed picks the same products"
tap_done
