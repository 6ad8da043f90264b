#!/bin/bash
# compatbox report --html: a self-contained page (nothing fetched) that a
# real browser renders with the report's content. Needs chromium
# (scripts/deps.sh --optional); skips without it.
# Usage: html.sh COMPATBOX TRAIL
set -u
cb=$1 trail=$2
browser=$(command -v chromium || command -v chromium-browser || true)
[ -n "$browser" ] || { echo "SKIP: chromium not installed (scripts/deps.sh --optional installs it)"; exit 77; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cbhtml.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fails=0
check() { if eval "$2"; then echo "ok - $1"; else echo "FAIL - $1"; fails=$((fails + 1)); fi; }

"$cb" report --html "$tmp/r.html" "$trail" 2>/dev/null
check "report --html exits 0" "[ $? -eq 0 ]"
# Self-contained: no URL, no external script, stylesheet, image or font.
check "nothing external" "! grep -Eiq '(src|href)=|url\\(|https?:|@import' '$tmp/r.html'"
# What the browser made of it, after the page's script ran.
flags=(--headless --no-sandbox --disable-gpu --no-first-run --user-data-dir="$tmp/profile")
timeout 60 "$browser" "${flags[@]}" --dump-dom "file://$tmp/r.html" > "$tmp/dom" 2>/dev/null
check "the unknown request is highlighted" "grep -q '<tr class=\"unknown\">' '$tmp/dom'"
check "its explanation is there" "grep -q 'another size: MYDEV_GET(24): a 32/64-bit layout mismatch' '$tmp/dom'"
check "the abi gen sketch is there" "grep -q 'compatbox abi gen --header vendor.h' '$tmp/dom'"
check "the process tree nests the child" "tr -d '\\n' < '$tmp/dom' | grep -q '<ul class=\"tree\"><li><span class=\"pid\">100</span>.*<ul><li><span class=\"pid\">101</span>'"
check "the sort script is bound" "grep -q 'title=\"sort\"' '$tmp/dom'"
timeout 60 "$browser" "${flags[@]}" --screenshot="$tmp/r.png" --window-size=1280,1600 \
	"file://$tmp/r.html" > /dev/null 2>&1
check "a screenshot was rendered" "[ \$(stat -c %s '$tmp/r.png' 2>/dev/null || echo 0) -gt 20000 ]"
[ -z "${CB_KEEP_SCREENSHOT:-}" ] || cp "$tmp/r.png" "$CB_KEEP_SCREENSHOT"
[ $fails -eq 0 ] || { echo "$fails check(s) failed"; exit 1; }
