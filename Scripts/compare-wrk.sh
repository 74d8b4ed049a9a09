#!/usr/bin/env bash
# Compare rover-bench's built-in load generator with wrk against one target: Debian's nginx
# (one worker, 127.0.0.1, access_log off) returning a 17-byte JSON. Runs alternate between the
# two generators (one thread, $CONNS connections each), $ROUNDS rounds of $DURATION s after a
# warm-up; medians are printed. CPU of both generators is measured the same way, from outside
# (/usr/bin/time: user+sys of the whole process). Finally the built-in generator runs with
# $BIG_CONNS connections and its peak RSS is reported.
#
# FLOOR=1 adds two more generators to every round: Scripts/floor-client.c, the least work a
# closed-loop generator can do per request (one send and one read per request with epoll; and with
# io_uring, no system call per request at all), built here with cc (and liburing-dev for the second).
# Their CPU per request is the floor under any generator's on this machine: the summary prints each
# one's, and its kernel time alone, as a share of wrk's.
#
# Usage: Scripts/compare-wrk.sh            (env: ROUNDS=5 DURATION=10 CONNS=64 BIG_CONNS=1000 PORT=18089
#        SYSCALLS=1 to count each generator's system calls per request under strace, FLOOR=1,
#        SKIP_BUILD=1)
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${ROUNDS:-5}
DURATION=${DURATION:-10}
CONNS=${CONNS:-64}
BIG_CONNS=${BIG_CONNS:-1000}
PORT=${PORT:-18089}
URL="http://127.0.0.1:${PORT}/users/123"

for tool in nginx wrk python3 /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "compare-wrk: '$tool' is required" >&2; exit 1; }
done

[[ -n "${SKIP_BUILD:-}" ]] || Scripts/build-release.sh --product rover-bench >/dev/null
BIN="$(Scripts/build-release.sh --show-bin-path)/rover-bench"
ulimit -n 65536 2>/dev/null || true

TMP=$(mktemp -d)
GENERATORS="ours wrk"
if [[ -n "${FLOOR:-}" ]]; then
    if cc -O2 -DWITH_URING -o "$TMP/floor-client" Scripts/floor-client.c -luring 2>/dev/null; then
        GENERATORS="$GENERATORS floor-epoll floor-uring"
    else
        cc -O2 -o "$TMP/floor-client" Scripts/floor-client.c || { echo "compare-wrk: FLOOR=1 needs a C compiler" >&2; exit 1; }
        echo "compare-wrk: no liburing-dev, the io_uring floor is left out" >&2
        GENERATORS="$GENERATORS floor-epoll"
    fi
fi
NGINX_PID=""
cleanup() {
    if [[ -n "$NGINX_PID" ]]; then kill "$NGINX_PID" 2>/dev/null || true; wait "$NGINX_PID" 2>/dev/null || true; fi
    rm -rf "$TMP"
}
trap cleanup EXIT

mkdir -p "$TMP/logs"
cat > "$TMP/nginx.conf" <<EOF
worker_processes 1;
daemon off;
master_process on;
pid $TMP/nginx.pid;
error_log $TMP/logs/error.log warn;
worker_rlimit_nofile 8192;
events { worker_connections 4096; }
http {
    access_log off;
    default_type application/json;
    keepalive_requests 100000000;
    client_body_temp_path $TMP/body;
    proxy_temp_path $TMP/proxy;
    fastcgi_temp_path $TMP/fastcgi;
    uwsgi_temp_path $TMP/uwsgi;
    scgi_temp_path $TMP/scgi;
    server {
        listen 127.0.0.1:${PORT} backlog=4096;
        location / { return 200 '{"user_id":"123"}'; }
    }
}
EOF
nginx -p "$TMP" -c "$TMP/nginx.conf" -e "$TMP/logs/error.log" &
NGINX_PID=$!
for _ in $(seq 50); do
    if python3 - "$PORT" <<'EOF' 2>/dev/null; then break; fi
import socket, sys
socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=0.2).close()
EOF
    sleep 0.1
done

# run_ours ROUND CONNS DURATION
#   -> "rps cpu_us_per_req p50_ms self_cpu_us_per_req maxrss_kib errors cpu%_of_wall saturated_flag"
run_ours() {
    local out="$TMP/ours-$1.json"
    /usr/bin/time -f "%e %U %S %M" -o "$TMP/time-ours" \
        "$BIN" load -t 1 -c "$2" -d "${3}s" --json "$out" "$URL" > "$TMP/ours-$1.txt"
    python3 - "$out" "$TMP/time-ours" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
e, u, s, rss = open(sys.argv[2]).read().split()[-4:]
cpu = (float(u) + float(s)) * 1e6
req = r["requests"]
errs = sum(r["errors"].values()) + r["non2xx"]
sat = "yes" if r["generator"]["saturated"] else "no"
print(f'{r["requestsPerSecond"]:.0f} {cpu / req:.3f} {r["latency"]["success"]["summary"]["p50"] / 1000:.3f} '
      f'{r["generator"]["cpuMicrosPerRequest"]:.3f} {rss} {errs} {100 * cpu / 1e6 / float(e):.0f}% {sat} '
      f'{float(u) * 1e6 / req:.3f} {float(s) * 1e6 / req:.3f}')
EOF
}

# run_wrk ROUND -> same columns ("-" where wrk has no equivalent)
run_wrk() {
    /usr/bin/time -f "%e %U %S %M" -o "$TMP/time-wrk" \
        wrk -t1 -c "$CONNS" -d "${DURATION}s" --latency "$URL" > "$TMP/wrk-$1.txt"
    python3 - "$TMP/wrk-$1.txt" "$TMP/time-wrk" <<'EOF'
import re, sys
text = open(sys.argv[1]).read()
e, u, s, rss = open(sys.argv[2]).read().split()[-4:]
req = int(re.search(r"(\d+) requests in", text).group(1))
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
m = re.search(r"50%\s+([\d.]+)(us|ms|s)\b", text)
p50 = float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[m.group(2)]
se = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
n = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
errs = (sum(map(int, se.groups())) if se else 0) + (int(n.group(1)) if n else 0)
cpu = float(u) + float(s)
print(f"{rps:.0f} {cpu * 1e6 / req:.3f} {p50:.3f} - {rss} {errs} {100 * cpu / float(e):.0f}% - "
      f"{float(u) * 1e6 / req:.3f} {float(s) * 1e6 / req:.3f}")
EOF
}

# run_floor MODE ROUND -> same columns (whole-process CPU, like the others; "-" for what it does not measure)
run_floor() {
    /usr/bin/time -f "%e %U %S %M" -o "$TMP/time-floor" \
        "$TMP/floor-client" "$1" 127.0.0.1 "$PORT" /users/123 "$CONNS" "$DURATION" 0 > "$TMP/floor-$2.txt"
    python3 - "$TMP/floor-$2.txt" "$TMP/time-floor" <<'EOF'
import sys
_, _, req, secs, rps, _, _ = open(sys.argv[1]).read().split()
e, u, s, rss = open(sys.argv[2]).read().split()[-4:]
req, cpu = int(req), float(u) + float(s)
print(f"{float(rps):.0f} {cpu * 1e6 / req:.3f} - - {rss} 0 {100 * cpu / float(e):.0f}% - "
      f"{float(u) * 1e6 / req:.3f} {float(s) * 1e6 / req:.3f}")
EOF
}

echo "# command: ROUNDS=$ROUNDS DURATION=$DURATION CONNS=$CONNS${FLOOR:+ FLOOR=1} Scripts/compare-wrk.sh"
echo "# git $(git rev-parse --short HEAD)$(git diff --quiet || echo -dirty), $(hostname), $(uname -r), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) CPUs, $(date -u +%FT%TZ), $("$BIN" --version 2>/dev/null || true)"
echo "target: nginx $(nginx -v 2>&1 | sed 's/.*\///') at $URL, 1 worker; generators: 1 thread, $CONNS connections"
echo "warm-up (3 s each)..."
run_ours warm "$CONNS" 3 >/dev/null
wrk -t1 -c "$CONNS" -d 3s "$URL" >/dev/null
[[ -z "${FLOOR:-}" ]] || "$TMP/floor-client" epoll 127.0.0.1 "$PORT" /users/123 "$CONNS" 3 0 >/dev/null

FMT="%-6s %-9s %10s %12s %9s %12s %9s %7s %6s %6s %12s %12s\n"
printf "$FMT" round generator "req/s" "cpu_us/req" "p50_ms" "self_us/req" "rss_KiB" errors "cpu%" "sat" "user_us/req" "sys_us/req"
for g in $GENERATORS; do : > "$TMP/$g.rows"; done
for r in $(seq "$ROUNDS"); do
    # Alternate the order every round (forward, then backward), so drift does not favour one.
    if (( r % 2 == 1 )); then order="$GENERATORS"; else order=$(echo "$GENERATORS" | tr ' ' '\n' | tac | xargs); fi
    for g in $order; do
        case $g in
            ours) row=$(run_ours "$r" "$CONNS" "$DURATION") ;;
            wrk) row=$(run_wrk "$r") ;;
            floor-*) row=$(run_floor "${g#floor-}" "$r") ;;
        esac
        echo "$row" >> "$TMP/$g.rows"
        printf "$FMT" "$r" "$g" $row
    done
done

python3 - "$TMP/ours.rows" "$TMP/wrk.rows" <<'EOF'
import statistics, sys
def cols(path):
    rows = [l.split() for l in open(path) if l.strip()]
    return {k: statistics.median(float(r[i]) for r in rows)
            for k, i in (("rps", 0), ("cpu", 1), ("p50", 2), ("user", 8), ("sys", 9))}, rows
ours, orows = cols(sys.argv[1]); wrk, _ = cols(sys.argv[2])
self_cpu = statistics.median(float(r[3]) for r in orows)
print()
print(f"median  built-in: {ours['rps']:.0f} req/s, {ours['cpu']:.3f} us CPU/req (self-reported {self_cpu:.3f}; "
      f"user {ours['user']:.3f}, kernel {ours['sys']:.3f}), p50 {ours['p50']:.3f} ms")
print(f"median  wrk     : {wrk['rps']:.0f} req/s, {wrk['cpu']:.3f} us CPU/req (user {wrk['user']:.3f}, "
      f"kernel {wrk['sys']:.3f}), p50 {wrk['p50']:.3f} ms")
print(f"user CPU/req built-in / wrk = {100 * ours['user'] / wrk['user']:.1f}%, kernel = {100 * ours['sys'] / wrk['sys']:.1f}%")
ratio = ours["rps"] / wrk["rps"]
print(f"req/s built-in / wrk = {100 * ratio:.1f}%  (target >= 100%): {'PASS' if ratio >= 1 else 'FAIL'}")
cr = ours["cpu"] / wrk["cpu"]
print(f"CPU/req built-in / wrk = {100 * cr:.1f}%  (target <= 100%): {'PASS' if cr <= 1 else 'FAIL'}")
EOF
for g in $GENERATORS; do
    [[ $g == floor-* ]] || continue
    python3 - "$g" "$TMP/$g.rows" "$TMP/wrk.rows" "$TMP/ours.rows" <<'EOF'
import statistics, sys
med = lambda path, i: statistics.median(float(l.split()[i]) for l in open(path) if l.strip())
g, f, w, o = sys.argv[1:5]
print(f"median  {g}: {med(f, 0):.0f} req/s, {med(f, 1):.3f} us CPU/req (user {med(f, 8):.3f}, kernel {med(f, 9):.3f}); "
      f"CPU/req {g} / wrk = {100 * med(f, 1) / med(w, 1):.1f}%, its kernel time alone / wrk's CPU = "
      f"{100 * med(f, 9) / med(w, 1):.1f}%; CPU/req built-in / {g} = {100 * med(o, 1) / med(f, 1):.1f}%")
EOF
done

row=$(run_ours big "$BIG_CONNS" 5)
rss_kib=$(echo "$row" | awk '{print $5}')
echo "built-in at $BIG_CONNS connections (5 s): $(echo "$row" | awk '{print $1}') req/s, peak RSS $((rss_kib / 1024)) MiB" \
     "(target <= 64 MiB): $( (( rss_kib <= 65536 )) && echo PASS || echo FAIL)"

# SYSCALLS=1: each generator once more under `strace -f -c` (2 s, $CONNS connections): its system
# calls per completed request, by name (counts, not time: strace slows both alike).
if [[ -n "${SYSCALLS:-}" ]] && command -v strace >/dev/null; then
    strace -f -c -o "$TMP/ours.strace" "$BIN" load -t 1 -c "$CONNS" -d 2s --json "$TMP/ours-strace.json" "$URL" >/dev/null
    strace -f -c -o "$TMP/wrk.strace" wrk -t1 -c "$CONNS" -d 2s "$URL" > "$TMP/wrk-strace.txt"
    ours_n=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['requests'])" "$TMP/ours-strace.json")
    wrk_n=$(sed -n 's/^ *\([0-9]*\) requests in.*/\1/p' "$TMP/wrk-strace.txt")
    for g in ours wrk; do
        n=$ours_n; [[ $g == wrk ]] && n=$wrk_n
        awk -v g="$g" -v n="$n" '$NF ~ /^(read|write|sendto|recvfrom|epoll_wait|epoll_pwait|epoll_pwait2|epoll_ctl|writev|readv)$/ {
            per[$NF] = $4 / n; total += $4 / n }   # strace -c: % time, seconds, usecs/call, calls, [errors,] syscall
            END { printf "syscalls per request under strace, %s (%d requests):", g, n; for (k in per) printf " %s %.2f", k, per[k]; printf "; total %.2f\n", total }' "$TMP/$g.strace"
    done
fi
