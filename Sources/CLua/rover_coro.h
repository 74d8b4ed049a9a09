// Running a handler in a coroutine (what Rover ships, rover-server/src/http_task.rs
// `execute_handler_coroutine`): start, resume after a yield, and describe an error, from C so that
// nothing Lua raises unwinds a Swift frame (lua_resume is a protected call, like lua_pcall).
//
// The instruction budget inside coroutines: Lua's hooks are per thread, so each thread counts its
// own instructions in quanta and subtracts them from the one budget of the running request
// (`remaining` in RoverVMState). The main thread's hook is installed when the VM is made, so every
// thread created later (by coroutine.create / wrap, while loading or while handling) inherits it.
#ifndef ROVER_CORO_H
#define ROVER_CORO_H

#include "rover_vm.h"

/// Makes a coroutine (a new thread) and leaves it on L's stack, for the caller to anchor in the
/// registry. Stack: +1.
static inline lua_State *rover_co_new(lua_State *L) { return lua_newthread(L); }

/// Moves the function and its `n - 1` arguments on top of L onto the coroutine's empty stack, and
/// restarts the coroutine's instruction count (it runs one request from now on). Stack: -n.
static inline void rover_co_load(lua_State *L, lua_State *co, int n) {
    lua_xmove(L, co, n);
    rover_budget_thread(co, rover_vmstate(L)->budget);
}

/// Resumes `co` with `nargs` values on its stack under the VM's memory limit and `*remaining`
/// instructions; stores the instructions left back. Returns lua_resume's status; on LUA_OK the
/// first result (or nil) is moved onto L's stack (+1) and co's stack is emptied for reuse; on
/// LUA_YIELD the yielded values are dropped; on an error the error object stays on co's stack.
static inline int rover_co_resume(lua_State *L, lua_State *co, int nargs, long long *remaining) {
    RoverVMState *st = rover_vmstate(L);
    st->limit_hit = 0;
    st->budget_hit = 0;
    st->remaining = *remaining;
    st->budget_armed = st->budget > 0;
    st->limit_armed = 1;
    int nres = 0;
    int status = lua_resume(co, L, nargs, &nres);
    st->limit_armed = 0;
    st->budget_armed = 0;
    *remaining = st->remaining;
    if (status == LUA_OK) {
        if (nres == 0) lua_pushnil(co);
        else if (nres > 1) lua_pop(co, nres - 1);
        lua_xmove(co, L, 1);
        lua_settop(co, 0);
    } else if (status == LUA_YIELD) {
        lua_pop(co, nres);
    }
    return status;
}

static int rover_co_describe(lua_State *L) {
    lua_State *co = (lua_State *)lua_touserdata(L, 2);
    lua_settop(L, 1);
    const char *msg = lua_tostring(L, 1);
    if (msg == NULL) {
        if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING) return 1;
        msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
    }
    luaL_traceback(L, co, msg, 0);
    return 1;
}

/// Moves the error object from the top of the dead coroutine's stack onto L. Stack of L: +1.
static inline void rover_co_take_error(lua_State *L, lua_State *co) { lua_xmove(co, L, 1); }

/// Replaces the error object on top of L (taken from the dead coroutine) by its message and the
/// coroutine's traceback, as rover_msgh does for lua_pcall, in a protected call (a __tostring
/// metamethod may raise). Returns LUA_OK, or the status of that call (its error object is then on
/// top instead). Stack of L: unchanged in size.
static inline int rover_co_describe_error(lua_State *L, lua_State *co) {
    lua_pushcfunction(L, rover_co_describe);
    lua_insert(L, -2);
    lua_pushlightuserdata(L, co);
    return lua_pcall(L, 2, 1, 0);
}

#endif
