// What every context builder shares: the ctx methods (ctx:set, ctx:get, ctx:request_id), the
// metatable that makes ctx:headers() answer any spelling of a header name, and the registry keys.
// Each builder's own C is in rover_ctx_<name>.h (eager, lazy, shared, userdata; cached is lazy's
// __index with its cache flag set); their Swift is RoverLua/LuaVM+<Name>Context.swift.
//
// Like rover_vm.h, these are C functions Lua calls, so any error they raise unwinds C frames only.
// All per-VM values live in the registry under fixed light-userdata keys (not addresses of
// statics: each module including this header has its own statics), created once by
// `rover_install_ctx` while the memory limit is disarmed.
#ifndef ROVER_CTX_COMMON_H
#define ROVER_CTX_COMMON_H

#include <time.h>
#include "rover_request.h"

/// Registry keys and the ctx slot that holds ctx:set's table.
static inline void *rover_key_ctx_methods(void) { return (void *)(uintptr_t)0x524f5601u; }
static inline void rover_push_data_key(lua_State *L) { lua_pushlightuserdata(L, (void *)(uintptr_t)0x524f5653u); }

// MARK: - ctx:set / ctx:get: request-scoped values in a table created on the first set

/// ctx:set's arguments, for every builder's ctx:set: the key (2) must not be nil; leaves exactly
/// ctx, key and value on the stack.
static inline void rover_ctx_set_arguments(lua_State *L) {
    luaL_checkany(L, 2);
    if (lua_isnil(L, 2)) (void)luaL_error(L, "ctx:set: the key must not be nil");
    lua_settop(L, 3);
}

/// data[key] = value, with ctx:set's table on top (key 2, value 3). Returns ctx:set's 0 results.
static inline int rover_ctx_set_store(lua_State *L) {
    lua_pushvalue(L, 2);
    lua_pushvalue(L, 3);
    lua_rawset(L, -3);
    return 0;
}

static int rover_ctx_set(lua_State *L) {
    luaL_checktype(L, 1, LUA_TTABLE);
    rover_ctx_set_arguments(L);
    rover_push_data_key(L);
    if (lua_rawget(L, 1) != LUA_TTABLE) {
        lua_pop(L, 1);
        lua_createtable(L, 0, 2);
        rover_push_data_key(L);
        lua_pushvalue(L, -2);
        lua_rawset(L, 1);
    }
    return rover_ctx_set_store(L);
}

static int rover_ctx_get(lua_State *L) {
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_checkany(L, 2);
    rover_push_data_key(L);
    if (lua_rawget(L, 1) != LUA_TTABLE || lua_isnil(L, 2)) { lua_pushnil(L); return 1; }
    lua_pushvalue(L, 2);
    lua_rawget(L, -2);
    return 1;
}

// MARK: - ctx:request_id(): the X-Request-Id header (1–256 bytes), else a generated id

static inline int rover_name_is(const unsigned char *p, size_t n, const char *lower) {
    size_t k = strlen(lower);
    if (n != k) return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = p[i];
        if (c >= 'A' && c <= 'Z') c += 32;
        if (c != (unsigned char)lower[i]) return 0;
    }
    return 1;
}

/// As Rover: base62 of (milliseconds << 20 | counter). The counter is per VM; the VM's address
/// is mixed in so that two VMs answering in the same millisecond do not collide. Writes the id at
/// the end of `out` and returns where it starts (its length is 16 minus that).
static inline int rover_format_generated_id(RoverVMState *st, char out[16]) {
    static const char digits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    unsigned long long ms = (unsigned long long)ts.tv_sec * 1000ull + (unsigned long long)ts.tv_nsec / 1000000ull;
    unsigned long long n = (ms << 20) | ((st->generation / 2 + ((uintptr_t)st >> 4)) & 0xFFFFFull);
    int i = 16;
    do { out[--i] = digits[n % 62]; n /= 62; } while (n > 0 && i > 0);
    return i;
}

static inline void rover_push_generated_id(lua_State *L, RoverVMState *st) {
    char out[16];
    int i = rover_format_generated_id(st, out);
    lua_pushlstring(L, out + i, (size_t)(16 - i));
}

/// The first X-Request-Id field's value into `out` when it has 1-256 bytes (returns 1), else 0.
static inline int rover_header_request_id(const RoverRequest *r, RoverSpan *out) {
    for (int i = 0; i < r->header_count; i++) {
        RoverSpan n = r->header_names[i], v = r->header_values[i];
        if (rover_name_is(r->base + n.off, n.len, "x-request-id")) {
            if (v.len == 0 || v.len > 256) return 0;
            *out = v;
            return 1;
        }
    }
    return 0;
}

/// The Rover-defaults profile: stages `r`'s request id before the handler runs, as Rover's event
/// loop does for every routed request (rover-server/src/http_task.rs:50-68, called at
/// rover-server/src/event_loop.rs:3826): the first X-Request-Id field when it has 1-256 bytes
/// (returns 1), else a generated id (returns 2). No Lua state is touched.
static inline int rover_stage_request_id(RoverRequest *r, RoverVMState *st) {
    if (rover_header_request_id(r, &r->id)) {
        r->id_kind = 1;
        return 1;
    }
    char out[16];
    int i = rover_format_generated_id(st, out);
    memcpy(r->id_text, out + i, (size_t)(16 - i));
    r->id_kind = 2;
    r->id.off = 0;
    r->id.len = (size_t)(16 - i);
    return 2;
}

/// Pushes the id staged by `rover_stage_request_id` and returns 1, or returns 0 when none is.
static inline int rover_push_staged_id(lua_State *L, const RoverRequest *r) {
    if (r->id_kind == 1) { lua_pushlstring(L, (const char *)r->base + r->id.off, r->id.len); return 1; }
    if (r->id_kind == 2) { lua_pushlstring(L, r->id_text, r->id.len); return 1; }
    return 0;
}

/// ctx:request_id() before it generates one, for every builder: pushes the id staged by
/// `rover_stage_request_id`, else the X-Request-Id header's (1-256 bytes), and returns 1, or
/// returns 0 when there is neither.
static inline int rover_push_known_id(lua_State *L, const RoverRequest *r) {
    if (rover_push_staged_id(L, r)) return 1;
    RoverSpan v;
    if (!rover_header_request_id(r, &v)) return 0;
    lua_pushlstring(L, (const char *)r->base + v.off, v.len);
    return 1;
}

/// ctx:request_id(). The request comes from ctx's hidden slot (every builder fills it); a
/// generated id is kept in the ctx data table, so one request answers the same id every time.
/// Under the Rover-defaults profile the id staged before the handler ran is the answer.
static int rover_ctx_request_id(lua_State *L) {
    luaL_checktype(L, 1, LUA_TTABLE);
    rover_push_hidden_key(L);
    lua_rawget(L, 1);
    const RoverRequest *r = rover_request_checked(L, -1);
    if (rover_push_known_id(L, r)) return 1;
    void *idkey = (void *)(uintptr_t)0x524f5649u;  // a key Lua code cannot name
    rover_push_data_key(L);
    if (lua_rawget(L, 1) == LUA_TTABLE) {
        if (lua_rawgetp(L, -1, idkey) == LUA_TSTRING) return 1;
        lua_pop(L, 1);
    } else {
        lua_pop(L, 1);
        lua_createtable(L, 0, 1);
        rover_push_data_key(L);
        lua_pushvalue(L, -2);
        lua_rawset(L, 1);
    }
    rover_push_generated_id(L, rover_vmstate(L));
    lua_pushvalue(L, -1);
    lua_rawsetp(L, -3, idkey);
    return 1;
}

/// Pushes the per-VM table {set, get, request_id} (builders put it behind ctx's __index).
static inline void rover_push_ctx_methods(lua_State *L) {
    lua_rawgetp(L, LUA_REGISTRYINDEX, rover_key_ctx_methods());
}

/// Pushes ctx method `k` (length n), or nothing and returns 0 when `k` is not one.
static inline int rover_push_ctx_method(lua_State *L, const char *k, size_t n) {
    if (!((n == 3 && (memcmp(k, "set", 3) == 0 || memcmp(k, "get", 3) == 0)) ||
          (n == 10 && memcmp(k, "request_id", 10) == 0))) return 0;
    rover_push_ctx_methods(L);
    lua_pushlstring(L, k, n);
    lua_rawget(L, -2);
    lua_remove(L, -2);
    return 1;
}

// MARK: - Headers: any spelling of a name finds its (lower-case) key

static int rover_headers_index(lua_State *L) {
    size_t n = 0;
    const char *k = lua_type(L, 2) == LUA_TSTRING ? lua_tolstring(L, 2, &n) : NULL;
    if (k == NULL) return 0;
    size_t i = 0;
    while (i < n && !(k[i] >= 'A' && k[i] <= 'Z')) i++;
    if (i == n) return 0;  // already lower case: the raw miss stands
    RoverBuf b;
    rover_buf_init(L, &b);
    char *out = rover_buf_reserve(&b, n);
    for (size_t j = 0; j < n; j++) out[j] = (char)((k[j] >= 'A' && k[j] <= 'Z') ? k[j] + 32 : k[j]);
    b.n = n;
    rover_buf_push(&b);
    lua_rawget(L, 1);
    return 1;
}

/// Creates the per-VM registry values above. Once per VM, before any request.
static inline void rover_install_ctx(lua_State *L) {
    lua_createtable(L, 0, 3);
    lua_pushcfunction(L, rover_ctx_set);
    lua_setfield(L, -2, "set");
    lua_pushcfunction(L, rover_ctx_get);
    lua_setfield(L, -2, "get");
    lua_pushcfunction(L, rover_ctx_request_id);
    lua_setfield(L, -2, "request_id");
    lua_rawsetp(L, LUA_REGISTRYINDEX, rover_key_ctx_methods());
    lua_createtable(L, 0, 1);
    lua_pushcfunction(L, rover_headers_index);
    lua_setfield(L, -2, "__index");
    lua_rawsetp(L, LUA_REGISTRYINDEX, rover_key_headers_mt());
}

#endif
