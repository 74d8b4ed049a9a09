// The C functions Lua itself calls: the counting allocator, the instruction-budget hook, the
// message handler, and the request accessors behind ctx:headers() / query() / params() / body().
//
// Why C: Lua raises errors with longjmp. Everything here may raise (luaL_error, memory errors),
// and it does so from C frames only. Swift calls into Lua only through lua_pcall, and does its own
// stack work with the allocation limit disarmed, so no Lua error can unwind a Swift frame.
#ifndef ROVER_VM_H
#define ROVER_VM_H

#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <lua.h>
#include <lauxlib.h>
#include "rover_reject.h"

// MARK: - Per-VM state (the allocator's `ud`)

typedef struct RoverVMState {
    unsigned long long allocs;   // blocks allocated or grown
    unsigned long long bytes;    // bytes requested by those allocations (growth only for reallocs)
    size_t live;                 // bytes held now
    size_t peak;                 // high-water mark of `live`
    size_t limit;                // 0: no limit
    int limit_armed;             // the limit applies only while a handler runs
    int limit_hit;               // an allocation was refused since the last reset
    int budget_hit;              // the instruction budget ran out since the last reset
    unsigned long long closures; // accessor closures created (eager: 4 per request; lazy: per access)
    unsigned long long generation; // current request; a ctx kept past its request is refused
    int budget;                  // instructions per protected call (0: unlimited)
    int budget_armed;            // the budget applies only while a handler runs
    long long remaining;         // instructions the running handler may still use, all threads together
} RoverVMState;

static inline void *rover_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
    RoverVMState *st = (RoverVMState *)ud;
    size_t old = ptr ? osize : 0;  // when ptr is NULL, osize encodes the object type
    if (nsize == 0) {
        free(ptr);
        st->live -= old;
        return NULL;
    }
    if (nsize > old && st->limit_armed && st->limit != 0 && st->live - old + nsize > st->limit) {
        st->limit_hit = 1;
        return NULL;  // Lua raises LUA_ERRMEM from its own frame
    }
    void *p = realloc(ptr, nsize);
    if (p == NULL) return NULL;
    if (nsize > old) {
        st->allocs += 1;
        st->bytes += nsize - old;
    }
    st->live = st->live - old + nsize;
    if (st->live > st->peak) st->peak = st->live;
    return p;
}

static void rover_budget_hook(lua_State *L, lua_Debug *ar);

/// Hooks count per thread, in quanta of at most this many instructions.
#define ROVER_BUDGET_QUANTUM 1000

static inline lua_State *rover_newstate(RoverVMState *st) {
    lua_State *L = lua_newstate(rover_alloc, st);
    // Installed now, disarmed: every thread made later (coroutine.create/wrap, at load time or in a
    // handler) inherits the hook, so no coroutine runs outside the budget.
    if (L != NULL) lua_sethook(L, rover_budget_hook, LUA_MASKCOUNT, ROVER_BUDGET_QUANTUM);
    return L;
}

static inline RoverVMState *rover_vmstate(lua_State *L) {
    void *ud = NULL;
    (void)lua_getallocf(L, &ud);
    return (RoverVMState *)ud;
}

// MARK: - Instruction budget

// Lua's hooks are per thread: a count hook set on the main thread does not see the instructions of
// a coroutine the handler runs. So each thread counts in quanta (its own hook count) and every
// firing subtracts the quantum from the one `remaining` of the running handler; the budget is spent
// when `remaining` reaches 0, whichever threads ran. A thread that ends between two firings runs up
// to one quantum uncounted (the parent's instructions to create and resume it are counted).

static void rover_budget_hook(lua_State *L, lua_Debug *ar) {
    (void)ar;
    RoverVMState *st = rover_vmstate(L);
    if (!st->budget_armed) return;
    st->remaining -= lua_gethookcount(L);
    if (st->remaining > 0) return;
    st->budget_hit = 1;
    // From now on every instruction of this thread raises, so a handler cannot swallow the error
    // with pcall and keep looping: any instruction outside the inner pcall raises again.
    lua_sethook(L, rover_budget_hook, LUA_MASKCOUNT, 1);
    luaL_error(L, "instruction budget exhausted");
}

static inline int rover_budget_quantum(int budget) {
    return budget > 0 && budget < ROVER_BUDGET_QUANTUM ? budget : ROVER_BUDGET_QUANTUM;
}

/// Restarts `thread`'s own instruction count (for a coroutine about to run a new request).
static inline void rover_budget_thread(lua_State *thread, int budget) {
    lua_sethook(thread, rover_budget_hook, LUA_MASKCOUNT, rover_budget_quantum(budget));
}

/// Arms (count > 0) or disarms the budget for the next handler call on the main thread; restarts
/// the main thread's count. The hook stays installed either way (see rover_newstate).
static inline void rover_set_budget(lua_State *L, int count) {
    RoverVMState *st = rover_vmstate(L);
    st->remaining = count;
    st->budget_armed = count > 0;
    rover_budget_thread(L, count);
}

// MARK: - Message handler: error message + traceback

static int rover_msgh(lua_State *L) {
    if (rover_is_rejection(L, 1)) return 1;  // an HTTP answer, not a failure: no traceback
    const char *msg = lua_tostring(L, 1);
    if (msg == NULL) {
        if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING) return 1;
        msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
    }
    luaL_traceback(L, L, msg, 1);
    return 1;
}

static inline lua_CFunction rover_msgh_function(void) { return rover_msgh; }

// MARK: - Request data shared with the accessors

/// A byte range [off, off+len) in `RoverRequest.base`.
typedef struct RoverSpan { size_t off; size_t len; } RoverSpan;

/// One request, described by the engine for the duration of one handler call. Pointers refer to
/// Swift-owned memory that stays valid until the handler returns; `generation` lets an accessor
/// that escaped its request (stored in a global, called later) fail cleanly instead of reading it.
typedef struct RoverRequest {
    const unsigned char *base;       // bytes that the spans index into
    const char *method;              // static token ("GET"), for ctx.method
    size_t method_len;
    RoverSpan path;                  // for ctx.path
    RoverSpan query;                 // raw query string (no '?')
    int has_query;
    const RoverSpan *header_names;   // `header_count` names, then values
    const RoverSpan *header_values;
    int header_count;
    const char *const *param_names;  // route parameter names (NUL-terminated, stable)
    const RoverSpan *param_values;   // raw (percent-encoded) values in `base`
    int param_count;
    const unsigned char *body;       // NULL: no body
    size_t body_len;
    unsigned long long generation;
} RoverRequest;

/// The per-request object the accessors share (the seed's `Arc<RequestData>`): one full
/// userdata holding a pointer to the request and the generation it belongs to.
typedef struct RoverRequestRef {
    const RoverRequest *req;
    unsigned long long generation;
} RoverRequestRef;

enum RoverAccessor { ROVER_HEADERS = 0, ROVER_QUERY = 1, ROVER_PARAMS = 2, ROVER_BODY = 3 };

static inline const RoverRequest *rover_request_checked(lua_State *L, int idx) {
    const RoverRequestRef *ref = (const RoverRequestRef *)lua_touserdata(L, idx);
    // Each request slot carries the generation of the request it holds now (bumped when that
    // request ends), so several requests can be live in one VM (coroutines) and each ctx checks its own.
    if (ref == NULL || ref->req == NULL || ref->generation != ref->req->generation) {
        luaL_error(L, "ctx used after its request ended");
        return NULL;
    }
    return ref->req;
}

static inline int rover_hexval(unsigned char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/// Pushes `s` percent-decoded (and '+' as space when `plus`). Bad escapes pass through as is.
static inline void rover_push_decoded(lua_State *L, const unsigned char *s, size_t n, int plus) {
    size_t i = 0;
    while (i < n && s[i] != '%' && !(plus && s[i] == '+')) i++;
    if (i == n) { lua_pushlstring(L, (const char *)s, n); return; }  // nothing to decode
    luaL_Buffer b;
    luaL_buffinitsize(L, &b, n);
    luaL_addlstring(&b, (const char *)s, i);
    for (; i < n; i++) {
        unsigned char c = s[i];
        if (c == '%' && i + 2 < n && rover_hexval(s[i + 1]) >= 0 && rover_hexval(s[i + 2]) >= 0) {
            luaL_addchar(&b, (char)(rover_hexval(s[i + 1]) * 16 + rover_hexval(s[i + 2])));
            i += 2;
        } else if (plus && c == '+') {
            luaL_addchar(&b, ' ');
        } else {
            luaL_addchar(&b, (char)c);
        }
    }
    luaL_pushresult(&b);
}

/// Registry key of the headers table's metatable (made by rover_install_ctx in rover_ctx.h).
static inline void *rover_key_headers_mt(void) { return (void *)(uintptr_t)0x524f5602u; }

/// Pushes ctx method `k` (set, get, request_id) and returns 1, or returns 0 (rover_ctx.h).
static inline int rover_push_ctx_method(lua_State *L, const char *k, size_t n);

static int rover_push_headers(lua_State *L, const RoverRequest *r) {
    lua_createtable(L, 0, r->header_count);
    for (int i = 0; i < r->header_count; i++) {
        RoverSpan n = r->header_names[i];
        const unsigned char *p = r->base + n.off;
        size_t k = 0;
        while (k < n.len && !(p[k] >= 'A' && p[k] <= 'Z')) k++;
        if (k == n.len) {
            lua_pushlstring(L, (const char *)p, n.len);  // already lower case: no copy
        } else {
            luaL_Buffer b;
            char *out = luaL_buffinitsize(L, &b, n.len);
            for (size_t j = 0; j < n.len; j++) {
                unsigned char c = p[j];
                out[j] = (char)((c >= 'A' && c <= 'Z') ? c + 32 : c);
            }
            luaL_pushresultsize(&b, n.len);
        }
        RoverSpan v = r->header_values[i];
        lua_pushlstring(L, (const char *)r->base + v.off, v.len);
        lua_rawset(L, -3);  // a repeated header: the last one wins, as in Rover
    }
    lua_rawgetp(L, LUA_REGISTRYINDEX, rover_key_headers_mt());  // any spelling finds a name
    lua_setmetatable(L, -2);
    return 1;
}

static int rover_push_query(lua_State *L, const RoverRequest *r) {
    lua_newtable(L);
    if (!r->has_query) return 1;
    const unsigned char *s = r->base + r->query.off;
    size_t n = r->query.len, i = 0;
    while (i < n) {
        size_t start = i, eq = (size_t)-1;
        while (i < n && s[i] != '&') { if (s[i] == '=' && eq == (size_t)-1) eq = i; i++; }
        if (i > start) {
            size_t kend = eq == (size_t)-1 ? i : eq;
            rover_push_decoded(L, s + start, kend - start, 1);
            if (eq == (size_t)-1) lua_pushliteral(L, "");
            else rover_push_decoded(L, s + eq + 1, i - eq - 1, 1);
            lua_rawset(L, -3);
        }
        i++;  // skip '&'
    }
    return 1;
}

static int rover_push_params(lua_State *L, const RoverRequest *r) {
    lua_createtable(L, 0, r->param_count);
    for (int i = 0; i < r->param_count; i++) {
        RoverSpan v = r->param_values[i];
        rover_push_decoded(L, r->base + v.off, v.len, 0);
        lua_setfield(L, -2, r->param_names[i]);
    }
    return 1;
}

/// Calls the app's `rover.guard.__body_value` (rover_body.h) and returns 1, or returns 0 when
/// the app defines none.
static inline int rover_push_guard_body(lua_State *L, const RoverRequest *r);

/// ctx:body(): the app's guard body value when it defines one (as the seed's code does), else
/// the body string, whose methods (:json() …) the string metatable supplies (rover_body.h).
static int rover_push_body(lua_State *L, const RoverRequest *r) {
    if (r->body == NULL) return luaL_error(L, "Request has no body");
    if (rover_push_guard_body(L, r)) return 1;
    lua_pushlstring(L, (const char *)r->body, r->body_len);
    return 1;
}

static inline int rover_push_accessor_value(lua_State *L, const RoverRequest *r, int kind) {
    switch (kind) {
    case ROVER_HEADERS: return rover_push_headers(L, r);
    case ROVER_QUERY: return rover_push_query(L, r);
    case ROVER_PARAMS: return rover_push_params(L, r);
    default: return rover_push_body(L, r);
    }
}

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

/// The hidden slot of a lazy ctx: a light-userdata key Lua code cannot name. A fixed value, not
/// the address of a static, because each module that includes this header has its own statics.
static inline void rover_push_hidden_key(lua_State *L) { lua_pushlightuserdata(L, (void *)(uintptr_t)0x524f5652u); }

static inline int rover_accessor_kind(const char *k, size_t n) {
    switch (n) {
    case 4: if (memcmp(k, "body", 4) == 0) return ROVER_BODY; break;
    case 5: if (memcmp(k, "query", 5) == 0) return ROVER_QUERY; break;
    case 6: if (memcmp(k, "params", 6) == 0) return ROVER_PARAMS; break;
    case 7: if (memcmp(k, "headers", 7) == 0) return ROVER_HEADERS; break;
    }
    return -1;
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

// MARK: - Helpers for Swift

/// Sets ctx.method and ctx.path of the table at `t` (which has no metatable yet).
static inline void rover_push_method_and_path(lua_State *L, int t, const RoverRequest *r) {
    lua_pushlstring(L, r->method, r->method_len);
    lua_setfield(L, t, "method");
    lua_pushlstring(L, (const char *)r->base + r->path.off, r->path.len);
    lua_setfield(L, t, "path");
}

static inline RoverRequestRef *rover_push_request_ref(lua_State *L, const RoverRequest *r) {
    RoverRequestRef *ref = (RoverRequestRef *)lua_newuserdatauv(L, sizeof(RoverRequestRef), 0);
    ref->req = r;
    ref->generation = r->generation;
    return ref;
}

#endif
