#!/usr/bin/env bash
# Render a run folder's report.html with headless chromium (no network, from disk):
#   RUN_DIR/report.png       screenshot after the page's script has drawn the charts
#   RUN_DIR/report.dom.html  the DOM after JavaScript (--dump-dom), to check the SVG charts exist
# Usage: Scripts/render-report.sh RUN_DIR
# Env: CHROMIUM (browser binary), WIDTH/HEIGHT (window size, default 1100x2200).
# Exit: 0 ok, 64 usage (no RUN_DIR/report.html), 69 chromium not found, 1 render failed.
set -euo pipefail

if [[ $# -ne 1 ]]; then
    echo "usage: $0 RUN_DIR" >&2
    exit 64
fi
dir=$(cd "$1" 2>/dev/null && pwd) || { echo "error: no folder '$1'" >&2; exit 64; }
[[ -f "$dir/report.html" ]] || { echo "error: no $dir/report.html (run 'rover-bench report $1' first)" >&2; exit 64; }

browser=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)}
[[ -n "$browser" ]] || { echo "error: chromium not found (apt-get install chromium)" >&2; exit 69; }

profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
flags=(--headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run --disable-extensions
       --user-data-dir="$profile" --virtual-time-budget=5000)
url="file://$dir/report.html"

rm -f "$dir/report.png" "$dir/report.dom.html"
timeout 60 "$browser" "${flags[@]}" --window-size="${WIDTH:-1100},${HEIGHT:-2200}" \
    --screenshot="$dir/report.png" "$url" >"$profile/shot.log" 2>&1 || true
timeout 60 "$browser" "${flags[@]}" --dump-dom "$url" >"$dir/report.dom.html" 2>"$profile/dom.log" || true

if [[ ! -s "$dir/report.png" ]]; then
    echo "error: chromium produced no screenshot; its log:" >&2
    cat "$profile/shot.log" >&2
    exit 1
fi
if ! grep -q '<svg' "$dir/report.dom.html"; then
    echo "error: no <svg> in the rendered DOM; chromium log:" >&2
    cat "$profile/dom.log" >&2
    exit 1
fi
echo "$dir/report.png"
echo "$dir/report.dom.html"
