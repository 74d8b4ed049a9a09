#!/usr/bin/env bash
# CI's performance gate: a quick sweep (release build), gated against Results/baseline.
# Fails (exit 2) only on a regression: deterministic counters off the baseline, or a same-run
# comparison whose interval says the wrong side won. "Only improvements" (3) and "inconclusive"
# (4, noise) are reported and pass. Usage: Scripts/ci-gate.sh [extra sweep options]
set -uo pipefail
cd "$(dirname "$0")/.."
Scripts/setup.sh
swift build -c release --product rover-bench >&2 || exit 1
out=Results/_scratch
rm -rf "$out"; mkdir -p "$out"
.build/release/rover-bench sweep --quick --out "$out" "$@" >/dev/null || exit 1
run="$out/$(ls "$out" | head -1)"
.build/release/rover-bench gate --baseline Results/baseline --current "$run"
code=$?
case $code in
  0) echo "gate: pass" ;;
  3) echo "gate: only improvements (refresh with: rover-bench gate --update-baseline --current $run --baseline Results/baseline)" ;;
  4) echo "gate: inconclusive (noise); not a failure" ;;
  *) echo "gate: FAILED (exit $code)"; exit "$code" ;;
esac
