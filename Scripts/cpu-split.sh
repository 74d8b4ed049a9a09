#!/usr/bin/env bash
# Where the server's CPU goes, per request: user vs kernel time, for the HTTP layer alone
# (`serve --bare`) and for the engine (lazy ctx, affine), one event loop each, under
# `rover-bench load -c 64` for 5 s after a 2 s warm-up. Figures come from the server's own
# counters endpoint (getrusage deltas ÷ app requests).
# Usage: Scripts/cpu-split.sh   (env: APP=Scenarios/params-only/app.lua PATH_Q=/users/123 SKIP_BUILD=1)
set -euo pipefail
cd "$(dirname "$0")/.."
APP=${APP:-Scenarios/params-only/app.lua}; PATH_Q=${PATH_Q:-/users/123}
[ -n "${SKIP_BUILD:-}" ] || Scripts/build-release.sh --product rover-bench >&2
BIN=.build/release/rover-bench
out=$(mktemp)
for mode in "--bare" "--dispatcher affine --context lazy" "--dispatcher channel --context eager"; do
  # shellcheck disable=SC2086
  "$BIN" serve "$APP" $mode --threads 1 --workers 1 --port 0 >"$out" 2>/dev/null &
  pid=$!
  for _ in $(seq 100); do grep -q '^listening on' "$out" && break; sleep 0.1; done
  port=$(sed -n 's/^listening on http:\/\/[^:]*:\([0-9]*\)$/\1/p' "$out")
  url="http://127.0.0.1:$port"
  "$BIN" load "$url$PATH_Q" -c 64 -d 2 >/dev/null
  before=$(curl -s "$url/__rover/counters")
  "$BIN" load "$url$PATH_Q" -c 64 -d 5 >/dev/null
  after=$(curl -s "$url/__rover/counters")
  kill -TERM "$pid"; wait "$pid" || true
  python3 - "$mode" "$before" "$after" <<'PY'
import json, sys
mode, b, a = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
n = a["server"]["appRequests"] - b["server"]["appRequests"]
d = lambda k: (a["process"][k] - b["process"][k]) / n
cs = (a["process"]["voluntaryContextSwitches"] + a["process"]["involuntaryContextSwitches"]
      - b["process"]["voluntaryContextSwitches"] - b["process"]["involuntaryContextSwitches"]) / n
print(f"{mode:38s} {n:8d} req  user {d('userCPUMicros'):5.2f} µs/req  kernel {d('systemCPUMicros'):5.2f} µs/req  ctx switches {cs:.2f}/req")
PY
done
rm -f "$out"
