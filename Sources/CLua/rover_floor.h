// The plain-C floor for the in-process benchmark: the same per-request work as the engine's
// params-only path (build ctx, pcall the handler, read the result) with no Swift, no router and
// no JSON, so the benchmark can quote the engine as a ratio to C measured in the same run.
#ifndef ROVER_FLOOR_H
#define ROVER_FLOOR_H

#include <time.h>
#include "rover_ctx_eager.h"

typedef struct RoverFloorResult {
    double ns_per_request;        // wall clock
    double cpu_ns_per_request;    // this thread's CPU time
    unsigned long long allocs;
    unsigned long long bytes;
    unsigned long long closures;
    int ok;                       // every result read back as "123"
} RoverFloorResult;

static inline long long rover_floor_now(clockid_t clock) {
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/// Runs `n` requests of `GET /users/123` → `return { user_id = ctx:params().id }` in a fresh
/// state. mode 0: eager ctx (4 closures); 1: lazy ctx (metatable __index); 2: cached.
static inline RoverFloorResult rover_floor_run(int mode, int n) {
    RoverFloorResult out = {0};
    RoverVMState st = {0};
    lua_State *L = rover_newstate(&st);
    luaL_openlibs(L);
    const char *src = "return function(ctx) return { user_id = ctx:params().id } end";
    if (luaL_loadstring(L, src) != LUA_OK || lua_pcall(L, 0, 1, 0) != LUA_OK) { lua_close(L); return out; }
    int handler = luaL_ref(L, LUA_REGISTRYINDEX);
    lua_createtable(L, 0, 1);
    rover_push_lazy_index(L, mode == 2);
    lua_setfield(L, -2, "__index");
    int mt = luaL_ref(L, LUA_REGISTRYINDEX);

    static const unsigned char base[] = "/users/123";
    static const char *names[] = { "id" };
    RoverSpan values[] = { { 7, 3 } };
    RoverRequest req = {0};
    req.base = base;
    req.param_names = names;
    req.param_values = values;
    req.param_count = 1;

    unsigned long long a0 = st.allocs, b0 = st.bytes, c0 = st.closures;
    long long t0 = rover_floor_now(CLOCK_MONOTONIC), c0t = rover_floor_now(CLOCK_THREAD_CPUTIME_ID);
    int ok = 1;
    for (int i = 0; i < n; i++) {
        st.generation++;
        req.generation = st.generation;
        lua_rawgeti(L, LUA_REGISTRYINDEX, handler);
        lua_createtable(L, 0, mode == 0 ? 6 : 3);
        int ctx = lua_gettop(L);
        lua_pushliteral(L, "GET");
        lua_setfield(L, ctx, "method");
        lua_pushlstring(L, (const char *)base, 10);
        lua_setfield(L, ctx, "path");
        rover_push_request_ref(L, &req);
        int ref = lua_gettop(L);
        if (mode == 0) {
            static const char *fields[] = { "headers", "query", "params", "body" };
            for (int k = 0; k < 4; k++) {
                rover_push_accessor_closure(L, ref, k);
                lua_setfield(L, ctx, fields[k]);
            }
            lua_pop(L, 1);
        } else {
            rover_push_hidden_key(L);
            lua_insert(L, -2);
            lua_rawset(L, ctx);
            lua_rawgeti(L, LUA_REGISTRYINDEX, mt);
            lua_setmetatable(L, ctx);
        }
        if (lua_pcall(L, 1, 1, 0) != LUA_OK) { ok = 0; lua_pop(L, 1); break; }
        lua_getfield(L, -1, "user_id");
        size_t len = 0;
        const char *s = lua_tolstring(L, -1, &len);
        if (s == NULL || len != 3 || memcmp(s, "123", 3) != 0) ok = 0;
        lua_pop(L, 2);
    }
    long long t1 = rover_floor_now(CLOCK_MONOTONIC), c1t = rover_floor_now(CLOCK_THREAD_CPUTIME_ID);
    out.ns_per_request = (double)(t1 - t0) / n;
    out.cpu_ns_per_request = (double)(c1t - c0t) / n;
    out.allocs = st.allocs - a0;
    out.bytes = st.bytes - b0;
    out.closures = st.closures - c0;
    out.ok = ok;
    lua_close(L);
    return out;
}

#endif
