// The `eager` context (the seed's current code): four accessor closures per request, each holding
// the request ref (upvalue 1) and the accessor kind (upvalue 2). `lazy` and `cached`
// (rover_ctx_lazy.h) make the same closures, on first access.
#ifndef ROVER_CTX_EAGER_H
#define ROVER_CTX_EAGER_H

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

#endif
