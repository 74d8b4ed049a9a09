#!/usr/bin/env bash
# Runs every HTTP example of a Rover checkout under `rover-bench serve` and probes its routes.
#
#   Scripts/rover-examples.sh DIR [--details]
#
# DIR holds Rover's examples (e.g. `git -C rover archive HEAD examples | tar -x -C /tmp/rx`, then
# /tmp/rx/examples); nothing of Rover's is copied into this repository. An example is a .lua file
# that calls `rover.server` (or `rover.app`, Rover's UI apps, which rover-bench refuses by name).
# Each is served (eager + channel); a refusal at load is reported with its message. Routes come from `function api.a.p_id.get(` lines (p_<name> → "1"); each is
# requested once, with `Authorization: Bearer test` and, for POST/PUT/PATCH, a small JSON body.
# Prints a Markdown table: example, outcome (served / refused / broken), and per-route statuses
# (a 500 or a lost connection makes the example "broken"). --details also prints each body.
set -u
dir=${1:?usage: Scripts/rover-examples.sh DIR [--details]}
details=${2:-}
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${ROVER_BENCH:-$root/.build/debug/rover-bench}
[ -x "$bin" ] || { echo "build first (swift build), or set ROVER_BENCH" >&2; exit 64; }
body='{"name":"rover","email":"rover@example.com","age":30,"title":"t","content":"c","price":1,"items":[1]}'
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "| example | outcome | routes (method path → status) |"
echo "|---|---|---|"
cd "$dir" || exit 64
for f in $(grep -rlE --include='*.lua' 'rover\.(server|app)\b' . | sed 's|^\./||' | sort); do
  log="$tmp/serve-$RANDOM$RANDOM.log"  # a new file each time: never read the last app's port
  : >"$log"
  "$bin" serve "$f" --port 0 --workers 1 >"$log" 2>&1 &
  pid=$!
  port=""
  for _ in $(seq 1 50); do
    port=$(sed -n 's|^listening on http://127.0.0.1:\([0-9]*\).*|\1|p' "$log")
    [ -n "$port" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if [ -z "$port" ]; then
    wait "$pid"; rc=$?
    msg=$(head -1 "$log" | sed 's/^error: //; s/|/\\|/g')
    echo "| $f | refused (exit $rc): $msg | |"
    continue
  fi
  routes=""
  broken=0
  while read -r chain; do
    method=${chain##*.}
    path=$(echo "$chain" | sed -E 's/^[A-Za-z_]+//; s/\.[a-z]+$//; s/\.p_[A-Za-z0-9_]+/\/1/g; s/\./\//g')
    [ -z "$path" ] && path=/
    M=$(echo "$method" | tr a-z A-Z)
    args=(-s -o "$tmp/body" -w '%{http_code}' -X "$M" -H 'Authorization: Bearer test' --max-time 5)
    [ "$M" = HEAD ] && args=(-s -o "$tmp/body" -w '%{http_code}' -I -H 'Authorization: Bearer test' --max-time 5)
    case $M in POST|PUT|PATCH) args+=(-H 'Content-Type: application/json' --data "$body");; esac
    code=$(curl "${args[@]}" "http://127.0.0.1:$port$path" 2>/dev/null) || code=000
    [ "$code" = 500 ] || [ "$code" = 000 ] && broken=1
    routes="$routes$M $path → $code; "
    if [ "$details" = --details ]; then
      echo "    $f $M $path → $code $(head -c 300 "$tmp/body" | tr '\n' ' ')" >&2
    fi
  done < <(grep -oE '^\s*function [A-Za-z_]+(\.[A-Za-z0-9_]+)+\.(get|post|put|patch|delete|head|options) *\(' "$f" \
             | sed -E 's/^\s*function //; s/ *\($//' | grep -vE '\.(before|after)\.')
  kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
  [ $broken = 1 ] && outcome=broken || outcome=served
  echo "| $f | $outcome | ${routes%; } |"
done
