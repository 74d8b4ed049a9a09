// The one place that knows there are two Lua runtimes: PUC Lua 5.4 (Debian liblua5.4, the default)
// and LuaJIT 2.1 (Debian libluajit2-5.1, OpenResty's fork, the C API of Lua 5.1 plus a few 5.2
// functions). Both export the same symbol names, so no process can link both. The shim links
// neither: `rover_lua_open` dlopens one of them (RTLD_LOCAL) once per process, before the first
// VM, and fills `rover_lua`, a table of function pointers with the Lua 5.4 signatures. Every
// `lua_*` / `luaL_*` name the shim uses is a macro over that table (below), so the headers are
// written against the 5.4 API, and the 5.4 headers' own macros (lua_pop, lua_pcall, lua_tostring,
// luaL_checkstring …) expand onto the table too.
//
// Lua 5.4 fills the table with the library's own functions: a call costs what a PLT call costs.
// LuaJIT fills the entries whose 5.1 function differs with an adapter (`rover_jit_*`, at the end):
// lua_pcallk/lua_callk (5.1: lua_pcall/lua_call), lua_getfield/gettable/rawget/rawgeti/getglobal (5.1 return
// nothing; the adapters return lua_type of the pushed value), lua_rawgetp/rawsetp (missing in 5.1),
// lua_newuserdatauv/getiuservalue/setiuservalue (5.1: one environment table per userdata, which
// cannot be nil: the registry table stands for "no user value"), lua_rotate (5.1: lua_insert and
// lua_remove), lua_absindex, lua_isinteger (5.1 numbers are doubles: integral values count as
// integers), lua_rawlen (5.1: lua_objlen), lua_resume (5.1: no `from`, no result count) and
// lua_getglobal/setglobal (5.1: macros over LUA_GLOBALSINDEX). LUA_REGISTRYINDEX and
// lua_upvalueindex are runtime values. luaL_Buffer differs between the two (a struct the macros
// poke into), so the shim uses its own RoverBuf instead.
//
// Swift cannot use these macros: it calls the `rover_lua_*` wrappers at the end of shim.h.
#ifndef ROVER_LUA_H
#define ROVER_LUA_H

#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <lua5.4/lua.h>
#include <lua5.4/lauxlib.h>
#include <lua5.4/lualib.h>

/// Which library `rover_lua_open` loads.
typedef enum RoverLuaKind { ROVER_LUA54 = 1, ROVER_LUAJIT = 2 } RoverLuaKind;

/// Lua 5.4's pseudo-indices, from its lua.h, before the names become runtime values.
enum { ROVER_LUA54_REGISTRYINDEX = LUA_REGISTRYINDEX };
/// Lua 5.1's (LuaJIT's lua.h: LUA_REGISTRYINDEX, LUA_GLOBALSINDEX; lua_upvalueindex(i) is
/// LUA_GLOBALSINDEX - i).
enum { ROVER_LUA51_REGISTRYINDEX = -10000, ROVER_LUA51_GLOBALSINDEX = -10002 };
/// LuaJIT's luaJIT_setmode arguments (luajit.h: LUAJIT_MODE_ENGINE is 0, LUAJIT_MODE_OFF 0x0000,
/// LUAJIT_MODE_ON 0x0100, LUAJIT_MODE_FLUSH 0x0200).
enum { ROVER_LUAJIT_MODE_ENGINE = 0, ROVER_LUAJIT_MODE_OFF = 0x0000, ROVER_LUAJIT_MODE_ON = 0x0100,
       ROVER_LUAJIT_MODE_FLUSH = 0x0200 };

typedef struct RoverLuaAPI {
    int kind;               // 0 until loaded, then a RoverLuaKind
    int registryindex;      // LUA_REGISTRYINDEX
    int upvalue0;           // lua_upvalueindex(i) == upvalue0 - i
    const char *name;       // "Lua 5.4.6", "LuaJIT 2.1.0-beta3"
    // The 5.4 API the shim uses (5.4 signatures).
    lua_State *(*newstate)(lua_Alloc, void *);
    void (*close)(lua_State *);
    lua_State *(*newthread)(lua_State *);
    int (*status)(lua_State *);
    int (*absindex)(lua_State *, int);
    int (*gettop)(lua_State *);
    void (*settop)(lua_State *, int);
    void (*pushvalue)(lua_State *, int);
    void (*rotate)(lua_State *, int, int);
    void (*copy)(lua_State *, int, int);
    int (*checkstack)(lua_State *, int);
    void (*xmove)(lua_State *, lua_State *, int);
    int (*isinteger)(lua_State *, int);
    int (*type)(lua_State *, int);
    const char *(*typename_)(lua_State *, int);
    lua_Number (*tonumberx)(lua_State *, int, int *);
    lua_Integer (*tointegerx)(lua_State *, int, int *);
    int (*toboolean)(lua_State *, int);
    const char *(*tolstring)(lua_State *, int, size_t *);
    lua_Unsigned (*rawlen)(lua_State *, int);
    void *(*touserdata)(lua_State *, int);
    const void *(*topointer)(lua_State *, int);
    int (*rawequal)(lua_State *, int, int);
    void (*pushnil)(lua_State *);
    void (*pushnumber)(lua_State *, lua_Number);
    void (*pushinteger)(lua_State *, lua_Integer);
    const char *(*pushlstring)(lua_State *, const char *, size_t);
    const char *(*pushstring)(lua_State *, const char *);
    const char *(*pushfstring)(lua_State *, const char *, ...);
    void (*pushcclosure)(lua_State *, lua_CFunction, int);
    void (*pushboolean)(lua_State *, int);
    void (*pushlightuserdata)(lua_State *, void *);
    int (*getglobal)(lua_State *, const char *);
    int (*getfield)(lua_State *, int, const char *);
    int (*gettable)(lua_State *, int);
    int (*rawget)(lua_State *, int);
    int (*rawgeti)(lua_State *, int, lua_Integer);
    int (*rawgetp)(lua_State *, int, const void *);
    void (*createtable)(lua_State *, int, int);
    void *(*newuserdatauv)(lua_State *, size_t, int);
    int (*getmetatable)(lua_State *, int);
    int (*getiuservalue)(lua_State *, int, int);
    void (*setglobal)(lua_State *, const char *);
    void (*setfield)(lua_State *, int, const char *);
    void (*rawset)(lua_State *, int);
    void (*rawseti)(lua_State *, int, lua_Integer);
    void (*rawsetp)(lua_State *, int, const void *);
    int (*setmetatable)(lua_State *, int);
    int (*setiuservalue)(lua_State *, int, int);
    void (*callk)(lua_State *, int, int, lua_KContext, lua_KFunction);
    int (*pcallk)(lua_State *, int, int, int, lua_KContext, lua_KFunction);
    int (*resume)(lua_State *, lua_State *, int, int *);
    int (*error)(lua_State *);
    int (*next)(lua_State *, int);
    lua_Alloc (*getallocf)(lua_State *, void **);
    void (*sethook)(lua_State *, lua_Hook, int, int);
    int (*gethookcount)(lua_State *);
    void (*openlibs)(lua_State *);
    int (*ref)(lua_State *, int);
    void (*unref)(lua_State *, int, int);
    int (*errorL)(lua_State *, const char *, ...);
    void (*traceback)(lua_State *, lua_State *, const char *, int);
    int (*callmeta)(lua_State *, int, const char *);
    void *(*testudata)(lua_State *, int, const char *);
    void *(*checkudata)(lua_State *, int, const char *);
    void (*setmetatableL)(lua_State *, const char *);
    int (*newmetatable)(lua_State *, const char *);
    void (*setfuncs)(lua_State *, const luaL_Reg *, int);
    void (*checkany)(lua_State *, int);
    void (*checktype)(lua_State *, int, int);
    const char *(*checklstring)(lua_State *, int, size_t *);
    void (*checkstackL)(lua_State *, int, const char *);
    int (*loadstring)(lua_State *, const char *);
    int (*loadbufferx)(lua_State *, const char *, size_t, const char *, const char *);
    /// `lua_gc` (variadic in 5.4, three ints in 5.1: both called here as (L, what, 0)).
    int (*gc)(lua_State *, int, ...);
    // LuaJIT's own functions behind the adapters (NULL under Lua 5.4).
    struct {
        void (*call)(lua_State *, int, int);
        int (*pcall)(lua_State *, int, int, int);
        void (*getfield)(lua_State *, int, const char *);
        void (*gettable)(lua_State *, int);
        void (*rawget)(lua_State *, int);
        void (*rawgeti)(lua_State *, int, int);
        void (*rawseti)(lua_State *, int, int);
        void (*insert)(lua_State *, int);
        void (*remove)(lua_State *, int);
        void (*pushstring)(lua_State *, const char *);
        void *(*newuserdata)(lua_State *, size_t);
        void (*getfenv)(lua_State *, int);
        int (*setfenv)(lua_State *, int);
        int (*resume)(lua_State *, int);
        int (*setmode)(lua_State *, int, int);
    } jit;
} RoverLuaAPI;

/// The process's runtime. One definition for the whole link (weak, hidden): each Swift module that
/// includes this header emits it, and the linker keeps one. The initializer is what makes it a
/// definition: Swift's importer emits a tentative one (no initializer) as an undefined weak
/// reference, which a PIE link resolves to the image base (the table then reads the ELF header).
__attribute__((weak, visibility("hidden"))) RoverLuaAPI rover_lua = { .kind = 0 };
/// Serializes `rover_lua_open` (kept out of the table: the table is overwritten while it is held).
__attribute__((weak, visibility("hidden"))) pthread_mutex_t rover_lua_lock = PTHREAD_MUTEX_INITIALIZER;

// MARK: - The API as macros over the table

#undef LUA_REGISTRYINDEX
#define LUA_REGISTRYINDEX (rover_lua.registryindex)
#undef lua_upvalueindex
#define lua_upvalueindex(i) (rover_lua.upvalue0 - (i))
#undef lua_getglobal
#undef lua_setglobal
#undef lua_isinteger

#define lua_newstate(...) (rover_lua.newstate(__VA_ARGS__))
#define lua_close(...) (rover_lua.close(__VA_ARGS__))
#define lua_newthread(...) (rover_lua.newthread(__VA_ARGS__))
#define lua_status(...) (rover_lua.status(__VA_ARGS__))
#define lua_absindex(...) (rover_lua.absindex(__VA_ARGS__))
#define lua_gettop(...) (rover_lua.gettop(__VA_ARGS__))
#define lua_settop(...) (rover_lua.settop(__VA_ARGS__))
#define lua_pushvalue(...) (rover_lua.pushvalue(__VA_ARGS__))
#define lua_rotate(...) (rover_lua.rotate(__VA_ARGS__))
#define lua_copy(...) (rover_lua.copy(__VA_ARGS__))
#define lua_checkstack(...) (rover_lua.checkstack(__VA_ARGS__))
#define lua_xmove(...) (rover_lua.xmove(__VA_ARGS__))
#define lua_isinteger(...) (rover_lua.isinteger(__VA_ARGS__))
#define lua_type(...) (rover_lua.type(__VA_ARGS__))
#define lua_typename(...) (rover_lua.typename_(__VA_ARGS__))
#define lua_tonumberx(...) (rover_lua.tonumberx(__VA_ARGS__))
#define lua_tointegerx(...) (rover_lua.tointegerx(__VA_ARGS__))
#define lua_toboolean(...) (rover_lua.toboolean(__VA_ARGS__))
#define lua_tolstring(...) (rover_lua.tolstring(__VA_ARGS__))
#define lua_rawlen(...) (rover_lua.rawlen(__VA_ARGS__))
#define lua_touserdata(...) (rover_lua.touserdata(__VA_ARGS__))
#define lua_topointer(...) (rover_lua.topointer(__VA_ARGS__))
#define lua_rawequal(...) (rover_lua.rawequal(__VA_ARGS__))
#define lua_pushnil(...) (rover_lua.pushnil(__VA_ARGS__))
#define lua_pushnumber(...) (rover_lua.pushnumber(__VA_ARGS__))
#define lua_pushinteger(...) (rover_lua.pushinteger(__VA_ARGS__))
#define lua_pushlstring(...) (rover_lua.pushlstring(__VA_ARGS__))
#define lua_pushstring(...) (rover_lua.pushstring(__VA_ARGS__))
#define lua_pushfstring(...) (rover_lua.pushfstring(__VA_ARGS__))
#define lua_pushcclosure(...) (rover_lua.pushcclosure(__VA_ARGS__))
#define lua_pushboolean(...) (rover_lua.pushboolean(__VA_ARGS__))
#define lua_pushlightuserdata(...) (rover_lua.pushlightuserdata(__VA_ARGS__))
#define lua_getglobal(...) (rover_lua.getglobal(__VA_ARGS__))
#define lua_getfield(...) (rover_lua.getfield(__VA_ARGS__))
#define lua_gettable(...) (rover_lua.gettable(__VA_ARGS__))
#define lua_rawget(...) (rover_lua.rawget(__VA_ARGS__))
#define lua_rawgeti(...) (rover_lua.rawgeti(__VA_ARGS__))
#define lua_rawgetp(...) (rover_lua.rawgetp(__VA_ARGS__))
#define lua_createtable(...) (rover_lua.createtable(__VA_ARGS__))
#define lua_newuserdatauv(...) (rover_lua.newuserdatauv(__VA_ARGS__))
#define lua_getmetatable(...) (rover_lua.getmetatable(__VA_ARGS__))
#define lua_getiuservalue(...) (rover_lua.getiuservalue(__VA_ARGS__))
#define lua_setglobal(...) (rover_lua.setglobal(__VA_ARGS__))
#define lua_setfield(...) (rover_lua.setfield(__VA_ARGS__))
#define lua_rawset(...) (rover_lua.rawset(__VA_ARGS__))
#define lua_rawseti(...) (rover_lua.rawseti(__VA_ARGS__))
#define lua_rawsetp(...) (rover_lua.rawsetp(__VA_ARGS__))
#define lua_setmetatable(...) (rover_lua.setmetatable(__VA_ARGS__))
#define lua_setiuservalue(...) (rover_lua.setiuservalue(__VA_ARGS__))
#define lua_callk(...) (rover_lua.callk(__VA_ARGS__))
#define lua_pcallk(...) (rover_lua.pcallk(__VA_ARGS__))
#define lua_resume(...) (rover_lua.resume(__VA_ARGS__))
#define lua_error(...) (rover_lua.error(__VA_ARGS__))
#define lua_next(...) (rover_lua.next(__VA_ARGS__))
#define lua_getallocf(...) (rover_lua.getallocf(__VA_ARGS__))
#define lua_sethook(...) (rover_lua.sethook(__VA_ARGS__))
#define lua_gethookcount(...) (rover_lua.gethookcount(__VA_ARGS__))
#define luaL_openlibs(...) (rover_lua.openlibs(__VA_ARGS__))
#define luaL_ref(...) (rover_lua.ref(__VA_ARGS__))
#define luaL_unref(...) (rover_lua.unref(__VA_ARGS__))
#define luaL_error(...) (rover_lua.errorL(__VA_ARGS__))
#define luaL_traceback(...) (rover_lua.traceback(__VA_ARGS__))
#define luaL_callmeta(...) (rover_lua.callmeta(__VA_ARGS__))
#define luaL_testudata(...) (rover_lua.testudata(__VA_ARGS__))
#define luaL_checkudata(...) (rover_lua.checkudata(__VA_ARGS__))
#define luaL_setmetatable(...) (rover_lua.setmetatableL(__VA_ARGS__))
#define luaL_newmetatable(...) (rover_lua.newmetatable(__VA_ARGS__))
#define luaL_setfuncs(...) (rover_lua.setfuncs(__VA_ARGS__))
#define luaL_checkany(...) (rover_lua.checkany(__VA_ARGS__))
#define luaL_checktype(...) (rover_lua.checktype(__VA_ARGS__))
#define luaL_checklstring(...) (rover_lua.checklstring(__VA_ARGS__))
#define luaL_checkstack(...) (rover_lua.checkstackL(__VA_ARGS__))
#define luaL_loadstring(...) (rover_lua.loadstring(__VA_ARGS__))
#define luaL_loadbufferx(...) (rover_lua.loadbufferx(__VA_ARGS__))
// Names the shim must not use: their layout or semantics differ between the runtimes.
#undef luaL_buffinit
#undef luaL_buffinitsize
#undef luaL_addchar
#define luaL_buffinit rover_use_RoverBuf_not_luaL_Buffer
#define luaL_buffinitsize rover_use_RoverBuf_not_luaL_Buffer
#define luaL_addchar rover_use_RoverBuf_not_luaL_Buffer

// MARK: - LuaJIT adapters (5.4 semantics over the 5.1 API)

/// A userdata whose environment is the registry has "no user value" (5.1 environments cannot be nil).
static int rover_jit_getiuservalue(lua_State *L, int idx, int n) {
    (void)n;
    rover_lua.jit.getfenv(L, idx);
    rover_lua.pushvalue(L, ROVER_LUA51_REGISTRYINDEX);
    int none = rover_lua.rawequal(L, -1, -2);
    rover_lua.settop(L, -2);
    if (none) { rover_lua.settop(L, -2); rover_lua.pushnil(L); return LUA_TNIL; }
    return rover_lua.type(L, -1);
}
static int rover_jit_setiuservalue(lua_State *L, int idx, int n) {
    (void)n;
    int abs = idx > 0 || idx <= ROVER_LUA51_REGISTRYINDEX ? idx : rover_lua.gettop(L) + idx + 1;
    if (rover_lua.type(L, -1) != LUA_TTABLE) {  // nil (or anything else): back to "none"
        rover_lua.settop(L, -2);
        rover_lua.pushvalue(L, ROVER_LUA51_REGISTRYINDEX);
    }
    return rover_lua.jit.setfenv(L, abs);
}
static void *rover_jit_newuserdatauv(lua_State *L, size_t size, int nuv) {
    (void)nuv;
    void *p = rover_lua.jit.newuserdata(L, size);
    rover_lua.pushvalue(L, ROVER_LUA51_REGISTRYINDEX);
    rover_lua.jit.setfenv(L, -2);
    return p;
}
static int rover_jit_absindex(lua_State *L, int idx) {
    return idx > 0 || idx <= ROVER_LUA51_REGISTRYINDEX ? idx : rover_lua.gettop(L) + idx + 1;
}
static void rover_jit_rotate(lua_State *L, int idx, int n) {
    // The shim rotates by one only (lua_insert: n = 1; lua_remove and lua_replace: n = -1).
    if (n == 1) { rover_lua.jit.insert(L, idx); return; }
    int abs = rover_jit_absindex(L, idx);
    rover_lua.pushvalue(L, abs);
    rover_lua.jit.remove(L, abs);
}
static int rover_jit_isinteger(lua_State *L, int idx) {
    if (rover_lua.type(L, idx) != LUA_TNUMBER) return 0;
    lua_Number d = rover_lua.tonumberx(L, idx, NULL);
    return d >= -9223372036854775808.0 && d < 9223372036854775808.0 && (lua_Number)(long long)d == d;
}
static int rover_jit_getglobal(lua_State *L, const char *k) {
    rover_lua.jit.getfield(L, ROVER_LUA51_GLOBALSINDEX, k);
    return rover_lua.type(L, -1);
}
static void rover_jit_setglobal(lua_State *L, const char *k) { rover_lua.setfield(L, ROVER_LUA51_GLOBALSINDEX, k); }
static int rover_jit_getfield(lua_State *L, int idx, const char *k) {
    rover_lua.jit.getfield(L, idx, k);
    return rover_lua.type(L, -1);
}
static int rover_jit_gettable(lua_State *L, int idx) {
    rover_lua.jit.gettable(L, idx);
    return rover_lua.type(L, -1);
}
static int rover_jit_rawget(lua_State *L, int idx) {
    rover_lua.jit.rawget(L, idx);
    return rover_lua.type(L, -1);
}
static int rover_jit_rawgeti(lua_State *L, int idx, lua_Integer n) {
    rover_lua.jit.rawgeti(L, idx, (int)n);
    return rover_lua.type(L, -1);
}
static void rover_jit_rawseti(lua_State *L, int idx, lua_Integer n) { rover_lua.jit.rawseti(L, idx, (int)n); }
static int rover_jit_rawgetp(lua_State *L, int idx, const void *p) {
    int t = rover_jit_absindex(L, idx);
    rover_lua.pushlightuserdata(L, (void *)p);
    rover_lua.jit.rawget(L, t);
    return rover_lua.type(L, -1);
}
static void rover_jit_rawsetp(lua_State *L, int idx, const void *p) {
    int t = rover_jit_absindex(L, idx);
    rover_lua.pushlightuserdata(L, (void *)p);
    rover_lua.jit.insert(L, -2);
    rover_lua.rawset(L, t);
}
static const char *rover_jit_pushstring(lua_State *L, const char *s) {
    rover_lua.jit.pushstring(L, s);
    return rover_lua.tolstring(L, -1, NULL);
}
static void rover_jit_callk(lua_State *L, int nargs, int nresults, lua_KContext ctx, lua_KFunction k) {
    (void)ctx; (void)k;
    rover_lua.jit.call(L, nargs, nresults);
}
static int rover_jit_pcallk(lua_State *L, int nargs, int nresults, int msgh, lua_KContext ctx, lua_KFunction k) {
    (void)ctx; (void)k;
    return rover_lua.jit.pcall(L, nargs, nresults, msgh);
}
/// 5.1's lua_resume leaves exactly the yielded (or returned) values on the thread's stack.
static int rover_jit_resume(lua_State *L, lua_State *from, int nargs, int *nres) {
    (void)from;
    int status = rover_lua.jit.resume(L, nargs);
    *nres = status == LUA_OK || status == LUA_YIELD ? rover_lua.gettop(L) : 0;
    return status;
}

// MARK: - Loading

#define ROVER_LUA_SYM(field, sym) \
    if ((*(void **)&api->field = dlsym(h, sym)) == NULL) return sym;

/// Fills `api` from the library `h`; returns NULL, or the name of a missing symbol.
static inline const char *rover_lua_fill(RoverLuaAPI *api, void *h, int jit) {
    ROVER_LUA_SYM(newstate, "lua_newstate") ROVER_LUA_SYM(close, "lua_close")
    ROVER_LUA_SYM(newthread, "lua_newthread") ROVER_LUA_SYM(status, "lua_status")
    ROVER_LUA_SYM(gettop, "lua_gettop") ROVER_LUA_SYM(settop, "lua_settop")
    ROVER_LUA_SYM(pushvalue, "lua_pushvalue") ROVER_LUA_SYM(copy, "lua_copy")
    ROVER_LUA_SYM(checkstack, "lua_checkstack") ROVER_LUA_SYM(xmove, "lua_xmove")
    ROVER_LUA_SYM(type, "lua_type") ROVER_LUA_SYM(typename_, "lua_typename")
    ROVER_LUA_SYM(tonumberx, "lua_tonumberx") ROVER_LUA_SYM(tointegerx, "lua_tointegerx")
    ROVER_LUA_SYM(toboolean, "lua_toboolean") ROVER_LUA_SYM(tolstring, "lua_tolstring")
    ROVER_LUA_SYM(touserdata, "lua_touserdata") ROVER_LUA_SYM(topointer, "lua_topointer")
    ROVER_LUA_SYM(rawequal, "lua_rawequal") ROVER_LUA_SYM(pushnil, "lua_pushnil")
    ROVER_LUA_SYM(pushnumber, "lua_pushnumber") ROVER_LUA_SYM(pushinteger, "lua_pushinteger")
    ROVER_LUA_SYM(pushlstring, "lua_pushlstring") ROVER_LUA_SYM(pushfstring, "lua_pushfstring")
    ROVER_LUA_SYM(pushcclosure, "lua_pushcclosure") ROVER_LUA_SYM(pushboolean, "lua_pushboolean")
    ROVER_LUA_SYM(pushlightuserdata, "lua_pushlightuserdata") ROVER_LUA_SYM(createtable, "lua_createtable")
    ROVER_LUA_SYM(getmetatable, "lua_getmetatable") ROVER_LUA_SYM(setfield, "lua_setfield")
    ROVER_LUA_SYM(rawset, "lua_rawset") ROVER_LUA_SYM(setmetatable, "lua_setmetatable")
    ROVER_LUA_SYM(error, "lua_error") ROVER_LUA_SYM(next, "lua_next")
    ROVER_LUA_SYM(getallocf, "lua_getallocf") ROVER_LUA_SYM(sethook, "lua_sethook")
    ROVER_LUA_SYM(gethookcount, "lua_gethookcount") ROVER_LUA_SYM(openlibs, "luaL_openlibs")
    ROVER_LUA_SYM(ref, "luaL_ref") ROVER_LUA_SYM(unref, "luaL_unref")
    ROVER_LUA_SYM(errorL, "luaL_error") ROVER_LUA_SYM(traceback, "luaL_traceback")
    ROVER_LUA_SYM(callmeta, "luaL_callmeta") ROVER_LUA_SYM(testudata, "luaL_testudata")
    ROVER_LUA_SYM(checkudata, "luaL_checkudata") ROVER_LUA_SYM(setmetatableL, "luaL_setmetatable")
    ROVER_LUA_SYM(newmetatable, "luaL_newmetatable") ROVER_LUA_SYM(setfuncs, "luaL_setfuncs")
    ROVER_LUA_SYM(checkany, "luaL_checkany") ROVER_LUA_SYM(checktype, "luaL_checktype")
    ROVER_LUA_SYM(checklstring, "luaL_checklstring") ROVER_LUA_SYM(checkstackL, "luaL_checkstack")
    ROVER_LUA_SYM(loadstring, "luaL_loadstring") ROVER_LUA_SYM(loadbufferx, "luaL_loadbufferx")
    ROVER_LUA_SYM(gc, "lua_gc")
    if (!jit) {
        ROVER_LUA_SYM(absindex, "lua_absindex") ROVER_LUA_SYM(rotate, "lua_rotate")
        ROVER_LUA_SYM(isinteger, "lua_isinteger") ROVER_LUA_SYM(rawlen, "lua_rawlen")
        ROVER_LUA_SYM(pushstring, "lua_pushstring") ROVER_LUA_SYM(getglobal, "lua_getglobal")
        ROVER_LUA_SYM(getfield, "lua_getfield") ROVER_LUA_SYM(gettable, "lua_gettable")
        ROVER_LUA_SYM(rawget, "lua_rawget")
        ROVER_LUA_SYM(rawgeti, "lua_rawgeti") ROVER_LUA_SYM(rawgetp, "lua_rawgetp")
        ROVER_LUA_SYM(newuserdatauv, "lua_newuserdatauv") ROVER_LUA_SYM(getiuservalue, "lua_getiuservalue")
        ROVER_LUA_SYM(setglobal, "lua_setglobal") ROVER_LUA_SYM(rawseti, "lua_rawseti")
        ROVER_LUA_SYM(rawsetp, "lua_rawsetp") ROVER_LUA_SYM(setiuservalue, "lua_setiuservalue")
        ROVER_LUA_SYM(callk, "lua_callk") ROVER_LUA_SYM(pcallk, "lua_pcallk")
        ROVER_LUA_SYM(resume, "lua_resume")
        api->registryindex = ROVER_LUA54_REGISTRYINDEX;
        api->upvalue0 = ROVER_LUA54_REGISTRYINDEX;
        return NULL;
    }
    ROVER_LUA_SYM(rawlen, "lua_objlen")
    ROVER_LUA_SYM(jit.call, "lua_call") ROVER_LUA_SYM(jit.pcall, "lua_pcall")
    ROVER_LUA_SYM(jit.getfield, "lua_getfield") ROVER_LUA_SYM(jit.gettable, "lua_gettable")
    ROVER_LUA_SYM(jit.rawget, "lua_rawget")
    ROVER_LUA_SYM(jit.rawgeti, "lua_rawgeti") ROVER_LUA_SYM(jit.rawseti, "lua_rawseti")
    ROVER_LUA_SYM(jit.insert, "lua_insert") ROVER_LUA_SYM(jit.remove, "lua_remove")
    ROVER_LUA_SYM(jit.pushstring, "lua_pushstring") ROVER_LUA_SYM(jit.newuserdata, "lua_newuserdata")
    ROVER_LUA_SYM(jit.getfenv, "lua_getfenv") ROVER_LUA_SYM(jit.setfenv, "lua_setfenv")
    ROVER_LUA_SYM(jit.resume, "lua_resume") ROVER_LUA_SYM(jit.setmode, "luaJIT_setmode")
    api->absindex = rover_jit_absindex; api->rotate = rover_jit_rotate;
    api->isinteger = rover_jit_isinteger; api->pushstring = rover_jit_pushstring;
    api->getglobal = rover_jit_getglobal; api->getfield = rover_jit_getfield; api->gettable = rover_jit_gettable;
    api->rawget = rover_jit_rawget; api->rawgeti = rover_jit_rawgeti; api->rawgetp = rover_jit_rawgetp;
    api->newuserdatauv = rover_jit_newuserdatauv; api->getiuservalue = rover_jit_getiuservalue;
    api->setglobal = rover_jit_setglobal; api->rawseti = rover_jit_rawseti; api->rawsetp = rover_jit_rawsetp;
    api->setiuservalue = rover_jit_setiuservalue; api->callk = rover_jit_callk;
    api->pcallk = rover_jit_pcallk; api->resume = rover_jit_resume;
    api->registryindex = ROVER_LUA51_REGISTRYINDEX;
    api->upvalue0 = ROVER_LUA51_GLOBALSINDEX;
    return NULL;
}
#undef ROVER_LUA_SYM

/// The library file of each runtime (the runtime packages' sonames: liblua5.4-0, libluajit2-5.1-2).
static inline const char *rover_lua_soname(int kind) {
    return kind == ROVER_LUAJIT ? "libluajit-5.1.so.2" : "liblua5.4.so.0";
}

/// Loads runtime `kind` for this process, once: before any VM exists, from one thread or many.
/// Returns NULL when `kind` is (now) the process's runtime; else a message: the library or a
/// symbol is missing, or another runtime was loaded first.
static inline const char *rover_lua_open(int kind) {
    static __thread char msg[320];
    pthread_mutex_lock(&rover_lua_lock);
    const char *err = NULL;
    if (rover_lua.kind != 0) {
        if (rover_lua.kind != kind) err = "another Lua runtime is already loaded in this process";
    } else {
        void *h = dlopen(rover_lua_soname(kind), RTLD_NOW | RTLD_LOCAL);
        if (h == NULL) {
            const char *why = dlerror();
            snprintf(msg, sizeof msg, "cannot load %s: %s", rover_lua_soname(kind), why ? why : "?");
            err = msg;
        } else {
            RoverLuaAPI api = rover_lua;
            const char *missing = rover_lua_fill(&api, h, kind == ROVER_LUAJIT);
            if (missing) {
                snprintf(msg, sizeof msg, "%s has no %s", rover_lua_soname(kind), missing);
                err = msg;
                dlclose(h);
            } else {
                api.name = kind == ROVER_LUAJIT ? "LuaJIT 2.1" : "Lua 5.4";
                api.kind = 0;
                rover_lua = api;
                __atomic_store_n(&rover_lua.kind, kind, __ATOMIC_RELEASE);  // readers see a full table
            }
        }
    }
    pthread_mutex_unlock(&rover_lua_lock);
    return err;
}

/// The loaded runtime (0: none yet).
static inline int rover_lua_kind(void) { return __atomic_load_n(&rover_lua.kind, __ATOMIC_ACQUIRE); }

// MARK: - RoverBuf: a string builder the same on both runtimes

/// Bytes collected in a C array, then in a userdata on the Lua stack when they outgrow it.
/// `rover_buf_push` pushes the string (and drops that userdata): stack +1 overall. Nothing else may
/// be pushed between init and push.
typedef struct RoverBuf {
    lua_State *L;
    char *p;
    size_t n, cap;
    int boxed;
    char init[256];
} RoverBuf;

static inline void rover_buf_init(lua_State *L, RoverBuf *b) {
    b->L = L; b->p = b->init; b->n = 0; b->cap = sizeof b->init; b->boxed = 0;
}

/// Room for `more` bytes; returns where they go.
static inline char *rover_buf_reserve(RoverBuf *b, size_t more) {
    if (b->cap - b->n >= more) return b->p + b->n;
    size_t cap = b->cap * 2;
    if (cap < b->n + more) cap = b->n + more;
    char *np = (char *)lua_newuserdatauv(b->L, cap, 0);  // may raise: nothing to free
    memcpy(np, b->p, b->n);
    if (b->boxed) lua_remove(b->L, -2);  // the old box
    b->p = np; b->cap = cap; b->boxed = 1;
    return b->p + b->n;
}

static inline void rover_buf_add(RoverBuf *b, const char *s, size_t len) {
    memcpy(rover_buf_reserve(b, len), s, len);
    b->n += len;
}

static inline void rover_buf_addchar(RoverBuf *b, char c) {
    if (b->n == b->cap) rover_buf_reserve(b, 1);
    b->p[b->n++] = c;
}

static inline void rover_buf_push(RoverBuf *b) {
    lua_pushlstring(b->L, b->p, b->n);
    if (b->boxed) lua_remove(b->L, -2);
}

#endif
