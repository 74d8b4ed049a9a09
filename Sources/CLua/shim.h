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
static inline int rover_upvalueindex(int i) { return lua_upvalueindex(i); }
static inline int rover_multret(void) { return LUA_MULTRET; }
static inline lua_Integer rover_ridx_globals(void) { return LUA_RIDX_GLOBALS; }

static inline void rover_pop(lua_State *L, int n) { lua_pop(L, n); }
static inline void rover_newtable(lua_State *L) { lua_newtable(L); }
static inline void rover_pushcfunction(lua_State *L, lua_CFunction f) { lua_pushcfunction(L, f); }
static inline const char *rover_tostring(lua_State *L, int i) { return lua_tostring(L, i); }
static inline lua_Number rover_tonumber(lua_State *L, int i) { return lua_tonumber(L, i); }
static inline lua_Integer rover_tointeger(lua_State *L, int i) { return lua_tointeger(L, i); }
static inline int rover_isnil(lua_State *L, int i) { return lua_isnil(L, i); }
static inline int rover_isnoneornil(lua_State *L, int i) { return lua_isnoneornil(L, i); }
static inline int rover_istable(lua_State *L, int i) { return lua_istable(L, i); }
static inline int rover_isfunction(lua_State *L, int i) { return lua_isfunction(L, i); }
static inline void rover_insert(lua_State *L, int i) { lua_insert(L, i); }
static inline void rover_remove(lua_State *L, int i) { lua_remove(L, i); }
static inline void rover_replace(lua_State *L, int i) { lua_replace(L, i); }
static inline int rover_pcall(lua_State *L, int nargs, int nresults, int msgh) {
    return lua_pcall(L, nargs, nresults, msgh);
}
static inline void *rover_newuserdata(lua_State *L, size_t size) { return lua_newuserdata(L, size); }
static inline int rover_getglobaltable(lua_State *L) {
    return lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
}
static inline int rover_loadbuffer(lua_State *L, const char *buf, size_t size, const char *name) {
    return luaL_loadbuffer(L, buf, size, name);
}

static inline int rover_gc_collect(lua_State *L) { return lua_gc(L, LUA_GCCOLLECT, 0); }
static inline int rover_gc_count_kib(lua_State *L) { return lua_gc(L, LUA_GCCOUNT, 0); }
static inline int rover_gc_generational(lua_State *L) { return lua_gc(L, LUA_GCGEN, 0, 0); }

#include "rover_vm.h"
#include "rover_floor.h"

#endif
