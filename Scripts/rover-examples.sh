#!/usr/bin/env bash
# Runs every HTTP example of a Rover checkout under `rover-bench serve` and probes its routes.
#
#   Scripts/rover-examples.sh [DIR] [--details] [--profile seed|rover-defaults] [--save]
#
# DIR holds Rover's examples (e.g. `git -C rover archive HEAD examples | tar -x -C /tmp/rx`, then
# /tmp/rx/examples); nothing of Rover's is copied into this repository. Without DIR the examples of
# Rover 6e77dd3 are read from a local bare mirror ($ROVER_GIT, else
# /work/.mirror/thalesgelinger+rover/repo) when there is one; with neither, the script says so and
# exits 0 (it never fetches anything). An example is a .lua file that calls `rover.server` (or
# `rover.app`, Rover's UI apps, which rover-bench refuses by name). Each is served (eager +
# channel) with the Rover-defaults profile by default (the examples are current Rover's; `--profile
# seed` serves them as the seed-era Rover would); a refusal at load is reported with its message.
# Routes come from `function api.a.p_id.get(` lines (p_<name> → "1"); each is requested once, with
# `Authorization: Bearer test` and, for POST/PUT/PATCH, a small JSON body.
# Prints a Markdown table: example, outcome (served / refused / broken), and per-route statuses
# (a 500 or a lost connection makes the example "broken"), then a count line. --details also prints
# each body (stderr). --save also writes the table and the command into
# Results/rover-examples-YYYYMMDD/ (table.md, command.txt).
set -u
invocation="Scripts/rover-examples.sh $*"
dir=""; details=""; profile=rover-defaults; save=0
while [ $# -gt 0 ]; do
  case $1 in
    --details) details=--details ;;
    --profile) shift; profile=${1:?--profile needs seed or rover-defaults} ;;
    --save) save=1 ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    -*) echo "unknown option $1" >&2; exit 64 ;;
    *) dir=$1 ;;
  esac
  shift
done
case $profile in seed|rover-defaults) ;; *) echo "--profile must be seed or rover-defaults, got $profile" >&2; exit 64 ;; esac
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${ROVER_BENCH:-$root/.build/debug/rover-bench}
[ -x "$bin" ] || { echo "build first (swift build), or set ROVER_BENCH" >&2; exit 64; }
body='{"name":"rover","email":"rover@example.com","age":30,"title":"t","content":"c","price":1,"items":[1]}'
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
source_note="$dir"
if [ -z "$dir" ]; then
  mirror=${ROVER_GIT:-/work/.mirror/thalesgelinger+rover/repo}
  rev=6e77dd3
  if ! git --git-dir="$mirror" cat-file -e "$rev^{commit}" 2>/dev/null; then
    echo "skipped: no Rover checkout given and no mirror with $rev at $mirror (set ROVER_GIT or pass DIR)" >&2
    exit 0
  fi
  mkdir -p "$tmp/rover"
  git --git-dir="$mirror" archive "$rev" examples 2>/dev/null | tar -x -C "$tmp/rover" || { echo "cannot read examples at $rev from $mirror" >&2; exit 1; }
  dir="$tmp/rover/examples"
  source_note="Rover $(git --git-dir="$mirror" rev-parse --short=7 "$rev" 2>/dev/null) examples/ (from $mirror)"
fi
out="$tmp/table.md"
exec 3>&1 1>"$out"

# Routes whose 500 is Rover's own answer too, each with the reason read from Rover's code (6e77dd3).
expected_500() {
  case "$1 $2 $3" in
    "file_io.lua GET /all_lines") echo "its io.lines returns an iterator function, rover-core/src/io.rs:1039-1080, so the app's \`#lines\` raises" ;;
    "file_io.lua GET /error_handling") echo "the app answers 500 itself after io.open of a missing file fails" ;;
    "error_handling.lua GET /crash") echo "the handler raises and the app's api.on_error answers err.status, 500 for this message, rover-server/src/http_task.rs:1009-1016" ;;
  esac
}

echo "| example | outcome | routes (method path → status) |"
echo "|---|---|---|"
cd "$dir" || exit 64  # (the table goes to $out; see the end)
for f in $(grep -rlE --include='*.lua' 'rover\.(server|app)\b' . | sed 's|^\./||' | sort); do
  log="$tmp/serve-$RANDOM$RANDOM.log"  # a new file each time: never read the last app's port
  : >"$log"
  "$bin" serve "$f" --port 0 --workers 1 --profile "$profile" >"$log" 2>&1 &
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
    why=$(expected_500 "$f" "$M" "$path")
    if [ "$code" = 500 ] && [ -n "$why" ]; then
      code="500 (as in Rover: $why)"
    elif [ "$code" = 500 ] || [ "$code" = 000 ]; then
      broken=1
    fi
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
exec 1>&3
total=$(grep -c '^| [^|]*\.lua | ' "$out")
served=$(grep -c '^| [^|]* | served |' "$out")
refused=$(grep -c '^| [^|]* | refused' "$out")
broken=$(grep -c '^| [^|]* | broken |' "$out")
echo "" >> "$out"
echo "$served of $total examples served with every probed route answered (no 500 but those Rover answers too, no lost connection); $refused refused at load naming the feature; $broken broken. Profile: $profile. Source: $source_note." >> "$out"
cat "$out"
if [ $save = 1 ]; then
  res="$root/Results/rover-examples-$(date -u +%Y%m%d)"
  mkdir -p "$res"
  cp "$out" "$res/table-$profile.md"
  {
    echo "$invocation"
    echo "rover-bench: $(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet HEAD -- Sources Scripts || echo +dirty)"
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "source: $source_note"
  } > "$res/command-$profile.txt"
  echo "saved: $res/table-$profile.md" >&2
fi
