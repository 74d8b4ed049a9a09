#!/usr/bin/env bash
# CI's performance gate, on what does not move with machine noise:
#   1. an untimed counters pass over every builder × dispatcher cell of the default scenarios
#      (closures, Lua allocations and bytes, hand-offs per request; any failed trial fails);
#   2. exact instructions per request under callgrind (Scripts/instructions.sh);
#   3. heap allocations and read/write/epoll calls per request on the HTTP path, counted over one
#      sequential connection (Scripts/hotpath.sh: an LD_PRELOADed counting malloc and strace);
#   4. `rover-bench gate` against Results/baseline (counters, instructions.csv, hotpath.csv,
#      gate.json rules).
# Exit: 0 pass or only improvements (3: refresh the baseline, printed), 2 regression, failed or
# missing cell; anything else is an error. Timing verdicts come from sweeps, not from CI.
# Usage: Scripts/ci-gate.sh [--update-baseline]
set -uo pipefail
cd "$(dirname "$0")/.."
Scripts/setup.sh
Scripts/build-release.sh --product rover-bench >&2 || exit 1
out=Results/_scratch
rm -rf "$out"; mkdir -p "$out"
.build/release/rover-bench sweep --counters --out "$out" >/dev/null || exit 1
run="$out/$(ls "$out" | grep -v '\.csv$' | head -1)"
if ! SKIP_BUILD=1 Scripts/instructions.sh --out "$out/instructions.csv"; then
  # A scenario that kills its process (or anything else that stops the count) must not end the
  # gate early: every instruction row then counts as missing, which the gate fails with exit 2.
  echo "ci-gate: instruction counts could not be taken (see above); every row counts as missing" >&2
  echo "subject,requests,instructions_per_req" > "$out/instructions.csv"
fi
if ! SKIP_BUILD=1 Scripts/hotpath.sh --out "$out/hotpath.csv"; then
  # The same for the hot-path counts: every row then counts as missing (exit 2).
  echo "ci-gate: hot-path counts could not be taken (see above); every row counts as missing" >&2
  echo "subject,requests,per_req" > "$out/hotpath.csv"
fi
if [ "${1:-}" = --update-baseline ]; then
  exec .build/release/rover-bench gate --update-baseline --current "$run" --instructions "$out/instructions.csv" \
    --hotpath "$out/hotpath.csv" --baseline Results/baseline
fi
code=0
.build/release/rover-bench gate --baseline Results/baseline --current "$run" --instructions "$out/instructions.csv" \
  --hotpath "$out/hotpath.csv" || code=$?
case $code in
  0) echo "gate: pass" ;;
  3) echo "gate: only improvements (refresh with: Scripts/ci-gate.sh --update-baseline)" ;;
  *) echo "gate: FAILED (exit $code)"; exit "$code" ;;
esac
