#!/usr/bin/env bash
# How often does the gate cry wolf? Runs the CI gate (Scripts/ci-gate.sh: counters pass, exact
# instruction counts, gate against the committed Results/baseline) N times on unchanged code
# (default 10) and counts exit codes. Nothing changed, so any exit 2 is a false alarm.
# Usage: Scripts/gate-false-alarms.sh [N]
set -uo pipefail
cd "$(dirname "$0")/.."
n=${1:-10}
swift build -c release --product rover-bench >&2 || exit 1
alarms=0; counts=""
for i in $(seq 1 "$n"); do
  Scripts/ci-gate.sh >"/tmp/gate-false-alarm.$i.md" 2>&1
  code=$?
  echo "run $i: exit $code ($(grep -m1 -E '^[0-9]+ (regression|failed|missing|inconclusive|improvement|new|pass)' "/tmp/gate-false-alarm.$i.md"))"
  [ $code -eq 2 ] && alarms=$((alarms + 1))
  counts="$counts $code"
done
echo "exit codes:$counts"
echo "false alarms (exit 2): $alarms of $n"
