// Rejections: errors that are an HTTP answer (a 400 for a malformed JSON body or for a body that
// fails validation), not a 500.
//
// A rejection is a table {status = n, message = "..."} with a per-VM metatable (registry key
// below, made by rover_install_body in rover_body.h; its __tostring gives the message). A
// validation error (rover_guard.h) also carries `errors`, which the engine answers as
// {"errors": […]}. The message handler passes a rejection through untouched and LuaVM.pcall turns
// it into `LuaError.Kind.rejected(status:)`.
#ifndef ROVER_REJECT_H
#define ROVER_REJECT_H

#include "rover_lua.h"
#include <stdint.h>

static inline void *rover_key_rejection_mt(void) { return (void *)(uintptr_t)0x524f5603u; }

/// Raises a rejection answered with `status` and `message`.
static int rover_reject(lua_State *L, int status, const char *message) {
    lua_createtable(L, 0, 2);
    lua_pushinteger(L, status);
    lua_setfield(L, -2, "status");
    lua_pushstring(L, message);
    lua_setfield(L, -2, "message");
    lua_rawgetp(L, LUA_REGISTRYINDEX, rover_key_rejection_mt());
    lua_setmetatable(L, -2);
    return lua_error(L);
}

/// Whether the value at `idx` is a rejection. Stack: unchanged.
static inline int rover_is_rejection(lua_State *L, int idx) {
    if (lua_type(L, idx) != LUA_TTABLE || !lua_getmetatable(L, idx)) return 0;
    lua_rawgetp(L, LUA_REGISTRYINDEX, rover_key_rejection_mt());
    int same = lua_rawequal(L, -1, -2);
    lua_pop(L, 2);
    return same;
}

#endif
