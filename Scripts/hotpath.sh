#!/usr/bin/env bash
# What the HTTP hot path does per request, counted (not timed): heap allocations and the server's
# read, write and epoll system calls. What CI gates on next to the instruction counts. Writes a CSV
# `subject,requests,per_req` (stdout, or --out FILE), four rows per target:
#   http.<target>.allocs   malloc/calloc/realloc/posix_memalign/aligned_alloc/memalign/valloc calls
#                          (Scripts/hotpath/alloc-count.c, LD_PRELOADed), every thread
#   http.<target>.reads    read, readv, recvfrom, recvmsg          (strace -f, every thread)
#   http.<target>.writes   write, writev, sendto, sendmsg
#   http.<target>.epoll    epoll_wait, epoll_pwait, epoll_pwait2, epoll_ctl
# Targets (--http): bare (`serve --bare`), <context>.<dispatcher> (params-only on Lua 5.4, one
# worker). The recipe, for determinism: `serve --threads 1` with SWIFT_DETERMINISTIC_HASHING and ASLR
# off, one keep-alive connection doing strictly sequential requests (`rover-bench load -c 1 -t 1`),
# under strace with the interposer. In ONE server process: a warm-up load of W requests, mark, a
# load of N1, mark, a load of N2, mark (a mark is SIGUSR2: the interposer appends its total to a
# file, strace logs the signal, so both counts split at the same instant; before each mark the
# script waits until the server holds no connection). Each load also opens and closes one
# connection, so per request = (window2 - window1) / (N2 - N1): the connection's own cost, and the
# mark's own write, cancel.
# Usage: Scripts/hotpath.sh [--out FILE] [--http "bare userdata.affine eager.channel ..."]
# SKIP_BUILD=1 uses the existing release build; BIN=path another binary; WARMUP, N1, N2 the loads;
# KEEP=1 keeps the work folder (a mktemp -d under /tmp: strace logs, marks, server output).
set -euo pipefail
cd "$(dirname "$0")/.."
out=""; http="bare userdata.affine eager.channel"
warmup=${WARMUP:-300}; n1=${N1:-500}; n2=${N2:-2500}
while [ $# -gt 0 ]; do
  case $1 in
    --out) out=$2; shift 2 ;;
    --http) http=$2; shift 2 ;;
    -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
    *) echo "hotpath.sh: unknown option $1" >&2; exit 64 ;;
  esac
done
for tool in strace cc setarch ss; do
  command -v $tool >/dev/null || { echo "hotpath.sh: $tool is not installed (apt-get install strace gcc)" >&2; exit 1; }
done
if [ -z "${BIN:-}" ]; then
  [ "${SKIP_BUILD:-0}" = 1 ] || Scripts/build-release.sh --product rover-bench >&2
  BIN=.build/release/rover-bench
fi
BIN=$(realpath "$BIN")
work=$(mktemp -d); [ -n "${KEEP:-}" ] || trap 'rm -rf "$work"' EXIT
cc -O2 -shared -fPIC -o "$work/alloc-count.so" Scripts/hotpath/alloc-count.c
scenarios=$PWD/Scenarios
syscalls=read,readv,recvfrom,recvmsg,write,writev,sendto,sendmsg,epoll_wait,epoll_pwait,epoll_pwait2,epoll_ctl

# Waits until nothing is connected to the server's port (the last load's connection is closed on
# the server's side too), then marks and waits for the interposer's line.
mark() {  # server port marks-file expected-lines
  for _ in $(seq 1 300); do
    [ -z "$(ss -tnH state established "( sport = :$2 )")" ] && [ -z "$(ss -tnH state close-wait "( sport = :$2 )")" ] && break
    sleep 0.05
  done
  sleep 0.2  # let the event loop finish the close it just saw (no count depends on how long)
  kill -USR2 "$1"
  for _ in $(seq 1 100); do
    [ -f "$3" ] && [ "$(wc -l < "$3")" -ge "$4" ] && return 0
    sleep 0.05
  done
  echo "hotpath.sh: the interposer wrote no mark $4" >&2; return 1
}

measure() {  # label serve-args... -> "allocs reads writes epoll" per request
  local label=$1; shift
  local log=$work/$label
  rm -f "$log".*
  env -i PATH=/usr/local/bin:/usr/bin:/bin SWIFT_DETERMINISTIC_HASHING=1 ROVER_ALLOC_OUT="$log.marks" \
    strace -f -q -o "$log.strace" -e trace=$syscalls -e signal=SIGUSR2 \
    -E LD_PRELOAD="$work/alloc-count.so" setarch -R "$BIN" serve --port 0 --threads 1 "$@" \
    >"$log.stdout" 2>"$log.stderr" &
  local pid=$! port=""
  for _ in $(seq 1 600); do
    port=$(sed -n 's|^listening on http://127.0.0.1:\([0-9]*\).*|\1|p' "$log.stdout" 2>/dev/null | head -1)
    [ -n "$port" ] && break
    kill -0 $pid 2>/dev/null || break
    sleep 0.1
  done
  [ -n "$port" ] || { echo "hotpath.sh: serve $* did not start: $(tail -3 "$log.stderr")" >&2; kill $pid 2>/dev/null; return 1; }
  local server
  server=$(ss -ltnpH "sport = :$port" | sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -1)
  [ -n "$server" ] || { echo "hotpath.sh: no process listens on port $port" >&2; kill $pid; return 1; }
  local k=0 n
  for n in "$warmup" "$n1" "$n2"; do
    "$BIN" load "http://127.0.0.1:$port/users/123" -c 1 -t 1 -n "$n" -d 600s >"$log.load" 2>&1 \
      || { echo "hotpath.sh: load against $label failed: $(tail -3 "$log.load")" >&2; kill $server; return 1; }
    k=$((k + 1)); mark "$server" "$port" "$log.marks" $k || { kill $server; return 1; }
  done
  kill -TERM "$server"
  wait $pid || { echo "hotpath.sh: serve $label exited badly: $(tail -3 "$log.stderr")" >&2; return 1; }
  # The arithmetic (rover-bench hotpath-tally, HotPathCounts.rows): window k of the strace log is
  # what lies between marks k and k+1, each call counted once at its start; per request is
  # (window 2 - window 1) / (N2 - N1), and the same for the allocation totals at the marks.
  "$BIN" hotpath-tally --target "$label" --marks "$log.marks" --strace "$log.strace" --n1 "$n1" --n2 "$n2"
}

rows=$work/rows.csv
echo "subject,requests,per_req" > "$rows"
for target in $http; do
  if [ "$target" = bare ]; then args=("$scenarios/params-only/app.lua" --bare)
  else args=("$scenarios/params-only/app.lua" --context "${target%%.*}" --dispatcher "${target#*.}" --workers 1); fi
  measure "$target" "${args[@]}" > "$work/rows.$target" || exit 1
  cat "$work/rows.$target" >> "$rows"
done
if [ -n "$out" ]; then cp "$rows" "$out"; echo "wrote $out" >&2; else cat "$rows"; fi
