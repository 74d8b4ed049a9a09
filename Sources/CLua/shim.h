// Header-only shim over Lua for Swift, on either runtime (rover_lua.h loads Lua 5.4 or LuaJIT at
// run time and is the one place that handles their differences).
//
// Swift cannot call Lua's function-like macros (lua_pop, lua_pcall, lua_tostring, ...) nor use
// LUA_REGISTRYINDEX, and every `lua_*` name is a macro over the runtime's function table here, so
// each API call Swift makes gets a `static inline` wrapper with the `rover_` prefix. The C
// functions that Lua itself calls (allocator, instruction hook, request accessors) live in the
// headers below so that Lua errors are raised from C only: no Lua error unwinds a Swift frame.
#ifndef ROVER_CLUA_SHIM_H
#define ROVER_CLUA_SHIM_H

#include "rover_lua.h"

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
static int rover_collect_fn(lua_State *L) {
    rover_lua.gc(L, LUA_GCCOLLECT, 0);
    return 0;
}
/// A full garbage collection in a protected call (a `__gc` metamethod may raise). Run after a
/// memory kill: Lua 5.4 collects in an emergency before it fails an allocation, LuaJIT does not,
/// so without it the garbage of the killed handler would fail the VM's next request too.
static inline void rover_collect(lua_State *L) {
    lua_pushcfunction(L, rover_collect_fn);
    if (lua_pcall(L, 0, 0, 0) != LUA_OK) lua_pop(L, 1);
}
static inline int rover_loadbuffer(lua_State *L, const char *buf, size_t size, const char *name) {
    return luaL_loadbuffer(L, buf, size, name);
}

// The plain API calls Swift makes (through the runtime's table).
static inline void rover_lua_openlibs(lua_State *L) { luaL_openlibs(L); }
static inline void rover_lua_close(lua_State *L) { lua_close(L); }
static inline int rover_lua_gettop(lua_State *L) { return lua_gettop(L); }
static inline void rover_lua_settop(lua_State *L, int i) { lua_settop(L, i); }
static inline int rover_lua_absindex(lua_State *L, int i) { return lua_absindex(L, i); }
static inline int rover_lua_checkstack(lua_State *L, int n) { return lua_checkstack(L, n); }
static inline int rover_lua_type(lua_State *L, int i) { return lua_type(L, i); }
static inline const char *rover_lua_typename(lua_State *L, int t) { return lua_typename(L, t); }
static inline int rover_lua_toboolean(lua_State *L, int i) { return lua_toboolean(L, i); }
static inline int rover_lua_isinteger(lua_State *L, int i) { return lua_isinteger(L, i); }
static inline const char *rover_lua_tolstring(lua_State *L, int i, size_t *n) { return lua_tolstring(L, i, n); }
static inline const void *rover_lua_topointer(lua_State *L, int i) { return lua_topointer(L, i); }
static inline lua_Unsigned rover_lua_rawlen(lua_State *L, int i) { return lua_rawlen(L, i); }
static inline int rover_lua_rawequal(lua_State *L, int a, int b) { return lua_rawequal(L, a, b); }
static inline void rover_lua_pushnil(lua_State *L) { lua_pushnil(L); }
static inline void rover_lua_pushvalue(lua_State *L, int i) { lua_pushvalue(L, i); }
static inline void rover_lua_pushstring(lua_State *L, const char *s) { (void)lua_pushstring(L, s); }
static inline void rover_lua_pushlstring(lua_State *L, const char *s, size_t n) { (void)lua_pushlstring(L, s, n); }
static inline int rover_lua_next(lua_State *L, int t) { return lua_next(L, t); }
static inline int rover_lua_rawget(lua_State *L, int t) { return lua_rawget(L, t); }
static inline int rover_lua_rawgeti(lua_State *L, int t, lua_Integer i) { return lua_rawgeti(L, t, i); }
static inline void rover_lua_rawset(lua_State *L, int t) { lua_rawset(L, t); }
static inline int rover_lua_getfield(lua_State *L, int t, const char *k) { return lua_getfield(L, t, k); }
static inline void rover_lua_setfield(lua_State *L, int t, const char *k) { lua_setfield(L, t, k); }
static inline int rover_lua_getglobal(lua_State *L, const char *k) { return lua_getglobal(L, k); }
static inline void rover_lua_createtable(lua_State *L, int narr, int nrec) { lua_createtable(L, narr, nrec); }
static inline int rover_lua_getmetatable(lua_State *L, int i) { return lua_getmetatable(L, i); }
static inline int rover_lua_setmetatable(lua_State *L, int i) { return lua_setmetatable(L, i); }
static inline int rover_lua_ref(lua_State *L, int t) { return luaL_ref(L, t); }
static inline void rover_lua_unref(lua_State *L, int t, int ref) { luaL_unref(L, t, ref); }

#include "rover_vm.h"
#include "rover_request.h"
#include "rover_ctx_common.h"
#include "rover_body.h"
#include "rover_coro.h"
#include "rover_floor.h"
// Each context builder's C, rover_ctx_<name>.h, needs no line here: the module map takes every
// header in this folder (`umbrella "."`), so adding a builder's header is all its C takes.

#endif
