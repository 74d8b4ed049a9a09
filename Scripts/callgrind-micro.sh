#!/usr/bin/env bash
# Exact instructions per request (valgrind's callgrind), immune to machine noise: the engine's
# in-process path (Engine.handle) for each context builder, and the plain-C floor (Lua 5.4 + C,
# no Swift) for params-only. Each figure runs the release binary twice with different fixed batch
# sizes and divides the difference, so start-up and warm-up cancel out.
# Usage: Scripts/callgrind-micro.sh [scenario] [context...]     KEEP=1 keeps the callgrind files.
set -euo pipefail
cd "$(dirname "$0")/.."
scenario=${1:-params-only}; shift || true
contexts=("$@"); [ ${#contexts[@]} -gt 0 ] || contexts=(eager lazy cached shared userdata)
command -v valgrind >/dev/null || { echo "valgrind is not installed (apt-get install valgrind)" >&2; exit 1; }
Scripts/build-release.sh --product rover-bench >/dev/null
out=$(mktemp -d)
# valgrind 3.19 cannot read Swift's DWARF 5 debug info: profile a copy without it (symbols stay).
bin=$out/rover-bench
cp .build/release/rover-bench "$bin" && strip -g "$bin"
small=2000; large=6000
total() {  # name, micro arguments... -> total instructions
  local name=$1; shift
  valgrind --tool=callgrind --callgrind-out-file="$out/$name.out" "$bin" micro --scenario "$scenario" \
    --rounds 1 --warmup 500 "$@" >/dev/null 2>"$out/$name.log"
  grep -E '^(summary|totals):' "$out/$name.out" | head -1 | awk '{print $2}'
}
echo "scenario=$scenario: instructions per request = (Ir($large requests) - Ir($small)) / $((large - small))"
for c in "${contexts[@]}"; do
  a=$(total "$c-$small" --context "$c" --requests $small --no-floor)
  b=$(total "$c-$large" --context "$c" --requests $large --no-floor)
  echo "engine $c: $(( (b - a) / (large - small) )) instructions/request"
done
if [ "$scenario" = params-only ]; then
  for m in eager lazy cached; do  # the engine part (one request per round) is the same in both runs
    a=$(total floor-$m-$small --context lazy --requests 1 --floor-mode $m --floor-requests $small)
    b=$(total floor-$m-$large --context lazy --requests 1 --floor-mode $m --floor-requests $large)
    echo "C floor $m: $(( (b - a) / (large - small) )) instructions/request"
  done
fi
[ "${KEEP:-0}" = 1 ] && echo "callgrind files: $out" || rm -rf "$out"
