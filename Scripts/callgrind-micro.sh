#!/usr/bin/env bash
# Exact instructions per request of Engine.handle (in process), by valgrind's callgrind:
# runs the release binary twice with different fixed batches and divides the difference, so
# start-up and warm-up cancel out. Usage: Scripts/callgrind-micro.sh [scenario] [context...]
# Prints one line per context; add KEEP=1 to keep the callgrind.out files for callgrind_annotate.
set -euo pipefail
cd "$(dirname "$0")/.."
scenario=${1:-params-only}; shift || true
contexts=("$@"); [ ${#contexts[@]} -gt 0 ] || contexts=(eager lazy cached shared)
command -v valgrind >/dev/null || { echo "valgrind is not installed (apt-get install valgrind)" >&2; exit 1; }
swift build -c release --product rover-bench >/dev/null
out=$(mktemp -d)
# valgrind 3.19 cannot read Swift's DWARF 5 debug info: profile a copy without it (symbols stay).
bin=$out/rover-bench
cp .build/release/rover-bench "$bin" && strip -g "$bin"
small=2000; large=6000
total() {  # context batch -> total instructions
  valgrind --tool=callgrind --callgrind-out-file="$out/$1-$2.out" "$bin" micro --scenario "$scenario" \
    --context "$1" --rounds 1 --warmup 500 --requests "$2" --no-floor >/dev/null 2>"$out/$1-$2.log"
  grep -E '^(summary|totals):' "$out/$1-$2.out" | head -1 | awk '{print $2}'
}
echo "scenario=$scenario  (instructions per request = (Ir($large) - Ir($small)) / $((large - small)))"
for c in "${contexts[@]}"; do
  a=$(total "$c" $small); b=$(total "$c" $large)
  echo "$c: $(( (b - a) / (large - small) )) instructions/request"
done
[ "${KEEP:-0}" = 1 ] && echo "callgrind files: $out" || rm -rf "$out"
