#!/usr/bin/env bash
# Where the server's CPU goes, per request: user vs kernel time, for the HTTP layer alone
# (`serve --bare`), for engine cells (one event loop, one worker), and for nginx + ngx_lua (one
# worker, the params-only handler in Lua), each under `rover-bench load -c 64` for 5 s after a 2 s
# warm-up, the server on CPU SERVER_CPU and the load on LOAD_CPU (2+ CPUs). Rover's figures come
# from the server's own counters endpoint (getrusage deltas ÷ app requests), nginx's from its
# worker's /proc/PID/stat (utime, stime) ÷ the requests the load completed.
# Usage: Scripts/cpu-split.sh   (env: APP=Scenarios/params-only/app.lua PATH_Q=/users/123 SKIP_BUILD=1
#        SERVER_CPU=0 LOAD_CPU=1 NGINX=0 to leave nginx out)
set -euo pipefail
cd "$(dirname "$0")/.."
APP=${APP:-Scenarios/params-only/app.lua}; PATH_Q=${PATH_Q:-/users/123}
[ -n "${SKIP_BUILD:-}" ] || Scripts/build-release.sh --product rover-bench >&2
BIN=.build/release/rover-bench
SERVER_CPU=${SERVER_CPU:-0}; LOAD_CPU=${LOAD_CPU:-1}
pin_server=(taskset -c "$SERVER_CPU"); pin_load=(taskset -c "$LOAD_CPU")
[ "$(nproc)" -ge 2 ] || { pin_server=(); pin_load=(); }
echo "# git $(git rev-parse --short HEAD)$(git diff --quiet || echo -dirty), $(hostname), $(uname -r), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) CPUs, $(date -u +%FT%TZ); server on CPU $SERVER_CPU, load on CPU $LOAD_CPU"
out=$(mktemp)
for mode in "--bare" "--dispatcher affine --context lazy" "--dispatcher affine --context userdata" "--dispatcher channel --context eager"; do
  # shellcheck disable=SC2086
  "${pin_server[@]}" "$BIN" serve "$APP" $mode --threads 1 --workers 1 --port 0 >"$out" 2>/dev/null &
  pid=$!
  for _ in $(seq 100); do grep -q '^listening on' "$out" && break; sleep 0.1; done
  port=$(sed -n 's/^listening on http:\/\/[^:]*:\([0-9]*\)$/\1/p' "$out")
  url="http://127.0.0.1:$port"
  "${pin_load[@]}" "$BIN" load "$url$PATH_Q" -c 64 -d 2 >/dev/null
  before=$(curl -s "$url/__rover/counters")
  "${pin_load[@]}" "$BIN" load "$url$PATH_Q" -c 64 -d 5 >/dev/null
  after=$(curl -s "$url/__rover/counters")
  kill -TERM "$pid"; wait "$pid" || true
  python3 - "$mode" "$before" "$after" <<'PY'
import json, sys
mode, b, a = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
n = a["server"]["appRequests"] - b["server"]["appRequests"]
d = lambda k: (a["process"][k] - b["process"][k]) / n
cs = (a["process"]["voluntaryContextSwitches"] + a["process"]["involuntaryContextSwitches"]
      - b["process"]["voluntaryContextSwitches"] - b["process"]["involuntaryContextSwitches"]) / n
print(f"{mode:38s} {n:8d} req  user {d('userCPUMicros'):5.2f} µs/req  kernel {d('systemCPUMicros'):5.2f} µs/req  ctx switches {cs:.2f}/req")
PY
done
rm -f "$out"

# nginx + ngx_lua answering the params-only route in Lua (Scripts/duet-nginx.sh's handler without its loop).
if [ "${NGINX:-1}" != 0 ] && command -v nginx >/dev/null && [ -f /usr/lib/nginx/modules/ngx_http_lua_module.so ]; then
  dir=$(mktemp -d); mkdir -p "$dir/logs" "$dir/tmp"; port=18779
  cat > "$dir/nginx.conf" <<CONF
load_module /usr/lib/nginx/modules/ndk_http_module.so;
load_module /usr/lib/nginx/modules/ngx_http_lua_module.so;
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/logs/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $dir/tmp/body; proxy_temp_path $dir/tmp/proxy; fastcgi_temp_path $dir/tmp/fastcgi;
    uwsgi_temp_path $dir/tmp/uwsgi; scgi_temp_path $dir/tmp/scgi;
    keepalive_requests 1000000;
    server {
        listen 127.0.0.1:$port;
        location ~ ^/users/(\d+)\$ {
            default_type application/json;
            content_by_lua_block { ngx.print('{"user_id":"', ngx.var[1], '"}') }
        }
    }
}
CONF
  "${pin_server[@]}" nginx -p "$dir" -e "$dir/logs/error.log" -c "$dir/nginx.conf" -g 'daemon off;' &
  master=$!
  sleep 1
  worker=$(pgrep -P "$master" | head -1)
  url="http://127.0.0.1:$port"
  "${pin_load[@]}" "$BIN" load "$url$PATH_Q" -c 64 -d 2 >/dev/null
  before=$(awk '{print $14, $15}' "/proc/$worker/stat")
  "${pin_load[@]}" "$BIN" load "$url$PATH_Q" -c 64 -d 5 --json "$dir/load.json" >/dev/null
  after=$(awk '{print $14, $15}' "/proc/$worker/stat")
  kill -TERM "$master"; wait "$master" || true
  python3 - "$before" "$after" "$dir/load.json" "$(getconf CLK_TCK)" <<'PY'
import json, sys
b, a = [list(map(int, x.split())) for x in sys.argv[1:3]]
n, tick = json.load(open(sys.argv[3]))["requests"], 1e6 / int(sys.argv[4])
print(f"{'nginx + ngx_lua (1 worker)':38s} {n:8d} req  user {(a[0] - b[0]) * tick / n:5.2f} µs/req  kernel {(a[1] - b[1]) * tick / n:5.2f} µs/req")
PY
  rm -rf "$dir"
fi
