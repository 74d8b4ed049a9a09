#!/usr/bin/env bash
# What the LuaJIT runtime axis (issue 12, part 3) must work around, checked on this machine's
# LuaJIT (Debian libluajit2-5.1-dev, OpenResty's fork; pkg-config name `luajit`). Prints one line
# per fact. Not a benchmark: it builds a small C probe and runs it once.
set -euo pipefail
pkg-config --exists luajit || { echo "luajit (libluajit2-5.1-dev) is not installed"; exit 1; }
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
cat > "$dir/probe.c" <<'C'
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>
#include <luajit.h>
static unsigned long long allocs;
static void *alloc(void *ud, void *p, size_t o, size_t n) {
    (void)ud; (void)o;
    if (n == 0) { free(p); return NULL; }
    allocs++;
    return realloc(p, n);
}
static int fired;
static void hook(lua_State *L, lua_Debug *ar) { (void)ar; if (++fired > 100) luaL_error(L, "budget"); }
int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IONBF, 0);
    lua_State *L = lua_newstate(alloc, NULL);
    printf("%s: lua_newstate with a custom allocator: %s\n", LUAJIT_VERSION, L ? "accepted" : "refused (NULL)");
    if (L == NULL) return 1;
    luaL_openlibs(L);
    printf("custom allocator saw %llu allocations while opening the libraries\n", allocs);
    const char *probes[][2] = {
        {"math.type", "return math.type ~= nil"},
        {"integer division //", "return load('return 7 // 2') ~= nil"},
        {"goto", "return load('goto x ::x::') ~= nil"},
        {"table.unpack", "return table.unpack ~= nil"},
    };
    for (int i = 0; i < 4; i++) {
        luaL_dostring(L, probes[i][1]);
        printf("%s: %s\n", probes[i][0], lua_toboolean(L, -1) ? "yes" : "no");
        lua_settop(L, 0);
    }
    if (argc > 1 && strcmp(argv[1], "jit-off") == 0) luaJIT_setmode(L, 0, LUAJIT_MODE_ENGINE | LUAJIT_MODE_OFF);
    lua_sethook(L, hook, LUA_MASKCOUNT, 1000);
    int status = luaL_dostring(L, "coroutine.wrap(function() while true do end end)()");
    printf("count hook set on the main thread stops a loop inside a coroutine (JIT %s): %s\n",
           argc > 1 ? "off" : "on", status != 0 && fired > 100 ? "yes" : "no");
    return 0;
}
C
cc -O1 "$dir/probe.c" $(pkg-config --cflags --libs luajit) -o "$dir/probe"
"$dir/probe" jit-off
if timeout 5 "$dir/probe" > "$dir/jit-on.txt"; then tail -n 1 "$dir/jit-on.txt"
else echo "count hook set on the main thread stops a loop inside a coroutine (JIT on): no (still looping after 5 s: compiled traces do not call count hooks)"; fi
lib=$(pkg-config --variable=libdir luajit)/libluajit-5.1.so
for sym in lua_newuserdatauv lua_getiuservalue lua_absindex lua_rawlen luaL_buffinitsize luaL_testudata luaL_traceback lua_isyieldable; do
    # grep -c, not -q: -q stops reading early, nm dies of SIGPIPE and pipefail reports "missing".
    if [ "$(nm -D --defined-only "$lib" | grep -cw "$sym")" -gt 0 ]; then echo "C API $sym: exported"; else echo "C API $sym: missing"; fi
done
