// The `shared` context (beyond the seed): ctx is a table with method, path and the request ref in a
// hidden slot; ctx:headers() etc. are four C functions shared by every request, so no closure is
// made per request.
#ifndef ROVER_CTX_SHARED_H
#define ROVER_CTX_SHARED_H

#include "rover_ctx_common.h"

// MARK: - Shared accessors (beyond the seed): no closure per request at all

/// ctx:headers() etc. as plain shared C functions reading the request from ctx's hidden slot.
static int rover_shared_accessor(lua_State *L) {
    int kind = (int)lua_tointeger(L, lua_upvalueindex(1));
    if (!lua_istable(L, 1)) return luaL_error(L, "call ctx accessors with a colon: ctx:%s()",
        kind == ROVER_HEADERS ? "headers" : kind == ROVER_QUERY ? "query" : kind == ROVER_PARAMS ? "params" : "body");
    rover_push_hidden_key(L);
    lua_rawget(L, 1);
    const RoverRequest *r = rover_request_checked(L, -1);
    return rover_push_accessor_value(L, r, kind);
}

static inline void rover_push_shared_accessor(lua_State *L, int kind) {
    lua_pushinteger(L, kind);
    lua_pushcclosure(L, rover_shared_accessor, 1);
}

#endif
