#!/usr/bin/env bash
# Does a duet measured from outside agree with the built-in one? Runs, alternating, RUNS times:
#   built-in:  rover-bench duet --scenario params-only --context eager lazy --dispatcher affine
#   external:  rover-bench duet --cmd 'rover-bench serve … eager affine' --cmd '… lazy affine'
# (the same two servers, started as plain commands: CPU time from their cgroups, requests counted
# by the load generator). Prints each run's lazy-vs-eager CPU-per-request row, then both ways
# pooled over runs (inverse-variance on the log scale) for a side-by-side reading.
#
# Usage: Scripts/duet-agreement.sh [RUNS]   (env: OUT, default Results/duet-agreement-<date>;
#        SKIP_BUILD=1; DUET_ARGS extra duet flags for both)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-3}
[ -n "${SKIP_BUILD:-}" ] || Scripts/build-release.sh >&2
BIN=$(Scripts/build-release.sh --show-bin-path)/rover-bench
OUT=${OUT:-Results/duet-agreement-$(date -u +%Y%m%d)}
mkdir -p "$OUT/builtin" "$OUT/external"
APP=$PWD/Scenarios/params-only/app.lua
serve() { echo "exec $BIN serve $APP --context $1 --dispatcher affine --workers 1 --threads 1 --port {port}"; }
for i in $(seq "$RUNS"); do
    args=(duet --scenario params-only --context eager lazy --dispatcher affine --out "$OUT/builtin" ${DUET_ARGS:-})
    printf '%q ' "$BIN" "${args[@]}" >> "$OUT/commands.txt"; echo >> "$OUT/commands.txt"
    "$BIN" "${args[@]}" > /dev/null || true
    args=(duet --cmd "$(serve eager)" --cmd "$(serve lazy)" --name eager --name lazy --path /users/123
          --expect-body '{"user_id":"123"}' --out "$OUT/external" ${DUET_ARGS:-})
    printf '%q ' "$BIN" "${args[@]}" >> "$OUT/commands.txt"; echo >> "$OUT/commands.txt"
    "$BIN" "${args[@]}" > /dev/null || true
    echo "round $i/$RUNS done" >&2
done
python3 - "$OUT" <<'PY'
import glob, json, math, sys
out = sys.argv[1]
lines = []
for way in ["builtin", "external"]:
    logs, ws = [], []
    for f in sorted(glob.glob(f"{out}/{way}/*/summary.json")):
        d = json.load(open(f))["summary"]["duet"]
        ctl = next(r for r in d["rows"] if r["isControl"])
        row = next(r for r in d["rows"] if not r["isControl"])
        cpu = row.get("cpu")
        if not cpu:
            lines.append(f"{way:8} {f.split('/')[-2]}: failed ({row.get('failure', '?')})")
            continue
        t = cpu["test"]; lo, hi = t["interval"]["lower"], t["interval"]["upper"]
        c = ctl["cpu"]["test"]["interval"]
        lines.append(f"{way:8} {f.split('/')[-2]}: lazy vs eager {100*(t['ratio']-1):+.2f}% [{100*(lo-1):+.2f}, {100*(hi-1):+.2f}] "
                     f"{cpu['verdict']}{'' if cpu.get('settled') else ' (unsettled)'}; A/A [{100*(c['lower']-1):+.2f}, {100*(c['upper']-1):+.2f}] "
                     f"{ctl['cpu']['verdict']}; pairs {t['clusters']}")
        se = (math.log(hi) - math.log(lo)) / (2 * 1.96)
        logs.append(math.log(t["ratio"])); ws.append(1 / se**2)
    if ws:
        m = sum(l * w for l, w in zip(logs, ws)) / sum(ws); se = 1 / math.sqrt(sum(ws))
        lines.append(f"{way:8} pooled over {len(ws)} runs: {100*(math.exp(m)-1):+.2f}% [{100*(math.exp(m-1.96*se)-1):+.2f}, {100*(math.exp(m+1.96*se)-1):+.2f}]")
text = "\n".join(lines) + "\n"
open(f"{out}/agreement.txt", "w").write(text)
print(text, end="")
PY
