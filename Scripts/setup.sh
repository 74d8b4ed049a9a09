#!/usr/bin/env bash
# Installs what rover-bench needs to build and run (Lua 5.4 headers, LuaJIT, zlib), when missing.
# Idempotent; needs root (or sudo) only when something is missing. Optional comparison tools
# (wrk, nginx + ngx_lua, valgrind, strace, chromium) are installed with `Scripts/setup.sh --extras`.
set -euo pipefail
need=()
pkg-config --exists lua5.4 2>/dev/null || need+=(liblua5.4-dev pkg-config)
# LuaJIT for --lua luajit (dlopened at run time). Never libluajit-5.1-dev: apt would remove nginx's Lua module.
pkg-config --exists luajit 2>/dev/null || need+=(libluajit2-5.1-dev)
# zlib for the Rover-defaults profile's response compression (Sources/CZlib links -lz).
[ -e /usr/include/zlib.h ] || need+=(zlib1g-dev)
# ip (iproute2): the fleet test's network namespaces (it skips, saying why, without them).
command -v ip >/dev/null || [ -x /usr/sbin/ip ] || [ -x /sbin/ip ] || need+=(iproute2)
if [ "${1:-}" = "--extras" ]; then
  command -v wrk >/dev/null || need+=(wrk)
  command -v nginx >/dev/null || need+=(nginx)
  [ -e /usr/lib/nginx/modules/ngx_http_lua_module.so ] || need+=(libnginx-mod-http-lua)
  command -v valgrind >/dev/null || need+=(valgrind)
  command -v strace >/dev/null || need+=(strace)  # Scripts/hotpath.sh (the gate's syscall counts)
  command -v chromium >/dev/null || need+=(chromium)
fi
[ ${#need[@]} -eq 0 ] && exit 0
sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
echo "installing: ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
