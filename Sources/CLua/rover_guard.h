// Validation: `ctx:body():expect(schema)`, `ctx:body():json():expect(schema)` and
// `rover.guard(data, schema)`, with the semantics of Rover's validator (rover-types/src/guard.rs,
// `validate_field` / `validate_table`; rover.guard's copy in rover-core/src/guard.rs differs only
// in one error type, `core` below). C, like Rover's Rust, so that its per-request cost is real work,
// the same under every context builder, and so that its errors are raised from C (rover_vm.h).
//
// A schema is a table of field name → validator config. How each config is read, as Rover reads it
// (mlua: `get` honours metamethods, `raw_get` does not, a `bool` is Lua truthiness):
// - `type`  (get): "string" "number" "integer" "boolean" "array" "object"; anything else fails;
// - `required` (get, truthiness): a builder-made validator (rover.guard:string() …, the prelude)
//   has no `required` field but its metatable's __index holds the `:required` *method*, a
//   function, which is true: every builder-made field is required;
// - `required_msg`, `default`, `enum` (raw_get): builders store `_required_msg`, `_default`,
//   `_enum`, which Rover never reads, so `:required(msg)`, `:default(v)` and `:enum{…}` change
//   nothing for builder-made validators; plain config tables ({type = "string", required = true,
//   default = "x", enum = {…}, required_msg = "…"}) use them all;
// - `element` (array) and `schema` (object) (get).
// A missing (nil) value takes the default (unchecked), else fails "required" when required, else
// stays nil. "number" turns integers into floats; "integer" accepts an integral float and turns it
// into an integer; enums apply to strings. Errors are collected (every field, every array element)
// with their paths (`user.name`, `items[2].id`), then raised together as a 400 rejection carrying
// them: `{"errors":[{"field":…,"message":…,"type":…}]}` uncaught (Rover's to_json_string), and
// Rover's ValidationErrors text as tostring(err) (what Rover's pcall'd error prints).
//
// Where this differs from Rover, and why: schema fields are visited in sorted (bytewise) order,
// not Lua's `next` order, so that the list of errors is the same on every VM (README: JSON object
// keys are sorted); array length and enum entries are read raw (#, rawgeti) where Rover's mlua
// calls honour __len / __index (tables from JSON have neither); nesting deeper than 100 levels
// (a cyclic schema) is a Lua error where Rover would overflow its stack. The recursion keeps its
// frames small (messages are built in helpers that are not inlined into it).
#ifndef ROVER_GUARD_H
#define ROVER_GUARD_H

#include <math.h>
#include <stdlib.h>
#include "rover_json.h"

enum { ROVER_GUARD_PATH_MAX = 4096, ROVER_GUARD_DEPTH_MAX = 100, ROVER_GUARD_SMALL = 8 };

typedef struct RoverGuard {
    lua_State *L;
    int errs;       // stack slot of the error list (nil until the first error)
    int nerrs;
    int core;       // rover.guard(data, schema): rover-core's copy types a bad enum entry "config"
    int depth;
    size_t plen;
    char path[ROVER_GUARD_PATH_MAX];
} RoverGuard;

static inline void *rover_key_json_mt(void) { return (void *)(uintptr_t)0x524f5604u; }

// MARK: - Paths and errors

static void rover_guard_path_add(RoverGuard *g, const char *s, size_t n) {
    if (g->plen + n >= sizeof g->path) luaL_error(g->L, "validation: field path longer than %d bytes", (int)sizeof g->path);
    memcpy(g->path + g->plen, s, n);
    g->plen += n;
}

/// Appends the error whose message is on top of the stack (popped), at the current path.
static void rover_guard_record(RoverGuard *g, const char *type) {
    lua_State *L = g->L;
    if (lua_type(L, g->errs) != LUA_TTABLE) {
        lua_createtable(L, 4, 0);
        lua_replace(L, g->errs);
    }
    lua_createtable(L, 0, 3);
    lua_pushlstring(L, g->path, g->plen);
    lua_setfield(L, -2, "field");
    lua_pushvalue(L, -2);
    lua_setfield(L, -2, "message");
    lua_pushstring(L, type);
    lua_setfield(L, -2, "type");
    lua_rawseti(L, g->errs, ++g->nerrs);
    lua_pop(L, 1);
}

/// Records `message` (a C string) and returns 0: the field failed. Stack: back to `base`.
static int rover_guard_fail(RoverGuard *g, int base, const char *message, const char *type) {
    lua_settop(g->L, base);
    lua_pushstring(g->L, message);
    rover_guard_record(g, type);
    return 0;
}

/// The name Rover's messages give a value's type (mlua's Value::type_name): integers and floats
/// apart ("integer" / "number"; on LuaJIT an integral number is an integer, as mlua reads it).
static const char *rover_guard_typename(lua_State *L, int idx) {
    switch (lua_type(L, idx)) {
    case LUA_TNIL: return "nil";
    case LUA_TBOOLEAN: return "boolean";
    case LUA_TNUMBER: return lua_isinteger(L, idx) ? "integer" : "number";
    case LUA_TSTRING: return "string";
    case LUA_TTABLE: return "table";
    case LUA_TFUNCTION: return "function";
    case LUA_TTHREAD: return "thread";
    case LUA_TLIGHTUSERDATA: return "lightuserdata";
    default: return "userdata";
    }
}

/// `v` as Rust's `{}` prints an f64: the shortest digits that read back as `v`, never an exponent.
static void rover_guard_rust_f64(double v, char *out, size_t cap) {
    if (isnan(v)) { snprintf(out, cap, "NaN"); return; }
    if (isinf(v)) { snprintf(out, cap, v < 0 ? "-inf" : "inf"); return; }
    char e[40];
    for (int p = 1; p <= 17; p++) {
        snprintf(e, sizeof e, "%.*e", p - 1, v);
        if (strtod(e, NULL) == v) break;
    }
    // e: [-]d[.ddd]e[+-]xx
    char digits[24]; int nd = 0, neg = 0;
    const char *s = e;
    if (*s == '-') { neg = 1; s++; }
    while (*s && *s != 'e') { if (*s != '.') digits[nd++] = *s; s++; }
    int exp = atoi(s + 1);
    while (nd > 1 && digits[nd - 1] == '0') nd--;  // "1.50" → "15", exp 0 → 1.5
    size_t o = 0;
    #define PUT(c) do { if (o + 1 < cap) out[o++] = (c); } while (0)
    if (neg) PUT('-');
    if (exp < 0) {
        PUT('0'); PUT('.');
        for (int k = 0; k < -exp - 1; k++) PUT('0');
        for (int k = 0; k < nd; k++) PUT(digits[k]);
    } else {
        for (int k = 0; k <= exp; k++) PUT(k < nd ? digits[k] : '0');
        if (nd > exp + 1) {
            PUT('.');
            for (int k = exp + 1; k < nd; k++) PUT(digits[k]);
        }
    }
    #undef PUT
    out[o] = 0;
}

/// "Field '<path>' is required", or the config's required_msg at `msg` (0: none). Stack: unchanged.
static __attribute__((noinline)) void rover_guard_required(RoverGuard *g, int msg) {
    lua_State *L = g->L;
    if (msg) {
        lua_pushvalue(L, msg);
    } else {
        RoverBuf b;
        rover_buf_init(L, &b);
        rover_buf_add(&b, "Field '", 7);
        rover_buf_add(&b, g->path, g->plen);
        rover_buf_add(&b, "' is required", 13);
        rover_buf_push(&b);
    }
    rover_guard_record(g, "required");
}

/// "Must be one of: a, b. Got: 'v'": the string entries of the enum table at `enums`. Stack:
/// unchanged. (Each entry stays alive in its table while the buffer grows: it is popped before
/// its bytes are added, so the buffer's box stays on top.)
static __attribute__((noinline)) void rover_guard_enum_error(RoverGuard *g, int enums, lua_Integer nenum, const char *v, size_t vn) {
    lua_State *L = g->L;
    RoverBuf b;
    rover_buf_init(L, &b);
    rover_buf_add(&b, "Must be one of: ", 16);
    int first = 1;
    for (lua_Integer i = 1; i <= nenum; i++) {
        const char *s = NULL;
        size_t n = 0;
        if (lua_rawgeti(L, enums, i) == LUA_TSTRING) s = lua_tolstring(L, -1, &n);
        lua_pop(L, 1);
        if (!s) continue;
        if (!first) rover_buf_add(&b, ", ", 2);
        first = 0;
        rover_buf_add(&b, s, n);
    }
    rover_buf_add(&b, ". Got: '", 8);
    rover_buf_add(&b, v, vn);
    rover_buf_addchar(&b, '\'');
    rover_buf_push(&b);
    rover_guard_record(g, "enum");
}

/// "Unknown validator type: <type>". Stack: unchanged.
static __attribute__((noinline)) void rover_guard_unknown(RoverGuard *g, const char *type, size_t tlen) {
    RoverBuf b;
    rover_buf_init(g->L, &b);
    rover_buf_add(&b, "Unknown validator type: ", 24);
    rover_buf_add(&b, type, tlen);
    rover_buf_push(&b);
    rover_guard_record(g, "config");
}

/// "Must be a string, got integer" … Stack: unchanged.
static __attribute__((noinline)) void rover_guard_wrong_type(RoverGuard *g, const char *type, size_t tlen, int value) {
    char line[96];
    int an = (tlen == 5 && memcmp(type, "array", 5) == 0) || (tlen == 6 && memcmp(type, "object", 6) == 0)
          || (tlen == 7 && memcmp(type, "integer", 7) == 0);
    snprintf(line, sizeof line, "Must be %s %.*s, got %s", an ? "an" : "a", (int)tlen, type, rover_guard_typename(g->L, value));
    lua_pushstring(g->L, line);
    rover_guard_record(g, "type");
}

/// "Must be an integer, got float 1.5". Stack: unchanged.
static __attribute__((noinline)) void rover_guard_not_integral(RoverGuard *g, double n) {
    char num[64], line[96];
    rover_guard_rust_f64(n, num, sizeof num);
    snprintf(line, sizeof line, "Must be an integer, got float %s", num);
    lua_pushstring(g->L, line);
    rover_guard_record(g, "type");
}

// MARK: - Validation

static int rover_guard_table(RoverGuard *g, int data, int schema);

/// Validates the value at `value` against the config table at `config`, at the current path.
/// Returns 1 with the validated value pushed, or 0 with nothing pushed (its errors recorded).
static int rover_guard_field(RoverGuard *g, int value, int config) {
    lua_State *L = g->L;
    luaL_checkstack(L, 12, "validation");
    const int base = lua_gettop(L);

    // type (get; a number is read as its text, as mlua converts it to a String)
    int tt = lua_getfield(L, config, "type");  // base + 1 (a copy: converting it changes no table)
    size_t tlen = 0;
    const char *type = (tt == LUA_TSTRING || tt == LUA_TNUMBER) ? lua_tolstring(L, base + 1, &tlen) : NULL;
    if (!type || !rover_utf8_valid((const unsigned char *)type, tlen)) {
        return rover_guard_fail(g, base, "Invalid validator configuration", "config");
    }
    // required (get: truthiness)
    lua_getfield(L, config, "required");
    int required = lua_toboolean(L, -1);
    lua_pop(L, 1);
    // required_msg (raw_get: a string, which must be UTF-8)
    lua_pushliteral(L, "required_msg");
    int msg = lua_rawget(L, config) == LUA_TSTRING ? base + 2 : 0;  // slot base + 2
    if (msg) {
        size_t n = 0;
        const char *m = lua_tolstring(L, msg, &n);
        if (!rover_utf8_valid((const unsigned char *)m, n)) return rover_guard_fail(g, base, "Invalid required message", "config");
    }
    // default (raw_get: a string, number or boolean)
    lua_pushliteral(L, "default");
    int dt = lua_rawget(L, config);  // slot base + 3
    int has_default = dt == LUA_TSTRING || dt == LUA_TNUMBER || dt == LUA_TBOOLEAN;
    // enum (raw_get: a table; its string entries, which must be UTF-8)
    lua_pushliteral(L, "enum");
    int enums = lua_rawget(L, config) == LUA_TTABLE ? base + 4 : 0;  // slot base + 4
    lua_Integer nenum = 0;
    if (enums) {
        nenum = (lua_Integer)lua_rawlen(L, enums);
        for (lua_Integer i = 1; i <= nenum; i++) {
            if (lua_rawgeti(L, enums, i) == LUA_TSTRING) {
                size_t n = 0;
                const char *s = lua_tolstring(L, -1, &n);
                if (!rover_utf8_valid((const unsigned char *)s, n)) {
                    return rover_guard_fail(g, base, "Invalid enum value", g->core ? "config" : "type");
                }
            }
            lua_pop(L, 1);
        }
    }

    if (lua_type(L, value) == LUA_TNIL) {
        if (has_default) { lua_pushvalue(L, base + 3); goto ok; }
        if (required) { rover_guard_required(g, msg); goto failed; }
        lua_pushnil(L);
        goto ok;
    }

    const int vt = lua_type(L, value);
    #define IS(name) (tlen == sizeof(name) - 1 && memcmp(type, name, sizeof(name) - 1) == 0)
    if (IS("string")) {
        if (vt != LUA_TSTRING) goto wrong_type;
        if (enums) {
            size_t vn = 0;
            const char *v = lua_tolstring(L, value, &vn);
            if (!rover_utf8_valid((const unsigned char *)v, vn)) return rover_guard_fail(g, base, "Invalid string value", "type");
            for (lua_Integer i = 1; i <= nenum; i++) {
                int hit = 0;
                if (lua_rawgeti(L, enums, i) == LUA_TSTRING) {
                    size_t n = 0;
                    const char *s = lua_tolstring(L, -1, &n);
                    hit = n == vn && memcmp(s, v, n) == 0;
                }
                lua_pop(L, 1);
                if (hit) { lua_pushvalue(L, value); goto ok; }
            }
            rover_guard_enum_error(g, enums, nenum, v, vn);
            goto failed;
        }
        lua_pushvalue(L, value);
        goto ok;
    }
    if (IS("number")) {
        if (vt != LUA_TNUMBER) goto wrong_type;
        lua_pushnumber(L, lua_tonumberx(L, value, NULL));  // an integer becomes a float
        goto ok;
    }
    if (IS("integer")) {
        if (vt != LUA_TNUMBER) goto wrong_type;
        if (lua_isinteger(L, value)) { lua_pushvalue(L, value); goto ok; }
        lua_Number n = lua_tonumberx(L, value, NULL);
        if (n - trunc(n) == 0) {  // Rust's fract() == 0: finite and integral; `as i64` saturates
            lua_pushinteger(L, n >= 9223372036854775807.0 ? INT64_MAX : n <= -9223372036854775808.0 ? INT64_MIN : (lua_Integer)n);
            goto ok;
        }
        rover_guard_not_integral(g, n);
        goto failed;
    }
    if (IS("boolean")) {
        if (vt != LUA_TBOOLEAN) goto wrong_type;
        lua_pushvalue(L, value);
        goto ok;
    }
    if (IS("array")) {
        if (vt != LUA_TTABLE) goto wrong_type;
        lua_createtable(L, 0, 0);                      // base + 5: the result
        lua_Integer n = (lua_Integer)lua_rawlen(L, value);
        if (lua_getfield(L, config, "element") != LUA_TTABLE) {  // base + 6
            return rover_guard_fail(g, base, "Invalid array element configuration", "config");
        }
        const int before = g->nerrs;
        const size_t plen = g->plen;
        for (lua_Integer i = 1; i <= n; i++) {
            lua_pushinteger(L, i);
            lua_gettable(L, value);                    // base + 7: table.get(i)
            char idx[24];
            int k = snprintf(idx, sizeof idx, "[%lld]", (long long)i);
            rover_guard_path_add(g, idx, (size_t)k);
            if (rover_guard_field(g, base + 7, base + 6)) lua_rawseti(L, base + 5, i);
            g->plen = plen;
            lua_settop(L, base + 6);
        }
        if (g->nerrs != before) goto failed;
        lua_pushvalue(L, base + 5);
        goto ok;
    }
    if (IS("object")) {
        if (vt != LUA_TTABLE) goto wrong_type;
        if (lua_getfield(L, config, "schema") != LUA_TTABLE) {
            return rover_guard_fail(g, base, "Invalid object schema configuration", "config");
        }
        if (!rover_guard_table(g, value, lua_gettop(L))) goto failed;
        goto ok;
    }
    rover_guard_unknown(g, type, tlen);  // `type` lives in slot base + 1
    goto failed;
    #undef IS
wrong_type:
    rover_guard_wrong_type(g, type, tlen, value);
failed:
    lua_settop(L, base);
    return 0;
ok:
    lua_replace(L, base + 1);
    lua_settop(L, base + 1);
    return 1;
}

typedef struct RoverGuardKey { const char *s; size_t n; int slot; } RoverGuardKey;

static int rover_guard_key_cmp(const void *a, const void *b) {
    const RoverGuardKey *x = (const RoverGuardKey *)a, *y = (const RoverGuardKey *)b;
    int c = memcmp(x->s, y->s, x->n < y->n ? x->n : y->n);
    return c != 0 ? c : (x->n > y->n) - (x->n < y->n);
}

/// Validates the table at `data` against the schema table at `schema`; the current path is the
/// context (`user` → `user.name`). Returns 1 with the validated table pushed, or 0 with nothing
/// pushed (its errors recorded).
static int rover_guard_table(RoverGuard *g, int data, int schema) {
    lua_State *L = g->L;
    if (++g->depth > ROVER_GUARD_DEPTH_MAX) luaL_error(L, "validation: schema nesting deeper than %d", ROVER_GUARD_DEPTH_MAX);
    luaL_checkstack(L, 8, "validation");
    const int base = lua_gettop(L);
    lua_createtable(L, 0, 0);  // base + 1: the result
    // The fields: (name, config) pairs; a name that is not a (UTF-8) string or number, or a config
    // that is not a table, fails the whole schema, as Rover's collect::<Result<Vec<(String, Table)>>>.
    // Each name (as a string) and config is kept on the stack; the names are then sorted.
    RoverGuardKey small[ROVER_GUARD_SMALL];
    RoverGuardKey *keys = small;
    int n = 0, cap = ROVER_GUARD_SMALL, bad = 0;
    lua_pushnil(L);
    while (lua_next(L, schema)) {
        int kt = lua_type(L, -2);
        if ((kt != LUA_TSTRING && kt != LUA_TNUMBER) || lua_type(L, -1) != LUA_TTABLE) { bad = 1; break; }
        if (n == cap) {  // more fields than fit here: a userdata array below the pairs
            luaL_checkstack(L, 4, "validation");
            RoverGuardKey *more = (RoverGuardKey *)lua_newuserdatauv(L, sizeof(RoverGuardKey) * (size_t)cap * 2, 0);
            memcpy(more, keys, sizeof(RoverGuardKey) * (size_t)n);
            lua_insert(L, base + 2);  // under every kept pair; their slots move up by one
            for (int k = 0; k < n; k++) more[k].slot += 1;
            keys = more; cap *= 2;
        }
        luaL_checkstack(L, 4, "validation");
        lua_pushvalue(L, -2);      // key config name
        lua_insert(L, -3);         // name key config
        lua_insert(L, -2);         // name config key (for lua_next)
        size_t kn = 0;
        const char *ks = lua_tolstring(L, -3, &kn);  // a number name becomes its text (a copy)
        if (!rover_utf8_valid((const unsigned char *)ks, kn)) { bad = 1; break; }
        keys[n].s = ks; keys[n].n = kn; keys[n].slot = lua_gettop(L) - 2;
        n++;
    }
    if (bad) {
        lua_settop(L, base);
        lua_pushliteral(L, "Failed to read schema pairs");
        rover_guard_record(g, "config");
        g->depth--;
        return 0;
    }
    if (n > 1) qsort(keys, (size_t)n, sizeof *keys, rover_guard_key_cmp);
    const int before = g->nerrs;
    const size_t plen = g->plen;
    for (int k = 0; k < n; k++) {
        if (plen > 0) rover_guard_path_add(g, ".", 1);
        rover_guard_path_add(g, keys[k].s, keys[k].n);
        lua_pushvalue(L, keys[k].slot);
        lua_gettable(L, data);  // data.get(name): metamethods run, as in Rover
        int top = lua_gettop(L);
        if (rover_guard_field(g, top, keys[k].slot + 1)) {
            lua_pushvalue(L, keys[k].slot);
            lua_insert(L, -2);
            lua_rawset(L, base + 1);
        }
        lua_settop(L, top - 1);
        g->plen = plen;
    }
    g->depth--;
    if (g->nerrs != before) { lua_settop(L, base); return 0; }
    lua_settop(L, base + 1);
    return 1;
}

/// Raises the collected errors: a 400 rejection {status, message, errors}. `errors` is the list of
/// {field, message, type} records (the engine answers {"errors": […]}); `message` is Rover's
/// ValidationErrors text, which tostring() of the rejection gives.
static int rover_guard_raise(RoverGuard *g) {
    lua_State *L = g->L;
    lua_settop(L, g->errs);
    RoverBuf b;
    rover_buf_init(L, &b);
    rover_buf_add(&b, "Validation failed for request body:\n\n", 37);
    for (int i = 1; i <= g->nerrs; i++) {
        const char *part[3];
        size_t len[3];
        static const char *const names[3] = { "field", "message", "type" };
        for (int k = 0; k < 3; k++) {  // each string stays alive in its record: pop before adding
            lua_rawgeti(L, g->errs, i);
            lua_getfield(L, -1, names[k]);
            part[k] = lua_tolstring(L, -1, &len[k]);
            lua_pop(L, 2);
        }
        char num[32];
        int k = snprintf(num, sizeof num, "  %d. Field '", i);
        rover_buf_add(&b, num, (size_t)k);
        rover_buf_add(&b, part[0], len[0]);
        rover_buf_add(&b, "'\n     Error: ", 14);
        rover_buf_add(&b, part[1], len[1]);
        rover_buf_add(&b, "\n     Type: ", 12);
        rover_buf_add(&b, part[2], len[2]);
        rover_buf_addchar(&b, '\n');
        if (i < g->nerrs) rover_buf_addchar(&b, '\n');
    }
    rover_buf_push(&b);                       // errs text
    lua_createtable(L, 0, 3);                 // errs text rejection
    lua_pushinteger(L, 400);
    lua_setfield(L, -2, "status");
    lua_insert(L, -2);                        // errs rejection text
    lua_setfield(L, -2, "message");
    lua_insert(L, -2);                        // rejection errs
    lua_setfield(L, -2, "errors");
    lua_rawgetp(L, LUA_REGISTRYINDEX, rover_key_rejection_mt());
    lua_setmetatable(L, -2);
    return lua_error(L);
}

/// Validates the table at `data` against the table at `schema`: pushes the validated table, or
/// raises the validation errors.
static int rover_guard_validate(lua_State *L, int data, int schema, int core) {
    data = lua_absindex(L, data);
    schema = lua_absindex(L, schema);
    RoverGuard g;
    g.L = L; g.nerrs = 0; g.core = core; g.depth = 0; g.plen = 0;
    lua_pushnil(L);
    g.errs = lua_gettop(L);
    if (!rover_guard_table(&g, data, schema) || g.nerrs > 0) return rover_guard_raise(&g);
    lua_remove(L, g.errs);
    return 1;
}

// MARK: - What Lua calls

/// Raises `message` as it is, without a position (Rover's RuntimeError texts carry none).
static int rover_guard_error(lua_State *L, const char *message) {
    lua_pushstring(L, message);
    return lua_error(L);
}

/// body:expect(schema) on the built-in body value (the body string): the body parsed as JSON (a
/// malformed text is the engine's 400, as :json()), which must be an object (a table), validated.
static int rover_body_expect(lua_State *L) {
    size_t n = 0;
    const char *s = luaL_checklstring(L, 1, &n);
    luaL_checktype(L, 2, LUA_TTABLE);
    lua_settop(L, 2);
    rover_json_decode(L, (const unsigned char *)s, n);
    if (lua_type(L, 3) != LUA_TTABLE) return rover_guard_error(L, "Request body must be a JSON object");
    return rover_guard_validate(L, 3, 2, 0);
}

/// t:expect(schema) on a table :json() / :raw() returned (Rover's attach_expect_metatable).
static int rover_json_table_expect(lua_State *L) {
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_checktype(L, 2, LUA_TTABLE);
    return rover_guard_validate(L, 1, 2, 0);
}

/// rover.guard(data, schema): the guard table's __call (rover-core/src/surface.rs).
static int rover_guard_call(lua_State *L) {
    if (lua_type(L, 2) != LUA_TTABLE) return rover_guard_error(L, "First argument must be a table");
    if (lua_type(L, 3) != LUA_TTABLE) return rover_guard_error(L, "Second argument must be a table");
    return rover_guard_validate(L, 2, 3, 1);
}

/// The error list of a validation error raised above, else nil (for api:error in the prelude).
static int rover_guard_errors_of(lua_State *L) {
    if (!rover_is_rejection(L, 1)) { lua_pushnil(L); return 1; }
    lua_pushliteral(L, "errors");
    if (lua_rawget(L, 1) != LUA_TTABLE) { lua_pop(L, 1); lua_pushnil(L); }
    return 1;
}

/// Once per VM: the metatable of :json() tables ({__index = {expect = …}}) and the functions the
/// prelude takes from the global `__rover_guard` (and then clears).
static inline void rover_install_guard(lua_State *L) {
    lua_createtable(L, 0, 1);
    lua_createtable(L, 0, 1);
    lua_pushcfunction(L, rover_json_table_expect);
    lua_setfield(L, -2, "expect");
    lua_setfield(L, -2, "__index");
    lua_rawsetp(L, LUA_REGISTRYINDEX, rover_key_json_mt());

    lua_createtable(L, 0, 2);
    lua_pushcfunction(L, rover_guard_call);
    lua_setfield(L, -2, "call");
    lua_pushcfunction(L, rover_guard_errors_of);
    lua_setfield(L, -2, "errors_of");
    lua_setglobal(L, "__rover_guard");
}

#endif
