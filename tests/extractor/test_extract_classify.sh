#!/usr/bin/env bash
# `classify` with the genuine MobileNet of ../shared/models reproduces the README's top-5
# ImageNet classes, in order, for darknet's dog, eagle, giraffe and kite photos; a model
# without a classifier (pixel) and missing weights are refused in one line; `embed --format
# json` prints one line per file with the feature's dimension.
set -u
. "$(dirname "$0")/../tap.sh"
exe=$SOLEMATE_BUILD/bin/solemate-extractor
data=/usr/share/darknet/data
export SOLEMATE_CONFIG=

out=$("$exe" classify --models-dir "$MODELS_DIR" --model mobilenet --format json \
    "$data/dog.jpg" "$data/eagle.jpg" "$data/giraffe.jpg" "$data/kite.jpg" 2>"$SOLEMATE_TMP/err"); status=$?
check '[ $status -eq 0 ] && [ ! -s "$SOLEMATE_TMP/err" ]' "classify runs cleanly"
classes() { # file name -> "c1 c2 c3 c4 c5"
    printf '%s\n' "$out" | /usr/bin/python3 -c '
import json, sys
for line in sys.stdin:
    r = json.loads(line)
    if r["file"].endswith("/" + sys.argv[1]):
        print(" ".join(str(c["class"]) for c in r["top5"]))' "$1"
}
for case in "dog.jpg:249 248 537 250 174" "eagle.jpg:22 21 139 8 23" \
            "giraffe.jpg:340 139 83 290 138" "kite.jpg:978 701 977 130 975"; do
    file=${case%%:*} want=${case#*:}
    got=$(classes "$file")
    check '[ "$got" = "$want" ]' "$file: top-5 $want (got: $got)"
done
printf '%s\n' "$out" | head -1 | sed 's/^/# /'
text=$("$exe" classify --models-dir "$MODELS_DIR" "$data/dog.jpg")
check '[[ $text == *"249  0.2"*"malamute"* ]]' "text output names the class with its probability"

err=$("$exe" classify --models-dir "$MODELS_DIR" --model pixel "$data/dog.jpg" 2>&1 >/dev/null); status=$?
check '[ $status -ne 0 ] && [ $(printf "%s\n" "$err" | wc -l) -eq 1 ] && [[ $err == solemate-extractor:* ]]' \
    "pixel has no classifier: one line (got: $err)"
err=$("$exe" classify --models-dir "$SOLEMATE_TMP" --model resnet18 "$data/dog.jpg" 2>&1 >/dev/null); status=$?
check '[ $status -eq 69 ] && [[ $err == *"make models"* ]]' "missing weights: exit 69 and the remedy (got: $err)"

lines=$("$exe" embed --models-dir "$MODELS_DIR" --model mobilenet --format json "$data/dog.jpg" "$data/kite.jpg" |
    /usr/bin/python3 -c '
import json, sys
for line in sys.stdin:
    r = json.loads(line)
    print(r["model"], len(r["feature"]))')
check '[ "$lines" = "mobilenet 768"$'"'"'\n'"'"'"mobilenet 768" ]' "embed --format json: one line per file (got: $lines)"
text=$("$exe" embed --models-dir "$MODELS_DIR" --model pixel --fit pad "$data/dog.jpg" | head -2)
check '[[ $text == *"pixel, 150528 values (u8, rgb8-pad224)"* ]]' "embed text output says model, size and preprocessing"
tap_done
