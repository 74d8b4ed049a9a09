// JSON text → Lua values, for the built-in body value's :json(). C, because it runs inside a
// handler and raises Lua errors (rover_vm.h explains why such code is C).
//
// Objects become tables with string keys, arrays become sequences, `null` becomes nil, integers
// that fit stay integers, other numbers are floats. A malformed text raises a *rejection*: a table
// {status = 400, message = "Invalid JSON: …"} with a per-VM metatable that the message handler
// passes through untouched and the engine answers as that status with a JSON error.
#ifndef ROVER_JSON_H
#define ROVER_JSON_H

#include <errno.h>
#include <stdio.h>
#include "rover_request.h"

/// Whether s[0..<n] is well-formed UTF-8 (Unicode Table 3-7).
static inline int rover_utf8_valid(const unsigned char *s, size_t n) {
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        if (c < 0x80) { i++; continue; }
        int len; unsigned char lo = 0x80, hi = 0xBF;
        if (c >= 0xC2 && c <= 0xDF) len = 2;
        else if (c == 0xE0) { len = 3; lo = 0xA0; }
        else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) len = 3;
        else if (c == 0xED) { len = 3; hi = 0x9F; }
        else if (c == 0xF0) { len = 4; lo = 0x90; }
        else if (c >= 0xF1 && c <= 0xF3) len = 4;
        else if (c == 0xF4) { len = 4; hi = 0x8F; }
        else return 0;
        if (i + (size_t)len > n || s[i + 1] < lo || s[i + 1] > hi) return 0;
        for (int k = 2; k < len; k++) if (s[i + k] < 0x80 || s[i + k] > 0xBF) return 0;
        i += (size_t)len;
    }
    return 1;
}

typedef struct RoverJSON { lua_State *L; const unsigned char *s; size_t n, i; int depth; } RoverJSON;

static int rover_json_fail(RoverJSON *p, const char *what) {
    char msg[120];
    snprintf(msg, sizeof msg, "Invalid JSON: %s at byte %zu", what, p->i);
    return rover_reject(p->L, 400, msg);
}

static inline void rover_json_ws(RoverJSON *p) {
    while (p->i < p->n && (p->s[p->i] == ' ' || p->s[p->i] == '\t' || p->s[p->i] == '\n' || p->s[p->i] == '\r')) p->i++;
}

static inline void rover_json_utf8(RoverBuf *b, unsigned long c) {
    char u[4];
    int n;
    if (c < 0x80) { u[0] = (char)c; n = 1; }
    else if (c < 0x800) { u[0] = (char)(0xC0 | (c >> 6)); u[1] = (char)(0x80 | (c & 0x3F)); n = 2; }
    else if (c < 0x10000) { u[0] = (char)(0xE0 | (c >> 12)); u[1] = (char)(0x80 | ((c >> 6) & 0x3F)); u[2] = (char)(0x80 | (c & 0x3F)); n = 3; }
    else { u[0] = (char)(0xF0 | (c >> 18)); u[1] = (char)(0x80 | ((c >> 12) & 0x3F)); u[2] = (char)(0x80 | ((c >> 6) & 0x3F)); u[3] = (char)(0x80 | (c & 0x3F)); n = 4; }
    rover_buf_add(b, u, (size_t)n);
}

static long rover_json_hex4(RoverJSON *p) {
    if (p->i + 4 > p->n) return -1;
    long v = 0;
    for (int k = 0; k < 4; k++) {
        int h = rover_hexval(p->s[p->i + k]);
        if (h < 0) return -1;
        v = v * 16 + h;
    }
    p->i += 4;
    return v;
}

/// Pushes the string starting after the opening quote.
static void rover_json_string(RoverJSON *p) {
    RoverBuf b;
    rover_buf_init(p->L, &b);
    for (;;) {
        size_t start = p->i;
        while (p->i < p->n && p->s[p->i] != '"' && p->s[p->i] != '\\' && p->s[p->i] >= 0x20) p->i++;
        rover_buf_add(&b, (const char *)p->s + start, p->i - start);
        if (p->i >= p->n) { rover_json_fail(p, "unterminated string"); return; }
        unsigned char c = p->s[p->i++];
        if (c == '"') break;
        if (c < 0x20) { p->i--; rover_json_fail(p, "control character in string"); return; }
        if (p->i >= p->n) { rover_json_fail(p, "unterminated string"); return; }
        unsigned char e = p->s[p->i++];
        switch (e) {
        case '"': rover_buf_addchar(&b, '"'); break;
        case '\\': rover_buf_addchar(&b, '\\'); break;
        case '/': rover_buf_addchar(&b, '/'); break;
        case 'b': rover_buf_addchar(&b, '\b'); break;
        case 'f': rover_buf_addchar(&b, '\f'); break;
        case 'n': rover_buf_addchar(&b, '\n'); break;
        case 'r': rover_buf_addchar(&b, '\r'); break;
        case 't': rover_buf_addchar(&b, '\t'); break;
        case 'u': {
            long u = rover_json_hex4(p);
            if (u < 0) { rover_json_fail(p, "bad \\u escape"); return; }
            if (u >= 0xD800 && u <= 0xDBFF && p->i + 6 <= p->n && p->s[p->i] == '\\' && p->s[p->i + 1] == 'u') {
                p->i += 2;
                long lo = rover_json_hex4(p);
                if (lo >= 0xDC00 && lo <= 0xDFFF) u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
                else { rover_json_fail(p, "bad surrogate pair"); return; }
            } else if (u >= 0xD800 && u <= 0xDFFF) {
                u = 0xFFFD;  // a lone surrogate has no UTF-8 form
            }
            rover_json_utf8(&b, (unsigned long)u);
            break;
        }
        default: p->i--; rover_json_fail(p, "bad escape"); return;
        }
    }
    rover_buf_push(&b);
}

static void rover_json_number(RoverJSON *p) {
    size_t start = p->i;
    int is_float = 0;
    if (p->i < p->n && p->s[p->i] == '-') p->i++;
    if (p->i >= p->n || p->s[p->i] < '0' || p->s[p->i] > '9') { rover_json_fail(p, "bad number"); return; }
    if (p->s[p->i] == '0') p->i++; else while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9') p->i++;
    if (p->i < p->n && p->s[p->i] == '.') {
        is_float = 1; p->i++;
        if (p->i >= p->n || p->s[p->i] < '0' || p->s[p->i] > '9') { rover_json_fail(p, "bad number"); return; }
        while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9') p->i++;
    }
    if (p->i < p->n && (p->s[p->i] == 'e' || p->s[p->i] == 'E')) {
        is_float = 1; p->i++;
        if (p->i < p->n && (p->s[p->i] == '+' || p->s[p->i] == '-')) p->i++;
        if (p->i >= p->n || p->s[p->i] < '0' || p->s[p->i] > '9') { rover_json_fail(p, "bad number"); return; }
        while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9') p->i++;
    }
    char buf[64];
    size_t len = p->i - start;
    if (len >= sizeof buf) { is_float = 1; len = sizeof buf - 1; }  // long numbers: a float
    memcpy(buf, p->s + start, len);
    buf[len] = 0;
    if (!is_float) {
        errno = 0;
        long long v = strtoll(buf, NULL, 10);
        if (errno == 0) { lua_pushinteger(p->L, (lua_Integer)v); return; }
    }
    lua_pushnumber(p->L, (lua_Number)strtod(buf, NULL));
}

static void rover_json_value(RoverJSON *p);

static void rover_json_container(RoverJSON *p, int object) {
    if (++p->depth > 200) { rover_json_fail(p, "nesting deeper than 200"); return; }
    luaL_checkstack(p->L, 4, "JSON nesting");
    lua_newtable(p->L);
    lua_Integer k = 0;
    rover_json_ws(p);
    if (p->i < p->n && p->s[p->i] == (object ? '}' : ']')) { p->i++; p->depth--; return; }
    for (;;) {
        rover_json_ws(p);
        if (object) {
            if (p->i >= p->n || p->s[p->i] != '"') { rover_json_fail(p, "expected a string key"); return; }
            p->i++;
            rover_json_string(p);
            rover_json_ws(p);
            if (p->i >= p->n || p->s[p->i] != ':') { rover_json_fail(p, "expected ':'"); return; }
            p->i++;
            rover_json_value(p);
            lua_rawset(p->L, -3);
        } else {
            rover_json_value(p);
            lua_rawseti(p->L, -2, ++k);
        }
        rover_json_ws(p);
        if (p->i < p->n && p->s[p->i] == ',') { p->i++; continue; }
        if (p->i < p->n && p->s[p->i] == (object ? '}' : ']')) { p->i++; p->depth--; return; }
        rover_json_fail(p, object ? "expected ',' or '}'" : "expected ',' or ']'");
        return;
    }
}

static inline int rover_json_word(RoverJSON *p, const char *w, size_t n) {
    if (p->i + n > p->n || memcmp(p->s + p->i, w, n) != 0) return 0;
    p->i += n;
    return 1;
}

static void rover_json_value(RoverJSON *p) {
    rover_json_ws(p);
    if (p->i >= p->n) { rover_json_fail(p, "unexpected end"); return; }
    unsigned char c = p->s[p->i];
    if (c == '{') { p->i++; rover_json_container(p, 1); }
    else if (c == '[') { p->i++; rover_json_container(p, 0); }
    else if (c == '"') { p->i++; rover_json_string(p); }
    else if (c == '-' || (c >= '0' && c <= '9')) rover_json_number(p);
    else if (rover_json_word(p, "true", 4)) lua_pushboolean(p->L, 1);
    else if (rover_json_word(p, "false", 5)) lua_pushboolean(p->L, 0);
    else if (rover_json_word(p, "null", 4)) lua_pushnil(p->L);
    else rover_json_fail(p, "unexpected character");
}

/// Pushes the Lua value of the JSON text s[0..<n]; raises a 400 rejection when it is malformed.
static inline void rover_json_decode(lua_State *L, const unsigned char *s, size_t n) {
    RoverJSON p = { L, s, n, 0, 0 };
    rover_json_value(&p);
    rover_json_ws(&p);
    if (p.i != p.n) rover_json_fail(&p, "trailing characters");
}

#endif
