#!/usr/bin/env bash
# The recommender's SQL surface on a synthetic catalog: build fills neighbors (k per product per
# model x metric) and rebuilds only what changed; the recommendations view and the loadable
# extension agree with `similar` row by row; malformed BLOBs are SQL errors, not crashes; a
# planted duplicate photo and a near duplicate collapse; the README's SQL examples run.
set -u
. "$(dirname "$0")/../tap.sh"

rec=$SOLEMATE_BUILD/bin/solemate-recommender
ext=$SOLEMATE_BUILD/lib/solemate
db=$SOLEMATE_TMP/catalog.db
py=/usr/bin/python3

"$rec" --catalog "$db" -q build >/dev/null
$py "$SOLEMATE_ROOT/tests/recommender/synthetic_catalog.py" "$db" --products 60 --dim 16
out=$("$rec" --catalog "$db" build --json); status=$?
check '[ $status -eq 0 ] && [[ $out == *"\"rebuilt\":4"* ]]' "build computes 2 models x 2 metrics ($out)"
rows=$(sqlite3 "$db" "SELECT count(*) FROM neighbors")
per=$(sqlite3 "$db" "SELECT count(DISTINCT c) FROM (SELECT count(*) AS c FROM neighbors GROUP BY model, metric, product_id)")
check '[ "$rows" = 2160 ] && [ "$per" = 1 ]' "9 neighbours for each of 60 products x 4 lists ($rows rows)"
self=$(sqlite3 "$db" "SELECT count(*) FROM neighbors WHERE neighbor_id = product_id")
check '[ "$self" = 0 ]' "no product is its own neighbour"
out=$("$rec" --catalog "$db" build --json)
check '[[ $out == *"\"rebuilt\":0,\"current\":4"* ]]' "a second build changes nothing ($out)"
before=$(sqlite3 "$db" "SELECT group_concat(neighbor_id) FROM neighbors WHERE model='pixel'")
sqlite3 "$db" "UPDATE features SET vector = (SELECT vector FROM features WHERE model='mobilenet' AND image_sha256 = (SELECT image_sha256 FROM products WHERE id = 2)), computed_at = computed_at + 1 WHERE model = 'mobilenet' AND image_sha256 = (SELECT image_sha256 FROM products WHERE id = 1)"
out=$("$rec" --catalog "$db" build --json)
after=$(sqlite3 "$db" "SELECT group_concat(neighbor_id) FROM neighbors WHERE model='pixel'")
check '[[ $out == *"\"rebuilt\":2,\"current\":2"* ]] && [ "$before" = "$after" ]' "a recomputed feature rebuilds only its model ($out)"
sqlite3 "$db" "DELETE FROM features WHERE model = 'pixel' AND image_sha256 = (SELECT image_sha256 FROM products WHERE id = 5)"
"$rec" --catalog "$db" -q build --model pixel
gone=$(sqlite3 "$db" "SELECT count(*) FROM neighbors WHERE model = 'pixel' AND (product_id = 5 OR neighbor_id = 5)")
check '[ "$gone" = 0 ]' "a removed feature drops the product from its model's neighbours"

# the view and the CLI agree row by row (ids exactly, scores to 1e-9)
for metric in cosine l2; do
    for product in 1 17 42; do
        cli=$("$rec" --catalog "$db" similar --product $product --model mobilenet --metric $metric --format tsv |
              awk -F'\t' 'NR > 1 {printf "%s %s %.9f\n", $3, $4, $6}')
        view=$(sqlite3 -separator ' ' "$db" "SELECT rank, neighbor_id, printf('%.9f', score) FROM recommendations
               WHERE product_id = $product AND model = 'mobilenet' AND metric = '$metric' ORDER BY rank")
        check '[ -n "$cli" ] && [ "$cli" = "$view" ]' "view = CLI for product $product, $metric"
    done
done

# the extension ranks like the CLI (no duplicates in this catalog), scores to 1e-6
for metric in cosine l2; do
    order=$([ $metric = cosine ] && echo DESC || echo ASC)
    fn=$([ $metric = cosine ] && echo vec_cosine || echo vec_l2)
    cli=$("$rec" --catalog "$db" similar --product 17 --model mobilenet --metric $metric --format tsv |
          awk -F'\t' 'NR > 1 {printf "%s %.6f\n", $4, $6}')
    ext_rows=$(sqlite_shell -separator ' ' "$db" ".load $ext" "SELECT p.id, printf('%.6f', $fn(f.vector, q.vector)) AS s
        FROM products AS qp JOIN features AS q ON q.image_sha256 = qp.image_sha256 AND q.model = 'mobilenet'
        JOIN features AS f ON f.model = q.model JOIN products AS p ON p.image_sha256 = f.image_sha256 AND p.id <> qp.id
        WHERE qp.id = 17 ORDER BY $fn(f.vector, q.vector) $order, p.id LIMIT 9")
    check '[ -n "$cli" ] && [ "$cli" = "$ext_rows" ]' "extension $fn ranks like the CLI"
done
u8=$(sqlite_shell "$db" ".load $ext" "SELECT vec_dim(vector, 'u8') = dim FROM features WHERE model = 'pixel' LIMIT 1")
check '[ "$u8" = 1 ]' "vec_dim(blob, 'u8') counts pixel bytes"

# malformed input: an SQL error naming the function, never a crash
bad() { # expected message part, SQL expression
    local got status want=$1
    got=$(sqlite_shell "$db" ".load $ext" "SELECT $2" 2>&1); status=$?
    check '[ $status -eq 1 ] && [[ $got == *"$want"* ]]' "SELECT $2 fails with '$want'"
}
bad "vec_cosine: argument 2: a 3-byte BLOB" "vec_cosine(x'0000803f', x'010203')"
bad "vec_l2: dimensions differ (1 and 2)" "vec_l2(x'0000803f', x'0000803f0000803f')"
bad "vec_dim: argument 1 is text" "vec_dim('abc')"
bad "vec_dim: argument 1 is an integer" "vec_dim(7)"
bad "not a finite number" "vec_cosine(x'0000c07f', x'0000803f')"
bad "dtype must be 'f32' or 'u8'" "vec_l2(x'00', x'00', 'f16')"
bad "a 0-byte BLOB" "vec_dim(x'')"
nulls=$(sqlite_shell "$db" ".load $ext" "SELECT quote(vec_cosine(NULL, x'0000803f')), vec_cosine(zeroblob(8), x'0000803f0000803f')")
check '[ "$nulls" = "NULL|0.0" ]' "NULL gives NULL, a zero vector has cosine 0 ($nulls)"

# filters: same / other style category as the query, gender of the categories
for which in same other; do
    ids=$("$rec" --catalog "$db" similar --product 5 --model mobilenet --category $which --format tsv | awk -F'\t' 'NR > 1 {print $4}' | paste -sd, -)
    shared=$(sqlite3 "$db" "SELECT count(DISTINCT product_id) FROM product_categories WHERE product_id IN ($ids)
             AND category_id IN (SELECT category_id FROM product_categories WHERE product_id = 5)")
    want=$([ $which = same ] && echo 9 || echo 0)
    check '[ $(echo "$ids" | tr , " " | wc -w) -eq 9 ] && [ "$shared" = "$want" ]' "--category $which: $shared of 9 share a category with the query"
done
ids=$("$rec" --catalog "$db" similar --product 5 --model mobilenet --gender M --format tsv | awk -F'\t' 'NR > 1 {print $4}' | paste -sd, -)
men=$(sqlite3 "$db" "SELECT count(DISTINCT pc.product_id) FROM product_categories AS pc JOIN categories AS c ON c.id = pc.category_id
      WHERE c.gender = 'M' AND pc.product_id IN ($ids)")
check '[ "$men" = 9 ]' "--gender M: all 9 were found in a men's category"
out=$("$rec" --catalog "$db" similar --product 5 --diverse 0.3 --format json)
check '[[ $out == *"\"rank\":9"* ]]' "--diverse gives 9 results"

# planted duplicates: product 2 shows product 1's photo, product 3 is a near duplicate of 1
dup=$SOLEMATE_TMP/dup.db
"$rec" --catalog "$dup" -q build >/dev/null
$py "$SOLEMATE_ROOT/tests/recommender/synthetic_catalog.py" "$dup" --products 40 --dim 16 --seed 7 --plant-duplicates
"$rec" --catalog "$dup" -q build
for metric in cosine l2; do
    ids=$("$rec" --catalog "$dup" similar --product 1 --model mobilenet --metric $metric --format tsv | awk -F'\t' 'NR > 1 {print $4}' | tr '\n' ' ')
    count=$(echo $ids | wc -w)
    check '[ $count -eq 9 ] && [[ " $ids" != *" 2 "* ]] && [[ " $ids" != *" 3 "* ]]' "$metric: product 1's duplicates 2 and 3 collapse ($ids)"
    ids=$("$rec" --catalog "$dup" similar --product 10 --model mobilenet --metric $metric -k 39 --format tsv | awk -F'\t' 'NR > 1 {print $4}' | tr '\n' ' ')
    both=$(for i in $ids; do case $i in 1|2|3) echo $i;; esac; done | wc -l)
    check '[ "$both" = 1 ]' "$metric: of 1, 2, 3 only one appears in another product's list ($ids)"
done
near=$(sqlite3 "$dup" "SELECT count(*) FROM neighbors WHERE product_id = 1 AND neighbor_id IN (2, 3)")
check '[ "$near" = 0 ]' "the stored neighbours collapse them too"

# the README's SQL examples run and agree with the CLI
readme=$SOLEMATE_ROOT/README.md
examples=0
while IFS= read -r -d '' block; do
    examples=$((examples + 1))
    printf '%s' "$block" | sed "s#^\.load .*#.load $ext#" >"$SOLEMATE_TMP/example.sql"
    got=$(sqlite_shell -separator ' ' "$db" <"$SOLEMATE_TMP/example.sql" 2>&1); status=$?
    lines=$(printf '%s\n' "$got" | wc -l)
    check '[ $status -eq 0 ] && [ "$lines" -eq 9 ]' "README SQL example $examples runs and gives 9 rows"
done < <(awk '/<!-- sql-example -->/ {on = 1; next} /<!-- \/sql-example -->/ {on = 0; printf "%c", 0; next}
              on && !/^```/ {print}' "$readme")
check '[ $examples -ge 2 ]' "the README has the view and the extension examples ($examples)"
view_ids=$(sqlite3 "$db" "SELECT group_concat(neighbor_id, ' ') FROM (SELECT neighbor_id FROM recommendations WHERE product_id = 1 AND model = 'mobilenet' AND metric = 'cosine' ORDER BY rank)")
cli_ids=$("$rec" --catalog "$db" similar --product 1 --model mobilenet --metric cosine --format tsv | awk -F'\t' 'NR > 1 {print $4}' | tr '\n' ' ')
check '[ "$view_ids " = "$cli_ids" ]' "the README's view query shows the CLI's neighbours"

tap_done
