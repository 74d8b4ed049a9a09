#!/usr/bin/env bash
# Does the duet find a small, known cost, and only when it is there? Builds two apps that differ
# from params-only only by a fixed Lua loop in the handler, sized to cost about 3% and about 1%
# of a request's server CPU, then runs N duets (default 10): A/A control, params-only vs +3%,
# params-only vs +1%, all under CONTEXT + DISPATCHER (default lazy + affine). Prints each run's
# verdicts and how often each was found "slower" (and the A/A "no difference").
# Calibration (printed): a duet against probe apps (2, 8 and 25 iterations) measures what a loop
# costs; the sizes are interpolated between them. Each run prints what the +3% and +1% apps measured.
# Usage: Scripts/sensitivity.sh [N]   (SKIP_BUILD=1 to reuse the release build; extra duet options
#        go in DUET_ARGS, e.g. DUET_ARGS="--duet-starts 6")
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-10}
ctx=${CONTEXT:-lazy}; disp=${DISPATCHER:-affine}
[ "${SKIP_BUILD:-0}" = 1 ] || Scripts/build-release.sh --product rover-bench >&2
bin=$PWD/.build/release/rover-bench
work=$(mktemp -d /tmp/rover-sensitivity.XXXXXX)
scen=$work/Scenarios; mkdir -p "$scen"
cp -r Scenarios/params-only "$scen/params-only"
spin_app() {  # name iterations
  mkdir -p "$scen/$1"
  cp Scenarios/params-only/scenario.json "$scen/$1/"
  cat > "$scen/$1/app.lua" <<LUA
-- params-only plus a fixed loop of $2 iterations: the same answer, a known extra cost.
local api = rover.server {}

function api.users.p_id.get(ctx)
  local x = 0
  for i = 1, $2 do x = x + i end
  return { user_id = ctx:params().id }
end

return api
LUA
}
# Calibration by the same method: a duet of params-only against probe apps of PROBES iterations
# (default 2, 8 and 25) measures what each costs as a share of a request's server CPU over HTTP;
# the sizes for +3% and +1% are interpolated between the probes (piecewise linear through 0).
# A loop's cost is not linear in its iterations here: probes of 1 and 60 iterations read +0.18%
# and +7.13%, but the 8- and 25-iteration apps sized from that line read +1.77% and +3.80% (means
# of 10 runs); in-process timings (`micro`) under-read it too ("+3%" measured +5%).
read -r -a probes <<< "${PROBES:-2 8 25}"
for k in "${probes[@]}"; do spin_app "probe$k" "$k"; done
"$bin" duet --scenarios-dir "$scen" --scenario params-only --vs "${probes[@]/#/probe}" --context "$ctx" --dispatcher "$disp" \
  --duet-starts "${CAL_STARTS:-12}" --out "$work/calibrate" > /dev/null 2>&1
cal=$(ls -d "$work"/calibrate/*/)
read -r k3 k1 line < <(python3 - "$cal/summary.json" <<'PY'
import json, sys
rows = json.load(open(sys.argv[1]))["summary"]["duet"]["rows"]
points = sorted((int(r["cell"]["scenario"][5:]), r["cpu"]["test"]["ratio"] - 1) for r in rows if not r["isControl"])
curve = [(0, 0.0)] + points
def size(target):
    for (k0, c0), (k1, c1) in zip(curve, curve[1:]):
        if c1 >= target and c1 > c0: return max(1, round(k0 + (target - c0) / (c1 - c0) * (k1 - k0)))
    (k0, c0), (k1, c1) = curve[-2], curve[-1]  # beyond the last probe: extend its segment
    return max(1, round(k1 + (target - c1) / max(c1 - c0, 1e-9) * (k1 - k0)))
print(size(0.03), size(0.01), "probes: " + ", ".join(f"{k} iterations {100*c:+.2f}%" for k, c in points))
PY
)
echo "calibration: $line; +3% = $k3 iterations, +1% = $k1 iterations"
spin_app plus3 "$k3"
spin_app plus1 "$k1"

verdicts() {  # summary.json -> one line: name ratio [interval] verdict | ...
  python3 - "$1" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))["summary"]["duet"]
out = []
for r in d["rows"]:
    name = "A/A" if r["isControl"] else r["cell"]["scenario"]
    c = r.get("cpu")
    if c:
        t = c["test"]
        out.append(f"{name} {100*(t['ratio']-1):+.2f}% [{100*(t['interval']['lower']-1):+.2f}, {100*(t['interval']['upper']-1):+.2f}] {c['verdict']}")
    else:
        out.append(f"{name} failed")
print(" | ".join(out))
PY
}
# Each run is judged twice: with the defaults (floor 1.5%, a fixed 0.5% minimum effect, up to 4 stages),
# and with the minimum effect raised to the floor (STRICT_EFFECT, default 1.5%: one threshold for
# both "no difference" and a direction, as before the minimum effect existed).
strict=${STRICT_EFFECT:-0.015}
echo "environment: commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- Sources || echo '+changes'), $(date -u +%FT%TZ)," \
     "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) CPUs, kernel $(uname -r)"
found3=0; found1=0; aa_ok=0; found3_strict=0; found1_strict=0
for i in $(seq 1 "$n"); do
  "$bin" duet --scenarios-dir "$scen" --scenario params-only --vs plus3 plus1 --context "$ctx" --dispatcher "$disp" \
    --out "$work/runs" ${DUET_ARGS:-} > "$work/run$i.md" 2>&1 || { echo "run $i failed: $(tail -3 "$work/run$i.md")"; continue; }
  run=$(ls -dt "$work"/runs/*/ | head -1)
  line=$(verdicts "$run/summary.json")
  "$bin" report "$run" --min-effect "$strict" > /dev/null
  strict_line=$(verdicts "$run/summary.json")
  "$bin" report "$run" > /dev/null
  echo "run $i: $line"
  echo "   minimum effect $strict: $strict_line"
  echo "$strict_line" | grep -q "plus3 [^|]*] slower" && found3_strict=$((found3_strict + 1))
  echo "$strict_line" | grep -q "plus1 [^|]*] slower" && found1_strict=$((found1_strict + 1))
  echo "$line" | grep -q "plus3 [^|]*] slower" && found3=$((found3 + 1))
  echo "$line" | grep -q "plus1 [^|]*] slower" && found1=$((found1 + 1))
  echo "$line" | grep -q "A/A [^|]*] no difference" && aa_ok=$((aa_ok + 1))
done
echo "defaults: +3% found slower in $found3 of $n; +1% found slower in $found1 of $n; A/A no difference in $aa_ok of $n"
echo "minimum effect $strict: +3% found slower in $found3_strict of $n; +1% found slower in $found1_strict of $n"
echo "(runs kept in $work)"
