#!/usr/bin/env bash
# `make install` honours PREFIX and DESTDIR: the three programs, their man pages, the example
# config, the site profiles and the SQLite extension land under DESTDIR/PREFIX, and the installed programs run.
set -u
. "$(dirname "$0")/../tap.sh"

dest=$SOLEMATE_TMP/dest
unset MAKEFLAGS MAKELEVEL MFLAGS
make -s -C "$SOLEMATE_ROOT" install BUILD="$SOLEMATE_BUILD" SANITIZE="$SOLEMATE_SANITIZE" \
    PREFIX=/opt/solemate DESTDIR="$dest" >"$SOLEMATE_TMP/install.log" 2>&1
status=$?
check '[ $status -eq 0 ]' "make install exits 0 ($(tail -1 "$SOLEMATE_TMP/install.log"))"
root=$dest/opt/solemate
for program in crawler extractor recommender; do
    check '[ -x "$root/bin/solemate-$program" ]' "bin/solemate-$program installed"
    check '[ -f "$root/share/man/man1/solemate-$program.1" ]' "man page of solemate-$program installed"
    check '"$root/bin/solemate-$program" --version | grep -q "^solemate-$program "' "installed solemate-$program runs"
done
check '[ -f "$root/share/doc/solemate/solemate.conf.example" ]' "example config installed"
check 'echo "SELECT vec_dim(X'"'"'0000803F00000040'"'"');" | sqlite_shell -cmd ".load $root/lib/solemate" :memory: | grep -qx 2' \
    "installed SQLite extension loads and answers vec_dim"
check '[ -n "$(ls "$root"/share/solemate/profiles/*.conf 2>/dev/null)" ]' "site profiles installed"
check '[ ! -e /opt/solemate ]' "nothing written outside DESTDIR"
tap_done
