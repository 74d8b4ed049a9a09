#!/usr/bin/env bash
# Do sweeps of one commit reproduce? Runs N sweeps of the same plan back to back (default: 10
# default sweeps, duet phase only: the phase every verdict of the default sweep comes from), then
# prints, per sweep, each A/A control's interval and verdict, and over every pair of sweeps how
# many verdicts agree and how many are opposite (Scripts/agreement.py's rule).
# Usage: Scripts/repeat-sweeps.sh [N] [sweep options...]   (default options: --duet-only)
#        SKIP_BUILD=1 reuses the release build; OUT=folder keeps the runs (default a temp folder).
# Each sweep runs under `quiet` when that command exists (it waits for builds and tests on this
# machine to finish and holds new ones back), so nothing of ours competes with a measurement.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-10}; shift || true
args=("$@"); [ ${#args[@]} -gt 0 ] || args=(--duet-only)
[ "${SKIP_BUILD:-0}" = 1 ] || swift build -c release --product rover-bench >&2
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
  aa=$(python3 - "$run/summary.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))["summary"].get("duet") or {"rows": []}
out = []
for r in d["rows"]:
    if r["isControl"] and r.get("cpu"):
        t = r["cpu"]["test"]; ref = r["reference"]
        out.append(f"A/A {ref['context']}+{ref['dispatcher']} {100*(t['ratio']-1):+.2f}% "
                   f"[{100*(t['interval']['lower']-1):+.2f}, {100*(t['interval']['upper']-1):+.2f}] {r['cpu']['verdict']}")
    elif r["isControl"]:
        out.append(f"A/A {r['reference']['context']}+{r['reference']['dispatcher']} failed")
print(" | ".join(out))
PY
)
  echo "sweep $i ($(( $(date +%s) - start )) s, $(basename "$run")): $aa"
done
python3 - "${runs[@]}" <<'PY'
import itertools, json, sys
def verdicts(run):
    s = json.load(open(f"{run}/summary.json"))["summary"]
    out = {}
    for r in (s.get("duet") or {}).get("rows", []):
        for m in ("cpu", "rps"):
            if r.get(m): out[(r["id"], m)] = r[m]["verdict"]
    for c in s.get("comparisons", []):
        k = c["cell"]
        out[(f'{k["scenario"]}.{k["context"]}.{k["dispatcher"]}.w{k["workers"]}.c{k["connections"]}', c["metric"])] = c["verdict"]
    return out
vs = [verdicts(r) for r in sys.argv[1:]]
aa_ok = sum(all(v == "no difference" for (rid, m), v in x.items() if rid.startswith("a/a.") and m == "cpu") for x in vs)
print(f"A/A controls all 'no difference' (CPU/request) in {aa_ok} of {len(vs)} sweeps")
agree = total = opposite = 0; worst = 1.0
for a, b in itertools.combinations(vs, 2):
    keys = [k for k in a if k in b]
    ag = sum(a[k] == b[k] for k in keys); op = sum({a[k], b[k]} == {"faster", "slower"} for k in keys)
    agree += ag; total += len(keys); opposite += op
    if keys: worst = min(worst, ag / len(keys))
pairs = len(vs) * (len(vs) - 1) // 2
if total:
    print(f"over {pairs} pairs of sweeps: {agree} of {total} verdicts agree ({100*agree/total:.1f}%), "
          f"{opposite} opposite; the least agreeing pair: {100*worst:.1f}%")
PY
echo "(runs kept in $out)"
