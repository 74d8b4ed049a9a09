#!/usr/bin/env bash
# Why the latency duet's warm-up grows with connections and why it drops pairs not at steady
# state (LatencyPlan.warmup, LatencyPlan.steadyStateProblem). Two parts, written to OUT:
#
# 1. warmup.txt: two servers on the server CPU (eager + channel and eager + mutex-pool, as the
#    latency duet runs them, without cgroups), each offered RATE req/s over CONNS connections by
#    its own `rover-bench load --rate` on the load CPU, for each warm-up in WARMUPS, ROUNDS times
#    in turn: each side's answers in the window against its schedule's sends, mean, p50, p99, max.
# 2. excess.txt (when run folders are given): over their latency-duet.csv rows (ok and dropped),
#    each side's answered rate against the offered rate (req/s ÷ rate), in 1% bins, with how many
#    of each bin had a P99 above 20 ms.
#
# Usage: Scripts/latency-steady.sh [RUN_DIR...]   (env: OUT=Results/latency-steady-<date>,
#        RATE=21000 CONNS=1000 WARMUPS="0.3 1 2" ROUNDS=2 SERVER_CPU=0 LOAD_CPU=1 SKIP_BUILD=1)
set -euo pipefail
cd "$(dirname "$0")/.."

OUT=${OUT:-Results/latency-steady-$(date -u +%Y%m%d)}
RATE=${RATE:-21000}
CONNS=${CONNS:-1000}
WARMUPS=${WARMUPS:-"0.3 1 2"}
ROUNDS=${ROUNDS:-2}
SERVER_CPU=${SERVER_CPU:-0}
LOAD_CPU=${LOAD_CPU:-1}
[ -n "${SKIP_BUILD:-}" ] || Scripts/build-release.sh --product rover-bench >&2
BIN=$(Scripts/build-release.sh --show-bin-path)/rover-bench
mkdir -p "$OUT"
WORK=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
ulimit -n 20000 2>/dev/null || true

{
    echo "# command: Scripts/latency-steady.sh $* (RATE=$RATE CONNS=$CONNS WARMUPS=\"$WARMUPS\" ROUNDS=$ROUNDS)"
    echo "# git $(git rev-parse --short HEAD)$(git diff --quiet || echo -dirty), $(hostname), $(uname -r), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) CPUs, $(date -u +%FT%TZ)"
    echo "# two servers on CPU $SERVER_CPU, each load on CPU $LOAD_CPU, 1 s window after the warm-up"
    echo "side warmup_s round answered intended excess_pct mean_us p50_us p99_us max_us"
} > "$OUT/warmup.txt"

for round in $(seq 1 "$ROUNDS"); do
    for w in $WARMUPS; do
        PIDS=()
        port=18300
        for d in channel mutex-pool; do
            port=$((port + 1))
            taskset -c "$SERVER_CPU" "$BIN" serve Scenarios/params-only/app.lua --context eager --dispatcher "$d" \
                --workers 1 --threads 1 --port "$port" >/dev/null 2>&1 &
            PIDS+=($!)
        done
        sleep 0.5
        loads=()
        port=18300
        for d in channel mutex-pool; do
            port=$((port + 1))
            taskset -c "$LOAD_CPU" "$BIN" load "http://127.0.0.1:$port/users/123" -c "$CONNS" -R "$RATE" -d 1s \
                --warmup "${w}s" --json "$WORK/$d.json" >/dev/null 2>&1 &
            loads+=($!)
        done
        wait "${loads[@]}"
        for d in channel mutex-pool; do
            python3 - "$WORK/$d.json" "$d" "$w" "$round" >> "$OUT/warmup.txt" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
s = d["latency"]["corrected"]["summary"]
excess = 100 * (d["requests"] / d["intendedSends"] - 1)
print(sys.argv[2], sys.argv[3], sys.argv[4], d["requests"], d["intendedSends"], "%+.2f" % excess,
      "%.0f" % s["mean"], s["p50"], s["p99"], s["max"])
EOF
        done
        for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
        wait "${PIDS[@]}" 2>/dev/null || true
        PIDS=()
    done
done
cat "$OUT/warmup.txt"

if [ $# -gt 0 ]; then
    python3 - "$@" > "$OUT/excess.txt" <<'EOF'
import csv, sys
from collections import defaultdict
bins = defaultdict(lambda: [0, 0])
for run in sys.argv[1:]:
    for r in csv.DictReader(open(f"{run}/latency-duet.csv")):
        if r["status"] == "failed" or not r["rate"] or int(r["rate"]) == 0:
            continue
        ratio = float(r["rps"]) / int(r["rate"])
        b = bins[(int(r["connections"]), int((ratio - 1) * 100 // 1))]
        b[0] += 1
        b[1] += float(r["lat_p99_us"]) > 20000
print("# command: Scripts/latency-steady.sh " + " ".join(sys.argv[1:]))
print("# each side of each latency-duet pair: answered req/s over the offered rate, in 1% bins")
print("connections bin_pct sides p99_over_20ms")
for (c, b), (n, big) in sorted(bins.items()):
    print(c, f"[{b:+d}%, {b + 1:+d}%)", n, big)
EOF
    cat "$OUT/excess.txt"
fi
