// Header-only shim over Lua 5.4 for Swift.
//
// Swift cannot call Lua's function-like macros (lua_pop, lua_pcall, lua_tostring, ...) nor use
// LUA_REGISTRYINDEX, so each gets a `static inline` wrapper with the `rover_` prefix. The C
// functions that Lua itself calls (allocator, instruction hook, request accessors) live in
// rover_vm.h so that Lua errors are raised from C only: Lua's longjmp never crosses a Swift frame.
#ifndef ROVER_CLUA_SHIM_H
#define ROVER_CLUA_SHIM_H

#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>

static inline int rover_registryindex(void) { return LUA_REGISTRYINDEX; }

static inline void rover_pop(lua_State *L, int n) { lua_pop(L, n); }
static inline void rover_pushcfunction(lua_State *L, lua_CFunction f) { lua_pushcfunction(L, f); }
static inline lua_Number rover_tonumber(lua_State *L, int i) { return lua_tonumber(L, i); }
static inline lua_Integer rover_tointeger(lua_State *L, int i) { return lua_tointeger(L, i); }
static inline void rover_insert(lua_State *L, int i) { lua_insert(L, i); }
static inline void rover_remove(lua_State *L, int i) { lua_remove(L, i); }
static inline int rover_pcall(lua_State *L, int nargs, int nresults, int msgh) {
    return lua_pcall(L, nargs, nresults, msgh);
}
static inline int rover_loadbuffer(lua_State *L, const char *buf, size_t size, const char *name) {
    return luaL_loadbuffer(L, buf, size, name);
}

#include "rover_vm.h"
#include "rover_ctx.h"
#include "rover_body.h"
#include "rover_udctx.h"
#include "rover_coro.h"
#include "rover_floor.h"

#endif
