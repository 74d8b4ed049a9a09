// Body values: what ctx:body() returns.
//
// With `rover.guard.__body_value` defined by the app, ctx:body() returns what it builds from
// (body string, table of byte values), after checking the body is UTF-8, exactly as the seed's
// lazy-context code does. Otherwise the body value is the body string itself, and the methods
// Rover's BodyValue has (:json() :raw() :text() :as_string() :echo() :bytes(), and :expect() from
// rover_guard.h) come from the string metatable: a per-VM index table that holds them and falls
// back to the `string` library.
// So the built-in body value costs nothing per request (no userdata, no closure), `#body` and
// `..` keep working, and every context builder returns the same value.
#ifndef ROVER_BODY_H
#define ROVER_BODY_H

#include "rover_guard.h"

static inline void rover_push_byte_table(lua_State *L, const unsigned char *s, size_t n) {
    lua_createtable(L, n > INT32_MAX ? INT32_MAX : (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        lua_pushinteger(L, s[i]);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
}

static inline int rover_push_guard_body(lua_State *L, const RoverRequest *r) {
    if (lua_getglobal(L, "rover") != LUA_TTABLE) { lua_pop(L, 1); return 0; }
    lua_pushliteral(L, "guard");
    if (lua_rawget(L, -2) != LUA_TTABLE) { lua_pop(L, 2); return 0; }
    lua_pushliteral(L, "__body_value");
    if (lua_rawget(L, -2) != LUA_TFUNCTION) { lua_pop(L, 3); return 0; }
    if (!rover_utf8_valid(r->body, r->body_len)) return luaL_error(L, "Invalid UTF-8 in body");
    lua_pushlstring(L, (const char *)r->body, r->body_len);
    rover_push_byte_table(L, r->body, r->body_len);
    lua_call(L, 2, 1);
    lua_replace(L, -3);  // the result replaces `rover`; drop `guard`
    lua_pop(L, 1);
    return 1;
}

// MARK: - Built-in body value methods (self is the body string)

/// :json() / :raw(): a table gets the per-VM metatable whose __index holds `expect` (Rover's
/// attach_expect_metatable makes one per call; one shared table does the same without allocating).
static int rover_body_json(lua_State *L) {
    size_t n = 0;
    const char *s = luaL_checklstring(L, 1, &n);
    rover_json_decode(L, (const unsigned char *)s, n);
    if (lua_type(L, -1) == LUA_TTABLE) {
        lua_rawgetp(L, LUA_REGISTRYINDEX, rover_key_json_mt());
        lua_setmetatable(L, -2);
    }
    return 1;
}

static int rover_body_text(lua_State *L) {
    luaL_checktype(L, 1, LUA_TSTRING);
    lua_settop(L, 1);
    return 1;
}

static int rover_body_bytes(lua_State *L) {
    size_t n = 0;
    const char *s = luaL_checklstring(L, 1, &n);
    rover_push_byte_table(L, (const unsigned char *)s, n);
    return 1;
}

static int rover_body_unsupported(lua_State *L) {
    return luaL_error(L, "body:%s() is not supported by rover-bench", lua_tostring(L, lua_upvalueindex(1)));
}

/// tostring() of a rejection: its message (for a validation error, Rover's ValidationErrors text).
static int rover_rejection_tostring(lua_State *L) {
    lua_pushliteral(L, "message");
    if (lua_rawget(L, 1) != LUA_TSTRING) { lua_pop(L, 1); lua_pushliteral(L, "rejection"); }
    return 1;
}

/// Once per VM, after luaL_openlibs: the rejection metatable, validation (rover_guard.h), and the
/// body methods in front of the `string` library as the string metatable's __index.
static inline void rover_install_body(lua_State *L) {
    lua_createtable(L, 0, 1);
    lua_pushcfunction(L, rover_rejection_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_rawsetp(L, LUA_REGISTRYINDEX, rover_key_rejection_mt());
    rover_install_guard(L);

    lua_pushliteral(L, "");
    lua_getmetatable(L, -1);          // "" mt
    lua_getfield(L, -1, "__index");   // "" mt string
    lua_createtable(L, 0, 32);        // "" mt string methods
    lua_pushnil(L);
    while (lua_next(L, -3)) {         // copy the library: no extra hop for s:sub() and friends
        lua_pushvalue(L, -2);
        lua_insert(L, -2);
        lua_rawset(L, -4);
    }
    static const luaL_Reg methods[] = {
        { "json", rover_body_json }, { "raw", rover_body_json }, { "text", rover_body_text },
        { "as_string", rover_body_text }, { "echo", rover_body_text }, { "bytes", rover_body_bytes },
        { "expect", rover_body_expect }, { NULL, NULL },
    };
    luaL_setfuncs(L, methods, 0);
    const char *unsupported[] = { "file", "files", "form", "multipart", NULL };
    for (int i = 0; unsupported[i]; i++) {
        lua_pushstring(L, unsupported[i]);
        lua_pushcclosure(L, rover_body_unsupported, 1);
        lua_setfield(L, -2, unsupported[i]);
    }
    lua_createtable(L, 0, 1);         // later additions to `string` still answer
    lua_pushvalue(L, -3);
    lua_setfield(L, -2, "__index");
    lua_setmetatable(L, -2);
    lua_setfield(L, -3, "__index");   // "" mt string
    lua_pop(L, 3);
}

#endif
