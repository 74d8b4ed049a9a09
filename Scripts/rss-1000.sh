#!/usr/bin/env bash
# Peak RSS of `rover-bench serve` holding 1000 keep-alive connections under load (the seed's
# wrk -c1000), with 4 Lua VMs, for each dispatcher. Prints req/s, socket errors and VmHWM.
# Usage: Scripts/rss-1000.sh   (env: CONNS=1000 DURATION=5s WORKERS=4 CONTEXT=lazy SKIP_BUILD=1)
set -euo pipefail
cd "$(dirname "$0")/.."
CONNS=${CONNS:-1000}; DURATION=${DURATION:-5s}; WORKERS=${WORKERS:-4}; CONTEXT=${CONTEXT:-lazy}
command -v wrk >/dev/null || { echo "wrk not found (apt-get install wrk)" >&2; exit 1; }
[ -n "${SKIP_BUILD:-}" ] || Scripts/build-release.sh --product rover-bench >&2
BIN=.build/release/rover-bench
out=$(mktemp)
printf "%-14s %10s %10s %12s\n" dispatcher "req/s" errors "peak RSS"
for d in channel mutex-pool lockfree-pool affine; do
  extra=(); [ "$d" = affine ] && extra=(--threads "$WORKERS")
  "$BIN" serve Scenarios/params-only/app.lua --context "$CONTEXT" --dispatcher "$d" --workers "$WORKERS" \
    "${extra[@]}" --port 0 >"$out" 2>/dev/null &
  pid=$!
  for _ in $(seq 100); do grep -q '^listening on' "$out" && break; sleep 0.1; done
  port=$(sed -n 's/^listening on http:\/\/[^:]*:\([0-9]*\)$/\1/p' "$out")
  res=$(wrk -t1 -c"$CONNS" -d"$DURATION" "http://127.0.0.1:$port/users/123")
  hwm=$(awk '/VmHWM/ {print $2 " " $3}' "/proc/$pid/status")
  kill -TERM "$pid"; wait "$pid" || true
  rps=$(echo "$res" | awk '/Requests\/sec/ {print $2}')
  errs=$(echo "$res" | awk '/Socket errors/ {print $0}' | sed 's/.*Socket errors: //'); [ -n "$errs" ] || errs=none
  printf "%-14s %10s %10s %12s\n" "$d" "$rps" "$errs" "$hwm"
done
rm -f "$out"
