#!/usr/bin/env bash
# One interleaved comparison on loopback: `rover-bench serve` on each Lua runtime against nginx +
# ngx_lua (which embeds LuaJIT) answering the same route. Each round runs every target once, in
# order; for each: fresh server, warm-up, then `wrk -t1 -c$CONNS -d$DURATION --latency`; prints
# req/s, p99 and server CPU µs per request (utime+stime from /proc/PID/stat before/after ÷
# requests wrk completed), then per target the median over rounds and its ratio to nginx.
#
# Targets (TARGETS, space-separated): RUNTIME:CONTEXT:DISPATCHER, where RUNTIME is lua5.4, luajit
# (interpreter: the default instruction budget turns LuaJIT's JIT compiler off) or luajit-jit
# (`--instruction-budget 0`: JIT on, no budget); `bare` is `serve --bare`, the same HTTP layer
# answering a fixed body without Lua (the HTTP floor); `nginx` is nginx + ngx_lua.
#
# Usage: Scripts/compare-nginx.sh [ROUNDS]   (env: TARGETS, CONNS=64 DURATION=10s WARMUP=2s
#        WORKERS=2 APP=Scenarios/params-only/app.lua THREADS=N event loops (default: serve's)
#        SKIP_BUILD=1 to reuse the release build)
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${1:-1}
CONNS=${CONNS:-64}
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-2s}
WORKERS=${WORKERS:-2}
APP=${APP:-Scenarios/params-only/app.lua}
TARGETS=${TARGETS:-"lua5.4:lazy:affine luajit:lazy:affine luajit-jit:lazy:affine luajit-jit:userdata:coroutine bare nginx"}
TICK=$(getconf CLK_TCK)

command -v wrk >/dev/null || { echo "wrk not found (apt-get install wrk)" >&2; exit 1; }
command -v nginx >/dev/null || { echo "nginx not found" >&2; exit 1; }
[ -n "${SKIP_BUILD:-}" ] || Scripts/build-release.sh >&2
BIN=$(Scripts/build-release.sh --show-bin-path)/rover-bench

WORK=$(mktemp -d)
SERVER_PID=""
cleanup() {
    [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

write_nginx_conf() {  # $1 = port
    mkdir -p "$WORK/nginx/logs" "$WORK/nginx/tmp"
    cat > "$WORK/nginx/nginx.conf" <<CONF
load_module /usr/lib/nginx/modules/ndk_http_module.so;
load_module /usr/lib/nginx/modules/ngx_http_lua_module.so;
worker_processes 1;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/logs/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $WORK/nginx/tmp/body;
    proxy_temp_path $WORK/nginx/tmp/proxy;
    fastcgi_temp_path $WORK/nginx/tmp/fastcgi;
    uwsgi_temp_path $WORK/nginx/tmp/uwsgi;
    scgi_temp_path $WORK/nginx/tmp/scgi;
    keepalive_requests 1000000;
    server {
        listen 127.0.0.1:$1;
        location ~ ^/users/(\d+)$ {
            default_type application/json;
            content_by_lua_block { ngx.print('{"user_id":"', ngx.var[1], '"}') }
        }
    }
}
CONF
}

wait_port() {  # $1 = port; up to 10 s
    for _ in $(seq 100); do
        python3 -c "import socket,sys; s=socket.socket(); sys.exit(s.connect_ex(('127.0.0.1',$1)))" && return 0
        sleep 0.1
    done
    echo "server did not listen on $1" >&2
    return 1
}

start_target() {  # $1 = target name; sets SERVER_PID and PORT
    if [ "$1" = nginx ]; then
        PORT=$(free_port)
        write_nginx_conf "$PORT"
        # master_process off: one process serves, so its /proc stat is the whole server's CPU.
        nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -g 'daemon off; master_process off;' &
        SERVER_PID=$!
        wait_port "$PORT"
    else
        local how=(--bare)  # bare: the HTTP layer alone, a fixed answer, no Lua
        if [ "$1" != bare ]; then
            IFS=: read -r runtime context dispatcher <<< "$1"
            [ -n "$dispatcher" ] || { echo "target $1: expected RUNTIME:CONTEXT:DISPATCHER, bare or nginx" >&2; exit 64; }
            how=(--context "$context" --dispatcher "$dispatcher" --lua "${runtime%-jit}")
            [ "$runtime" = luajit-jit ] && how+=(--instruction-budget 0)
        fi
        [ -n "${THREADS:-}" ] && how+=(--threads "$THREADS")
        "$BIN" serve "$APP" "${how[@]}" --workers "$WORKERS" \
            --port 0 > "$WORK/serve.out" 2> "$WORK/serve.err" &
        SERVER_PID=$!
        for _ in $(seq 100); do grep -q '^listening on' "$WORK/serve.out" && break; sleep 0.1; done
        PORT=$(sed -n 's/^listening on http:\/\/[^:]*:\([0-9]*\)$/\1/p' "$WORK/serve.out")
        [ -n "$PORT" ] || { echo "$1 did not start:" >&2; cat "$WORK/serve.err" >&2; exit 1; }
    fi
}

stop_target() {
    kill -TERM "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""
}

measure() {  # $1 = target
    start_target "$1"
    local url="http://127.0.0.1:$PORT/users/123"
    local body; body=$(curl -s "$url")
    [ "$body" = '{"user_id":"123"}' ] || echo "warning: $1 answered $body" >&2
    wrk -t1 -c"$CONNS" -d"$WARMUP" "$url" > /dev/null
    local before after out reqs rps p99 errs
    before=$(cpu_ticks "$SERVER_PID")
    out=$(wrk -t1 -c"$CONNS" -d"$DURATION" --latency "$url")
    after=$(cpu_ticks "$SERVER_PID")
    stop_target
    reqs=$(echo "$out" | awk '/requests in/ {print $1}')
    rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
    p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
    errs=$(echo "$out" | awk '/Socket errors|Non-2xx/ {printf "%s ", $0}')
    awk -v t="$1" -v r="$ROUND" -v rps="$rps" -v p99="$p99" -v reqs="$reqs" -v d=$((after - before)) \
        -v tick="$TICK" -v e="$errs" \
        'BEGIN { printf "%-30s %5d %12s %10s %14.2f  %s\n", t, r, rps, p99, d * 1e6 / tick / reqs, e }' \
        | tee -a "$WORK/rows"
}

echo "# wrk -t1 -c$CONNS -d$DURATION (warm-up $WARMUP), app $APP, --workers $WORKERS, $(nproc) cores, $ROUNDS round(s)"
printf "%-30s %5s %12s %10s %14s\n" target round "req/s" p99 "cpu_us/req"
for ROUND in $(seq "$ROUNDS"); do
    for target in $TARGETS; do measure "$target"; done
done
echo
echo "# median over rounds; ratios to nginx (req/s: higher is better; CPU/request: lower is better)"
printf "%-30s %12s %14s %10s %12s\n" target "req/s" "cpu_us/req" "req/s ×" "cpu/req ×"
median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
nginx_rps=$(awk '$1 == "nginx" {print $3}' "$WORK/rows" | median)
nginx_cpu=$(awk '$1 == "nginx" {print $5}' "$WORK/rows" | median)
for target in $TARGETS; do
    rps=$(awk -v t="$target" '$1 == t {print $3}' "$WORK/rows" | median)
    cpu=$(awk -v t="$target" '$1 == t {print $5}' "$WORK/rows" | median)
    awk -v t="$target" -v r="$rps" -v c="$cpu" -v nr="$nginx_rps" -v nc="$nginx_cpu" \
        'BEGIN { printf "%-30s %12.0f %14.2f %9.2f× %11.2f×\n", t, r, c, (nr > 0 ? r / nr : 0), (nc > 0 ? c / nc : 0) }'
done
