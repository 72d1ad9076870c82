#!/bin/sh
# `make models`: downloads the genuine weights listed in extractor/models.list into MODELS_DIR
# with curl, verifies each SHA-256 and only then moves the file into place (atomic rename in
# the same directory), so MODELS_DIR never holds a partial or unverified weights file.
# The first failure (no network, HTTP error, wrong checksum) is reported in one line and ends
# the script with status 1.
# Usage: fetch_models.sh MODELS_DIR [LIST]
set -u
dir=${1:?usage: fetch_models.sh MODELS_DIR [LIST]}
list=${2:-$(dirname "$0")/models.list}
mkdir -p "$dir" || exit 1
tmp=
trap 'rm -f "$tmp"' EXIT
trap 'rm -f "$tmp"; exit 1' INT TERM
while read -r name url sha; do
    case $name in '' | '#'*) continue ;; esac
    dest=$dir/$name
    if [ -f "$dest" ] && [ "$(sha256sum <"$dest" | cut -d' ' -f1)" = "$sha" ]; then
        echo "make models: $name present and verified"
        continue
    fi
    tmp=$(mktemp "$dir/.$name.XXXXXX") || exit 1
    if ! why=$(curl -fsSL --retry 2 --connect-timeout 20 -o "$tmp" "$url" 2>&1); then
        why=$(printf '%s\n' "$why" | tail -n 1)
        echo "make models: cannot download $name from $url (no network?): ${why#curl: }" >&2
        exit 1
    fi
    got=$(sha256sum <"$tmp" | cut -d' ' -f1)
    if [ "$got" != "$sha" ]; then
        echo "make models: $name from $url has SHA-256 $got, expected $sha; not installed" >&2
        exit 1
    fi
    chmod 644 "$tmp" && mv -f "$tmp" "$dest" || exit 1
    tmp=
    echo "make models: $name installed in $dir"
done <"$list"
exit 0
