#!/usr/bin/env bash
# nginx + ngx_lua as duets (`rover-bench duet --cmd`): both servers at once on the server CPU, each
# in its own equal-share cgroup (nginx's master and worker counted together), fresh process pairs
# with the slots swapped, an A/A control of nginx in every run.
#
#   Scripts/duet-nginx.sh aa-cost [RUNS]   A = nginx whose handler runs a Lua loop of BASE_LOOP
#                                          iterations (default 200), B = the same with LOOP more
#                                          (the known cost); each run's A/A control is A against
#                                          itself. Both sides loop, and past LuaJIT's hot-loop
#                                          threshold (56), so both run the loop compiled: a handler
#                                          with no loop against one with a short loop differs in
#                                          what LuaJIT compiles, not only in the loop's work
#                                          (measured: 113 iterations read 8% *faster*, twice)
#   Scripts/duet-nginx.sh calibrate        one duet of BASE_LOOP against BASE_LOOP + CAL_LOOP
#                                          (default 5000): prints the extra iterations worth COST
#                                          (default 0.03) of A's CPU per request
#   Scripts/duet-nginx.sh rover [CELL…]    A = nginx, B = `rover-bench serve` CELL, each
#                                          RUNTIME:CONTEXT:DISPATCHER (default: lua5.4:userdata:affine and
#                                          luajit-jit:userdata:coroutine); luajit-jit is
#                                          LuaJIT with its JIT on (`--instruction-budget 0`);
#                                          `bare` is `serve --bare` (the HTTP layer, no Lua)
#
# Env: LOOP (aa-cost; default from `calibrate`'s file in OUT, else 250), OUT (default
# Results/nginx-duet-<date>), SKIP_BUILD=1, DUET_ARGS (extra duet flags, e.g. --duet-starts 10).
# Each duet writes its run folder under OUT; the commands are logged in OUT/commands.txt.
set -euo pipefail
cd "$(dirname "$0")/.."

MODE=${1:-}
[ -n "$MODE" ] || { sed -n '2,20p' "$0" >&2; exit 64; }
shift
command -v nginx >/dev/null || { echo "nginx not found (apt-get install nginx libnginx-mod-http-lua)" >&2; exit 1; }
[ -f /usr/lib/nginx/modules/ngx_http_lua_module.so ] || { echo "ngx_lua not found (apt-get install libnginx-mod-http-lua)" >&2; exit 1; }
[ -n "${SKIP_BUILD:-}" ] || Scripts/build-release.sh >&2
BIN=$(Scripts/build-release.sh --show-bin-path)/rover-bench
OUT=${OUT:-Results/nginx-duet-$(date -u +%Y%m%d)}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
CONF_DIR="$OUT/conf"
mkdir -p "$CONF_DIR"
BASE_LOOP=${BASE_LOOP:-200}

# nginx.conf with a loop of $2 iterations in the handler (0: none) into $1. @PORT@ and @DIR@ are
# filled in per instance by the side's command.
write_conf() {
    cat > "$1" <<CONF
load_module /usr/lib/nginx/modules/ndk_http_module.so;
load_module /usr/lib/nginx/modules/ngx_http_lua_module.so;
worker_processes 1;
pid @DIR@/nginx.pid;
error_log @DIR@/logs/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path @DIR@/tmp/body;
    proxy_temp_path @DIR@/tmp/proxy;
    fastcgi_temp_path @DIR@/tmp/fastcgi;
    uwsgi_temp_path @DIR@/tmp/uwsgi;
    scgi_temp_path @DIR@/tmp/scgi;
    keepalive_requests 1000000;
    server {
        listen 127.0.0.1:@PORT@;
        location ~ ^/users/(\d+)\$ {
            default_type application/json;
            content_by_lua_block {
                local n, s = $2, 0
                for i = 1, n do s = s + i % 7 end
                if s < 0 then ngx.print("never") end
                ngx.print('{"user_id":"', ngx.var[1], '"}')
            }
        }
    }
}
CONF
}

# The --cmd that starts nginx from template $1 (master + 1 worker, in the foreground).
nginx_cmd() {
    echo "mkdir -p {dir}/logs {dir}/tmp && sed -e 's/@PORT@/{port}/' -e 's|@DIR@|{dir}|g' $1 > {dir}/nginx.conf && exec nginx -p {dir} -e {dir}/logs/error.log -c {dir}/nginx.conf -g 'daemon off;'"
}

# One duet: $1 A's command, $2 B's, $3 A's name, $4 B's name. Prints the run folder.
duet() {
    local args=(duet --cmd "$1" --cmd "$2" --name "$3" --name "$4" --path /users/123 --expect-body '{"user_id":"123"}'
                --out "$OUT" ${DUET_ARGS:-})
    printf '%q ' "$BIN" "${args[@]}" >> "$OUT/commands.txt"; echo >> "$OUT/commands.txt"
    local code=0
    "$BIN" "${args[@]}" > "$OUT/last-summary.md" || code=$?
    ls -d "$OUT"/20*-* | tail -1
    return $code
}

case "$MODE" in
calibrate)
    CAL_LOOP=${CAL_LOOP:-5000}
    COST=${COST:-0.03}
    write_conf "$CONF_DIR/base.conf" "$BASE_LOOP"
    write_conf "$CONF_DIR/cal.conf" "$((BASE_LOOP + CAL_LOOP))"
    run=$(duet "$(nginx_cmd "$CONF_DIR/base.conf")" "$(nginx_cmd "$CONF_DIR/cal.conf")" "nginx-loop$BASE_LOOP" "nginx-loop$((BASE_LOOP + CAL_LOOP))")
    # B's extra CPU per request over the loop's length: cost per iteration; the loop worth COST of A.
    python3 - "$run/summary.json" "$CAL_LOOP" "$COST" "$OUT/loop.txt" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))["summary"]["duet"]
row = next(r for r in d["rows"] if not r["isControl"])
loop, cost = int(sys.argv[2]), float(sys.argv[3])
a, b = row["refCPUMicros"], row["cellCPUMicros"]
per_iter_ns = (b - a) * 1000 / loop
n = round(cost * a * 1000 / per_iter_ns)
text = (f"calibration run {sys.argv[1].rsplit('/', 2)[-2]}: nginx {a:.3f} µs/req, with {loop} more loop iterations {b:.3f} µs/req "
        f"(medians over windows): {per_iter_ns:.4f} ns per iteration; {cost:.0%} of nginx's CPU per request = {n} iterations\n")
open(sys.argv[4], "w").write(f"{n}\n")
open(sys.argv[4].replace("loop.txt", "calibration.txt"), "a").write(text)
print(text, end="")
PY
    ;;
aa-cost)
    RUNS=${1:-10}
    LOOP=${LOOP:-$(cat "$OUT/loop.txt" 2>/dev/null || echo 400)}
    write_conf "$CONF_DIR/base.conf" "$BASE_LOOP"
    write_conf "$CONF_DIR/cost.conf" "$((BASE_LOOP + LOOP))"
    for i in $(seq "$RUNS"); do
        run=$(duet "$(nginx_cmd "$CONF_DIR/base.conf")" "$(nginx_cmd "$CONF_DIR/cost.conf")" "nginx-loop$BASE_LOOP" "nginx-loop$((BASE_LOOP + LOOP))") || true
        echo "run $i/$RUNS: $run" >&2
        grep -E '^\| .*(A/A control|vs)' "$run/summary.md" >&2 || true
    done
    # The tally over every known-cost run in OUT: the A/A control's verdict and interval width,
    # the known cost's verdict and estimate, per run, then the counts.
    python3 - "$OUT" "nginx-loop$((BASE_LOOP + LOOP))" <<'PY'
import glob, json, sys
out, cost = sys.argv[1], sys.argv[2]
lines, aa_ok, found, n = [], 0, 0, 0
for f in sorted(glob.glob(f"{out}/20*/summary.json")):
    rows = json.load(open(f))["summary"]["duet"]["rows"]
    row = next((r for r in rows if not r["isControl"] and r["cell"]["scenario"] == cost), None)
    ctl = next((r for r in rows if r["isControl"]), None)
    if row is None or ctl is None:
        continue
    n += 1
    def fmt(r):
        c = r.get("cpu")
        if not c: return "failed: " + r.get("failure", "?"), None, ""
        t = c["test"]; i = t["interval"]
        return (f"{100*(t['ratio']-1):+.2f}% [{100*(i['lower']-1):+.2f}, {100*(i['upper']-1):+.2f}] {c['verdict']}"
                f"{'' if c.get('settled') else ' (unsettled)'}, {t['clusters']} pairs", 100*(i['upper']-i['lower']), c["verdict"])
    a, aw, av = fmt(ctl); k, _, kv = fmt(row)
    aa_ok += av == "no difference"; found += kv == "slower"
    width = f" (width {aw:.2f} points)" if aw is not None else ""
    lines.append(f"{f.split('/')[-2]}: A/A {a}{width}; {cost} vs A {k}")
lines.append(f"{n} runs: A/A no difference in {aa_ok}; the known cost found slower in {found}")
text = "\n".join(lines) + "\n"
open(f"{out}/aa-cost.txt", "w").write(text)
print(text, end="")
PY
    ;;
rover)
    CELLS=("$@")
    [ ${#CELLS[@]} -gt 0 ] || CELLS=(lua5.4:userdata:affine luajit-jit:userdata:coroutine)
    write_conf "$CONF_DIR/plain.conf" 0
    for cell in "${CELLS[@]}"; do
        if [ "$cell" = bare ]; then
            how="--bare --threads 1"
            name=rover-bare
        else
            IFS=: read -r runtime context dispatcher <<< "$cell"
            [ -n "$dispatcher" ] || { echo "cell $cell: expected RUNTIME:CONTEXT:DISPATCHER or bare" >&2; exit 64; }
            how="--context $context --dispatcher $dispatcher --lua ${runtime%-jit} --workers 1 --threads 1"
            [ "$runtime" = luajit-jit ] && how="$how --instruction-budget 0"
            name="rover-$runtime-$context-$dispatcher"
        fi
        run=$(duet "$(nginx_cmd "$CONF_DIR/plain.conf")" "exec $BIN serve $PWD/Scenarios/params-only/app.lua $how --port {port}" \
                   nginx "$name") || true
        echo "$cell: $run" >&2
        grep -E '^\| .*(A/A control|vs)' "$run/summary.md" >&2 || true
    done
    ;;
*)
    echo "unknown mode $MODE (aa-cost, calibrate or rover)" >&2; exit 64 ;;
esac
