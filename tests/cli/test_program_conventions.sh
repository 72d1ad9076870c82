#!/usr/bin/env bash
# Every program that exists follows the shared conventions: --help exits 0 and documents the
# exit statuses, --version prints "solemate-X VERSION", an unknown option exits 64, and a bad
# config file (unknown key, bad value, missing file) gives one line naming FILE:LINE (or FILE)
# on stderr and exit status 78.
set -u
. "$(dirname "$0")/../tap.sh"

bins=$(ls "$SOLEMATE_BUILD"/bin/solemate-* 2>/dev/null)
check '[ -n "$bins" ]' "at least one program is built"
printf '[catalog]\npath = x.db\ncolour = red\n' >"$SOLEMATE_TMP/unknown.conf"
printf '[recommender]\nk = many\n' >"$SOLEMATE_TMP/badvalue.conf"
for bin in $bins; do
    name=$(basename "$bin")
    "$bin" --help >"$SOLEMATE_TMP/help" 2>&1; status=$?
    check '[ $status -eq 0 ] && grep -q "Exit status" "$SOLEMATE_TMP/help" && grep -q -- "--config" "$SOLEMATE_TMP/help"' \
        "$name --help documents options and exit statuses"
    out=$("$bin" --version 2>&1); status=$?
    check '[ $status -eq 0 ] && [[ $out =~ ^$name\ [0-9]+\.[0-9]+\.[0-9]+$ ]]' "$name --version"
    "$bin" --no-such-option >/dev/null 2>&1; status=$?
    check '[ $status -eq 64 ]' "$name: unknown option exits 64"
    for case in unknown:3 badvalue:2 missing:; do
        conf=$SOLEMATE_TMP/${case%%:*}.conf line=${case#*:}
        err=$("$bin" --config "$conf" 2>&1 >/dev/null); status=$?
        lines=$(printf '%s\n' "$err" | wc -l)
        expect="$name: config: $conf${line:+:$line}:"
        check '[ $status -eq 78 ] && [ "$lines" -eq 1 ] && [[ $err == "$expect"* ]]' \
            "$name --config ${case%%:*}.conf: exit 78, one line naming $conf${line:+:$line} (got: $err)"
    done
done
tap_done
