// The `lazy` and `cached` contexts (the seed's Solutions 1 and 2): ctx holds method, path and the
// request ref in a hidden slot; its metatable's __index makes an accessor closure (rover_ctx_eager.h)
// when a field is first read, and `cached` also stores it in ctx (rawset).
#ifndef ROVER_CTX_LAZY_H
#define ROVER_CTX_LAZY_H

#include "rover_ctx_common.h"
#include "rover_ctx_eager.h"

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
