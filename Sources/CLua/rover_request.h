// The request as the accessors see it: spans into one buffer that the engine fills per request,
// and the functions that build ctx:headers() / query() / params() / body() values from it (percent
// decoding, lower-case header names). Every context strategy reads requests through this header.
//
// C, because these run inside handlers and may raise (rover_vm.h says why that must be C).
#ifndef ROVER_REQUEST_H
#define ROVER_REQUEST_H

#include "rover_vm.h"

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
    // The Rover-defaults profile only (zero otherwise): the request id staged before the handler
    // runs, as Rover's event loop does for every routed request. 1: `id` spans `base` (an
    // X-Request-Id of 1-256 bytes), 2: `id_text` holds a generated one.
    int id_kind;
    RoverSpan id;
    char id_text[16];
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
    RoverBuf b;
    rover_buf_init(L, &b);
    rover_buf_add(&b, (const char *)s, i);
    for (; i < n; i++) {
        unsigned char c = s[i];
        if (c == '%' && i + 2 < n && rover_hexval(s[i + 1]) >= 0 && rover_hexval(s[i + 2]) >= 0) {
            rover_buf_addchar(&b, (char)(rover_hexval(s[i + 1]) * 16 + rover_hexval(s[i + 2])));
            i += 2;
        } else if (plus && c == '+') {
            rover_buf_addchar(&b, ' ');
        } else {
            rover_buf_addchar(&b, (char)c);
        }
    }
    rover_buf_push(&b);
}

/// Registry key of the headers table's metatable (made by rover_install_ctx in rover_ctx_common.h).
static inline void *rover_key_headers_mt(void) { return (void *)(uintptr_t)0x524f5602u; }

/// Pushes ctx method `k` (set, get, request_id) and returns 1, or returns 0 (rover_ctx_common.h).
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
            RoverBuf b;
            rover_buf_init(L, &b);
            char *out = rover_buf_reserve(&b, n.len);
            for (size_t j = 0; j < n.len; j++) {
                unsigned char c = p[j];
                out[j] = (char)((c >= 'A' && c <= 'Z') ? c + 32 : c);
            }
            b.n = n.len;
            rover_buf_push(&b);
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
