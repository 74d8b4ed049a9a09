// The `userdata` context (what Rover ships, rover-server/src/http_task.rs): ctx is a full
// userdata taken from a per-VM pool of preallocated ones, not a table. Its metatable reads the
// current request: `ctx.method` and `ctx.path` are getters, `ctx:headers()`, `query()`, `params()`
// and `body()` are shared methods that build their table on each call, beside ctx:set/get/request_id.
// No closure and no table per request; a handler that writes a field (`ctx.user = "u"`) or calls
// ctx:set gets a per-request table in the userdata's user value, cleared when the userdata is
// handed out again.
//
// Pooling and "ctx used after its request ended": a pooled ctx is a RoverRequestRef (request slot
// + the generation it was bound to). It is free again once its request ended (the slot's generation
// moved on), so no release call is needed. The pool hands slots out round-robin, so a ctx kept in a
// global is refused until the pool wraps (`size` requests later); after that the same userdata
// serves a newer request and the kept reference reads that one (Rover's pool, which hands the last
// released ctx out first, aliases on the very next request).
#ifndef ROVER_CTX_USERDATA_H
#define ROVER_CTX_USERDATA_H

#include "rover_request.h"
#include "rover_ctx_common.h"

#define ROVER_UDCTX_META "rover.ctx"

/// The pool's bookkeeping, a full userdata whose user value 1 is the array of ctx userdata.
typedef struct RoverUDPool {
    int size;
    int next;                       // round-robin cursor
} RoverUDPool;

/// Argument 1 when it is a ctx: a full userdata whose metatable is upvalue `mt` (the ctx
/// metatable itself, so no registry lookup by name as luaL_testudata does; that lookup was about a
/// sixth of a params() call under callgrind). NULL otherwise.
static inline RoverRequestRef *rover_udctx_self_up(lua_State *L, int mt) {
    if (lua_type(L, 1) != LUA_TUSERDATA || !lua_getmetatable(L, 1)) return NULL;
    int same = lua_rawequal(L, -1, lua_upvalueindex(mt));
    lua_pop(L, 1);
    return same ? (RoverRequestRef *)lua_touserdata(L, 1) : NULL;
}

/// ctx:headers() / query() / params() / body(). Upvalue 1: accessor kind; 2: the ctx metatable.
static int rover_udctx_method(lua_State *L) {
    int kind = (int)lua_tointeger(L, lua_upvalueindex(1));
    if (rover_udctx_self_up(L, 2) == NULL) return luaL_error(L, "call ctx accessors with a colon: ctx:%s()",
        kind == ROVER_HEADERS ? "headers" : kind == ROVER_QUERY ? "query" : kind == ROVER_PARAMS ? "params" : "body");
    return rover_push_accessor_value(L, rover_request_checked(L, 1), kind);
}

/// Pushes the request's own table (user value 1), making it first when `create`; returns whether
/// it is a table (when not, a nil was pushed).
static inline int rover_udctx_fields(lua_State *L, int idx, int create) {
    if (lua_getiuservalue(L, idx, 1) == LUA_TTABLE) return 1;
    if (!create) return 0;
    lua_pop(L, 1);
    lua_createtable(L, 0, 2);
    lua_pushvalue(L, -1);
    lua_setiuservalue(L, idx, 1);
    return 1;
}

/// Pushes ctx:set's table (in the request's own table under a key Lua code cannot name), making
/// it first when `create`; returns whether it is a table.
static inline int rover_udctx_data(lua_State *L, int create) {
    if (!rover_udctx_fields(L, 1, create)) return 0;
    rover_push_data_key(L);
    if (lua_rawget(L, -2) == LUA_TTABLE) { lua_remove(L, -2); return 1; }
    lua_pop(L, 1);
    if (!create) { lua_pop(L, 1); lua_pushnil(L); return 0; }
    lua_createtable(L, 0, 2);
    rover_push_data_key(L);
    lua_pushvalue(L, -2);
    lua_rawset(L, -4);
    lua_remove(L, -2);
    return 1;
}

/// ctx:set(k, v) and ctx:get(k) (rover_ctx_common.h has them for table contexts): request-scoped
/// values, forgotten when the pooled userdata serves another request.
static int rover_udctx_set(lua_State *L) {
    luaL_checkudata(L, 1, ROVER_UDCTX_META);
    (void)rover_request_checked(L, 1);
    rover_ctx_set_arguments(L);
    rover_udctx_data(L, 1);
    return rover_ctx_set_store(L);
}

static int rover_udctx_get(lua_State *L) {
    luaL_checkudata(L, 1, ROVER_UDCTX_META);
    (void)rover_request_checked(L, 1);
    luaL_checkany(L, 2);
    lua_settop(L, 2);
    if (!rover_udctx_data(L, 0) || lua_isnil(L, 2)) { lua_pushnil(L); return 1; }
    lua_pushvalue(L, 2);
    lua_rawget(L, -2);
    return 1;
}

/// ctx:request_id(), as rover_ctx_request_id: the X-Request-Id header (1-256 bytes), else an id
/// generated once per request.
static int rover_udctx_request_id(lua_State *L) {
    luaL_checkudata(L, 1, ROVER_UDCTX_META);
    const RoverRequest *r = rover_request_checked(L, 1);
    if (rover_push_known_id(L, r)) return 1;
    void *idkey = (void *)(uintptr_t)0x524f5649u;  // the key rover_ctx_request_id uses
    lua_settop(L, 1);
    rover_udctx_data(L, 1);
    if (lua_rawgetp(L, -1, idkey) == LUA_TSTRING) return 1;
    lua_pop(L, 1);
    rover_push_generated_id(L, rover_vmstate(L));
    lua_pushvalue(L, -1);
    lua_rawsetp(L, -3, idkey);
    return 1;
}

/// __index(ctx, key): a field the handler wrote, else method/path, else a method, else nil.
/// Upvalues 1-4: the four accessors, by accessor kind; 5-7: set, get, request_id.
static int rover_udctx_index(lua_State *L) {
    if (lua_getiuservalue(L, 1, 1) == LUA_TTABLE) {
        lua_pushvalue(L, 2);
        if (lua_rawget(L, -2) != LUA_TNIL) return 1;
        lua_pop(L, 2);
    } else {
        lua_pop(L, 1);
    }
    size_t n = 0;
    const char *k = lua_type(L, 2) == LUA_TSTRING ? lua_tolstring(L, 2, &n) : NULL;
    if (k == NULL) return 0;
    if (n == 6 && memcmp(k, "method", 6) == 0) {
        const RoverRequest *r = rover_request_checked(L, 1);
        lua_pushlstring(L, r->method, r->method_len);
        return 1;
    }
    if (n == 4 && memcmp(k, "path", 4) == 0) {
        const RoverRequest *r = rover_request_checked(L, 1);
        lua_pushlstring(L, (const char *)r->base + r->path.off, r->path.len);
        return 1;
    }
    int kind = rover_accessor_kind(k, n);
    if (kind < 0) {
        if (n == 3 && memcmp(k, "set", 3) == 0) kind = 4;
        else if (n == 3 && memcmp(k, "get", 3) == 0) kind = 5;
        else if (n == 10 && memcmp(k, "request_id", 10) == 0) kind = 6;
        else return 0;
    }
    lua_pushvalue(L, lua_upvalueindex(kind + 1));
    return 1;
}

/// __newindex(ctx, key, value): stored in the request's own table (the user value), made on
/// first write. Writing to a ctx whose request ended is refused like reading.
static int rover_udctx_newindex(lua_State *L) {
    (void)rover_request_checked(L, 1);
    if (lua_getiuservalue(L, 1, 1) != LUA_TTABLE) {
        lua_pop(L, 1);
        lua_createtable(L, 0, 2);
        lua_pushvalue(L, -1);
        lua_setiuservalue(L, 1, 1);
    }
    lua_pushvalue(L, 2);
    lua_pushvalue(L, 3);
    lua_rawset(L, -3);
    return 0;
}

/// Pushes one unbound ctx userdata with the ctx metatable. Stack: +1.
static inline void rover_udctx_pushnew(lua_State *L) {
    RoverRequestRef *c = (RoverRequestRef *)lua_newuserdatauv(L, sizeof(RoverRequestRef), 1);
    c->req = NULL;
    c->generation = 0;
    luaL_setmetatable(L, ROVER_UDCTX_META);
}

/// Creates the ctx metatable and a pool of `size` preallocated ctx userdata. Call once per VM,
/// outside any handler. Leaves the pool on the stack (the caller keeps it in the registry). Stack: +1.
static inline void rover_udctx_newpool(lua_State *L, int size) {
    if (luaL_newmetatable(L, ROVER_UDCTX_META)) {
        int mt = lua_gettop(L);
        for (int kind = ROVER_HEADERS; kind <= ROVER_BODY; kind++) {
            lua_pushinteger(L, kind);
            lua_pushvalue(L, mt);
            lua_pushcclosure(L, rover_udctx_method, 2);
        }
        lua_pushcfunction(L, rover_udctx_set);
        lua_pushcfunction(L, rover_udctx_get);
        lua_pushcfunction(L, rover_udctx_request_id);
        lua_pushcclosure(L, rover_udctx_index, 7);
        lua_setfield(L, -2, "__index");
        lua_pushcfunction(L, rover_udctx_newindex);
        lua_setfield(L, -2, "__newindex");
    }
    lua_pop(L, 1);
    RoverUDPool *p = (RoverUDPool *)lua_newuserdatauv(L, sizeof(RoverUDPool), 1);
    p->size = size;
    p->next = 0;
    lua_createtable(L, size, 0);
    for (int i = 1; i <= size; i++) {
        rover_udctx_pushnew(L);
        lua_rawseti(L, -2, i);
    }
    lua_setiuservalue(L, -2, 1);
}

/// Binds a free pooled ctx to `r` and pushes it (a fresh, unpooled one when all are busy, as can
/// happen only with more than `size` suspended requests). Allocates nothing in the common case,
/// so it cannot raise. Stack: +1.
static inline void rover_udctx_push(lua_State *L, int poolref, const RoverRequest *r) {
    lua_rawgeti(L, LUA_REGISTRYINDEX, poolref);
    RoverUDPool *p = (RoverUDPool *)lua_touserdata(L, -1);
    lua_getiuservalue(L, -1, 1);
    for (int tries = 0; tries < p->size; tries++) {
        int i = p->next;
        p->next = i + 1 == p->size ? 0 : i + 1;
        lua_rawgeti(L, -1, i + 1);
        RoverRequestRef *c = (RoverRequestRef *)lua_touserdata(L, -1);
        if (c->req == NULL || c->req->generation != c->generation) {  // its request ended: free
            c->req = r;
            c->generation = r->generation;
            lua_pushnil(L);
            lua_setiuservalue(L, -2, 1);  // forget the last request's fields
            lua_replace(L, -3);
            lua_pop(L, 1);
            return;
        }
        lua_pop(L, 1);
    }
    lua_pop(L, 2);
    rover_udctx_pushnew(L);
    RoverRequestRef *c = (RoverRequestRef *)lua_touserdata(L, -1);
    c->req = r;
    c->generation = r->generation;
}

#endif
