#!/usr/bin/env bash
# make demo: the whole pipeline on the local fixture shop.  Generates and serves the shop on
# 127.0.0.1, crawls it into a fresh catalog, extracts every model whose weights are present
# (MobileNet and pixel here; ResNet-18 and VGG-16 after `make models`; missing ones are named,
# never replaced by random weights), builds the neighbours, writes the gallery and stops the
# server (also on failure).  Leaves DEMO_DIR/catalog.db and DEMO_DIR/gallery/index.html.
#
# Env: BUILD (build/release), SHARED_DIR (../shared), MODELS_DIR, DEMO_DIR (demo/),
# DEMO_CRAWL_ARGS (extra crawler options, e.g. "--category casual:M --limit 12" for a quick run),
# DEMO_GALLERY (queries in the gallery, default 12).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
build=${BUILD:-build/release}
case $build in /*) bin=$build/bin ;; *) bin=$root/$build/bin ;; esac
shared=${SHARED_DIR:-$root/../shared}
export MODELS_DIR=${MODELS_DIR:-$shared/models}
out=${DEMO_DIR:-$root/demo}
py=/usr/bin/python3
server_pid=
stop_server() {
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
}
trap stop_server EXIT
trap 'echo "demo: failed at line $LINENO" >&2' ERR
started=$SECONDS

rm -rf "$out/site" "$out/gallery" "$out"/catalog.db*
mkdir -p "$out"
echo "demo: generating the fixture shop"
$py tests/fixture_shop/generate.py --dataset "$shared/datasets/shoe-sandal-boot" --out "$out/site" --seed 1 >/dev/null
$py tests/fixture_shop/serve.py --site "$out/site" --port 0 --ready-file "$out/server.ready" \
    --log "$out/server.log" >/dev/null 2>"$out/server.err" &
server_pid=$!
rm -f "$out/server.ready"
for _ in $(seq 300); do
    [ -s "$out/server.ready" ] && break
    kill -0 "$server_pid" 2>/dev/null || { echo "demo: the fixture shop did not start:" >&2; cat "$out/server.err" >&2; exit 69; }
    sleep 0.1
done
port=$($py -c 'import json,sys; print(json.load(open(sys.argv[1]))["port"])' "$out/server.ready")
echo "demo: fixture shop on 127.0.0.1:$port; crawling"
# shellcheck disable=SC2086
"$bin/solemate-crawler" --catalog "$out/catalog.db" --profile config/profiles/fixture.conf \
    --connect-to "::127.0.0.1:$port" --delay-ms 0 -q ${DEMO_CRAWL_ARGS:-}
stop_server
server_pid=
echo "demo: extracting features (every model whose weights are in $MODELS_DIR)"
for weights in resnet18 vgg16; do
    [ -f "$MODELS_DIR/$weights.safetensors" ] ||
        echo "demo: $weights skipped: $MODELS_DIR/$weights.safetensors is missing (get the genuine weights with \`make models\`)"
done
"$bin/solemate-extractor" --catalog "$out/catalog.db" --all-models
echo "demo: building neighbours"
"$bin/solemate-recommender" --catalog "$out/catalog.db" build
"$bin/solemate-recommender" --catalog "$out/catalog.db" gallery --random "${DEMO_GALLERY:-12}" --out "$out/gallery"
products=$(sqlite3 "$out/catalog.db" "SELECT count(*) FROM products WHERE kind = 'shoe' AND image_sha256 IS NOT NULL")
models=$(sqlite3 "$out/catalog.db" "SELECT group_concat(name, ', ') FROM (SELECT DISTINCT model AS name FROM neighbors ORDER BY 1)")
echo "demo: gallery at $out/gallery/index.html, catalog at $out/catalog.db"
echo "demo: $products shoes crawled, neighbours for $models (cosine and l2), $((SECONDS - started)) s"
