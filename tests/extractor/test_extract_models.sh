#!/usr/bin/env bash
# `make models` on a machine without network says so in one line, exits non-zero and leaves
# no file behind; the downloader installs a file only when its SHA-256 matches (checked with
# file:// URLs, no network needed) and recognises an installed file on the next run.
set -u
. "$(dirname "$0")/../tap.sh"
fetch=$SOLEMATE_ROOT/extractor/fetch_models.sh
dir=$SOLEMATE_TMP/models

if curl -fsS --max-time 5 -o /dev/null https://huggingface.co/ 2>/dev/null; then
    ok "# SKIP the network is up: not downloading 600 MB in a test"
else
    make -s -C "$SOLEMATE_ROOT" models MODELS_DIR="$dir" >"$SOLEMATE_TMP/out" 2>&1; status=$?
    said=$(grep -c '^make models:' "$SOLEMATE_TMP/out")
    check '[ $status -ne 0 ] && [ "$said" -eq 1 ] && grep -q "no network" "$SOLEMATE_TMP/out"' \
        "no network: one line, non-zero exit ($(head -1 "$SOLEMATE_TMP/out"))"
    check '[ -z "$(ls -A "$dir")" ]' "no network: nothing left in MODELS_DIR"
fi

printf 'genuine weights\n' >"$SOLEMATE_TMP/w.bin"
sha=$(sha256sum <"$SOLEMATE_TMP/w.bin" | cut -d' ' -f1)
printf 'w.safetensors file://%s %s\n' "$SOLEMATE_TMP/w.bin" "$(printf '%064d' 0)" >"$SOLEMATE_TMP/bad.list"
"$fetch" "$dir" "$SOLEMATE_TMP/bad.list" >"$SOLEMATE_TMP/out" 2>&1; status=$?
check '[ $status -ne 0 ] && [ $(wc -l <"$SOLEMATE_TMP/out") -eq 1 ] && grep -q "expected 0000" "$SOLEMATE_TMP/out"' \
    "checksum mismatch: refused in one line"
check '[ -z "$(ls -A "$dir")" ]' "checksum mismatch: nothing installed, no temporary left"
printf '# comment\nw.safetensors file://%s %s\n' "$SOLEMATE_TMP/w.bin" "$sha" >"$SOLEMATE_TMP/good.list"
"$fetch" "$dir" "$SOLEMATE_TMP/good.list" >"$SOLEMATE_TMP/out" 2>&1; status=$?
check '[ $status -eq 0 ] && cmp -s "$dir/w.safetensors" "$SOLEMATE_TMP/w.bin" && [ $(ls -A "$dir" | wc -l) -eq 1 ]' \
    "verified file installed"
"$fetch" "$dir" "$SOLEMATE_TMP/good.list" >"$SOLEMATE_TMP/out" 2>&1; status=$?
check '[ $status -eq 0 ] && grep -q "present and verified" "$SOLEMATE_TMP/out"' "second run: already present"
grep -q 'resnet18.safetensors https://huggingface.co/timm/resnet18.tv_in1k/resolve/main/model.safetensors 694f673df6520a3158624e8a89af086f59923ee4cd7436fe5bc3bc71d295ad81' \
    "$SOLEMATE_ROOT/extractor/models.list" && grep -q '^vgg16.safetensors .*57b026918159a6bf9faf8405c3a551903768e7138989d9c6224a14227203fad8$' \
    "$SOLEMATE_ROOT/extractor/models.list"
check '[ $? -eq 0 ]' "the list pins the README's URLs and digests"
tap_done
