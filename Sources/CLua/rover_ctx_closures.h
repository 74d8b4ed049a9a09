// The closure contexts (the seed's proposals): `eager` makes four accessor closures per request,
// `lazy` makes one when a field is first read (metatable __index), `cached` also stores it in ctx.
// Each closure holds the request ref (upvalue 1) and the accessor kind (upvalue 2).
#ifndef ROVER_CTX_CLOSURES_H
#define ROVER_CTX_CLOSURES_H

#include "rover_request.h"

// MARK: - Accessor closures (eager, lazy, cached): upvalue 1 = request ref, 2 = accessor kind

static int rover_accessor_closure(lua_State *L) {
    const RoverRequest *r = rover_request_checked(L, lua_upvalueindex(1));
    return rover_push_accessor_value(L, r, (int)lua_tointeger(L, lua_upvalueindex(2)));
}

/// Pushes a new accessor closure over the request ref at `refidx`; counts it.
static inline void rover_push_accessor_closure(lua_State *L, int refidx, int kind) {
    lua_pushvalue(L, refidx);
    lua_pushinteger(L, kind);
    lua_pushcclosure(L, rover_accessor_closure, 2);
    rover_vmstate(L)->closures += 1;
}

/// __index(ctx, key) for the lazy and cached contexts. Upvalue 1: 1 = cache with rawset.
static int rover_lazy_index(lua_State *L) {
    size_t n = 0;
    const char *k = lua_type(L, 2) == LUA_TSTRING ? lua_tolstring(L, 2, &n) : NULL;
    int kind = k ? rover_accessor_kind(k, n) : -1;
    if (kind < 0) return k ? rover_push_ctx_method(L, k, n) : 0;  // else nil, as a plain table gives
    rover_push_hidden_key(L);
    lua_rawget(L, 1);  // the request ref
    rover_push_accessor_closure(L, lua_gettop(L), kind);
    if (lua_toboolean(L, lua_upvalueindex(1))) {
        lua_pushvalue(L, 2);
        lua_pushvalue(L, -2);
        lua_rawset(L, 1);  // cached: the next access is a plain table hit
    }
    return 1;
}

static inline void rover_push_lazy_index(lua_State *L, int cached) {
    lua_pushboolean(L, cached);
    lua_pushcclosure(L, rover_lazy_index, 1);
}

#endif
