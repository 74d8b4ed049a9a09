#!/usr/bin/env bash
# How often does the gate cry wolf? Runs N identical quick sweeps (default 5) on this machine,
# makes the first the baseline (with the committed rules), gates every later one against it,
# and counts exit codes. Nothing changed between the sweeps, so any exit 2 is a false alarm.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-5}
Scripts/setup.sh
swift build -c release --product rover-bench >&2
bin=.build/release/rover-bench
work=$(mktemp -d)
mkdir -p "$work/baseline"
cp Results/baseline/gate.json "$work/baseline/"
for i in $(seq 1 "$n"); do
  $bin sweep --quick --out "$work/s$i" >/dev/null 2>&1
done
first="$work/s1/$(ls "$work/s1")"
$bin gate --update-baseline --current "$first" --baseline "$work/baseline" >/dev/null
alarms=0
for i in $(seq 2 "$n"); do
  set +e
  $bin gate --baseline "$work/baseline" --current "$work/s$i/$(ls "$work/s$i")" >"$work/gate$i.md"
  code=$?
  set -e
  summary=$(sed -n 3p "$work/gate$i.md")
  echo "sweep $i vs sweep 1: exit $code ($summary)"
  [ $code -eq 2 ] && alarms=$((alarms + 1))
done
echo "false alarms: $alarms of $((n - 1)) gated runs"
rm -rf "$work"
