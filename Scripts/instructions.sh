#!/usr/bin/env bash
# Exact instructions per request (valgrind's callgrind): what CI gates on, because it does not move
# with machine noise. Writes a CSV `subject,requests,instructions_per_req` (stdout, or --out FILE):
#   micro.<scenario>.<context>   Engine.handle in process on Lua 5.4, one batch per cell between two
#                                marks (callgrind dumps at each `roverBenchPhaseMark` call: start-up,
#                                warm-up and answer checks are outside the batch)
#   micro.luajit.<scenario>.<context>  the same on LuaJIT (`micro --lua luajit`; the default
#                                instruction budget keeps its JIT compiler off, so counts repeat)
#   http.bare | http.<ctx>.<disp> | http.luajit.<ctx>.<disp>  `serve --threads 1` over loopback, one
#                                connection, strictly one request at a time; (Ir(n2) - Ir(n1)) /
#                                (n2 - n1) over two runs, so start-up and shutdown cancel.
#                                User-space instructions only.
# The counts repeat exactly: Swift's per-process hash seed is fixed (SWIFT_DETERMINISTIC_HASHING),
# Lua 5.4's string-hash seed mixes time(NULL) and addresses (faketime fixes the time, setarch -R
# turns ASLR off). LuaJIT's do not: one binary's micro.luajit.params-only.eager read 14,474 to
# 15,271 over four runs (Results/luajit-20261202/instructions-repeat.txt), so the gate gives
# `.luajit.` rows their own tolerance (gate.json). Usage:
#   Scripts/instructions.sh [--out FILE] [--lua R...] [--scenario S...] [--context C...]
#                           [--http "bare lazy.affine luajit:userdata.coroutine ..."]
# SKIP_BUILD=1 uses the existing release build; BIN=path uses another rover-bench binary.
set -euo pipefail
cd "$(dirname "$0")/.."
out=""; scenarios=(params-only hello all-fields); contexts=(); http="bare luajit:userdata.coroutine"
runtimes=(lua5.4 luajit)
requests=${REQUESTS:-1000}
while [ $# -gt 0 ]; do
  case $1 in
    --out) out=$2; shift 2 ;;
    --scenario) shift; scenarios=(); while [ $# -gt 0 ] && [ "${1#--}" = "$1" ]; do scenarios+=("$1"); shift; done ;;
    --lua) shift; runtimes=(); while [ $# -gt 0 ] && [ "${1#--}" = "$1" ]; do runtimes+=("$1"); shift; done ;;
    --context) shift; contexts=(); while [ $# -gt 0 ] && [ "${1#--}" = "$1" ]; do contexts+=("$1"); shift; done ;;
    --http) http=$2; shift 2 ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "instructions.sh: unknown option $1" >&2; exit 64 ;;
  esac
done
for tool in valgrind faketime setarch; do
  command -v $tool >/dev/null || { echo "instructions.sh: $tool is not installed (apt-get install valgrind faketime)" >&2; exit 1; }
done
if [ -z "${BIN:-}" ]; then
  [ "${SKIP_BUILD:-0}" = 1 ] || Scripts/build-release.sh --product rover-bench >&2
  BIN=.build/release/rover-bench
fi
# One run at a time: every run needs the same fixed folder (below).
exec 9>/tmp/rover-bench-exact.lock
flock 9
work=$(mktemp -d); trap 'rm -rf "$work" /tmp/rover-bench-exact' EXIT
# valgrind 3.19 cannot read Swift's DWARF 5 debug info: profile a copy without it (symbols stay).
# The copy and the scenarios sit at a fixed path, run from there with a fixed environment: with
# ASLR off, the stack's addresses still move with the size of argv and environ, and the heap's
# with every path string allocated before Lua starts, and Lua mixes both into its string-hash
# seed (a clone in another folder counted up to 1.7% more instructions before this).
rm -rf /tmp/rover-bench-exact; mkdir -p /tmp/rover-bench-exact
bin=/tmp/rover-bench-exact/rover-bench; cp "$BIN" "$bin"; strip -g "$bin"
cp -r Scenarios /tmp/rover-bench-exact/Scenarios
exact() {  # command... : the deterministic environment, then callgrind, from the fixed folder
  (cd /tmp/rover-bench-exact && env -i PATH=/usr/local/bin:/usr/bin:/bin SWIFT_DETERMINISTIC_HASHING=1 \
    faketime -f '2026-01-01 00:00:00' setarch -R valgrind --tool=callgrind "$@")
}
totals() { grep -E '^(summary|totals):' "$1" | head -1 | awk '{print $2}'; }

rows=$work/rows.csv
echo "subject,requests,instructions_per_req" > "$rows"

# In process: one run, a dump before every mark; batch k is the part between marks 2k-1 and 2k.
ctx_args=(); [ ${#contexts[@]} -gt 0 ] && ctx_args=(--context "${contexts[@]}")
for rt in "${runtimes[@]}"; do
  prefix=micro.; [ "$rt" = lua5.4 ] || prefix=micro.$rt.
  exact --dump-before='*roverBenchPhaseMark*' --callgrind-out-file="$work/micro.$rt.out" \
    "$bin" micro --lua "$rt" --scenarios-dir Scenarios --scenario "${scenarios[@]}" "${ctx_args[@]}" --rounds 1 --warmup 300 \
    --requests "$requests" --no-floor --callgrind-marks >"$work/micro.$rt.batches" 2>"$work/micro.$rt.log" \
    || { echo "instructions.sh: micro --lua $rt under callgrind failed:" >&2; tail -5 "$work/micro.$rt.log" >&2; exit 1; }
  k=0
  while read -r tag scenario context n; do
    [ "$tag" = callgrind-batch ] || continue
    k=$((k + 1))
    part="$work/micro.$rt.out.$((2 * k))"
    [ -f "$part" ] || { echo "instructions.sh: no callgrind part $part for batch $k" >&2; exit 1; }
    ir=$(totals "$part")
    echo "$prefix$scenario.$context,$n,$(awk -v a="$ir" -v n="$n" 'BEGIN{printf "%.1f", a / n}')" >> "$rows"
  done < "$work/micro.$rt.batches"
  [ $k -gt 0 ] || { echo "instructions.sh: micro --lua $rt reported no batches" >&2; exit 1; }
done

# Over HTTP: serve under callgrind, driven natively by the built-in generator, one connection.
serve_ir() {  # label n serve-args... -> total instructions of one server run answering n requests
  local label=$1 n=$2; shift 2
  local log=$work/$label.$n
  exact --callgrind-out-file="$log.out" "$bin" serve --port 0 --threads 1 "$@" >"$log.stdout" 2>"$log.stderr" &
  local pid=$! port=""
  for _ in $(seq 1 600); do
    port=$(sed -n 's|^listening on http://127.0.0.1:\([0-9]*\).*|\1|p' "$log.stdout" 2>/dev/null | head -1)
    [ -n "$port" ] && break
    kill -0 $pid 2>/dev/null || break
    sleep 0.1
  done
  [ -n "$port" ] || { echo "instructions.sh: serve $* did not start: $(tail -3 "$log.stderr")" >&2; kill $pid 2>/dev/null; return 1; }
  "$BIN" load "http://127.0.0.1:$port/users/123" -c 1 -t 1 -n "$n" -d 600s >"$log.load" 2>&1 \
    || { echo "instructions.sh: load against $label failed: $(tail -3 "$log.load")" >&2; kill $pid; return 1; }
  # $pid is the wrapper chain (faketime forks): signal the server itself, the process listening
  # on its port, so it shuts down cleanly and callgrind writes its totals.
  local server
  server=$(ss -ltnpH "sport = :$port" | sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -1)
  [ -n "$server" ] || { echo "instructions.sh: no process listens on port $port" >&2; kill $pid; return 1; }
  kill -TERM "$server"
  wait $pid || { echo "instructions.sh: serve $label exited badly: $(tail -3 "$log.stderr")" >&2; return 1; }
  totals "$log.out"
}
# 4000 requests apart: the HTTP run's few timing-dependent paths (timers, spurious wake-ups) add a
# near-constant number of instructions per run, so a wider gap divides it down (2000 apart, ten
# runs spread 0.105% of the mean; micro rows do not move at all).
n1=$((requests)); n2=$((5 * requests))
for target in $http; do
  rt=lua5.4; name=$target
  case $target in *:*) rt=${target%%:*}; target=${target#*:}; name=$rt.$target ;; esac
  if [ "$target" = bare ]; then args=(Scenarios/params-only/app.lua --bare)  # relative to the fixed folder
  else args=(Scenarios/params-only/app.lua --lua "$rt" --context "${target%%.*}" --dispatcher "${target#*.}" --workers 1); fi
  a=$(serve_ir "$name" $n1 "${args[@]}"); b=$(serve_ir "$name" $n2 "${args[@]}")
  echo "http.$name,$((n2 - n1)),$(awk -v a="$a" -v b="$b" -v n=$((n2 - n1)) 'BEGIN{printf "%.1f", (b - a) / n}')" >> "$rows"
done

if [ -n "$out" ]; then cp "$rows" "$out"; echo "wrote $out" >&2; else cat "$rows"; fi
