#!/usr/bin/env bash
# Opens a gallery page in headless Debian chromium: prints "images=N broken=M" from the page's
# own load-time check (<body data-images data-broken-images>) and writes a screenshot.
# usage: browser_check.sh PAGE.html SCREENSHOT.png ; exit 1 when chromium gives no answer.
set -u
page=$(realpath "$1") shot=$2
profile=$(mktemp -d "${TMPDIR:-/tmp}/solemate-chromium.XXXXXX")
trap 'rm -rf "$profile"' EXIT
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
       --disable-component-update --disable-sync --disable-dev-shm-usage --user-data-dir="$profile"
       --allow-file-access-from-files --virtual-time-budget=5000)
dom=$(timeout 60 chromium "${flags[@]}" --dump-dom "file://$page" 2>/dev/null)
timeout 60 chromium "${flags[@]}" --window-size=1400,1000 --screenshot="$shot" "file://$page" >/dev/null 2>&1
images=$(printf '%s' "$dom" | grep -o 'data-images="[0-9]*"' | head -1 | tr -dc 0-9)
broken=$(printf '%s' "$dom" | grep -o 'data-broken-images="[0-9]*"' | head -1 | tr -dc 0-9)
[ -n "$images" ] && [ -n "$broken" ] || { echo "images=? broken=?"; exit 1; }
echo "images=$images broken=$broken"
