#!/usr/bin/env bash
# Do sweeps of one commit reproduce? Runs N sweeps of the same plan back to back (default: 10
# default sweeps, duet phase only: the phase every verdict of the default sweep comes from; the
# sequential phase's 3 rounds give "too few runs" only), then prints, per sweep, each A/A
# control, the process pairs its comparisons took and what stayed unsettled, and over every pair
# of sweeps and over back-to-back ones how many verdicts agree and how many are opposite, and
# every verdict that differed (Scripts/agreement.py --many).
# Usage: Scripts/repeat-sweeps.sh [N] [sweep options...]   (default options: --duet-only)
#        SKIP_BUILD=1 reuses the release build; OUT=folder keeps the runs (default a temp folder).
# Each sweep runs under `quiet` when that command exists (it waits for builds and tests on this
# machine to finish and holds new ones back), so nothing of ours competes with a measurement.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-10}; shift || true
args=("$@"); [ ${#args[@]} -gt 0 ] || args=(--duet-only)
[ "${SKIP_BUILD:-0}" = 1 ] || Scripts/build-release.sh --product rover-bench >&2
bin=$PWD/.build/release/rover-bench
out=${OUT:-$(mktemp -d /tmp/rover-repeat.XXXXXX)}
mkdir -p "$out"
hold=(); command -v quiet > /dev/null && hold=(quiet)
echo "environment: commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- Sources || echo '+changes'), $(date -u +%FT%TZ)," \
     "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) CPUs, kernel $(uname -r)"
echo "command: rover-bench sweep ${args[*]} --out $out  (× $n)"
runs=()
for i in $(seq 1 "$n"); do
  start=$(date +%s)
  "${hold[@]}" "$bin" sweep "${args[@]}" --out "$out" > "$out/sweep$i.log" 2>&1 || echo "sweep $i exited $?"
  run=$(ls -dt "$out"/*/ | head -1); runs+=("$run")
  echo "sweep $i ($(( $(date +%s) - start )) s, $(basename "$run")): $(Scripts/agreement.py --line "$run")"
done
echo
Scripts/agreement.py --many "${runs[@]}"
echo "(runs kept in $out)"
