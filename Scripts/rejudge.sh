#!/usr/bin/env bash
# The same duet data under other rules: copies each run folder to a temp folder, optionally keeps
# only its first stage (FIRST_STAGE=1: process pairs numbered under --duet-starts, 20, or under
# the A/A controls' 40), judges it again with `rover-bench report --min-effect EFFECT`, and prints
# Scripts/agreement.py --many over the copies (how many verdicts agree, which differed).
# BIN=path picks the binary (default .build/release/rover-bench).
# Usage: [FIRST_STAGE=1] Scripts/rejudge.sh EFFECT RUN...     (e.g. 0.01 Results/verdicts-*/sweeps-staged/2026*/)
set -euo pipefail
cd "$(dirname "$0")/.."
effect=$1; shift
bin=${BIN:-$PWD/.build/release/rover-bench}
out=$(mktemp -d /tmp/rover-rejudge.XXXXXX)
for r in "$@"; do
  d=$out/$(basename "$r"); cp -r "$r" "$d"
  if [ "${FIRST_STAGE:-0}" = 1 ]; then
    python3 - "$d/pairs.csv" "$d/duet.json" <<'PY'
import csv, json, sys
plan = json.load(open(sys.argv[2]))
starts = plan["starts"]; control = plan.get("controlStarts") or starts
rows = list(csv.reader(open(sys.argv[1])))
head, body = rows[0], rows[1:]
k, s = head.index("kind"), head.index("start")
keep = [r for r in body if int(r[s]) < (control if r[k] == "control" else starts)]
csv.writer(open(sys.argv[1], "w", newline=""), lineterminator="\n").writerows([head] + keep)
PY
  fi
  "$bin" report "$d" --min-effect "$effect" > /dev/null
done
echo "rejudged: minimum effect $effect$([ "${FIRST_STAGE:-0}" = 1 ] && echo ', first stage only') ($# runs, copies in $out)"
Scripts/agreement.py --many "$out"/*/
